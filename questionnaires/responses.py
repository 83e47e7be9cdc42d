"""Writes: questionnaire responses and the risk alerts they raise.

A response is stored once and never changed (Response.save refuses an update); a mistake is
put right by a correction, a new response that supersedes the old one and says who and why.
`answers` always cover every item of the instrument in order, scored or not (PHQ-9: ten,
item 10 included), None for an unanswered item.
"""

from collections.abc import Sequence
from datetime import datetime, timedelta
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Assessment, Client
from questionnaires.definitions import (
    MAX_ANSWER_TEXT,
    MULTIPLE,
    NOT_APPLICABLE,
    SCALE,
    SCALE_MAX,
    SCALE_MIN,
    TEXT,
    Definition,
    Item,
)
from questionnaires.models import Capture, Instrument, Invitation, Response, RiskAlert
from questionnaires.risk.services import risk_alert_notify
from questionnaires.scoring import score_definition
from questionnaires.working_hours import add_working_hours
from rph.accounts.models import Team, User
from rph.accounts.roles import CLINICAL_ROLES

MAX_REASON = 500
# One stored answer: an option value, NOT_APPLICABLE, a list of values, a text, or None.
Answer = int | str | list[int] | None
# A clock a little ahead on a phone or tablet is not a future answer.
CLOCK_SKEW = timedelta(minutes=5)


def answers_check(definition: Definition, answers: object) -> list[Answer]:
    """The answers as a list, or a ValidationError saying what is wrong, item by item."""
    if isinstance(answers, str | bytes) or not isinstance(answers, Sequence):
        raise ValidationError(_("The answers must be a list."), code="not_a_list")
    if len(answers) != len(definition.items):
        raise ValidationError(
            _("%(name)s has %(expected)s questions, but %(given)s answers were given.")
            % {"name": definition.name, "expected": len(definition.items), "given": len(answers)},
            code="wrong_count",
        )
    errors = [
        ValidationError(
            _("%(name)s, question %(number)s: %(problem)s")
            % {"name": definition.name, "number": item.number, "problem": problem},
            code="not_an_option",
        )
        for item, value in zip(definition.items, answers, strict=True)
        if (problem := _answer_problem(item, value))
    ]
    if errors:
        raise ValidationError(errors)
    return list(answers)


def _answer_problem(item: Item, value: object) -> str:
    """What is wrong with one answer for its item's type, or "" when it fits."""
    if value is None:
        return ""
    if item.type == TEXT:
        if isinstance(value, str) and value.strip() and len(value) <= MAX_ANSWER_TEXT:
            return ""
        return _("the answer must be a text of at most %(max)s characters.") % {
            "max": MAX_ANSWER_TEXT
        }
    if item.type == SCALE:
        if _whole(value) and SCALE_MIN <= value <= SCALE_MAX:
            return ""
        return _("the answer must be a whole number from %(low)s to %(high)s.") % {
            "low": SCALE_MIN,
            "high": SCALE_MAX,
        }
    allowed = ", ".join(str(value) for value in item.values)
    if item.type == MULTIPLE:
        if (
            isinstance(value, list)
            and value
            and all(_whole(v) and v in item.values for v in value)
            and value == sorted(set(value))
        ):
            return ""
        return _("the answer must be a list of different options among %(allowed)s.") % {
            "allowed": allowed
        }
    if value == NOT_APPLICABLE and item.not_applicable:
        return ""
    if _whole(value) and value in item.values:
        return ""
    return _("the answer must be one of %(allowed)s.") % {"allowed": allowed}


