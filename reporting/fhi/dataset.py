"""The evaluation data set in the form FHI used (domain.md §5), pseudonymised.

Only clients whose current research consent (referrals.Consent, party "research") is given,
and none whose latest research entry for any recipient is a refusal. Two files:

- episodes: one row per episode (behandlingsforløp): demographics, referral source, work
  and sick leave at the start and the end, dates, steps, sessions, first and last scores,
  outcome, end reason.
- events: one row per session, per course meeting the client was expected at, and per
  PHQ-9 / GAD-7 response with every item answer.

Never a name, a fødselsnummer, a phone number, an address or any free text: every column is
a code, a number or a date (the data dictionary below lists each one's allowed values).
Clients and episodes are named by pseudonyms (reporting.exports.safety) under the team
lead's key, or the app's key (settings.EXPORT_KEY) when none is given. Ages are bands. Dates
are the real ones, or all of a client's dates moved by the client's own offset.

Rows are read with `.iterator(chunk_size=...)`, so memory stays flat however many there are.
"""

import datetime
import gc
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from intake.age import age_at_contact
from intake.assessments.choices import (
    Decision,
    Education,
    ImmigrantBackground,
    Sex,
    Step,
    WorkStatus,
)
from intake.models import AssessmentOffer, Channel, Client, Consent, Party, Referrer
from questionnaires.models import Capture, Response
from reporting.exports.safety import pseudonym, shift_days, shifted
from reporting.figures import reach
from reporting.grant.report import end_epikrise_facts, work_status_end
from rph.accounts.models import Team
from treatment.models import (
    FINAL_SCORE_GRACE,
    OUTCOME_CODES,
    TREATMENT_PURPOSES,
    Attendance,
    CourseKind,
    EndReason,
    Episode,
    MeetingAttendance,
    Offer,
    Session,
    SessionMode,
    SessionPurpose,
)
from treatment.outcomes import RULE_VERSION, Headline, episode_outcome

CHUNK = 2000
LOW_INTENSITY = {Step.GUIDED_SELF_HELP, Step.COURSE}
ITEMS = 10  # PHQ-9 has nine scored items and the unscored item 10; GAD-7 has seven


def age_band(age: int | None) -> str:
    """The dashboard's bands (one definition, reporting.figures), by key; empty if unknown."""
    band = reach.age_band(age)
    return "" if band == reach.UNKNOWN else band


def intensity(steps: Iterable[int]) -> str:
    """IAPT's intensity: steps 1-2 are low, step 3 high."""
    chosen = set(steps)
    low, high = bool(chosen & LOW_INTENSITY), Step.INDIVIDUAL in chosen
    return {(True, False): "low", (False, True): "high", (True, True): "both"}.get((low, high), "")


def yes_no(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "no")


def codes(values: Iterable[object]) -> str:
    return ";".join(str(value) for value in values)


@dataclass(frozen=True)
class Pseudonymiser:
    key: bytes
    shift_dates: bool

    def client(self, client_id: int) -> str:
        return pseudonym(self.key, "client", client_id)

    def episode(self, episode_id: int | None) -> str:
        return pseudonym(self.key, "episode", episode_id) if episode_id else ""

    def day(
        self, client_id: int, value: datetime.date | datetime.datetime | None
    ) -> datetime.date | None:
        if isinstance(value, datetime.datetime):
            value = timezone.localdate(value)
        return shifted(value, shift_days(self.key, client_id)) if self.shift_dates else value


def export_key(entered: str) -> bytes:
    """The team lead's key, or the app's own (settings.EXPORT_KEY, from RPH_EXPORT_KEY)."""
    return (entered or settings.EXPORT_KEY).encode()


# Who is in the data set.


def research_consented(team: Team) -> models.QuerySet[Client]:
    current = Consent.objects.current().filter(client=models.OuterRef("pk"), party=Party.RESEARCH)
    return (
        Client.objects.filter(team=team)
        .filter(models.Exists(current.filter(given=True)))
        .exclude(models.Exists(current.filter(given=False)))
    )


