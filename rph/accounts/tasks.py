from celery import shared_task
from django.core.management import call_command


@shared_task(time_limit=300)
def clear_expired_sessions() -> None:
    call_command("clearsessions")


@shared_task(time_limit=10)
def ping() -> str:
    """Round trip through the broker and a worker; used by `manage.py check_worker`."""
    return "pong"
