"""RPH's Celery app with its whole beat schedule due every EVERY: the test of the beat lock
sees many ticks of every periodic task in seconds instead of one in minutes."""

from datetime import timedelta

from rph.celery import app

EVERY = timedelta(seconds=2)

app.conf.beat_schedule = {
    name: {**entry, "schedule": EVERY} for name, entry in app.conf.beat_schedule.items()
}
