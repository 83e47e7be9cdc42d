"""The outbox: questionnaire links and reminders to clients, written first, sent after.

Every message is written to `Message` in the transaction that caused it (a booking, a
resend) and sent by a task enqueued when that transaction commits. If the broker is down
then, nothing is lost: the minute sweep sends what is due.

Sending, step by step (each step a conditional update that only one worker can win):

1. claim: PENDING and due -> SENDING, attempts + 1;
2. hand over: SENDING -> HANDED (`handed_at` set the first time), committed *before* the
   backend is called, with the message's `idempotency_key`, the same for every attempt;
3. HANDED -> SENT when the provider accepted it. A refusal goes back to PENDING with a
   later `send_after` (1, 2, 4, 8 minutes) and ends as FAILED after `MAX_ATTEMPTS`, with an
   error text that holds no personal data.

A claim older than `stale_claim()` (the worker died; far above the task's hard time limit)
is released by the sweep. One still SENDING never reached the provider: it goes back to
PENDING. One HANDED may have been delivered: it goes back to PENDING only if its backend
de-duplicates on the key (`Backend.deduplicates`, e.g. our HTTP SMS gateway) and it was
first handed over less than `RESEND_WINDOW` ago, so the provider drops the second copy;
otherwise it ends as FAILED ("outcome unknown") and is never handed over again. What that
promises (README, docs/questionnaires.md): at most once per message for e-mail, at least
once with de-duplication by the provider for SMS.

The outbox is confidential: a pending message holds the client's link. Once a message is
sent, failed or cancelled, the link is cut out of its text, so links never linger.
"""

import logging
import re
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from functools import partial

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F, Q
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.consents.services import link_refusal, reach_now
from intake.models import AssessmentOffer, Client, ReachKind
from questionnaires.models import Invitation, Message
from questionnaires.schedule import (
    FINAL_CODES,
    FIRST_CODES,
    FOLLOW_UP_CODES,
    ROUTINE_CODES,
    SendPlan,
    in_quiet_hours,
    next_morning,
    send_plan,
)
from questionnaires.sending import DeliveryError, available_channels, backend_for
from questionnaires.services import invitation_create
from rph.accounts.models import User
from rph.queueing import hand_over

logger = logging.getLogger(__name__)

Status = Message.Status
Kind = Message.Kind
Channel = Message.Channel
CLAIMED = (Status.SENDING, Status.HANDED)

MAX_ATTEMPTS = 5
RETRY_AFTER = timedelta(minutes=1)  # doubled after each failed attempt
# A message first handed over longer ago than this is never handed over again, so the
# provider's de-duplication (docs: keys kept at least 24 hours) always covers a retry.
RESEND_WINDOW = timedelta(hours=1)
UNKNOWN = "outcome unknown: the worker stopped after handing it to the provider"
SWEEP_BATCH = 200
SWEEP_SECONDS = 60  # a sweep stops taking new messages after this; the next one goes on
# Tokens are 43 url-safe characters (questionnaires.tokens): what must not linger.
# Stored on a message cancelled because the register no longer allows it (shown translated).
NO_CONSENT = "no consent for this channel"
_TOKEN = re.compile(r"[A-Za-z0-9_-]{43,}")


class Outcome(StrEnum):
    SENT = "sent"
    RETRY = "retry"
    FAILED = "failed"
    CANCELLED = "cancelled"
    POSTPONED = "postponed"
    NOT_CLAIMED = "not_claimed"


@dataclass(frozen=True)
class Reach:
    channel: str
    recipient: str


# -- Who may be sent what --------------------------------------------------------------


def reach_for(client: Client) -> Reach | None:
    """How to send a link to the client, if the consent register allows it. SMS first."""
    return _reach(client)[0]


def refusal_for(client: Client) -> str:
    """Why no link may go to the client now (shown to staff), or "" when one may."""
    return _reach(client)[1]


def _reach(client: Client) -> tuple[Reach | None, str]:
    consents = reach_now(client)
    channels = available_channels()
    refusal = link_refusal(
        consents, phone=bool(client.phone), email=bool(client.email), channels=channels
    )
    if refusal:
        return None, refusal
    for channel in channels:
        if channel == Channel.SMS and consents.allows(ReachKind.SMS) and client.phone:
            return Reach(Channel.SMS, client.phone.as_e164), ""
        if channel == Channel.EMAIL and consents.allows(ReachKind.EMAIL) and client.email:
            return Reach(Channel.EMAIL, client.email), ""
    return None, refusal


