"""Thin tasks over the outbox (questionnaires.outbox): take an id, call the service."""

import logging

from celery import shared_task

from questionnaires import outbox
from questionnaires.models import Message
from questionnaires.outbox import Outcome, message_send, outbox_sweep, retry_delay
from questionnaires.risk.services import risk_alerts_escalate
from rph.queueing import hand_over

logger = logging.getLogger(__name__)


@shared_task(time_limit=60, soft_time_limit=45)
def send_message(message_id: int) -> str:
    """Enqueued on commit for a message due now; safe to run twice or concurrently."""
    outcome = message_send(message_id=message_id)
    if outcome == Outcome.RETRY:
        _retry_later(message_id)
    return outcome


# The outbox enqueues through this; looked up at each call, so tests can stand in for it.
# No result is kept: a result subscription would wait on Redis for ~20 s when it is down.
outbox.sender_set(lambda message_id: send_message.apply_async((message_id,), ignore_result=True))


@shared_task(time_limit=120, soft_time_limit=100)
def sweep_outbox() -> dict[str, int]:
    """Every minute (CELERY_BEAT_SCHEDULE): send what is due, release stale claims."""
    return dict(outbox_sweep())


def _retry_later(message_id: int) -> None:
    # The row is PENDING with a later send_after: the sweep retries it anyway; this only
    # saves waiting for the next sweep after the backoff.
    attempts = Message.objects.filter(pk=message_id).values_list("attempts", flat=True).first()
    countdown = retry_delay(attempts or 1).total_seconds()
    hand_over(
        f"message {message_id} retry",
        lambda: send_message.apply_async((message_id,), countdown=countdown, ignore_result=True),
    )


@shared_task(time_limit=120, soft_time_limit=100)
def escalate_risk_alerts() -> int:
    """Every five minutes (CELERY_BEAT_SCHEDULE): unacknowledged risk alerts past their time.

    Idempotent: each alert is claimed (escalated_at) before anyone is told.
    """
    return risk_alerts_escalate()