def _consented_ids(team: Team) -> models.Subquery:
    return models.Subquery(research_consented(team).values("pk"))


def _count(rows: models.QuerySet) -> Coalesce:
    counted = rows.order_by().values("episode").annotate(n=models.Count("pk")).values("n")
    return Coalesce(models.Subquery(counted), 0)


def _episodes(team: Team) -> models.QuerySet[Episode]:
    sessions = Session.objects.filter(episode=models.OuterRef("pk"))
    meetings = MeetingAttendance.objects.filter(
        episode=models.OuterRef("pk"), attended=True, meeting__cancelled=False
    )
    consent = Consent.objects.filter(
        client=models.OuterRef("client"), party=Party.RESEARCH, given=True
    ).order_by("-recorded_at", "-pk")
    offers = Offer.objects.order_by("started_on", "pk").only("episode_id", "step")
    return (
        Episode.objects.filter(team=team, client__in=_consented_ids(team))
        .with_treatment_start()
        .with_outcome_facts()
        .prefetch_related(models.Prefetch("offers", queryset=offers, to_attr="step_offers"))
        .annotate(
            end_facts=end_epikrise_facts(),
            individual_attended=_count(
                sessions.filter(attendance=Attendance.ATTENDED, purpose__in=TREATMENT_PURPOSES)
            ),
            not_attended=_count(sessions.filter(attendance=Attendance.DID_NOT_ATTEND)),
            meetings_attended=_count(meetings),
            consented_at=models.Subquery(consent.values("recorded_at")[:1]),
        )
        .order_by("client_id", "started_at", "pk")
    )


def episode_count(team: Team) -> int:
    return Episode.objects.filter(team=team, client__in=_consented_ids(team)).count()


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # text, integer, date, codes (several codes joined by ";")
    meaning: str | Promise
    allowed: str | Promise = ""
    choices: type[models.Choices] | None = None

    @property
    def allowed_values(self) -> str:
        """The allowed values; codes with their meaning in the current language."""
        if self.choices is None:
            return str(self.allowed)
        return ", ".join(f"{value} ({label})" for value, label in self.choices.choices)


YES_NO = _("yes, no, or empty when not known")
PSEUDONYM = _("16 characters A-Z and 2-7")
DATE = _("YYYY-MM-DD; empty when not known")

