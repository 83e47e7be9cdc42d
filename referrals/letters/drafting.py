"""Drafting a letter from the record: the facts it reports and the therapist's starting text.

`letter_facts` reads the record once and returns plain JSON (codes, ISO dates, numbers), kept
on the letter as `Letter.facts`: the letter reports the record as it was when drafted, and an
approved letter never changes when the record does. Labels are looked up when the letter is
shown (referrals/letters/display.py). Outcomes come from treatment.outcomes, never recomputed.

`facts["work_status_end"]` ({"statuses": [WorkStatus values], "sick_leave_percentage": int or
None}) is the one fact the therapist fills in: treatment records no work status at the end,
so the end epikrise asks for it. Reporting reads the end work status from the approved
`epikrise_end` letter of an episode.

The starting text of the free-text fields is rendered in Norwegian bokmål (the letters go to
Norwegian GPs) and stored: from then on it is the therapist's text, data like any other.
"""

from collections import Counter
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from intake.assessments.choices import AssessmentStatus
from intake.models import Assessment, Client, Contact
from questionnaires.models import Response, RiskAlert
from referrals.letters.display import LETTER_LANGUAGE, facts_for_display
from referrals.letters.services import letter_recipients
from referrals.models import AcuteContact, Letter, LetterKind, ReferralTo
from rph.accounts.models import User
from treatment.models import (
    FINAL_SCORE_GRACE,
    OUTCOME_CODES,
    TREATMENT_PURPOSES,
    Attendance,
    Episode,
    MeetingAttendance,
    Session,
)
from treatment.outcomes import RULE_VERSION, EpisodeOutcome, ScorePoint, episode_outcome

TEXT_FIELDS = (
    "reason_for_contact",
    "assessment_summary",
    "risk_summary",
    "treatment_summary",
    "advice",
)


def letter_facts(
    client: Client, episode: Episode | None = None, assessment: Assessment | None = None
) -> dict[str, Any]:
    """The record's facts for a letter about `client` (the episode's, or the assessment's)."""
    if episode is not None:
        episode = Episode.objects.with_outcome_facts().get(pk=episode.pk)
        assessment = assessment or episode.assessment
    contact = assessment.contact if assessment else _latest_contact(client)
    # Without an episode the scores still come from Episode.score_points: an unsaved episode
    # has the same window (from the contact on).
    since = contact.registered_at if contact else timezone.now()
    scored = episode or Episode(client=client, assessment=assessment, started_at=since)
    result = episode_outcome(episode) if episode else None
    return {
        "made_at": timezone.now().isoformat(),
        "contact": _contact(contact) if contact else None,
        "assessment": _assessment(assessment) if assessment else None,
        "risk": _risk(assessment, client, scored.scores_from) if assessment else None,
        "work_start": _work(assessment) if assessment else None,
        "episode": _episode(episode) if episode else None,
        "offers": _offers(episode) if episode else [],
        "courses": _courses(episode) if episode else [],
        "self_help": _self_help(episode) if episode else [],
        "sessions": _sessions(episode, result) if episode and result else None,
        "scores": _scores(result, scored.score_points),
        "outcome": _outcome(result) if result else None,
        "series": _series(client, scored),
        "session_times": _session_times(episode) if episode else [],
        "acute_contacts": _acute_contacts(client, scored.scores_from),
    }


def letter_draft(
    *,
    client: Client,
    kind: str,
    episode: Episode | None,
    assessment: Assessment | None,
    by: User,
    referral_to: str = "",
) -> Letter:
    """A draft letter with the record's facts, recipients from the consent register and
    the starting text. Raises ValidationError when this kind of letter cannot be written."""
    if episode is not None and episode.client_id != client.pk:
        raise ValidationError(_("The episode belongs to another client."))
    if assessment is None and episode is not None:
        assessment = episode.assessment
    if assessment is None:
        assessment = _latest_complete_assessment(client)
    _check_kind(client, kind, episode, assessment, referral_to)
    facts = letter_facts(client, episode, assessment)
    if kind == LetterKind.EPIKRISE_END:
        facts["work_status_end"] = {"statuses": [], "sick_leave_percentage": None}
    gp, others = letter_recipients(client)
    letter = Letter(
        team=client.team,
        client=client,
        episode=episode,
        assessment=assessment,
        kind=kind,
        referral_to=referral_to if kind == LetterKind.REFERRAL_REQUEST else "",
        gp=gp,
        other_recipients=others,
        facts=facts,
        drafted_by=by,
    )
    for field, text in starting_texts(letter).items():
        setattr(letter, field, text)
    with transaction.atomic():
        letter.full_clean()
        letter.save()
    return letter


