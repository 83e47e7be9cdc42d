"""Browser tests: a real server process on a database of its own, driven by headless Chromium.

pytest-django's live_server is not used: it flushes the database between tests, and the
access log's triggers refuse DELETE. One server with the demo data serves the whole session
instead; tests never depend on each other's writes.
"""

import os
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI and containers run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT = 30.0
GUNICORN_ARGS = ["--workers", "2", "--access-logfile", "-"]
LOG_TAIL = 4000  # characters of a failed command's output worth reading
# An iPhone 12-14 sized screen; touch, and mobile layout rules (meta viewport) in force.
PHONE: dict[str, Any] = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 3,
    "is_mobile": True,
    "has_touch": True,
}


@dataclass(frozen=True)
class Server:
    url: str
    log: Path
    env: dict[str, str]  # the server's environment, for manage.py against its database


class _PostgresDatabase:
    """A throwaway database `<name>_e2e` beside the one DATABASE_URL names."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.name = f"{parts.path.lstrip('/') or 'rph'}_e2e"
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


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rph.settings",
        "DATABASE_URL": database_url,
        "DJANGO_DEBUG": "false",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "RPH_HTTPS": "false",
        "RPH_STATIC_MANIFEST": "false",
        "RPH_ALLOW_SYNTHETIC_FNR": "true",
        "RPH_MFA_REQUIRED": "true",
        # Rate limits and used TOTP codes must not meet those of another run.
        "CACHE_KEY_PREFIX": f"rph-e2e-{secrets.token_hex(4)}",
    }


def _manage(env: dict[str, str], *args: str) -> None:
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


def _wait_until_healthy(process: subprocess.Popen[bytes], url: str, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"The e2e server exited early:\n{log.read_text()[-LOG_TAIL:]}")
        try:
            with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:
                if response.status == 200:
                    return
        # TimeoutError: a busy machine's server may take longer than the probe to answer.
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.1)
    pytest.fail(
        f"The e2e server did not answer /healthz in {STARTUP_TIMEOUT:.0f} s:\n"
        + log.read_text()[-LOG_TAIL:]
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app under gunicorn, migrated and loaded with the demo team, users and clients."""
    workdir = tmp_path_factory.mktemp("e2e")
    configured = os.environ.get("DATABASE_URL", "")
    postgres = _PostgresDatabase(configured) if configured.startswith("postgres") else None
    if postgres:
        postgres.create()
        database_url = postgres.url
    else:
        database_url = f"sqlite:///{workdir / 'e2e.sqlite3'}"
    env = _server_env(database_url)
    _manage(env, "migrate", "--noinput", "-v0")

    url = f"http://127.0.0.1:{_free_port()}"
    log = workdir / "server.log"
    bind = ["--bind", url.removeprefix("http://")]
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "rph.wsgi", *bind, *GUNICORN_ARGS],
            cwd=REPO_ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        _manage(env, "load_demo")  # while gunicorn boots: both take seconds
        _wait_until_healthy(process, url, log)
        yield Server(url=url, log=log, env=env)
    finally:
        _stop(process)
        if postgres:
            postgres.drop()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Chromium is not installed; `make browser` installs it.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@contextmanager
def watched_page(browser: Browser, server: Server, **context_options: Any) -> Iterator[Page]:
    """A fresh browser profile as a Norwegian user; the test fails on what it saw go wrong.

    The test fails on a server error (with the server's log, where the traceback is, as DEBUG
    is off), on a JavaScript error, and on anything the Content-Security-Policy blocks.
    """
    context = browser.new_context(base_url=server.url, locale="nb-NO", **context_options)
    context.set_default_timeout(10_000)
    page = context.new_page()
    problems: list[str] = []

    def note_response(response: Response) -> None:
        if response.status >= 500:
            problems.append(f"{response.status} {response.request.method} {response.url}")

    def note_console(message: ConsoleMessage) -> None:
        # A 4xx answer is logged as a failed resource; the tests judge those themselves.
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            problems.append(f"console error on {page.url}: {message.text}")

    page.on("response", note_response)
    page.on("console", note_console)
    page.on("pageerror", lambda error: problems.append(f"JavaScript error on {page.url}: {error}"))
    try:
        yield page
    finally:
        context.close()
    if problems:
        pytest.fail(
            "\n".join(["The browser saw:", *problems, "", "Server log:"])
            + f"\n{server.log.read_text()[-LOG_TAIL:]}"
        )


@pytest.fixture
def page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser profile per test, as a Norwegian user on a desktop screen."""
    with watched_page(browser, server, viewport={"width": 1280, "height": 900}) as page:
        yield page


@pytest.fixture
def phone_page(browser: Browser, server: Server) -> Iterator[Page]:
    """A fresh browser profile per test, as a Norwegian user on a phone (iPhone-sized)."""
    with watched_page(browser, server, **PHONE) as page:
        yield page


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e drives the browser: `-m "not e2e"` leaves them out."""
    here = Path(__file__).parent
    for item in items:
        if item.path.is_relative_to(here):
            item.add_marker(pytest.mark.e2e)
