"""Celery beat on more than one machine: two beat processes, one Redis, each periodic task sent
once per interval, also when the beat that sends them stops and the other takes over.

Real processes: a redis-server of the test's own on a free port and two `celery beat`s on the
production scheduler (celery-redbeat and its lock); the schedule is the real one, every entry
made due every two seconds (tests/operations/fast_beat.py) so that seconds show many ticks.
"""

import json
import os
import re
import secrets
import signal
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import pytest
import redis
from django.conf import settings

from tests.operations.fast_beat import EVERY
from tests.processes import own_redis, start, stop

RUN_SECONDS = 8.0  # each beat leads this long: about four ticks of every entry
TAKEOVER_SECONDS = 20.0  # a standby tries the lock every CELERY_BEAT_MAX_LOOP_INTERVAL
ACQUIRED = "beat: Acquired lock"
SENT = re.compile(r"^(\S+ \S+) INFO celery\.beat Scheduler: Sending due task (\S+) ", re.M)
# Log lines carry milliseconds; two sends of one entry by two beats would be far closer.
CLOCK_SLACK = timedelta(milliseconds=300)


def _beat_env(redis_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rph.settings",
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "localhost",
        "REDIS_URL": redis_url,
        "CACHE_KEY_PREFIX": f"rph-beat-test-{secrets.token_hex(4)}",
    }


def _wait_for(condition: Callable[[], bool], seconds: float, what: str, logs: list[Path]) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(
                f"{what} within {seconds:.0f} s:\n" + "\n".join(p.read_text() for p in logs)
            )
        time.sleep(0.2)


def _sends(log: Path) -> list[tuple[datetime, str]]:
    """(when, schedule entry) of every task this beat sent."""
    return [
        (datetime.strptime(when, "%Y-%m-%d %H:%M:%S,%f"), name)  # noqa: DTZ007 (one clock)
        for when, name in SENT.findall(log.read_text())
    ]


def _queued(redis_url: str) -> Counter[str]:
    """Task names of the messages waiting on the broker's default queue (no worker runs)."""
    client = redis.Redis.from_url(redis_url)
    return Counter(json.loads(raw)["headers"]["task"] for raw in client.lrange("celery", 0, -1))


def test_two_beats_send_each_periodic_task_once_per_interval_across_a_takeover(
    tmp_path: Path,
) -> None:
    schedule = settings.CELERY_BEAT_SCHEDULE
    logs = [tmp_path / "beat-1.log", tmp_path / "beat-2.log"]
    with own_redis(tmp_path) as (redis_url, _):
        env = _beat_env(redis_url)
        command = [sys.executable, "-m", "celery", "-A", "tests.operations.fast_beat", "beat"]
        beats = [start([*command, "--loglevel=INFO"], env=env, log=log) for log in logs]
        try:
            _wait_for(
                lambda: any(ACQUIRED in log.read_text() for log in logs),
                TAKEOVER_SECONDS,
                "No beat took the lock",
                logs,
            )
            first = next(i for i, log in enumerate(logs) if ACQUIRED in log.read_text())
            leader_log, standby_log = logs[first], logs[1 - first]
            time.sleep(RUN_SECONDS)
            assert ACQUIRED not in standby_log.read_text()
            assert _sends(standby_log) == []  # a standby sends nothing

            beats[first].send_signal(signal.SIGTERM)  # what `docker stop` sends
            beats[first].wait(timeout=15)
            _wait_for(
                lambda: ACQUIRED in standby_log.read_text(),
                TAKEOVER_SECONDS,
                "The standby did not take over",
                logs,
            )
            time.sleep(RUN_SECONDS)
            queued = _queued(redis_url)
        finally:
            for beat in beats:
                stop(beat)

    by_leader, by_standby = _sends(leader_log), _sends(standby_log)
    every_send: dict[str, list[datetime]] = defaultdict(list)
    for when, name in sorted(by_leader + by_standby):
        every_send[name].append(when)
    assert set(every_send) == set(schedule)
    assert {name for _, name in by_leader} == set(schedule)
    assert {name for _, name in by_standby} == set(schedule)  # and on after the takeover
    for name, times in every_send.items():
        gaps = [later - earlier for earlier, later in pairwise(times)]
        assert min(gaps) >= EVERY - CLOCK_SLACK, f"{name} sent twice in one interval: {times}"
    # Each send is one message on the broker: nothing sent twice behind the log's back.
    tasks = Counter({schedule[name]["task"]: len(times) for name, times in every_send.items()})
    assert queued == tasks