def starting_texts(letter: Letter) -> dict[str, str]:
    """The free-text fields' starting text, in Norwegian, from the letter's facts."""
    with translation.override(LETTER_LANGUAGE):
        context = {"letter": letter, "facts": facts_for_display(letter.facts)}
        return {
            field: render_to_string(f"referrals/letter_text/{field}.txt", context).strip()
            for field in TEXT_FIELDS
        }


def _check_kind(
    client: Client,
    kind: str,
    episode: Episode | None,
    assessment: Assessment | None,
    referral_to: str,
) -> None:
    if kind not in LetterKind.values:
        raise ValidationError(_("Choose the kind of letter."))
    if kind == LetterKind.EPIKRISE_ASSESSMENT and assessment is None:
        raise ValidationError(_("An epikrise after the assessment needs a completed assessment."))
    if kind == LetterKind.EPIKRISE_END and (episode is None or episode.ended_at is None):
        raise ValidationError(_("End the episode first: the epikrise reports how it ended."))
    if kind != LetterKind.REFERRAL_REQUEST:
        return
    if referral_to not in ReferralTo.values:
        raise ValidationError(_("Choose where the GP is asked to refer the client."))
    if referral_to == ReferralTo.ACUTE and not acute_contact_today(client):
        raise ValidationError(
            _(
                "Acute needs come first: contact the emergency clinic (legevakt) or the acute "
                "team now and record the acute contact. Then write the letter to the GP."
            ),
            code="acute_contact_missing",
        )


def acute_contact_today(client: Client) -> bool:
    """An acute contact recorded for the client today, before now (decision: "now" is today)."""
    now = timezone.now()
    start = timezone.make_aware(datetime.combine(timezone.localdate(now), datetime.min.time()))
    return AcuteContact.objects.filter(
        client=client, contacted_at__gte=start, contacted_at__lte=now
    ).exists()


def _latest_contact(client: Client) -> Contact | None:
    return Contact.objects.filter(client=client).order_by("-registered_at", "-pk").first()


def _latest_complete_assessment(client: Client) -> Assessment | None:
    return (
        Assessment.objects.select_related("contact")
        .filter(contact__client=client, status=AssessmentStatus.COMPLETE)
        .order_by("-held_at", "-pk")
        .first()
    )


def _day(value: date | datetime | None) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        value = timezone.localdate(value)
    return value.isoformat()


def _contact(contact: Contact) -> dict[str, Any]:
    return {
        "registered_on": _day(contact.registered_at),
        "channel": contact.channel,
        "referrer": contact.referrer,
        "referrer_name": contact.referrer_name,
        "concerns": list(contact.concerns or []),
    }


def _assessment(assessment: Assessment) -> dict[str, Any]:
    return {
        "held_on": _day(assessment.held_at),
        "complete": assessment.is_complete,
        "decision": assessment.decision,
        "step": assessment.step,
        "route": assessment.route,
        "decision_reason": assessment.decision_reason,
    }


def _risk(assessment: Assessment, client: Client, since: datetime) -> dict[str, Any]:
    return {
        "level": assessment.risk_level,
        "actions": assessment.risk_actions,
        "suicidal_thoughts": assessment.suicidal_thoughts,
        "suicide_plans": assessment.suicide_plans,
        "earlier_attempts": assessment.earlier_suicide_attempts,
        "exclusion_factors": list(assessment.exclusion_factors or []),
        "urgent_action": assessment.urgent_action,
        "substance_severe": assessment.substance_severe,
        "alerts_since_contact": RiskAlert.objects.filter(
            client_id=client.pk, created_at__gte=since
        ).count(),
    }


def _work(assessment: Assessment) -> dict[str, Any]:
    return {
        "statuses": list(assessment.work_statuses or []),
        "percentage": assessment.work_percentage,
        "sick_leave_percentage": assessment.sick_leave_percentage,
        "sick_leave_since": _day(assessment.sick_leave_since),
        "absent": assessment.absent_from_work,
    }


def _episode(episode: Episode) -> dict[str, Any]:
    return {
        "started_on": _day(episode.started_at),
        "ended_on": _day(episode.ended_at),
        "end_reason": episode.end_reason,
    }


def _offers(episode: Episode) -> list[dict[str, Any]]:
    return [
        {
            "step": offer.step,
            "started_on": _day(offer.started_on),
            "ended_on": _day(offer.ended_on),
            "start_reason": offer.start_reason,
            "end_reason": offer.end_reason,
        }
        for offer in episode.offers.order_by("started_on", "pk")
    ]