EPISODE_COLUMNS = (
    Column("client", "text", _("The client's pseudonym under the export key."), PSEUDONYM),
    Column("episode", "text", _("The episode's pseudonym under the export key."), PSEUDONYM),
    Column(
        "age_band",
        "text",
        _("Age at the contact, in bands."),
        ", ".join([reach.UNDER_16, *(key for key, *_limits in reach.AGE_BANDS)]),
    ),
    Column("sex", "text", _("Sex, as the client stated it at the assessment."), choices=Sex),
    Column("education", "text", _("Highest education, from the assessment."), choices=Education),
    Column(
        "immigrant_background",
        "text",
        _("Immigrant background, from the assessment."),
        choices=ImmigrantBackground,
    ),
    Column(
        "referral_source",
        "text",
        _("Who referred the client (the contact that led to the assessment)."),
        choices=Referrer,
    ),
    Column("contact_channel", "text", _("How the contact came in."), choices=Channel),
    Column(
        "work_status_start",
        "codes",
        _("Work status at the assessment; several may apply."),
        choices=WorkStatus,
    ),
    Column(
        "work_percentage_start", "integer", _("Position in per cent at the assessment."), "1-100"
    ),
    Column("sick_leave_start", "text", _("On sick leave at the assessment."), YES_NO),
    Column(
        "sick_leave_percentage_start",
        "integer",
        _("Sick leave in per cent at the assessment."),
        "1-100",
    ),
    Column(
        "work_status_end",
        "codes",
        _("Work status at the end, from the approved end epikrise; empty when not known."),
        choices=WorkStatus,
    ),
    Column(
        "sick_leave_end",
        "text",
        _("On sick leave at the end, from the approved end epikrise."),
        YES_NO,
    ),
    Column(
        "sick_leave_percentage_end",
        "integer",
        _("Sick leave in per cent at the end, from the approved end epikrise."),
        "1-100",
    ),
    Column(
        "contact_date",
        "date",
        _("Date of the contact (henvendelse) that led to the assessment."),
        DATE,
    ),
    Column("assessment_date", "date", _("Date of the assessment conversation."), DATE),
    Column(
        "treatment_start_date",
        "date",
        _("First attended treatment session or course meeting, or self-help material given."),
        DATE,
    ),
    Column("end_date", "date", _("Date the episode ended; empty while it is open."), DATE),
    Column("decision", "text", _("Outcome of the assessment."), choices=Decision),
    Column(
        "steps",
        "codes",
        _("Steps offered in the episode, in the order they started."),
        choices=Step,
    ),
    Column(
        "intensity",
        "text",
        _("low: only steps 1-2; high: only step 3; both: both."),
        "low, high, both",
    ),
    Column(
        "treatment_sessions",
        "integer",
        _("Attended treatment sessions and course meetings (the assessment not counted)."),
        _("0 or more"),
    ),
    Column(
        "individual_sessions_attended",
        "integer",
        _("Attended individual sessions other than the assessment."),
        _("0 or more"),
    ),
    Column("course_meetings_attended", "integer", _("Course meetings attended."), _("0 or more")),
    Column(
        "sessions_not_attended",
        "integer",
        _("Sessions the client did not attend without cancelling."),
        _("0 or more"),
    ),
    Column("phq9_first", "integer", _("PHQ-9 total at the first paired measurement."), "0-27"),
    Column("gad7_first", "integer", _("GAD-7 total at the first paired measurement."), "0-21"),
    Column("phq9_last", "integer", _("PHQ-9 total at the last paired measurement."), "0-27"),
    Column("gad7_last", "integer", _("GAD-7 total at the last paired measurement."), "0-21"),
    Column("finished", "text", _("Ended with at least 2 attended treatment sessions."), YES_NO),
    Column(
        "outcome",
        "text",
        _("Outcome by the rules named in outcome_rules; empty without paired scores."),
        ", ".join(Headline),
    ),
    Column("outcome_rules", "text", _("Version of the outcome rules."), RULE_VERSION),
    Column("end_reason", "text", _("Why the episode ended."), choices=EndReason),
    Column(
        "research_consent",
        "text",
        _("Consent to research and evaluation (always yes: only they are exported)."),
        "yes",
    ),
    Column("research_consent_date", "date", _("Date the research consent was recorded."), DATE),
)

EVENT_COLUMNS = (
    Column("client", "text", _("The client's pseudonym under the export key."), PSEUDONYM),
    Column(
        "episode",
        "text",
        _("The episode's pseudonym; empty for a response outside any episode."),
        PSEUDONYM,
    ),
    Column("event", "text", _("What the row is."), "session, course_meeting, phq9, gad7"),
    Column(
        "date",
        "date",
        _("Date of the session or meeting, or when the questionnaire was answered."),
        DATE,
    ),
    Column("session_purpose", "text", _("Purpose of the session."), choices=SessionPurpose),
    Column("session_mode", "text", _("How the session was held."), choices=SessionMode),
    Column(
        "attendance", "text", _("Attendance at the session or course meeting."), choices=Attendance
    ),
    Column("duration_minutes", "integer", _("Length of the session or meeting."), "5-480"),
    Column(
        "step", "integer", _("Step of the offer the session or meeting belongs to."), choices=Step
    ),
    Column("course_kind", "text", _("Kind of course."), choices=CourseKind),
    Column("instrument_version", "text", _("Version of the questionnaire."), _("e.g. 1")),
    *(
        Column(
            f"item_{n}", "integer", _("Answer to the item with this number; empty if none."), "0-3"
        )
        for n in range(1, ITEMS + 1)
    ),
    Column("raw_sum", "integer", _("Sum of the scored answers given."), "0-27"),
    Column(
        "total",
        "integer",
        _("Total, prorated when items are missing; empty when too many are."),
        "0-27",
    ),
    Column("prorated", "text", _("The total was prorated for missing items."), YES_NO),
    Column("capture", "text", _("How the questionnaire was answered."), choices=Capture),
    Column(
        "occasion", "text", _("What the questionnaire was answered before."), "assessment, session"
    ),
)

