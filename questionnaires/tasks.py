"""Thin tasks over the outbox (questionnaires.outbox): take an id, call the service."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from questionnaires import outbox
from questionnaires.models import Message
from questionnaires.outbox import Outcome, message_send, outbox_sweep, retry_delay
from questionnaires.risk.services import risk_alerts_escalate

logger = logging.getLogger(__name__)


@shared_task(time_limit=60, soft_time_limit=45)
def send_message(message_id: int) -> str:
    """Enqueued on commit for a message due now; safe to run twice or concurrently."""
    outcome = message_send(message_id=message_id)
    if outcome == Outcome.RETRY:
        _retry_later(message_id)
    return outcome


# The outbox enqueues through this; looked up at each call, so tests can stand in for it.
outbox.sender_set(lambda message_id: send_message.delay(message_id))


@shared_task(time_limit=120, soft_time_limit=100)
def sweep_outbox() -> dict[str, int]:
    """Every minute (CELERY_BEAT_SCHEDULE): send what is due, release stale claims."""
    return dict(outbox_sweep())


def _retry_later(message_id: int) -> None:
    # The row is PENDING with a later send_after: the sweep retries it anyway; this only
    # saves waiting for the next sweep after the backoff.
    attempts = Message.objects.filter(pk=message_id).values_list("attempts", flat=True).first()
    countdown = retry_delay(attempts or 1).total_seconds()
    try:
        send_message.apply_async((message_id,), countdown=countdown)
    except (OperationalError, OSError) as exc:
        logger.warning("message %s: retry not queued (%s)", message_id, type(exc).__name__)


@shared_task(time_limit=120, soft_time_limit=100)
def escalate_risk_alerts() -> int:
    """Every five minutes (CELERY_BEAT_SCHEDULE): unacknowledged risk alerts past their time.

    Idempotent: each alert is claimed (escalated_at) before anyone is told.
    """
    return risk_alerts_escalate()
