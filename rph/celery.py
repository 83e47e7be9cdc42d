import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rph.settings")

app = Celery("rph")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@signals.setup_logging.connect
def keep_django_logging(**kwargs: object) -> None:
    """Workers log through Django's LOGGING, whose handler masks personal data.

    Without a receiver here, a worker replaces the root logger's handlers with its own,
    which mask nothing.
    """