FHI_TABLES = (("episodes", EPISODE_COLUMNS), ("events", EVENT_COLUMNS))


def episode_rows(team: Team, names: Pseudonymiser) -> Iterator[list[object]]:
    for n, episode in enumerate(_episodes(team).iterator(chunk_size=CHUNK), start=1):
        yield _episode_row(episode, names)
        if n % CHUNK == 0:
            # A prefetched response points back at its client: each chunk leaves reference
            # cycles that the collector would otherwise free late, so the peak would grow.
            gc.collect()


def _episode_row(episode: Episode, names: Pseudonymiser) -> list[object]:
    client_id = episode.client_id
    assessment = episode.assessment
    contact = assessment.contact if assessment else None
    work = (assessment.work_statuses or []) if assessment else []
    work_end = work_status_end(episode.end_facts)
    outcome = episode_outcome(episode)
    steps = [offer.step for offer in episode.step_offers]
    return [
        names.client(client_id),
        names.episode(episode.pk),
        age_band(_age(episode)),
        assessment.sex if assessment else "",
        assessment.education if assessment else "",
        assessment.immigrant_background if assessment else "",
        contact.referrer if contact else "",
        contact.channel if contact else "",
        codes(work),
        assessment.work_percentage if assessment else None,
        yes_no(WorkStatus.SICK_LEAVE in work) if work else "",
        assessment.sick_leave_percentage if assessment else None,
        codes(work_end.statuses) if work_end else "",
        yes_no(WorkStatus.SICK_LEAVE in work_end.statuses) if work_end else "",
        work_end.sick_leave_percentage if work_end else None,
        names.day(client_id, contact.registered_at if contact else None),
        names.day(client_id, assessment.held_at if assessment else None),
        names.day(client_id, episode.treatment_start),
        names.day(client_id, episode.ended_at),
        assessment.decision if assessment else "",
        codes(dict.fromkeys(steps)),
        intensity(steps),
        outcome.treatment_sessions,
        episode.individual_attended,
        episode.meetings_attended,
        episode.not_attended,
        outcome.first.phq9 if outcome.first else None,
        outcome.first.gad7 if outcome.first else None,
        outcome.last.phq9 if outcome.last else None,
        outcome.last.gad7 if outcome.last else None,
        yes_no(outcome.finished),
        str(outcome.outcome.headline) if outcome.outcome else "",
        RULE_VERSION,
        episode.end_reason,
        "yes",
        names.day(client_id, episode.consented_at),
    ]


def _age(episode: Episode) -> int | None:
    contact = episode.assessment.contact if episode.assessment else None
    return age_at_contact(
        episode.client.birth_date,
        contact.age_at_contact if contact else None,
        timezone.localdate(contact.registered_at if contact else episode.started_at),
    )


# The events file.


def _sessions(team: Team) -> models.QuerySet:
    return (
        Session.objects.filter(team=team, episode__client__in=_consented_ids(team))
        .order_by("episode__client_id", "starts_at", "pk")
        .values_list(
            "episode__client_id",
            "episode_id",
            "starts_at",
            "purpose",
            "mode",
            "attendance",
            "duration_minutes",
            "offer__step",
        )
    )


