"""Handing work to the broker without letting a broker outage fail the request.

Work that must happen is written to the database first (an outbox row) and swept up by a
periodic task; enqueueing only makes it happen sooner. So a broker that is down or slow
must cost the request about a second (the short timeouts in settings) and never an error:
`hand_over` logs what did not go and returns False, whatever the broker raised (kombu's
OperationalError, a socket error, celery's RuntimeError from the result store).
"""

import logging
from collections.abc import Callable

from django.db import transaction

logger = logging.getLogger(__name__)


def hand_over(what: str, send: Callable[[], object]) -> bool:
    """Call `send` (e.g. `lambda: task.apply_async(...)`); False when the broker refused.
    `what` names the work in the log without personal data ("message 12")."""
    try:
        send()
    except Exception as exc:
        logger.warning("%s not queued (%s); the sweep will do it", what, type(exc).__name__)
        return False
    return True


def hand_over_on_commit(what: str, send: Callable[[], object]) -> None:
    """`hand_over` once the current transaction has committed (at once outside one)."""

    def after_commit() -> None:
        hand_over(what, send)

    transaction.on_commit(after_commit)
