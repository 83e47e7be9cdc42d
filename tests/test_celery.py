"""Background work: a real worker on the configured broker, and the hourly session clean-up."""

import os
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.conf import settings
from django.contrib.sessions.models import Session
from django.utils import timezone

from rph.accounts.tasks import clear_expired_sessions, ping
from rph.celery import app


def test_the_broker_is_redis_when_redis_url_is_set_else_the_filesystem() -> None:
    redis_url = os.environ.get("REDIS_URL")

    if redis_url:
        assert app.conf.broker_url == redis_url
    else:
        assert app.conf.broker_url == "filesystem://"
        queue = app.conf.broker_transport_options["data_folder_in"]
        assert queue == str(settings.BASE_DIR / "var" / "celery" / "queue")


def test_a_worker_answers_a_ping_through_the_configured_broker() -> None:
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=20):
        assert ping.delay().get(timeout=20) == "pong"


def test_beat_clears_expired_sessions_at_least_hourly() -> None:
    entries = [
        entry
        for entry in app.conf.beat_schedule.values()
        if entry["task"] == clear_expired_sessions.name
    ]

    assert len(entries) == 1
    assert entries[0]["schedule"] <= timedelta(hours=1)
    assert clear_expired_sessions.name in app.tasks


@pytest.mark.django_db
def test_clearing_sessions_deletes_expired_ones_only() -> None:
    now = timezone.now()
    Session.objects.create(session_key="expired", session_data="", expire_date=now - timedelta(1))
    Session.objects.create(session_key="live", session_data="", expire_date=now + timedelta(1))

    clear_expired_sessions()

    assert list(Session.objects.values_list("session_key", flat=True)) == ["live"]