# -- Writing messages -------------------------------------------------------------------


def offer_invitation_schedule(*, offer: AssessmentOffer) -> Invitation | None:
    """On booking an assessment: the PHQ-9 + GAD-7 + WSAS link and its reminder, if consented.

    Runs in the booking's transaction (questionnaires.signals); None when the client did
    not agree to digital questionnaires or there is no allowed time before the session.
    """
    contact = offer.contact
    reach = reach_for(contact.client)
    if reach is None:
        return None
    team = contact.team
    plan = send_plan(
        now=timezone.now(),
        session_at=offer.scheduled_for,
        invitation_lead_hours=team.invitation_lead_hours,
        reminder_lead_hours=team.reminder_lead_hours,
        max_messages=team.max_messages_per_invitation,
    )
    if plan is None:
        return None
    invitation, token = invitation_create(
        client=contact.client,
        instrument_codes=FIRST_CODES,
        occasion=offer,
        occasion_at=offer.scheduled_for,
        created_by=offer.offered_by,
        valid_from=plan.invitation_at,
    )
    _messages_record(invitation, token, reach, plan)
    return invitation


def occasion_invitation_schedule(
    *,
    client: Client,
    occasion: models.Model,
    occasion_at: datetime,
    created_by: User,
    instrument_codes: Sequence[str] = ROUTINE_CODES,
) -> Invitation | None:
    """A later session (treatment, course meeting, follow-up call): the link and reminder
    before it, as the client's consent register allows. None when the client did not
    agree to digital questionnaires or there is no allowed time before the session."""
    reach = reach_for(client)
    if reach is None:
        return None
    team = client.team
    plan = send_plan(
        now=timezone.now(),
        session_at=occasion_at,
        invitation_lead_hours=team.invitation_lead_hours,
        reminder_lead_hours=team.reminder_lead_hours,
        max_messages=team.max_messages_per_invitation,
    )
    if plan is None:
        return None
    invitation, token = invitation_create(
        client=client,
        instrument_codes=instrument_codes,
        occasion=occasion,
        occasion_at=occasion_at,
        created_by=created_by,
        valid_from=plan.invitation_at,
    )
    _messages_record(invitation, token, reach, plan)
    return invitation


def invitation_send_now(
    *,
    client: Client,
    occasion: models.Model,
    created_by: User,
    instrument_codes: Sequence[str] = FINAL_CODES,
) -> Invitation:
    """A link not tied to a session (the final questionnaire when an episode ends: PHQ-9,
    GAD-7, WSAS and the satisfaction survey), sent now (at 08:00 if now is in the quiet
    hours), without a reminder, as the client's consent register allows."""
    reach, refusal = _reach(client)
    if reach is None:
        raise ValidationError(refusal)
    plan = SendPlan(invitation_at=next_morning(timezone.now()), reminder_at=None)
    invitation, token = invitation_create(
        client=client,
        instrument_codes=instrument_codes,
        occasion=occasion,
        created_by=created_by,
        valid_from=plan.invitation_at,
    )
    _messages_record(invitation, token, reach, plan)
    return invitation


FOLLOW_UP_REMINDER_AFTER = timedelta(days=3)


def follow_up_invitation_send(*, client: Client, occasion: models.Model) -> Invitation | None:
    """The follow-up questionnaire after the end (PHQ-9, GAD-7, WSAS), sent now (08:00 at
    night) with one reminder 3 days later unless answered, as the client's consent register
    allows; None when the client cannot be reached that way any more."""
    reach = reach_for(client)
    if reach is None:
        return None
    first = next_morning(timezone.now())
    plan = SendPlan(invitation_at=first, reminder_at=next_morning(first + FOLLOW_UP_REMINDER_AFTER))
    invitation, token = invitation_create(
        client=client, instrument_codes=FOLLOW_UP_CODES, occasion=occasion, valid_from=first
    )
    _messages_record(invitation, token, reach, plan)
    return invitation


