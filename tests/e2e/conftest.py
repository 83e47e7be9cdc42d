"""Browser tests: a real server process on a database of its own, driven by headless Chromium.

pytest-django's live_server is not used: it flushes the database between tests, and the
access log's triggers refuse DELETE. One server with the demo data serves the whole session
instead; tests never depend on each other's writes.
"""

import os
import secrets
import shutil
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Response, sync_playwright

from tests.processes import (
    LOG_TAIL,
    free_port,
    manage,
    own_database,
    start,
    stop,
    wait_until_healthy,
)

CHROMIUM_ARGS = [
    "--no-sandbox",  # CI and containers run as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
GUNICORN_ARGS = ["--workers", "2", "--access-logfile", "-"]
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


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """The app under gunicorn, migrated and loaded with the demo team, users and clients."""
    workdir = tmp_path_factory.mktemp("e2e")
    with own_database(workdir, "e2e") as database_url:
        env = _server_env(database_url)
        # The folders the municipality's message service would read and fill (electronic letters).
        env["RPH_MESSAGE_OUTBOX_DIR"] = str(workdir / "meldinger" / "ut")
        env["RPH_MESSAGE_INBOX_DIR"] = str(workdir / "meldinger" / "inn")
        manage(env, "migrate", "--noinput", "-v0")

        url = f"http://127.0.0.1:{free_port()}"
        log = workdir / "server.log"
        bind = ["--bind", url.removeprefix("http://")]
        process = start(
            [sys.executable, "-m", "gunicorn", "rph.wsgi", *bind, *GUNICORN_ARGS], env=env, log=log
        )
        try:
            manage(env, "load_demo")  # while gunicorn boots: both take seconds
            wait_until_healthy(process, url, log)
            yield Server(url=url, log=log, env=env)
        finally:
            stop(process)


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