def _courses(episode: Episode) -> list[dict[str, Any]]:
    attended = Counter(
        MeetingAttendance.objects.filter(
            episode=episode, attended=True, meeting__cancelled=False
        ).values_list("meeting__run_id", flat=True)
    )
    return [
        {
            "name": enrolment.course_type.name,
            "status": enrolment.status,
            "meetings_attended": attended.get(enrolment.run_id, 0),
        }
        for enrolment in episode.enrolments.select_related("course_type").order_by(
            "waiting_since", "pk"
        )
    ]


def _self_help(episode: Episode) -> list[dict[str, Any]]:
    return [
        {
            "programme": item.programme,
            "detail": item.programme_detail,
            "given_on": _day(item.material_given_on),
            "ended_on": _day(item.ended_on),
        }
        for item in episode.self_help.order_by("material_given_on", "pk")
    ]


def _sessions(episode: Episode, result: EpisodeOutcome) -> dict[str, int]:
    by_attendance = dict(
        Session.objects.filter(episode=episode, purpose__in=TREATMENT_PURPOSES)
        .values_list("attendance")
        .annotate(n=Count("pk"))
        .order_by()
    )
    meetings = dict(
        MeetingAttendance.objects.filter(episode=episode, meeting__cancelled=False)
        .values_list("attended")
        .annotate(n=Count("pk"))
        .order_by()
    )
    return {
        "attended": by_attendance.get(Attendance.ATTENDED, 0),
        "did_not_attend": by_attendance.get(Attendance.DID_NOT_ATTEND, 0),
        "cancelled_by_client": by_attendance.get(Attendance.CANCELLED_BY_CLIENT, 0),
        "cancelled_by_service": by_attendance.get(Attendance.CANCELLED_BY_SERVICE, 0),
        "meetings_attended": meetings.get(True, 0),
        "meetings_missed": meetings.get(False, 0),
        "treatment_sessions": result.treatment_sessions,
    }


def _point(point: ScorePoint | None) -> dict[str, Any] | None:
    if point is None:
        return None
    return {"on": _day(point.at), "phq9": point.phq9, "gad7": point.gad7}


def _scores(result: EpisodeOutcome | None, points: list[ScorePoint]) -> dict[str, Any]:
    """First and last as the outcome rules pair them; with fewer than two paired occasions,
    the one there is (the baseline) as the first."""
    if result is not None and result.first is not None:
        return {"first": _point(result.first), "last": _point(result.last)}
    valid = [point for point in points if point.valid]
    return {"first": _point(valid[0]) if valid else None, "last": None}


def _outcome(result: EpisodeOutcome) -> dict[str, Any]:
    return {
        "headline": result.outcome.headline.value if result.outcome else None,
        "finished": result.finished,
        "unclassified": result.reason.value if result.reason else None,
        "rule_version": RULE_VERSION,
    }


def _series(client: Client, scored: Episode) -> list[dict[str, Any]]:
    """Every PHQ-9 / GAD-7 total in the episode's window, for the chart."""
    responses = Response.objects.current().filter(
        client_id=client.pk,
        instrument_code__in=OUTCOME_CODES,
        total__isnull=False,
        answered_at__gte=scored.scores_from,
    )
    if scored.ended_at is not None:
        responses = responses.filter(answered_at__lte=scored.ended_at + FINAL_SCORE_GRACE)
    return [
        {
            "code": response.instrument_code,
            "instrument": response.instrument_id,
            "at": response.answered_at.isoformat(),
            "total": response.total,
            "prorated": response.prorated,
        }
        for response in responses.order_by("answered_at", "pk")
    ]


def _session_times(episode: Episode) -> list[str]:
    sessions = Session.objects.filter(
        episode=episode, purpose__in=TREATMENT_PURPOSES, attendance=Attendance.ATTENDED
    ).values_list("starts_at", flat=True)
    meetings = MeetingAttendance.objects.filter(
        episode=episode, attended=True, meeting__cancelled=False
    ).values_list("meeting__starts_at", flat=True)
    return sorted(moment.isoformat() for moment in [*sessions, *meetings])


def _acute_contacts(client: Client, since: datetime) -> list[dict[str, Any]]:
    return [
        {
            "service": contact.service,
            "contacted_at": contact.contacted_at.isoformat(),
            "outcome": contact.outcome,
        }
        for contact in AcuteContact.objects.filter(client=client, contacted_at__gte=since)
    ]