def occasion_invitations_cancel(*, occasion: models.Model, reason: str) -> int:
    """A session moved or cancelled: its open links stop working and unsent messages go.
    Returns the number of links closed."""
    open_links = Invitation.objects.filter(
        occasion_type=ContentType.objects.get_for_model(occasion),
        occasion_id=occasion.pk,
        completed_at__isnull=True,
    ).select_for_update()
    closed = 0
    for invitation in open_links:
        messages_cancel(invitation=invitation, reason=reason)
        invitation.expires_at = min(invitation.expires_at, timezone.now())
        invitation.save(update_fields=["expires_at"])
        closed += 1
    return closed


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by: User) -> Invitation:
    """A new link for the same session, sent now (or at 08:00); the old link stops working.

    The team's `max_messages_per_invitation` counts every message for the session that was
    sent or is on its way, whichever link it carried; failed ones do not count.
    """
    now = timezone.now()
    current = Invitation.objects.select_for_update().select_related("team").get(pk=invitation.pk)
    if current.completed_at is not None:
        raise ValidationError(_("The questionnaire has already been answered."))
    if current.expires_at <= now:
        raise ValidationError(
            _("This link no longer works: a new one has replaced it, or the session is over.")
        )
    reach, refusal = _reach(current.client)
    if reach is None:
        raise ValidationError(refusal)
    limit = current.team.max_messages_per_invitation
    used = Invitation.objects.with_messages_used().get(pk=current.pk).messages_used
    replaced = current.messages.filter(status=Status.PENDING)
    left = limit - (used - replaced.count())
    if left < 1:
        raise ValidationError(
            ngettext(
                "The client has had %(n)d message for this session, the most the team allows.",
                "The client has had %(n)d messages for this session, the most the team allows.",
                limit,
            )
            % {"n": limit}
        )
    plan = send_plan(
        now=now,
        session_at=current.occasion_at,
        invitation_lead_hours=current.team.invitation_lead_hours,
        reminder_lead_hours=current.team.reminder_lead_hours,
        max_messages=left,
        immediately=True,
    )
    if plan is None:
        raise ValidationError(_("There is no time left to send a link before the session."))
    for message in replaced:
        _close(message, Status.CANCELLED, error="replaced by a new link")
    Invitation.objects.filter(pk=current.pk, completed_at=None).update(expires_at=now)
    new, token = invitation_create(
        client=current.client,
        instrument_codes=current.instrument_codes,
        occasion=current.occasion,
        occasion_at=current.occasion_at,
        created_by=by,
        valid_from=plan.invitation_at,
    )
    # Answers begun on the old link carry over to the new one.
    Invitation.objects.filter(pk=new.pk).update(draft_answers=current.draft_answers)
    _messages_record(new, token, reach, plan)
    return new


def messages_cancel(*, invitation: Invitation, reason: str) -> int:
    """Cancel what is still waiting for a link (e.g. when it has been answered)."""
    cancelled = 0
    for message in invitation.messages.filter(status=Status.PENDING):
        cancelled += _close(message, Status.CANCELLED, error=reason)
    return cancelled


def link_url(token: str) -> str:
    return settings.SITE_URL + reverse("questionnaires:link", args=[token])


def sender_name(client: Client) -> str:
    """Neutral on a lock screen: the municipality, never the team (its name says "psykisk")."""
    name = client.home_municipality.name
    if name.lower().endswith("kommune"):
        return name
    return _("%(municipality)s municipality") % {"municipality": name}


def message_text(kind: str, client: Client, session_at: datetime | None, link: str) -> str:
    """The SMS / e-mail text: a first name, a neutral sender, the time and the link."""
    with translation.override(settings.LANGUAGE_CODE):
        values = {"name": client.first_name, "sender": sender_name(client), "link": link}
        if session_at is None:
            return _("Hi %(name)s, you have received a form from %(sender)s: %(link)s") % values
        local = timezone.localtime(session_at)
        values["when"] = _("%(date)s at %(time)s") % {
            "date": f"{local:%d.%m.}",
            "time": f"{local:%H:%M}",
        }
        if kind == Kind.REMINDER:
            return (
                _(
                    "Hi %(name)s, a reminder: please fill in the form from %(sender)s before "
                    "your appointment %(when)s: %(link)s"
                )
                % values
            )
        return (
            _(
                "Hi %(name)s, you have received a form from %(sender)s before your "
                "appointment %(when)s: %(link)s"
            )
            % values
        )


