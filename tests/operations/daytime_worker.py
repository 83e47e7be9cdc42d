"""RPH's Celery app for the fault tests' workers: always outside the quiet hours, so a run at
night sends as one in the day does (the outbox postpones nothing)."""

from celery import signals

from rph.celery import app


@signals.worker_process_init.connect
def never_quiet(**kwargs: object) -> None:
    from questionnaires import outbox

    outbox.in_quiet_hours = lambda when: False


__all__ = ["app"]
