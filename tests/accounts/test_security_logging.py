import logging

from django.conf import settings

from rph.accounts.models import User
from tests.accounts.flows import submit_password

TYPED_LOGIN = "kari.typo.nordmann"
TYPED_PASSWORD = "Hemmelig-Passord-123"


def _logged_text(caplog) -> str:
    return "\n".join(
        f"{record.getMessage()} {record.args!r} {record.__dict__!r}" for record in caplog.records
    )


def test_a_failed_login_does_not_put_the_typed_username_or_password_in_the_logs(
    client, staff: User, caplog
):
    caplog.set_level(logging.DEBUG)

    submit_password(client, TYPED_LOGIN, TYPED_PASSWORD)
    submit_password(client, staff.username, TYPED_PASSWORD)

    logged = _logged_text(caplog)
    assert TYPED_LOGIN not in logged
    assert staff.username not in logged
    assert TYPED_PASSWORD not in logged


def test_a_lockout_and_its_429_page_do_not_log_who_was_locked_out(client, staff: User, caplog):
    caplog.set_level(logging.DEBUG)
    for _ in range(settings.LOGIN_FAILURES_ALLOWED + 1):
        submit_password(client, staff.username, TYPED_PASSWORD)
    for _ in range(30):
        client.post("/accounts/login/", {"login": staff.email, "password": TYPED_PASSWORD})

    logged = _logged_text(caplog)
    assert "Too Many Requests" in logged  # Django's request log did see the 429s ...
    assert staff.username not in logged  # ... but not whose they were
    assert staff.email not in logged
    assert TYPED_PASSWORD not in logged
