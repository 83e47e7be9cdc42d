from celery import shared_task

from intake.alerts import deadline_alerts_sweep


@shared_task(time_limit=120, soft_time_limit=100)
def sweep_intake_deadlines() -> dict[str, int]:
    """Every five minutes (CELERY_BEAT_SCHEDULE): due-soon and overdue alerts, once each."""
    return dict(deadline_alerts_sweep())
