"""Real processes for tests that need them: servers on free ports, a database of their own,
a Redis of their own. Everything started here is stopped by the test that started it."""

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 30.0
LOG_TAIL = 4000  # characters of a failed command's output worth reading


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresDatabase:
    """A throwaway database `<name>_<suffix>` beside the one DATABASE_URL names."""

    def __init__(self, url: str, suffix: str) -> None:
        parts = urlsplit(url)
        self.name = f"{parts.path.lstrip('/') or 'rph'}_{suffix}"
        self.url = urlunsplit(parts._replace(path=f"/{self.name}"))
        self._maintenance = urlunsplit(parts._replace(path="/postgres"))

    def _execute(self, statement: sql.Composable) -> None:
        with psycopg.connect(self._maintenance, autocommit=True) as conn:
            conn.execute(statement)

    def create(self) -> None:
        self.drop()
        self._execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(self.name)))

    def drop(self) -> None:
        # FORCE: a server process that did not die cleanly must not keep the database alive.
        self._execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(self.name))
        )


@contextmanager
def own_database(workdir: Path, suffix: str) -> Iterator[str]:
    """The URL of an empty database for server processes: PostgreSQL beside DATABASE_URL's
    when that is PostgreSQL, else an SQLite file in `workdir`. Dropped afterwards."""
    configured = os.environ.get("DATABASE_URL", "")
    if not configured.startswith("postgres"):
        yield f"sqlite:///{workdir / f'{suffix}.sqlite3'}"
        return
    database = PostgresDatabase(configured, suffix)
    database.create()
    try:
        yield database.url
    finally:
        database.drop()


def manage(env: dict[str, str], *args: str) -> None:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0:
        output = f"{result.stdout}\n{result.stderr}"[-LOG_TAIL:]
        pytest.fail(f"manage.py {' '.join(args)} failed:\n{output}")


def wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    """Until `url`/healthz answers 200; fails with the server's log if it exits or never does."""
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The server at {url} exited early:\n{log.read_text()[-LOG_TAIL:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        # TimeoutError: a busy machine's server may take longer than the probe to answer.
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(
        f"The server at {url} did not answer /healthz in {STARTUP_TIMEOUT:.0f} s:\n"
        + log.read_text()[-LOG_TAIL:]
    )


def stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start(args: list[str], *, env: dict[str, str], log: Path) -> subprocess.Popen[bytes]:
    """`args` in the repository, its output (stdout and stderr) in `log`."""
    with log.open("wb") as out:
        return subprocess.Popen(args, cwd=REPO_ROOT, env=env, stdout=out, stderr=subprocess.STDOUT)


@contextmanager
def own_redis(workdir: Path) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """A redis-server of our own on a free port, in memory only: (its URL, its process).

    Never the machine's Redis: a test may stop this one, and flush it."""
    executable = shutil.which("redis-server")
    if executable is None:
        pytest.fail("redis-server is not installed (Debian package redis-server).")
    port = free_port()
    args = [executable, "--bind", "127.0.0.1", "--port", str(port), "--save", ""]
    log = workdir / "redis.log"
    process = start([*args, "--appendonly", "no"], env=dict(os.environ), log=log)
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start:\n{log.read_text()}")
                time.sleep(0.05)
        yield f"redis://127.0.0.1:{port}/0", process
    finally:
        stop(process)