def client_message_record(*, client: Client, kind: str, body: str) -> Message | None:
    """Write one message to the client (a booking link), when the consent register allows
    it, as for questionnaire links; None when it does not, and staff give the link another way."""
    reach = reach_for(client)
    if reach is None:
        return None
    message = Message.objects.create(
        team=client.team, kind=kind, channel=reach.channel, recipient=reach.recipient, body=body
    )
    transaction.on_commit(partial(_enqueue, message.pk), robust=True)
    return message


def booking_text(client: Client, link: str) -> str:
    with translation.override(settings.LANGUAGE_CODE):
        values = {"name": client.first_name, "sender": sender_name(client), "link": link}
        return _("Hi %(name)s, %(sender)s offers you times for an appointment: %(link)s") % values


def _messages_record(invitation: Invitation, token: str, reach: Reach, plan: SendPlan) -> None:
    link = link_url(token)
    now = timezone.now()
    planned = [(Kind.INVITATION, plan.invitation_at), (Kind.REMINDER, plan.reminder_at)]
    for kind, send_after in planned:
        if send_after is None:
            continue
        message = Message.objects.create(
            team=invitation.team,
            invitation=invitation,
            kind=kind,
            channel=reach.channel,
            recipient=reach.recipient,
            body=message_text(kind, invitation.client, invitation.occasion_at, link),
            send_after=send_after,
        )
        if send_after <= now:
            transaction.on_commit(partial(_enqueue, message.pk))


# How a message due now reaches a worker. The task module hands it over when it is imported
# (QuestionnairesConfig.ready imports it): the tasks call the outbox, never the reverse.
_send_soon: Callable[[int], object] | None = None


def sender_set(send_soon: Callable[[int], object]) -> None:
    global _send_soon
    _send_soon = send_soon


def _enqueue(message_id: int) -> None:
    if _send_soon is None:  # no task module loaded: the minute sweep sends it
        logger.warning(
            "message %s not queued (no sender); the outbox sweep will send it", message_id
        )
        return
    send_soon = _send_soon
    # The row is committed: if the broker does not take it, the minute sweep sends it.
    hand_over(f"message {message_id}", lambda: send_soon(message_id))


# -- Sending ----------------------------------------------------------------------------


def message_send(*, message_id: int) -> Outcome:
    """Send one due message once, whoever calls and however often."""
    now = timezone.now()
    if in_quiet_hours(now):
        morning = next_morning(now)
        waiting = Message.objects.filter(
            pk=message_id, status=Status.PENDING, send_after__lt=morning
        )
        return Outcome.POSTPONED if waiting.update(send_after=morning) else Outcome.NOT_CLAIMED
    claimed = Message.objects.filter(
        pk=message_id, status=Status.PENDING, send_after__lte=now
    ).update(status=Status.SENDING, claimed_at=now, attempts=F("attempts") + 1)
    if claimed != 1:
        return Outcome.NOT_CLAIMED
    message = Message.objects.select_related("invitation").get(pk=message_id)
    if reason := _reason_not_to_send(message, now):
        _close(message, Status.CANCELLED, error=reason, claimed=True)
        return Outcome.CANCELLED
    try:
        backend = backend_for(message.channel)
    except DeliveryError as exc:
        return _failed(message, str(exc))
    # Recorded (and, outside a transaction, committed) before the call: if the worker dies
    # during it, the sweep knows the provider may have the message.
    handed = Message.objects.filter(pk=message.pk, status=Status.SENDING, claimed_at=now).update(
        status=Status.HANDED, handed_at=Coalesce(F("handed_at"), now)
    )
    if handed != 1:
        return Outcome.NOT_CLAIMED
    try:
        backend.send(message)
    except DeliveryError as exc:
        if exc.uncertain and not backend.deduplicates:
            _close(message, Status.FAILED, error=f"{exc}: outcome unknown", claimed=True)
            return Outcome.FAILED
        return _failed(message, str(exc))
    except Exception as exc:
        # Never log the exception's text: it may quote the recipient.
        logger.error("message %s: delivery raised %s", message.pk, type(exc).__name__)
        return _failed(message, f"unexpected error ({type(exc).__name__})")
    Message.objects.filter(pk=message.pk, status=Status.HANDED, claimed_at=now).update(
        status=Status.SENT,
        sent_at=timezone.now(),
        body=message.body if backend.keeps_link else _without_link(message.body),
        last_error="",
    )
    return Outcome.SENT


def stale_claim() -> timedelta:
    """A claim older than this is the claim of a worker that stopped (settings)."""
    return timedelta(seconds=settings.OUTBOX_STALE_CLAIM_SECONDS)


