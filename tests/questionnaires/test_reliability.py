"""Each message goes exactly once: retried, duplicated and concurrent tasks, a broker that is
down at booking time, a gateway that keeps failing. Runs against the configured broker
(Redis in CI) with an embedded worker where a real worker matters."""

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from celery.contrib.testing.worker import start_worker
from django.db import connection
from django.utils import timezone
from kombu.exceptions import OperationalError

from intake.models import AssessmentOffer
from questionnaires import outbox
from questionnaires.models import Message
from questionnaires.outbox import MAX_ATTEMPTS, Outcome, message_send
from questionnaires.tasks import send_message, sweep_outbox
from rph.accounts.roles import Role
from rph.celery import app
from tests.accounts.factories import TeamFactory, member
from tests.questionnaires.outbox_data import Recorder, book, consenting_contact, enqueued_with

Status = Message.Status
NOON = "2026-03-02T12:00:00+01:00"
EVENING = datetime.fromisoformat("2026-03-02T19:00:00+01:00")
# Our own queue: other test runs on the same broker must neither take our tasks nor give us
# theirs.
QUEUE = f"rph-test-outbox-{os.getpid()}"


@contextmanager
def embedded_worker() -> Iterator[None]:
    """A worker consuming our queue only; afterwards the app consumes all queues again."""
    try:
        with start_worker(
            app, pool="solo", perform_ping_check=False, shutdown_timeout=20, queues=[QUEUE]
        ):
            yield
    finally:
        del app.amqp.queues  # the worker narrowed them to ours; rebuilt when next used


