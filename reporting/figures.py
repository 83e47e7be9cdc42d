"""The team lead's figures (domain.md §4-§5). Pure: plain facts in, figures out; no database.

`reporting.dashboard_data` loads the facts in a fixed number of queries; this module counts.
Every figure keeps the rows behind it (`ids`, and `denominator_ids` for a share), so the
drill-down list shows exactly what was counted. Outcomes come from `treatment.outcomes`
(`episode_outcome` per episode, `rates` for the numbers) and are never re-derived here.

Statistics:
- median: the middle value; the mean of the two middle values for an even count.
- 90th percentile: nearest rank, the value at rank ceil(0.9 x n) in ascending order, i.e.
  the smallest value with at least 90 % of the values at or below it.
Times: hours to first contact are elapsed hours (the 48-hour clock's own arithmetic,
`intake.deadlines`); waits in days are calendar days in Norwegian time.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Protocol

from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from intake import age as intake_age
from intake.assessments.choices import Education, ImmigrantBackground, Sex, Step, WorkStatus
from intake.deadlines import ClockState, clock_state, deadline_for, time_left
from intake.models import Channel, Contact, Referrer
from intake.queue.closing import CloseReason
from reporting.filters import Period
from treatment.episodes.badges import outcome_badge
from treatment.models import Attendance, SessionPurpose
from treatment.outcomes import EpisodeOutcome, Rate, rates

Label = str | Promise
Value = int | float | None


def median(values: Iterable[float]) -> float | None:
    """The middle value; the mean of the two middle ones for an even count; None if none."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Iterable[float], p: int) -> float | None:
    """Nearest rank: the value at rank ceil(p/100 x n), counting from 1; None if none."""
    if not 0 < p <= 100:
        raise ValueError("p must be in 1..100")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = -(-p * len(ordered) // 100)  # ceil without floats
    return ordered[rank - 1]


class Rows(StrEnum):
    """What a drill-down list holds."""

    CONTACTS = "contacts"
    EPISODES = "episodes"
    SESSIONS = "sessions"
    OFFERS = "offers"
    RUNS = "runs"
    CLIENTS = "clients"
    SELF_HELP = "self_help"


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    HOURS = "hours"
    DAYS = "days"
    PLACES = "places"


class Row(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def client_id(self) -> int | None: ...


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard and the rows behind it.

    For a share, `value` is the percentage of `numerator` in `denominator`; `ids` are the
    numerator's rows and `denominator_ids` the denominator's (when they are rows, not places).
    `values` holds each row's own measure (a wait, an outcome) for the drill-down list.
    """

    key: str
    label: Label
    value: Value
    rows: Rows
    ids: tuple[int, ...]
    client_ids: tuple[int, ...] = ()
    unit: Unit = Unit.COUNT
    numerator: int | None = None
    denominator: int | None = None
    denominator_ids: tuple[int, ...] | None = None
    denominator_client_ids: tuple[int, ...] = ()
    rule_version: str | None = None
    definition: Label = ""
    values: Mapping[int, object] = field(default_factory=dict)
    value_label: Label = ""

    @property
    def is_share(self) -> bool:
        return self.denominator is not None

    @property
    def count(self) -> Value:
        """The number of things: the numerator of a share, else the value itself."""
        return self.numerator if self.is_share else self.value


@dataclass(frozen=True)
class Group:
    """Figures that split one population (by channel, by step ...): a chart and a table."""

    key: str
    title: Label
    figures: tuple[Figure, ...]
    definition: Label = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: Label
    figures: tuple[Figure, ...]
    groups: tuple[Group, ...] = ()

    def all_figures(self) -> Iterable[Figure]:
        yield from self.figures
        for group in self.groups:
            yield from group.figures

    def group(self, key: str) -> Group:
        return next(group for group in self.groups if group.key == key)


@dataclass(frozen=True)
class Dashboard:
    sections: tuple[Section, ...]

    def figure(self, key: str) -> Figure | None:
        return next((f for s in self.sections for f in s.all_figures() if f.key == key), None)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def _ids(rows: Iterable[Row]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    rows = list(rows)
    clients = dict.fromkeys(r.client_id for r in rows if r.client_id is not None)
    return tuple(r.id for r in rows), tuple(clients)


def count(key: str, label: Label, rows: Rows, items: Iterable[Row], **extra: object) -> Figure:
    ids, clients = _ids(items)
    return Figure(
        key=key, label=label, value=len(ids), rows=rows, ids=ids, client_ids=clients, **extra
    )  # type: ignore[arg-type]


def share(
    key: str, label: Label, rows: Rows, items: Iterable[Row], of: Iterable[Row], **extra: object
) -> Figure:
    ids, clients = _ids(items)
    of_ids, of_clients = _ids(of)
    return Figure(
        key=key,
        label=label,
        value=Rate(len(ids), len(of_ids)).percent,
        rows=rows,
        ids=ids,
        client_ids=clients,
        unit=Unit.PERCENT,
        numerator=len(ids),
        denominator=len(of_ids),
        denominator_ids=of_ids,
        denominator_client_ids=of_clients,
        **extra,  # type: ignore[arg-type]
    )


def statistic(
    key: str,
    label: Label,
    rows: Rows,
    measured: Sequence[tuple[Row, float]],
    compute: Callable[[list[float]], float | None],
    unit: Unit,
    **extra: object,
) -> Figure:
    """A median or percentile of the rows' measures; the list shows every measured row."""
    ids, clients = _ids(row for row, _measure in measured)
    value = compute([measure for _row, measure in measured])
    return Figure(
        key=key,
        label=label,
        value=None if value is None else round(float(value), 1),
        rows=rows,
        ids=ids,
        client_ids=clients,
        unit=unit,
        values={row.id: round(measure, 1) for row, measure in measured},
        **extra,  # type: ignore[arg-type]
    )


def _p90(values: list[float]) -> float | None:
    return percentile(values, 90)


# Facts: what the queries hand over ----------------------------------------------------------


@dataclass(frozen=True)
class ContactFact:
    id: int
    client_id: int
    registered_at: datetime
    channel: str
    referrer: str
    status: str
    close_reason: str
    offered_at: datetime | None
    therapist_id: int | None  # who was offered to do the assessment
    birth_date: date | None
    age_at_contact: int | None  # as recorded at registration
    assessed: bool
    assessment_held_at: datetime | None
    sex: str = ""
    education: str = ""
    immigrant_background: str = ""


@dataclass(frozen=True)
class EpisodeFact:
    id: int
    client_id: int
    therapist_id: int
    contact_registered_at: datetime | None  # of the contact that led to the episode
    started_at: datetime
    ended_at: datetime | None
    treatment_start: date | None
    treatment_days: tuple[date, ...]  # attended treatment sessions and course meetings


@dataclass(frozen=True)
class OutcomeFact:
    """An episode that ended in the period, classified by treatment.outcomes."""

    id: int
    client_id: int
    outcome: EpisodeOutcome
    work_start: tuple[str, ...] | None  # None: not recorded
    work_end: tuple[str, ...] | None


@dataclass(frozen=True)
class SessionFact:
    id: int
    client_id: int
    starts_at: datetime
    purpose: str
    attendance: str


@dataclass(frozen=True)
class OfferFact:
    id: int
    client_id: int
    step: int
    started_on: date


@dataclass(frozen=True)
class RunFact:
    id: int
    capacity: int
    taken: int  # places held: enrolled or completed (treatment.models.HOLDING_PLACE)
    drop_in: bool
    meeting_days: tuple[date, ...]  # meetings not cancelled
    client_id: None = None


@dataclass(frozen=True)
class SelfHelpFact:
    id: int
    client_id: int
    given_on: date


@dataclass(frozen=True)
class Facts:
    contacts: Sequence[ContactFact] = ()
    episodes: Sequence[EpisodeFact] = ()
    outcomes: Sequence[OutcomeFact] = ()
    sessions: Sequence[SessionFact] = ()
    offers: Sequence[OfferFact] = ()
    runs: Sequence[RunFact] = ()
    self_help: Sequence[SelfHelpFact] = ()


@dataclass(frozen=True)
class Context:
    period: Period
    now: datetime
    promise_hours: int
    therapists: Mapping[int, str]  # the team's clinicians (or the chosen one), by id


def dashboard(facts: Facts, ctx: Context) -> Dashboard:
    return Dashboard(
        sections=(
            intake_section(facts.contacts, ctx),
            waiting_section(facts.contacts, facts.episodes, ctx),
            activity_section(facts, ctx),
            outcome_section(facts.outcomes),
            reach_section(facts.contacts, ctx.period),
            work_section(facts.outcomes),
            capacity_section(facts, ctx.period.last),
        )
    )


# Intake and the 48-hour clock ----------------------------------------------------------------

FORTY_EIGHT_HOURS = 48


def hours_between(start: datetime, end: datetime) -> float:
    # time_left(now, deadline) is the elapsed time from `now` to `deadline`, across DST too.
    return time_left(start, end).total_seconds() / 3600


def reached_in_time(
    contacts: Iterable[ContactFact], hours: int, now: datetime
) -> tuple[list[ContactFact], list[ContactFact]]:
    """(in time, decided): offered before registration + `hours`, of the contacts whose clock
    has a result: offered, still open past the deadline, or closed as unreachable. Open
    contacts with time left and contacts closed for another reason are not counted."""
    in_time, decided = [], []
    for contact in contacts:
        deadline = deadline_for(contact.registered_at, hours)
        state = clock_state(now, deadline, 0, contact.offered_at)
        if contact.offered_at is not None:
            decided.append(contact)
            if state == ClockState.STOPPED_IN_TIME:
                in_time.append(contact)
        else:
            overdue = contact.status == Contact.Status.OPEN and state == ClockState.OVERDUE
            if overdue or contact.close_reason == CloseReason.UNREACHABLE:
                decided.append(contact)
    return in_time, decided


def intake_section(contacts: Sequence[ContactFact], ctx: Context) -> Section:
    new = [c for c in contacts if ctx.period.has_moment(c.registered_at)]
    open_now = [c for c in contacts if c.status == Contact.Status.OPEN]
    overdue = [
        c
        for c in open_now
        if time_left(ctx.now, deadline_for(c.registered_at, ctx.promise_hours)) <= timedelta(0)
    ]
    in_48, decided_48 = reached_in_time(new, FORTY_EIGHT_HOURS, ctx.now)
    in_promise, decided_promise = reached_in_time(new, ctx.promise_hours, ctx.now)
    to_contact = [(c, hours_between(c.registered_at, c.offered_at)) for c in new if c.offered_at]
    hours_label = _("Hours to first contact")
    rows = Rows.CONTACTS
    figures = (
        count(
            "intake.contacts",
            _("Contacts"),
            rows,
            new,
            definition=_("Contacts (henvendelser) registered in the period."),
        ),
        share(
            "intake.self_referred",
            _("Self-referred"),
            rows,
            [c for c in new if c.referrer == Referrer.SELF],
            new,
            definition=_("Contacts in the period where the person referred themselves."),
        ),
        count(
            "intake.open",
            _("Open contacts now"),
            rows,
            open_now,
            definition=_("Contacts not yet offered an assessment nor closed, whenever registered."),
        ),
        count(
            "intake.open_overdue",
            _("Open contacts past the team's promise now"),
            rows,
            overdue,
            definition=_("Open contacts registered longer ago than the team's promise."),
        ),
        share(
            "intake.in_time_48h",
            _("Reached within 48 hours"),
            rows,
            in_48,
            decided_48,
            definition=_(
                "Contacts in the period offered an assessment before registration + 48 hours, "
                "of those whose clock has a result: offered, open past the deadline, or closed "
                "as unreachable. Open contacts with time left, and contacts closed as declined, "
                "duplicate or helped onward, are not counted."
            ),
            values={c.id: round(hours_between(c.registered_at, c.offered_at), 1) for c in in_48},  # type: ignore[arg-type]
            value_label=hours_label,
        ),
        share(
            "intake.in_time_promise",
            _("Reached within the team's promise"),
            rows,
            in_promise,
            decided_promise,
            definition=_(
                "As for 48 hours, with the team's own promise (team setting), applied to every "
                "contact in the period."
            ),
            values={
                c.id: round(hours_between(c.registered_at, c.offered_at), 1) for c in in_promise
            },  # type: ignore[arg-type]
            value_label=hours_label,
        ),
        statistic(
            "intake.hours_to_contact_median",
            _("Hours to first contact, median"),
            rows,
            to_contact,
            median,
            Unit.HOURS,
            definition=_(
                "Elapsed hours from registration until the person was reached and offered an "
                "assessment (when the clock stopped), for contacts in the period that were "
                "offered one."
            ),
            value_label=hours_label,
        ),
        statistic(
            "intake.hours_to_contact_p90",
            _("Hours to first contact, 90th percentile"),
            rows,
            to_contact,
            _p90,
            Unit.HOURS,
            definition=_("As the median; nearest-rank 90th percentile."),
            value_label=hours_label,
        ),
    )
    groups = (
        Group(
            "channel",
            _("Contacts by channel"),
            tuple(
                share(
                    f"intake.channel.{value}",
                    label,
                    rows,
                    [c for c in new if c.channel == value],
                    new,
                )
                for value, label in Channel.choices
            ),
        ),
        Group(
            "referrer",
            _("Contacts by referrer"),
            tuple(
                share(
                    f"intake.referrer.{value}",
                    label,
                    rows,
                    [c for c in new if c.referrer == value],
                    new,
                )
                for value, label in Referrer.choices
            ),
        ),
    )
    return Section("intake", _("Contacts and the 48-hour clock"), figures, groups)


# Waiting times --------------------------------------------------------------------------------

HIDDEN_WAIT_DAYS = (28, 90)


def days_between(start: datetime, end: date) -> int:
    return (end - timezone.localdate(start)).days


def waiting_section(
    contacts: Sequence[ContactFact], episodes: Sequence[EpisodeFact], ctx: Context
) -> Section:
    period = ctx.period
    to_assessment = [
        (c, days_between(c.registered_at, timezone.localdate(c.assessment_held_at)))
        for c in contacts
        if c.assessment_held_at is not None and period.has_moment(c.assessment_held_at)
    ]
    to_treatment = [
        (e, days_between(e.contact_registered_at, e.treatment_start))
        for e in episodes
        if e.treatment_start is not None
        and e.contact_registered_at is not None
        and period.has_day(e.treatment_start)
    ]
    seconds = [
        e for e in episodes if len(e.treatment_days) >= 2 and period.has_day(e.treatment_days[1])
    ]
    gaps = {e.id: (e.treatment_days[1] - e.treatment_days[0]).days for e in seconds}
    waiting = [
        c
        for c in contacts
        if c.status == Contact.Status.OPEN
        and c.offered_at is None
        and period.has_moment(c.registered_at)
    ]
    days = _("Days")
    figures = [
        statistic(
            "waiting.to_assessment_median",
            _("Days from contact to assessment, median"),
            Rows.CONTACTS,
            to_assessment,
            median,
            Unit.DAYS,
            definition=_(
                "Calendar days from the contact's registration to the assessment conversation, "
                "for assessments held in the period."
            ),
            value_label=days,
        ),
        statistic(
            "waiting.to_assessment_p90",
            _("Days from contact to assessment, 90th percentile"),
            Rows.CONTACTS,
            to_assessment,
            _p90,
            Unit.DAYS,
            definition=_("As the median; nearest-rank 90th percentile."),
            value_label=days,
        ),
        statistic(
            "waiting.to_treatment_median",
            _("Days from contact to treatment start, median"),
            Rows.EPISODES,
            to_treatment,
            median,
            Unit.DAYS,
            definition=_(
                "Calendar days from the contact's registration to treatment start (the first "
                "attended treatment session or course meeting, or guided self-help material "
                "given), for episodes whose treatment started in the period."
            ),
            value_label=days,
        ),
        statistic(
            "waiting.to_treatment_p90",
            _("Days from contact to treatment start, 90th percentile"),
            Rows.EPISODES,
            to_treatment,
            _p90,
            Unit.DAYS,
            definition=_("As the median; nearest-rank 90th percentile."),
            value_label=days,
        ),
    ]
    for limit in HIDDEN_WAIT_DAYS:
        figures.append(
            share(
                f"waiting.hidden_over_{limit}",
                _("Second treatment session more than %(days)d days after the first")
                % {"days": limit},
                Rows.EPISODES,
                [e for e in seconds if gaps[e.id] > limit],
                seconds,
                definition=_(
                    "Hidden waits: episodes whose second attended treatment session (or course "
                    "meeting) was in the period, where it came more than %(days)d days after "
                    "the first."
                )
                % {"days": limit},
                values=gaps,
                value_label=days,
            )
        )
    figures.append(
        count(
            "waiting.no_contact_yet",
            _("Contacts in the period still waiting to be reached"),
            Rows.CONTACTS,
            waiting,
            definition=_(
                "Contacts registered in the period that are still open: nobody has offered "
                "them an assessment yet."
            ),
        )
    )
    return Section("waiting", _("Waiting times"), tuple(figures))


# Activity ------------------------------------------------------------------------------------

LOW_INTENSITY_STEPS = (Step.GUIDED_SELF_HELP, Step.COURSE)


def activity_section(facts: Facts, ctx: Context) -> Section:
    period = ctx.period
    open_episodes = [e for e in facts.episodes if e.ended_at is None]
    sessions = [s for s in facts.sessions if period.has_moment(s.starts_at)]
    attended = [s for s in sessions if s.attendance == Attendance.ATTENDED]
    not_attended = [s for s in sessions if s.attendance == Attendance.DID_NOT_ATTEND]
    offers = [o for o in facts.offers if period.has_day(o.started_on)]
    runs = [
        r
        for r in facts.runs
        if not r.drop_in and any(period.has_day(day) for day in r.meeting_days)
    ]
    taken, places = sum(r.taken for r in runs), sum(r.capacity for r in runs)
    figures = (
        count(
            "activity.caseload",
            _("Open episodes now"),
            Rows.EPISODES,
            open_episodes,
            definition=_("Episodes not yet ended, whenever they started."),
        ),
        count(
            "activity.sessions_attended",
            _("Sessions attended"),
            Rows.SESSIONS,
            attended,
            definition=_("Individual sessions in the period the client attended (any purpose)."),
        ),
        count(
            "activity.sessions_not_attended",
            _("Sessions not attended"),
            Rows.SESSIONS,
            not_attended,
            definition=_("Individual sessions in the period the client did not come to."),
        ),
        share(
            "activity.not_attended_rate",
            _("Did not attend, share"),
            Rows.SESSIONS,
            not_attended,
            attended + not_attended,
            definition=_("Sessions not attended, of those attended or not attended."),
        ),
        count(
            "activity.follow_ups",
            _("Guided self-help follow-ups done"),
            Rows.SESSIONS,
            [s for s in attended if s.purpose == SessionPurpose.FOLLOW_UP],
            definition=_("Attended guided self-help follow-up calls in the period."),
        ),
        share(
            "activity.low_intensity",
            _("Low-intensity share of offers"),
            Rows.OFFERS,
            [o for o in offers if o.step in LOW_INTENSITY_STEPS],
            offers,
            definition=_("Offers started in the period on step 1 or 2, of all offers started."),
        ),
        Figure(
            key="activity.course_fill",
            label=_("Course fill rate"),
            value=Rate(taken, places).percent,
            rows=Rows.RUNS,
            ids=tuple(r.id for r in runs),
            unit=Unit.PERCENT,
            numerator=taken,
            denominator=places,
            definition=_(
                "Places taken (enrolled or completed) of places offered, over "
                "course runs with a meeting in the period. Drop-in courses have no places "
                "and are left out."
            ),
            values={r.id: f"{r.taken} / {r.capacity}" for r in runs},
            value_label=_("Places taken"),
        ),
    )
    by_therapist = defaultdict(list)
    for episode in open_episodes:
        by_therapist[episode.therapist_id].append(episode)
    therapist_ids = list(ctx.therapists) + [t for t in by_therapist if t not in ctx.therapists]
    groups = (
        Group(
            "caseload",
            _("Caseload per therapist (open episodes by primary therapist)"),
            tuple(
                count(
                    f"activity.caseload.{therapist}",
                    ctx.therapists.get(therapist, _("Former member")),
                    Rows.EPISODES,
                    by_therapist.get(therapist, []),
                )
                for therapist in therapist_ids
            ),
        ),
        Group(
            "steps",
            _("Offers started by step"),
            tuple(
                share(
                    f"activity.step.{step}",
                    label,
                    Rows.OFFERS,
                    [o for o in offers if o.step == step],
                    offers,
                )
                for step, label in Step.choices
            ),
            definition=_("FHI found too little low-intensity work (steps 1 and 2)."),
        ),
    )
    return Section("activity", _("Activity"), figures, groups)


# Outcomes -----------------------------------------------------------------------------------


def outcome_section(ended: Sequence[OutcomeFact]) -> Section:
    """The numbers are treatment.outcomes.rates(); the ids are the episodes it counted."""
    result = rates(f.outcome for f in ended)
    finished = [f for f in ended if f.outcome.finished]
    paired = [f for f in finished if f.outcome.outcome is not None]
    cases = [f for f in paired if _has(f, "caseness_start")]
    badges = {f.id: outcome_badge(f.outcome).label for f in ended}
    classified = {"values": badges, "value_label": _("Outcome")}

    def rate(
        key: str, label: Label, value: Rate, rows: list, of: list, definition: Label
    ) -> Figure:
        ids, clients = _ids(rows)
        of_ids, of_clients = _ids(of)
        return Figure(
            key=key,
            label=label,
            value=value.percent,
            rows=Rows.EPISODES,
            ids=ids,
            client_ids=clients,
            unit=Unit.PERCENT,
            numerator=value.numerator,
            denominator=value.denominator,
            denominator_ids=of_ids,
            denominator_client_ids=of_clients,
            rule_version=result.rule_version,
            definition=definition,
            **classified,  # type: ignore[arg-type]
        )

    figures = (
        count(
            "outcomes.ended",
            _("Episodes ended"),
            Rows.EPISODES,
            ended,
            definition=_("Episodes that ended in the period, for any reason."),
            **classified,
        ),
        Figure(
            key="outcomes.finished",
            label=_("Finished treatment"),
            value=result.finished,
            rows=Rows.EPISODES,
            ids=_ids(finished)[0],
            client_ids=_ids(finished)[1],
            rule_version=result.rule_version,
            definition=_(
                "Ended in the period with at least 2 attended treatment sessions (the "
                "assessment not counted; course meetings and follow-ups count)."
            ),
            **classified,  # type: ignore[arg-type]
        ),
        rate(
            "outcomes.caseness_start",
            _("At caseness at start"),
            result.caseness_start,
            cases,
            paired,
            _(
                "PHQ-9 at least 10 or GAD-7 at least 8 at the first score, of finished "
                "episodes with paired scores."
            ),
        ),
        rate(
            "outcomes.recovery",
            _("Recovery rate"),
            result.recovery,
            [f for f in cases if _has(f, "recovered")],
            cases,
            _(
                "At caseness at the first score and not at the last, of finished episodes at "
                "caseness at start."
            ),
        ),
        rate(
            "outcomes.reliable_improvement",
            _("Reliable improvement"),
            result.reliable_improvement,
            [f for f in paired if _has(f, "reliable_improvement")],
            paired,
            _(
                "PHQ-9 fell by 6 or more or GAD-7 by 4 or more, and neither rose as much, of "
                "finished episodes with paired scores."
            ),
        ),
        rate(
            "outcomes.reliable_deterioration",
            _("Reliable deterioration"),
            result.reliable_deterioration,
            [f for f in paired if _has(f, "reliable_deterioration")],
            paired,
            _(
                "PHQ-9 rose by 6 or more or GAD-7 by 4 or more, and neither fell as much, of "
                "finished episodes with paired scores."
            ),
        ),
        rate(
            "outcomes.reliable_recovery",
            _("Reliable recovery"),
            result.reliable_recovery,
            [f for f in cases if _has(f, "reliable_recovery")],
            cases,
            _("Recovered and reliably improved, of finished episodes at caseness at start."),
        ),
        Figure(
            key="outcomes.without_paired_scores",
            label=_("Finished without paired scores"),
            value=result.without_paired_scores,
            rows=Rows.EPISODES,
            ids=_ids(f for f in finished if f.outcome.outcome is None)[0],
            client_ids=_ids(f for f in finished if f.outcome.outcome is None)[1],
            rule_version=result.rule_version,
            definition=_(
                "Data quality: finished episodes without two occasions with both PHQ-9 and "
                "GAD-7. They are left out of every rate."
            ),
        ),
    )
    return Section("outcomes", _("Outcomes"), figures)


def _has(fact: OutcomeFact, attribute: str) -> bool:
    return bool(getattr(fact.outcome.outcome, attribute, False))


# Reach --------------------------------------------------------------------------------------

# (key, label, youngest, oldest); None: no upper limit.
AGE_BANDS: tuple[tuple[str, str, int, int | None], ...] = (
    ("16_17", "16–17", 16, 17),
    ("18_29", "18–29", 18, 29),
    ("30_39", "30–39", 30, 39),
    ("40_49", "40–49", 40, 49),
    ("50_59", "50–59", 50, 59),
    ("60_66", "60–66", 60, 66),
    ("67_plus", "67+", 67, None),
)
UNDER_16, UNKNOWN = "under_16", "unknown"
NOT_RECORDED = "not_recorded"


def age_band(age: int | None) -> str:
    if age is None:
        return UNKNOWN
    for key, _label, youngest, oldest in AGE_BANDS:
        if age >= youngest and (oldest is None or age <= oldest):
            return key
    return UNDER_16


def age_at_contact(contact: ContactFact) -> int | None:
    return intake_age.age_at_contact(
        contact.birth_date, contact.age_at_contact, timezone.localdate(contact.registered_at)
    )


@dataclass(frozen=True)
class Reached:
    """One client with a contact in the period: age at the first, background from the
    latest assessed one."""

    id: int
    age: int | None
    assessment: ContactFact | None

    @property
    def client_id(self) -> int:
        return self.id


def reached_clients(contacts: Iterable[ContactFact], period: Period) -> list[Reached]:
    by_client: dict[int, list[ContactFact]] = defaultdict(list)
    for contact in sorted(contacts, key=lambda c: (c.registered_at, c.id)):
        if period.has_moment(contact.registered_at):
            by_client[contact.client_id].append(contact)
    return [
        Reached(
            id=client,
            age=age_at_contact(mine[0]),
            assessment=next((c for c in reversed(mine) if c.assessed), None),
        )
        for client, mine in by_client.items()
    ]


def reach_section(contacts: Sequence[ContactFact], period: Period) -> Section:
    clients = reached_clients(contacts, period)
    assessed = [c for c in clients if c.assessment is not None]
    ages = {c.id: c.age for c in clients}
    bands = [(key, label) for key, label, *_limits in AGE_BANDS]
    bands += [(UNDER_16, _("Under 16")), (UNKNOWN, _("Age not known"))]

    def background(
        key: str, title: Label, attribute: str, choices: list[tuple[str, Label]]
    ) -> Group:
        def value_of(client: Reached) -> str:
            return getattr(client.assessment, attribute) or NOT_RECORDED

        choices = [*choices, (NOT_RECORDED, _("Not recorded"))]
        return Group(
            key,
            title,
            tuple(
                share(
                    f"reach.{key}.{value}",
                    label,
                    Rows.CLIENTS,
                    [c for c in assessed if value_of(c) == value],
                    assessed,
                )
                for value, label in choices
            ),
            definition=_("From the assessment, of clients in the period who have been assessed."),
        )

    figures = (
        count(
            "reach.clients",
            _("People with a contact"),
            Rows.CLIENTS,
            clients,
            definition=_("Clients with a contact registered in the period, each counted once."),
            values=ages,
            value_label=_("Age at contact"),
        ),
        count(
            "reach.not_assessed",
            _("Not assessed yet"),
            Rows.CLIENTS,
            [c for c in clients if c.assessment is None],
            definition=_("People with a contact in the period with no assessment recorded."),
        ),
    )
    groups = (
        Group(
            "age",
            _("Age at contact"),
            tuple(
                share(
                    f"reach.age.{key}",
                    label,
                    Rows.CLIENTS,
                    [c for c in clients if age_band(c.age) == key],
                    clients,
                    values=ages,
                    value_label=_("Age at contact"),
                )
                for key, label in bands
            ),
            definition=_(
                "Age at the first contact in the period, from the birth date (or the age given "
                "at registration)."
            ),
        ),
        background("sex", pgettext_lazy("self-reported", "Sex"), "sex", Sex.choices),
        background(
            "immigrant",
            _("Immigrant background"),
            "immigrant_background",
            ImmigrantBackground.choices,
        ),
        background("education", _("Education"), "education", Education.choices),
    )
    return Section("reach", _("Who we reach"), figures, groups)


# Work ---------------------------------------------------------------------------------------

BENEFITS = frozenset({WorkStatus.SICK_LEAVE, WorkStatus.AAP, WorkStatus.DISABILITY})


def in_work_without_benefits(statuses: Iterable[str]) -> bool:
    statuses = set(statuses)
    return WorkStatus.IN_WORK in statuses and not statuses & BENEFITS


def work_section(ended: Sequence[OutcomeFact]) -> Section:
    start_known = [f for f in ended if f.work_start]
    end_known = [f for f in ended if f.work_end]
    start = _("Work status at start")
    end = _("Work status at end")

    def labels(statuses: tuple[str, ...] | None) -> str:
        names = dict(WorkStatus.choices)
        return ", ".join(str(names.get(s, s)) for s in statuses or ())

    starts = {f.id: labels(f.work_start) for f in ended}
    ends = {f.id: labels(f.work_end) for f in ended}
    figures = (
        share(
            "work.in_work_start",
            _("In work without benefits at start"),
            Rows.EPISODES,
            [f for f in start_known if in_work_without_benefits(f.work_start or ())],
            start_known,
            definition=_(
                "Episodes ended in the period: in work and not on sick leave, AAP or disability "
                "benefit at the assessment, of those with a work status recorded there."
            ),
            values=starts,
            value_label=start,
        ),
        share(
            "work.in_work_end",
            _("In work without benefits at end"),
            Rows.EPISODES,
            [f for f in end_known if in_work_without_benefits(f.work_end or ())],
            end_known,
            definition=_(
                "The same at the end, from the approved end epikrise, of episodes with a work "
                "status recorded there."
            ),
            values=ends,
            value_label=end,
        ),
        share(
            "work.sick_leave_start",
            _("On sick leave at start"),
            Rows.EPISODES,
            [f for f in start_known if WorkStatus.SICK_LEAVE in (f.work_start or ())],
            start_known,
            values=starts,
            value_label=start,
        ),
        share(
            "work.sick_leave_end",
            _("On sick leave at end"),
            Rows.EPISODES,
            [f for f in end_known if WorkStatus.SICK_LEAVE in (f.work_end or ())],
            end_known,
            values=ends,
            value_label=end,
        ),
        count(
            "work.end_unknown",
            _("Ended without a work status at end"),
            Rows.EPISODES,
            [f for f in ended if not f.work_end],
            definition=_(
                "Episodes ended in the period without an approved end epikrise that states "
                "the work status."
            ),
        ),
    )
    return Section("work", _("Work"), figures)


# Capacity -----------------------------------------------------------------------------------

CAPACITY_WEEKS = 12
STEP_3_PURPOSES = (SessionPurpose.TREATMENT, SessionPurpose.REVIEW)


def weeks_up_to(day: date, n: int = CAPACITY_WEEKS) -> list[date]:
    """The Mondays of the `n` weeks ending with the week of `day`, oldest first."""
    monday = day - timedelta(days=day.weekday())
    return [monday - timedelta(weeks=n - 1 - i) for i in range(n)]


def capacity_window(day: date) -> Period:
    weeks = weeks_up_to(day)
    return Period(weeks[0], weeks[-1] + timedelta(days=6))


def capacity_section(facts: Facts, last_day: date) -> Section:
    """Demand (contacts) against what was on offer per step, week by week.

    Step 1: guided self-help started (material given); step 2: course places, the capacity of
    each run with a meeting that week; step 3: individual treatment and review sessions booked
    that week, except those the service cancelled."""
    weeks = weeks_up_to(last_day)

    def in_week(monday: date) -> Callable[[date], bool]:
        return lambda day: monday <= day <= monday + timedelta(days=6)

    def local(moment: datetime) -> date:
        return timezone.localdate(moment)

    step_3 = [
        s
        for s in facts.sessions
        if s.purpose in STEP_3_PURPOSES and s.attendance != Attendance.CANCELLED_BY_SERVICE
    ]

    def week_label(monday: date) -> str:
        return _("week %(week)d") % {"week": monday.isocalendar().week}

    def contacts_in(monday: date) -> Figure:
        within = in_week(monday)
        return count(
            f"capacity.contacts.{monday.isoformat()}",
            week_label(monday),
            Rows.CONTACTS,
            [c for c in facts.contacts if within(local(c.registered_at))],
        )

    def self_help_in(monday: date) -> Figure:
        within = in_week(monday)
        return count(
            f"capacity.step1.{monday.isoformat()}",
            week_label(monday),
            Rows.SELF_HELP,
            [g for g in facts.self_help if within(g.given_on)],
        )

    def places_in(monday: date) -> Figure:
        within = in_week(monday)
        runs = [r for r in facts.runs if any(within(day) for day in r.meeting_days)]
        return Figure(
            key=f"capacity.step2.{monday.isoformat()}",
            label=week_label(monday),
            value=sum(r.capacity for r in runs),
            rows=Rows.RUNS,
            ids=tuple(r.id for r in runs),
            unit=Unit.PLACES,
            values={r.id: r.capacity for r in runs},
            value_label=_("Places"),
        )

    def sessions_in(monday: date) -> Figure:
        within = in_week(monday)
        return count(
            f"capacity.step3.{monday.isoformat()}",
            week_label(monday),
            Rows.SESSIONS,
            [s for s in step_3 if within(local(s.starts_at))],
        )

    series: list[tuple[str, Label, Rows, Callable[[date], Figure]]] = [
        ("contacts", _("Contacts"), Rows.CONTACTS, contacts_in),
        ("step1", _("Step 1: guided self-help started"), Rows.SELF_HELP, self_help_in),
        ("step2", _("Step 2: course places"), Rows.RUNS, places_in),
        ("step3", _("Step 3: sessions booked"), Rows.SESSIONS, sessions_in),
    ]
    groups = tuple(
        Group(key, title, tuple(make(monday) for monday in weeks))
        for key, title, _rows, make in series
    )
    totals = tuple(
        _total(f"capacity.{group.key}", group.title, rows, group.figures)
        for group, (_key, _title, rows, _make) in zip(groups, series, strict=True)
    )
    return Section("capacity", _("Capacity, last 12 weeks"), totals, groups)


def _total(key: str, label: Label, rows: Rows, weeks: Sequence[Figure]) -> Figure:
    ids = tuple(dict.fromkeys(i for week in weeks for i in week.ids))
    clients = tuple(dict.fromkeys(c for week in weeks for c in week.client_ids))
    return Figure(
        key=key,
        label=label,
        value=sum(week.value or 0 for week in weeks),
        rows=rows,
        ids=ids,
        client_ids=clients,
        unit=weeks[0].unit if weeks else Unit.COUNT,
    )