def retry_delay(attempts: int) -> timedelta:
    return RETRY_AFTER * 2 ** max(attempts - 1, 0)


def _failed(message: Message, error: str) -> Outcome:
    if message.attempts >= MAX_ATTEMPTS:
        _close(message, Status.FAILED, error=error, claimed=True)
        logger.warning("message %s failed after %s attempts", message.pk, message.attempts)
        return Outcome.FAILED
    Message.objects.filter(pk=message.pk, status__in=CLAIMED, claimed_at=message.claimed_at).update(
        status=Status.PENDING,
        claimed_at=None,
        send_after=timezone.now() + retry_delay(message.attempts),
        last_error=error[:500],
    )
    return Outcome.RETRY


def _close(message: Message, status: str, *, error: str, claimed: bool = False) -> int:
    """End a message that will never be sent; cut its link out. Returns rows changed."""
    current = Message.objects.filter(pk=message.pk)
    if claimed:
        current = current.filter(status__in=CLAIMED, claimed_at=message.claimed_at)
    else:
        current = current.filter(status=Status.PENDING)
    return current.update(
        status=status, claimed_at=None, body=_without_link(message.body), last_error=error[:500]
    )


def _reason_not_to_send(message: Message, now: datetime) -> str:
    """Why a claimed message must not go (no personal data), or "" to send it."""
    invitation = message.invitation
    if invitation is None:
        return ""
    if invitation.completed_at is not None:
        return "the questionnaire has been answered"
    if invitation.expires_at <= now:
        return "the link has expired"
    if invitation.occasion_at is not None and invitation.occasion_at <= now:
        return "the session has started"
    reach = reach_for(invitation.client)
    if reach is None or reach.channel != message.channel:
        return NO_CONSENT
    return ""


def _without_link(body: str) -> str:
    return _TOKEN.sub("…", body)


# -- The sweep --------------------------------------------------------------------------


def outbox_sweep() -> Counter[str]:
    """Every minute: release stale claims, cancel what is moot, send what is due."""
    counts: Counter[str] = Counter()
    now = timezone.now()
    counts["released"] = _release_stale_claims(now)
    counts["cancelled"] = _cancel_moot(now)
    if in_quiet_hours(now):
        counts[Outcome.POSTPONED] = Message.objects.filter(
            status=Status.PENDING, send_after__lt=next_morning(now)
        ).update(send_after=next_morning(now))
        return +counts
    due = (
        Message.objects.filter(status=Status.PENDING, send_after__lte=now)
        .order_by("send_after", "pk")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    started = time.monotonic()
    for message_id in list(due):
        if time.monotonic() - started > SWEEP_SECONDS:
            break
        counts[message_send(message_id=message_id)] += 1
    return +counts


def _release_stale_claims(now: datetime) -> int:
    released = 0
    stale = Message.objects.filter(status__in=CLAIMED, claimed_at__lt=now - stale_claim())
    for message in stale:
        error = "the sending worker stopped"
        if message.status == Status.HANDED and (
            message.attempts >= MAX_ATTEMPTS or not _may_hand_over_again(message, now)
        ):
            released += _close(message, Status.FAILED, error=UNKNOWN, claimed=True)
        elif message.attempts >= MAX_ATTEMPTS:
            released += _close(message, Status.FAILED, error=error, claimed=True)
        else:
            released += Message.objects.filter(
                pk=message.pk, status=message.status, claimed_at=message.claimed_at
            ).update(status=Status.PENDING, claimed_at=None, last_error=error)
    return released


def _may_hand_over_again(message: Message, now: datetime) -> bool:
    """Only to a provider that drops a second copy with the same key, within the window."""
    try:
        deduplicates = backend_for(message.channel).deduplicates
    except DeliveryError:
        return False
    return (
        deduplicates and message.handed_at is not None and now - message.handed_at < RESEND_WINDOW
    )


def _cancel_moot(now: datetime) -> int:
    """Waiting messages whose link was answered or has expired will never go."""
    cancelled = 0
    moot = Message.objects.filter(status=Status.PENDING).filter(
        Q(invitation__completed_at__isnull=False) | Q(invitation__expires_at__lte=now)
    )
    for message in moot:
        cancelled += _close(message, Status.CANCELLED, error="the link was answered or expired")
    return cancelled