def _meetings(team: Team) -> models.QuerySet:
    return (
        MeetingAttendance.objects.filter(
            episode__team=team, episode__client__in=_consented_ids(team)
        )
        .order_by("episode__client_id", "meeting__starts_at", "pk")
        .values_list(
            "episode__client_id",
            "episode_id",
            "meeting__starts_at",
            "attended",
            "meeting__cancelled",
            "meeting__duration_minutes",
            "enrolment__offer__step",
            "meeting__run__course_type__kind",
        )
    )


def _responses(team: Team) -> models.QuerySet:
    # The episode a response counts for, by the same window as Episode.score_points: from
    # the contact that led to the episode until FINAL_SCORE_GRACE after its end.
    window_start = Coalesce("assessment__contact__registered_at", "started_at")
    episode = (
        Episode.objects.filter(client=models.OuterRef("client"))
        .annotate(
            window_start=window_start,
            counts_until=models.ExpressionWrapper(
                models.F("ended_at") + FINAL_SCORE_GRACE, output_field=models.DateTimeField()
            ),
        )
        .filter(window_start__lte=models.OuterRef("answered_at"))
        .filter(
            models.Q(ended_at__isnull=True)
            | models.Q(counts_until__gte=models.OuterRef("answered_at"))
        )
        .order_by("-started_at", "-pk")
    )
    return (
        Response.objects.current()
        .filter(team=team, client__in=_consented_ids(team), instrument_code__in=OUTCOME_CODES)
        .annotate(episode_id=models.Subquery(episode.values("pk")[:1]))
        .order_by("client_id", "answered_at", "pk")
        .values_list(
            "client_id",
            "episode_id",
            "answered_at",
            "instrument_code",
            "instrument_version",
            "answers",
            "raw_sum",
            "total",
            "prorated",
            "capture",
            "occasion_type_id",
        )
    )


def event_count(team: Team) -> int:
    return _sessions(team).count() + _meetings(team).count() + _responses(team).count()


def _empty(n: int) -> list[object]:
    return [None] * n


def event_rows(team: Team, names: Pseudonymiser) -> Iterator[list[object]]:
    response_cells = len(EVENT_COLUMNS) - 10
    for client_id, episode_id, at, purpose, mode, attendance, minutes, step in _sessions(
        team
    ).iterator(chunk_size=CHUNK):
        yield [
            names.client(client_id),
            names.episode(episode_id),
            "session",
            names.day(client_id, at),
            purpose,
            mode,
            attendance,
            minutes,
            step,
            "",
            *_empty(response_cells),
        ]
    for client_id, episode_id, at, attended, cancelled, minutes, step, kind in _meetings(
        team
    ).iterator(chunk_size=CHUNK):
        if cancelled:
            attendance = Attendance.CANCELLED_BY_SERVICE
        else:
            attendance = Attendance.ATTENDED if attended else Attendance.DID_NOT_ATTEND
        yield [
            names.client(client_id),
            names.episode(episode_id),
            "course_meeting",
            names.day(client_id, at),
            "",
            "",
            str(attendance),
            minutes,
            step or Step.COURSE,
            kind,
            *_empty(response_cells),
        ]
    yield from _response_rows(team, names)


def _response_rows(team: Team, names: Pseudonymiser) -> Iterator[list[object]]:
    occasions = {
        ContentType.objects.get_for_model(AssessmentOffer).pk: "assessment",
        ContentType.objects.get_for_model(Session).pk: "session",
    }
    rows = _responses(team).iterator(chunk_size=CHUNK)
    for (
        client_id,
        episode_id,
        at,
        code,
        version,
        answers,
        raw,
        total,
        prorated,
        capture,
        occ,
    ) in rows:
        items = list(answers or [])[:ITEMS]
        occasion = "assessment" if capture == Capture.ASSESSMENT else occasions.get(occ, "")
        yield [
            names.client(client_id),
            names.episode(episode_id),
            code,
            names.day(client_id, at),
            *_empty(6),
            version,
            *items,
            *_empty(ITEMS - len(items)),
            raw,
            total,
            yes_no(prorated),
            capture,
            occasion,
        ]
