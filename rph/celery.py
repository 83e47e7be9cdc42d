import os

from celery import Celery, signals

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rph.settings")

app = Celery("rph")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@app.on_after_configure.connect
def redbeat_without_namespace(sender: Celery, **kwargs: object) -> None:
    """celery-redbeat looks up its settings without the CELERY_ prefix (and warns at every
    start that it falls back to the broker's URL when it does not find them)."""
    sender.conf.update(
        {
            name.removeprefix("CELERY_").lower(): value
            for name, value in sender.conf.items()
            if name.startswith("CELERY_REDBEAT_")
        }
    )


@signals.setup_logging.connect
def keep_django_logging(**kwargs: object) -> None:
    """Workers log through Django's LOGGING, whose handler masks personal data.

    Without a receiver here, a worker replaces the root logger's handlers with its own,
    which mask nothing.
    """