@pytest.fixture
def backend(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(outbox, "backend_for", lambda channel: recorder)
    return recorder


def booking() -> AssessmentOffer:
    """A consenting client booked for this evening: the link is due at once."""
    team = TeamFactory()
    clerical, therapist = member(team, Role.CLERICAL), member(team, Role.THERAPIST)
    return book(consenting_contact(team), clerical, therapist, EVENING)


def due_message() -> Message:
    return Message.objects.get(kind=Message.Kind.INVITATION)


@pytest.mark.django_db
def test_a_task_run_twice_sends_once(backend, time_machine):
    time_machine.move_to(NOON, tick=False)
    booking()
    message = due_message()

    first, second = send_message(message.pk), send_message(message.pk)

    assert (first, second) == (Outcome.SENT, Outcome.NOT_CLAIMED)
    assert backend.sent == [message.pk]


@pytest.mark.django_db(transaction=True)
def test_duplicated_tasks_on_the_real_broker_send_once(backend, time_machine):
    time_machine.move_to(NOON)  # the clock ticks on, in the worker's thread too
    with pytest.MonkeyPatch.context() as broker:
        broker.setattr(
            send_message, "apply_async", enqueued_with(lambda message_id: None)
        )  # queued below
        booking()
    message = due_message()
    backend.delay = 0.05

    with embedded_worker():
        results = [send_message.apply_async((message.pk,), queue=QUEUE) for _ in range(4)]
        outcomes = [result.get(timeout=30) for result in results]

    assert sorted(outcomes) == [Outcome.NOT_CLAIMED] * 3 + [Outcome.SENT]
    assert backend.sent == [message.pk]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.SENT, 1)


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks between connections (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_workers_at_the_same_moment_send_once(backend, time_machine):
    time_machine.move_to(NOON)
    with pytest.MonkeyPatch.context() as broker:
        broker.setattr(
            send_message, "apply_async", enqueued_with(lambda message_id: None)
        )  # the threads send
        booking()
    message = due_message()
    backend.delay = 0.2  # the winner is still sending when the other one tries
    start = threading.Barrier(4)
    outcomes: list[str] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            start.wait()
            outcomes.append(message_send(message_id=message.pk))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert sorted(outcomes) == [Outcome.NOT_CLAIMED] * 3 + [Outcome.SENT]
    assert backend.sent == [message.pk]


def _broker_down(monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(send_message, "apply_async", enqueued_with(refuse))


@pytest.mark.django_db
def test_a_broker_outage_at_booking_loses_nothing_the_sweep_sends_it_once(
    backend, monkeypatch, time_machine, caplog, django_capture_on_commit_callbacks
):
    time_machine.move_to(NOON, tick=False)
    _broker_down(monkeypatch)

    with caplog.at_level(logging.WARNING), django_capture_on_commit_callbacks(execute=True):
        offer = booking()

    assert AssessmentOffer.objects.filter(pk=offer.pk).exists()
    message = due_message()
    assert message.status == Status.PENDING
    assert f"message {message.pk} not queued (OperationalError)" in caplog.text
    assert backend.sent == []

    assert sweep_outbox() == {Outcome.SENT: 1}
    assert sweep_outbox() == {}
    assert backend.sent == [message.pk]


@pytest.mark.django_db(transaction=True)
def test_after_a_broker_outage_the_beat_sweep_on_a_real_worker_sends_once(backend, time_machine):
    time_machine.move_to(NOON)
    with pytest.MonkeyPatch.context() as broker:
        _broker_down(broker)
        offer = booking()  # committed for real; the on-commit enqueue failed

    with embedded_worker():
        first = sweep_outbox.apply_async(queue=QUEUE).get(timeout=30)
        second = sweep_outbox.apply_async(queue=QUEUE).get(timeout=30)

    assert AssessmentOffer.objects.filter(pk=offer.pk).exists()
    assert first == {Outcome.SENT: 1}
    assert second == {}
    assert backend.sent == [due_message().pk]


@pytest.mark.django_db
def test_a_failing_gateway_is_retried_with_backoff_then_ends_as_a_visible_failure(
    backend, monkeypatch, time_machine
):
    time_machine.move_to(NOON, tick=False)
    monkeypatch.setattr(send_message, "apply_async", enqueued_with(lambda message_id: None))
    booking()
    message = due_message()
    backend.error = "SMS gateway answered 503"
    countdowns: list[float] = []
    monkeypatch.setattr(
        send_message, "apply_async", lambda args, countdown, **options: countdowns.append(countdown)
    )

    outcomes = []
    for _ in range(MAX_ATTEMPTS):
        message.refresh_from_db()
        time_machine.move_to(message.send_after, tick=False)
        outcomes.append(send_message(message.pk))

    assert outcomes == [Outcome.RETRY] * (MAX_ATTEMPTS - 1) + [Outcome.FAILED]
    assert countdowns == [60, 120, 240, 480]
    message.refresh_from_db()
    assert (message.status, message.attempts) == (Status.FAILED, MAX_ATTEMPTS)
    assert message.last_error == "SMS gateway answered 503"
    assert "/skjema/…/" in message.body
    assert backend.sent == []
    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    assert sweep_outbox() == {}  # a failed message stays failed


@pytest.mark.django_db
def test_an_unexpected_error_is_a_failed_attempt_without_its_text(
    monkeypatch, time_machine, caplog
):
    time_machine.move_to(NOON, tick=False)
    monkeypatch.setattr(send_message, "apply_async", enqueued_with(lambda message_id: None))
    booking()
    message = due_message()

    class Broken:
        keeps_link = False
        deduplicates = True

        def send(self, message):
            raise ValueError(f"cannot send to {message.recipient}")

    monkeypatch.setattr(outbox, "backend_for", lambda channel: Broken())

    assert message_send(message_id=message.pk) == Outcome.RETRY

    message.refresh_from_db()
    assert message.status == Status.PENDING
    assert message.last_error == "unexpected error (ValueError)"
    assert message.send_after == timezone.now() + timedelta(minutes=1)
    assert message.recipient not in caplog.text


WORKER_LOGGING = """
import logging, django
django.setup()
from celery.apps.worker import Worker
from rph.celery import app
Worker(app=app, pool="solo", hostname="probe@localhost", quiet=True)
root = logging.getLogger()
filters = [type(f).__name__ for h in root.handlers for f in h.filters]
print(logging.getLevelName(root.level), filters)
"""


def test_a_worker_keeps_the_log_handler_that_masks_personal_data():
    # A fresh process, as `celery worker` starts: the worker sets up logging after Django.
    inherited = {
        k: os.environ[k] for k in ("PATH", "HOME", "DATABASE_URL", "REDIS_URL") if k in os.environ
    }
    result = subprocess.run(
        [sys.executable, "-c", WORKER_LOGGING],
        cwd=Path(__file__).resolve().parent.parent.parent,
        env={**inherited, "DJANGO_SETTINGS_MODULE": "rph.settings", "DJANGO_DEBUG": "true"},
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[-2] == "INFO ['RedactPersonalData']"
