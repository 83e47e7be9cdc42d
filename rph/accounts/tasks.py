from celery import shared_task
from django.core.management import call_command


@shared_task(time_limit=300)
def clear_expired_sessions() -> None:
    call_command("clearsessions")


# Its own soft limit: the global CELERY_TASK_SOFT_TIME_LIMIT (100 s) above time_limit would
# make every .delay() raise ValueError.
@shared_task(time_limit=10, soft_time_limit=8)
def ping() -> str:
    """Round trip through the broker and a worker; used by `manage.py check_worker`."""
    return "pong"
