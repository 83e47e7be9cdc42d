"""A session ends after 30 idle minutes, and 10 hours after sign-in however busy the user is."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.test import Client as HttpClient

from rph.accounts.middleware import LOGIN_AT_KEY
from rph.accounts.models import User
from tests.accounts.flows import LOGIN, is_signed_in, page_text, sign_in

START = "2026-03-02 07:30:05 +01:00"
EXPIRED = "Økten din er utløpt. Logg inn på nytt."


@pytest.fixture
def traveller():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


def test_each_request_within_the_idle_limit_extends_the_session(staff: User, traveller):
    http = HttpClient()
    sign_in(http, staff)

    traveller.shift(timedelta(minutes=29))
    assert is_signed_in(http, staff)
    traveller.shift(timedelta(minutes=29))
    assert is_signed_in(http, staff)


def test_a_session_idle_for_more_than_30_minutes_is_sent_to_login(staff: User, traveller):
    http = HttpClient()
    sign_in(http, staff)
    traveller.shift(timedelta(minutes=29))
    assert is_signed_in(http, staff)

    traveller.shift(timedelta(minutes=31))
    response = http.get("/klienter/")

    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/klienter/"


def test_a_user_active_every_20_minutes_is_logged_out_10_hours_after_signing_in(
    staff: User, traveller
):
    http = HttpClient()
    sign_in(http, staff)
    for _ in range(30):  # 10 hours, in steps of 20 minutes
        traveller.shift(timedelta(minutes=20))
        assert is_signed_in(http, staff)

    traveller.shift(timedelta(minutes=20))
    response = http.get("/")

    assert response["Location"] == LOGIN
    login_page = http.get(LOGIN)
    assert EXPIRED in page_text(login_page)
    assert not is_signed_in(http, staff)


def test_the_session_cookie_is_forgotten_when_the_browser_closes(staff: User, traveller):
    http = HttpClient()
    sign_in(http, staff)

    cookie = http.cookies[settings.SESSION_COOKIE_NAME]

    assert cookie["expires"] == ""
    assert cookie["max-age"] == ""
    assert cookie["httponly"]


def test_an_api_call_after_the_10_hours_gets_json_401_not_a_login_page(staff: User, traveller):
    http = HttpClient()
    sign_in(http, staff)
    for _ in range(30):
        traveller.shift(timedelta(minutes=20))
        assert http.get("/api/v1/me/").status_code == 200

    traveller.shift(timedelta(minutes=20))
    response = http.get("/api/v1/me/")

    assert response.status_code == 401
    assert response["Content-Type"] == "application/json"


def test_a_signed_in_session_without_a_start_time_counts_as_expired(staff: User, traveller):
    http = HttpClient()
    sign_in(http, staff)
    session = http.session
    del session[LOGIN_AT_KEY]
    session.save()

    response = http.get("/")

    assert response["Location"] == LOGIN
    assert EXPIRED in page_text(http.get(LOGIN))
