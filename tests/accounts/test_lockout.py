"""Failed sign-ins lock the account for a while; one address cannot hammer the login page.

allauth keeps its counters in the cache as time.time() stamps, so time_machine moves them.
"""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient

from rph.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.flows import (
    SECOND_STEP,
    current_code,
    is_signed_in,
    page_text,
    sign_in,
    submit_code,
    submit_password,
    wrong_code,
)

LOCKED_OUT = "For mange innloggingsforsøk. Vennligst prøv igjen senere."
START = "2026-03-02 08:00:05 +01:00"


def fail_passwords(http: HttpClient, login: str, times: int) -> None:
    for _ in range(times):
        assert "feil" in page_text(submit_password(http, login, "wrong-password"))


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_a_locked_out_user_cannot_log_in_even_with_the_right_password(
    client, staff: User, traveller
):
    fail_passwords(client, staff.username, settings.LOGIN_FAILURES_ALLOWED)

    response = submit_password(client, staff.username)

    assert response.status_code == 200
    assert LOCKED_OUT in page_text(response)
    assert response.get("Location") != SECOND_STEP


def test_one_failure_less_than_the_limit_does_not_lock_the_account(client, staff: User, traveller):
    fail_passwords(client, staff.username, settings.LOGIN_FAILURES_ALLOWED - 1)

    assert submit_password(client, staff.username)["Location"] == SECOND_STEP


def test_the_username_and_the_email_address_share_one_lockout(client, staff: User, traveller):
    fail_passwords(client, staff.username, settings.LOGIN_FAILURES_ALLOWED)

    response = submit_password(client, staff.email.upper())

    assert LOCKED_OUT in page_text(response)


def test_the_lockout_ends_when_the_lockout_period_has_passed(client, staff: User, traveller):
    fail_passwords(client, staff.username, settings.LOGIN_FAILURES_ALLOWED)

    traveller.shift(timedelta(minutes=settings.LOGIN_LOCKOUT_MINUTES) - timedelta(seconds=5))
    assert LOCKED_OUT in page_text(submit_password(client, staff.username))

    traveller.shift(timedelta(seconds=10))
    assert submit_password(client, staff.username)["Location"] == SECOND_STEP
    submit_code(client, current_code(staff))
    assert is_signed_in(client, staff)


def test_a_lockout_leaves_other_accounts_alone(client, staff: User, traveller):
    colleague = UserFactory()
    fail_passwords(client, staff.username, settings.LOGIN_FAILURES_ALLOWED)

    assert submit_password(client, colleague.username)["Location"] == SECOND_STEP


def test_wrong_authenticator_codes_lock_the_second_step_too(client, staff: User, traveller):
    submit_password(client, staff.username)
    wrong = wrong_code(staff)
    for _ in range(settings.LOGIN_FAILURES_ALLOWED):
        assert "Feil kode." in page_text(submit_code(client, wrong))

    response = submit_code(client, current_code(staff))

    assert LOCKED_OUT in page_text(response)
    assert not is_signed_in(client, staff)


def test_many_failed_logins_from_one_address_block_that_address_for_a_minute(
    staff: User, traveller
):
    attacker = HttpClient(REMOTE_ADDR="203.0.113.7")
    for n in range(20):
        fail_passwords(attacker, f"guess{n}", 1)

    assert LOCKED_OUT in page_text(submit_password(attacker, staff.username))
    elsewhere = HttpClient(REMOTE_ADDR="198.51.100.20")
    assert submit_password(elsewhere, staff.username)["Location"] == SECOND_STEP

    traveller.shift(timedelta(seconds=61))
    assert submit_password(attacker, staff.username)["Location"] == SECOND_STEP


def test_a_made_up_forwarded_for_header_does_not_escape_the_limit_for_an_address(
    staff: User, traveller
):
    for n in range(20):
        attacker = HttpClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
        fail_passwords(attacker, f"guess{n}", 1)

    disguised = HttpClient(REMOTE_ADDR="203.0.113.9", HTTP_X_FORWARDED_FOR="10.0.1.1")
    assert LOCKED_OUT in page_text(submit_password(disguised, staff.username))


def test_too_many_login_requests_from_one_address_get_a_norwegian_page_saying_so(
    staff: User, traveller
):
    flood = HttpClient(REMOTE_ADDR="203.0.113.8")
    for _ in range(30):
        flood.post("/accounts/login/", {})

    response = submit_password(flood, staff.username)

    assert response.status_code == 429
    text = page_text(response)
    assert "For mange forsøk" in text
    assert 'href="/accounts/login/"' in text
    assert "bootstrap.min.css" in text


def test_a_successful_sign_in_does_not_use_up_the_allowance(staff: User, traveller):
    for _ in range(settings.LOGIN_FAILURES_ALLOWED + 1):
        sign_in(HttpClient(), staff)
        traveller.shift(timedelta(seconds=30))

    assert submit_password(HttpClient(), staff.username)["Location"] == SECOND_STEP
