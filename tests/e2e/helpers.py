"""Steps shared by the browser journeys: log in past the second factor, log out, run axe,
and run a line of Django against the server's database."""

import subprocess
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

import pyotp
from playwright.sync_api import Page, expect

from rph.accounts.demo import DEMO_USERS, DemoUser

if TYPE_CHECKING:
    from tests.e2e.conftest import Server

AXE_JS = Path(__file__).parent / "vendor" / "axe-core-4.14.1" / "axe.min.js"
LOGIN_PATH = "/accounts/login/"
TOTP_PATH = "/accounts/2fa/authenticate/"
LOGOUT_BUTTON = 'form[action="/accounts/logout/"] button[type=submit]'
# The server accepts a code only inside its own 30 s window (no tolerance), once per window.
_TOTP_SAFETY_MARGIN = 2.0  # seconds a code must still be valid for when we type it
_last_totp_step: dict[str, int] = {}


def demo_user(username: str) -> DemoUser:
    return next(demo for demo in DEMO_USERS if demo.username == username)


def totp_code(demo: DemoUser) -> str:
    """A current code for `demo` that this run has not used and that will not expire in flight.

    The server takes a code once: a second login of the same user waits for the next window.
    """
    totp = pyotp.TOTP(demo.totp_secret)
    while True:
        now = time.time()
        step = int(now // totp.interval)
        remaining = totp.interval - now % totp.interval
        if _last_totp_step.get(demo.username) != step and remaining > _TOTP_SAFETY_MARGIN:
            _last_totp_step[demo.username] = step
            return totp.at(now)
        time.sleep(remaining + 0.05)


def submit_password(page: Page, demo: DemoUser) -> None:
    """Fill in the login form; the server answers with the second-factor page."""
    page.goto(LOGIN_PATH)
    page.locator("input[name=login]").fill(demo.username)
    page.locator("input[name=password]").fill(demo.password)
    page.locator("input[name=password]").press("Enter")
    expect(page).to_have_url(TOTP_PATH)


def submit_code(page: Page, code: str) -> None:
    page.locator("input[name=code]").fill(code)
    page.locator("input[name=code]").press("Enter")
    page.wait_for_load_state()


def login(page: Page, demo: DemoUser) -> None:
    """Log `demo` in with password and TOTP code; ends on the start page."""
    submit_password(page, demo)
    submit_code(page, totp_code(demo))
    expect(page).to_have_url("/")
    expect(page.locator("[data-testid=nav]")).to_be_visible()


def logout(page: Page) -> None:
    page.locator(LOGOUT_BUTTON).click()
    expect(page).to_have_url(LOGIN_PATH)


def axe_violations(page: Page, impacts: frozenset[str] = frozenset({"serious", "critical"})) -> str:
    """axe-core's findings of the given impacts on the current page, one per line ('' if none).

    axe goes in through page.evaluate, which the page's Content-Security-Policy does not
    govern (script-src 'self' would block the inline <script> add_script_tag makes). The
    browser context keeps enforcing the CSP, so a journey still notices an inline script that
    the policy breaks; bypass_csp=True would hide exactly that.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_JS.read_text())
    violations = page.evaluate(
        """async () => (await axe.run(document)).violations.map((v) => ({
            id: v.id, impact: v.impact, help: v.help,
            targets: v.nodes.map((n) => n.target.join(" ")),
        }))"""
    )
    return "\n".join(
        f"{v['impact']}: {v['id']} ({v['help']}) at {', '.join(v['targets'])}"
        for v in violations
        if v["impact"] in impacts
    )


def assert_accessible(page: Page) -> None:
    """No serious or critical axe-core findings on the current page."""
    __tracebackhide__ = True
    violations = axe_violations(page)
    assert not violations, f"axe on {page.url}:\n{violations}"


def server_shell(server: "Server", code: str) -> str:
    """Run `code` in `manage.py shell` on the server's database; returns what it printed.

    For what no user does in the browser: reading a link the outbox would send by SMS, or
    letting time pass (a booked session's time arriving). Never for a user's own steps.
    """
    __tracebackhide__ = True
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-v", "0", "-c", code],
        cwd=Path(__file__).resolve().parents[2],
        env=server.env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 0, f"manage.py shell failed:\n{result.stderr[-4000:]}"
    return result.stdout
