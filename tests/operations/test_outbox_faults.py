"""Fault tests of the outbox against real processes: a Celery worker SIGKILLed in the middle
of a few hundred sends, then Redis restarted during the sweeps that finish them. A fake SMS
gateway honours the idempotency key as the docs ask of a real one; it counts what it
delivers. Result: every message delivered once, none lost, none twice.

Everything runs on a redis-server of our own on a free port; the worker uses the test
database. Bounded: 300 messages, about a minute."""

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.db import connection
from django.utils import timezone
from kombu import Connection

from questionnaires.models import Message
from questionnaires.tasks import send_message, sweep_outbox
from tests.accounts.factories import TeamFactory
from tests.processes import REPO_ROOT, free_port

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="worker processes share it"),
]

MESSAGES = 300
STALE_SECONDS = 3
DEADLINE = 300


class DeduplicatingGateway:
    """Delivers one SMS per Idempotency-Key; a repeat is answered 200 and not delivered."""

    def __init__(self, delay: float) -> None:
        self.delivered: Counter[str] = Counter()
        self.repeats = 0
        self.held = 0
        self.lock = threading.Lock()
        # While set, a request is delivered and then not answered: the worker dies waiting.
        self.hold = threading.Event()
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                key = self.headers["Idempotency-Key"]
                assert body["reference"] == key
                time.sleep(delay)
                with gateway.lock:
                    if gateway.delivered[key]:
                        gateway.repeats += 1
                    else:
                        gateway.delivered[key] += 1
                    holding = gateway.hold.is_set()
                    gateway.held += holding
                if holding:
                    time.sleep(15)
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/sms"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class Redis:
    """A redis-server of our own that can be stopped and started again on its port."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.log = workdir / "redis.log"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        executable = shutil.which("redis-server")
        if executable is None:
            pytest.fail("redis-server is not installed (Debian package redis-server).")
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(
                [executable, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                 "--appendonly", "no"],
                stdout=out, stderr=subprocess.STDOUT,
            )  # fmt: skip
        deadline = time.monotonic() + 20
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start:\n{self.log.read_text()}")
                time.sleep(0.05)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=10)


def _worker_env(redis_url: str, gateway_url: str) -> dict[str, str]:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    database = (
        f"postgres://{s.get('USER') or 'postgres'}{password}@{s.get('HOST') or '127.0.0.1'}:"
        f"{s.get('PORT') or 5432}/{s['NAME']}"
    )
    return {
        **os.environ,
        "DATABASE_URL": database,
        "REDIS_URL": redis_url,
        "DJANGO_DEBUG": "true",
        "RPH_MESSAGE_BACKEND": "sms-http",
        "RPH_SMS_GATEWAY_URL": gateway_url,
        "RPH_SMS_SENDER": "Testkommune",
        "RPH_OUTBOX_STALE_CLAIM_SECONDS": str(STALE_SECONDS),
    }


def _start_worker(env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    with log.open("ab") as out:
        return subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "tests.operations.daytime_worker", "worker",
             "--pool=prefork", "--concurrency=4", "--without-gossip", "--without-mingle",
             "--without-heartbeat", "-l", "WARNING"],
            cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group: SIGKILL reaches every child
        )  # fmt: skip


def _kill(worker: subprocess.Popen[bytes]) -> None:
    os.killpg(worker.pid, signal.SIGKILL)
    worker.wait(timeout=10)


def _enqueue(redis_url: str, task, args=()) -> None:
    with Connection(redis_url, connect_timeout=2) as broker:
        task.apply_async(args, connection=broker, ignore_result=True, retry=False)


def _wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {what}")
        time.sleep(0.2)


@pytest.mark.django_db(transaction=True)
def test_a_killed_worker_and_a_redis_restart_lose_nothing_and_send_nothing_twice(tmp_path):
    team = TeamFactory()
    due = timezone.now() - timedelta(minutes=1)
    Message.objects.bulk_create(
        Message(
            team=team, kind=Message.Kind.REMINDER, channel=Message.Channel.SMS,
            recipient=f"+47900{n:05d}", body=f"Påminnelse {n}", send_after=due,
        )
        for n in range(MESSAGES)
    )  # fmt: skip
    keys = {str(k) for k in Message.objects.values_list("idempotency_key", flat=True)}
    gateway = DeduplicatingGateway(delay=0.02)
    redis = Redis(tmp_path)
    redis.start()
    env = _worker_env(redis.url, gateway.url)
    workers: list[subprocess.Popen[bytes]] = []
    try:
        workers.append(_start_worker(env, tmp_path / "worker-1.log"))
        for pk in Message.objects.values_list("pk", flat=True):
            _enqueue(redis.url, send_message, (pk,))
        _wait_for(lambda: sum(gateway.delivered.values()) >= MESSAGES // 5, 60, "first sends")
        gateway.hold.set()
        _wait_for(lambda: gateway.held >= 2, 30, "sends the gateway got but did not answer")
        _kill(workers[0])  # SIGKILL while the gateway has them and the rows say handed
        gateway.hold.clear()
        killed_at = sum(gateway.delivered.values())
        in_flight = Message.objects.filter(
            status__in=[Message.Status.SENDING, Message.Status.HANDED]
        ).count()

        workers.append(_start_worker(env, tmp_path / "worker-2.log"))
        time.sleep(STALE_SECONDS)
        _enqueue(redis.url, sweep_outbox)
        time.sleep(0.5)
        redis.stop()  # Redis restarts during the sweep
        time.sleep(1)
        redis.start()

        def all_sent() -> bool:
            waiting = Message.objects.exclude(status=Message.Status.SENT).exists()
            if waiting:
                with contextlib.suppress(Exception):  # the broker is coming back
                    _enqueue(redis.url, sweep_outbox)
                time.sleep(1)
            return not waiting

        _wait_for(all_sent, DEADLINE, "every message sent")
    finally:
        for worker in workers:
            if worker.poll() is None:
                _kill(worker)
        redis.stop()
        gateway.close()

    statuses = Counter(Message.objects.values_list("status", flat=True))
    twice = [key for key, n in gateway.delivered.items() if n > 1]
    print(  # noqa: T201 - the figures of the run, shown with -s (make faults)
        f"\nfault test: {MESSAGES} messages, worker killed after {killed_at} deliveries "
        f"with {in_flight} in flight; gateway delivered {len(gateway.delivered)}, "
        f"dropped {gateway.repeats} repeats by key; lost {len(keys - set(gateway.delivered))}, "
        f"twice {len(twice)}"
    )
    assert statuses == {Message.Status.SENT: MESSAGES}
    assert set(gateway.delivered) == keys  # none lost
    assert twice == []  # none delivered twice
    assert in_flight >= 2 and gateway.repeats >= 2  # they were handed over again, and dropped