def _whole(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def scored_answers(definition: Definition, answers: Sequence[Answer]) -> list[Answer]:
    return [value for item, value in zip(definition.items, answers, strict=True) if item.scored]


def response_submit(
    *,
    client: Client,
    instrument: Instrument,
    answers: Sequence[Answer],
    capture: Capture,
    invitation: Invitation | None = None,
    occasion: models.Model | None = None,
    entered_by: User | None = None,
    answered_at: datetime | None = None,
) -> Response:
    """Store one administration, scored, and raise a risk alert for each risk flag."""
    if invitation is not None:
        if invitation.client_id != client.pk:
            raise ValidationError(_("The invitation belongs to another client."))
        occasion_type_id, occasion_id = invitation.occasion_type_id, invitation.occasion_id
    elif occasion is not None:
        occasion_type_id = ContentType.objects.get_for_model(occasion).pk
        occasion_id = occasion.pk
    else:
        occasion_type_id, occasion_id = None, None
    return _response_create(
        client=client,
        instrument=instrument,
        answers=answers,
        capture=capture,
        invitation=invitation,
        occasion_type_id=occasion_type_id,
        occasion_id=occasion_id,
        entered_by=entered_by,
        answered_at=answered_at,
    )


def response_correct(
    *, original: Response, answers: Sequence[Answer], by: User, reason: str
) -> Response:
    """A new response from paper that replaces `original`; the original stays as it was."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give a reason for the correction.")})
    if len(reason) > MAX_REASON:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)s characters.") % {"max": MAX_REASON}}
        )
    if Response.objects.filter(supersedes=original).exists():
        raise ValidationError(
            _("This response has already been corrected. Correct the newest version.")
        )
    try:
        with transaction.atomic():
            return _response_create(
                client=original.client,
                instrument=original.instrument,
                answers=answers,
                capture=Capture.PAPER,
                invitation=None,
                occasion_type_id=original.occasion_type_id,
                occasion_id=original.occasion_id,
                entered_by=by,
                answered_at=original.answered_at,
                supersedes=original,
                correction_reason=reason,
            )
    except IntegrityError as exc:  # someone corrected it at the same moment
        raise ValidationError(
            _("This response has already been corrected. Correct the newest version.")
        ) from exc


def risk_recipient(client: Client) -> User | None:
    """The therapist who gets a risk alert: the first clinician in the care team, by name."""
    return (
        client.care_team.filter(
            is_active=True,
            memberships__team_id=client.team_id,
            memberships__role__in=CLINICAL_ROLES,
        )
        .order_by("last_name", "first_name", "pk")
        .first()
    )


@transaction.atomic
def _response_create(
    *,
    client: Client,
    instrument: Instrument,
    answers: Sequence[Answer],
    capture: Capture,
    invitation: Invitation | None,
    occasion_type_id: int | None,
    occasion_id: int | None,
    entered_by: User | None,
    answered_at: datetime | None,
    supersedes: Response | None = None,
    correction_reason: str = "",
) -> Response:
    if instrument.team_id not in (None, client.team_id) or not (instrument.active or supersedes):
        raise ValidationError(_("Choose a questionnaire the team uses."))
    if capture not in Capture.values:
        raise ValidationError(_("Unknown way of answering."))
    if capture == Capture.PAPER and entered_by is None:
        raise ValidationError(_("Say who entered the answers from paper."))
    now = timezone.now()
    answered_at = answered_at or now
    if answered_at.tzinfo is None or answered_at > now + CLOCK_SKEW:
        raise ValidationError({"answered_at": _("The date cannot be in the future.")})
    definition = instrument.parsed()
    values = answers_check(definition, answers)
    score = score_definition(definition, scored_answers(definition, values))
    response = Response.objects.create(
        team=client.team,
        client=client,
        instrument=instrument,
        instrument_code=instrument.code,
        instrument_version=instrument.version,
        answers=values,
        raw_sum=score.raw_sum,
        total=score.total,
        prorated=score.prorated,
        band=score.band or "",
        flags=sorted(score.flags),
        capture=capture,
        invitation=invitation,
        occasion_type_id=occasion_type_id,
        occasion_id=occasion_id,
        answered_at=answered_at,
        entered_by=entered_by,
        supersedes=supersedes,
        correction_reason=correction_reason,
    )
    # A correction raises only what the response it replaces had not already raised.
    already = set(supersedes.flags) if supersedes else set()
    _risk_alerts_raise(response, [flag for flag in response.flags if flag not in already])
    return response


def _risk_alerts_raise(response: Response, flags: list[str]) -> list[RiskAlert]:
    """One alert per risk flag, at once; the therapist is told when the transaction commits."""
    if not flags:
        return []
    client = response.client
    now = timezone.now()
    escalate_at = add_working_hours(now, client.team.risk_escalation_working_hours)
    recipient = risk_recipient(client)
    alerts = [
        RiskAlert.objects.create(
            team=client.team,
            client=client,
            response=response,
            flag=flag,
            recipient=recipient,
            created_at=now,
            escalate_at=escalate_at,
        )
        for flag in flags
    ]
    for alert in alerts:
        transaction.on_commit(partial(risk_alert_notify, alert))
    return alerts


def instruments_for_codes(team: Team, codes: Sequence[str]) -> list[Instrument]:
    """The newest active version of each code the team may use, in the order asked for."""
    newest: dict[str, Instrument] = {}
    for instrument in Instrument.objects.available_to(team).filter(code__in=list(codes)):
        known = newest.get(instrument.code)
        if known is None or (instrument.created_at, instrument.pk) > (known.created_at, known.pk):
            newest[instrument.code] = instrument
    return [newest[code] for code in codes if code in newest]


def assessment_scores_record(assessment: Assessment) -> list[Response]:
    """The baseline PHQ-9/GAD-7 answered in a completed assessment, as responses, once.

    They are the episode's first scores (treatment.outcomes) and the chart's first points.
    """
    occasion_type = ContentType.objects.get_for_model(Assessment)
    done = Response.objects.filter(occasion_type=occasion_type, occasion_id=assessment.pk)
    if not assessment.is_complete or done.exists():
        return []
    client = assessment.contact.client
    recorded = []
    for code, answers in (("phq9", assessment.phq9_answers), ("gad7", assessment.gad7_answers)):
        instruments = Instrument.objects.available_to(client.team).filter(code=code)
        instrument = instruments.order_by("-pk").first()
        if not answers or instrument is None:
            continue
        recorded.append(
            _response_create(
                client=client,
                instrument=instrument,
                answers=answers,
                capture=Capture.ASSESSMENT,
                invitation=None,
                occasion_type_id=occasion_type.pk,
                occasion_id=assessment.pk,
                entered_by=assessment.therapist,
                answered_at=min(assessment.held_at, timezone.now()),
            )
        )
    return recorded
