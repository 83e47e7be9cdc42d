"""Thin tasks over the electronic letters' outbox (referrals.letters.outbox)."""

import logging

from celery import shared_task
from kombu.exceptions import OperationalError

from referrals.letters import outbox
from referrals.models import LetterMessage

logger = logging.getLogger(__name__)


@shared_task(time_limit=60, soft_time_limit=45)
def write_letter_message(message_id: int) -> str:
    """Enqueued on commit for a new message; safe to run twice or concurrently."""
    outcome = outbox.message_write(message_id=message_id)
    if outcome == "retry":
        attempts = (
            LetterMessage.objects.filter(pk=message_id).values_list("attempts", flat=True).first()
        )
        try:
            write_letter_message.apply_async(
                (message_id,), countdown=outbox.retry_delay(attempts or 1).total_seconds()
            )
        except (OperationalError, OSError) as exc:
            logger.warning(
                "letter message %s: retry not queued (%s)", message_id, type(exc).__name__
            )
    return outcome


outbox.sender_set(lambda message_id: write_letter_message.delay(message_id))


@shared_task(time_limit=120, soft_time_limit=100)
def sweep_letter_messages() -> dict[str, int]:
    """Every minute (CELERY_BEAT_SCHEDULE): write what is due, read receipts, flag the late."""
    counts = outbox.messages_sweep()
    counts.update(outbox.receipts_read())
    counts["flagged"] = outbox.receipts_overdue_flag()
    return dict(+counts)
