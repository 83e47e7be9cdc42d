"""The staff sign-in flow as a person goes through it: password first, then the code."""

import time

import pyotp
from django.http import HttpResponse
from django.test import Client as HttpClient

from rph.accounts.models import User
from tests.accounts.factories import PASSWORD

LOGIN = "/accounts/login/"
SECOND_STEP = "/accounts/2fa/authenticate/"
SET_UP_AUTHENTICATOR = "/accounts/2fa/totp/activate/"
CONFIRM_PASSWORD = "/accounts/reauthenticate/"


def current_code(user: User) -> str:
    return code_for(user.totp_secret)


def code_for(secret: str) -> str:
    """The code an app shows now, never one about to roll over before it is checked."""
    totp = pyotp.TOTP(secret)
    if totp.interval - time.time() % totp.interval < 2:
        time.sleep(2)  # allauth accepts only the current 30-second step
    return totp.now()


def submit_password(http: HttpClient, login: str, password: str = PASSWORD) -> HttpResponse:
    return http.post(LOGIN, {"login": login, "password": password})


def submit_code(http: HttpClient, code: str) -> HttpResponse:
    return http.post(SECOND_STEP, {"code": code})


def confirm_password(http: HttpClient, next_path: str) -> HttpResponse:
    """allauth asks for the password again before the second factor is changed or shown."""
    return http.post(CONFIRM_PASSWORD, {"password": PASSWORD, "next": next_path})


def sign_in(http: HttpClient, user: User) -> None:
    """Both steps, for tests about what happens after a real sign-in."""
    assert submit_password(http, user.username)["Location"] == SECOND_STEP
    assert submit_code(http, current_code(user))["Location"] == "/"


def is_signed_in(http: HttpClient, user: User) -> bool:
    page = http.get("/")
    return page.status_code == 200 and str(user) in page.content.decode()


def page_text(response: HttpResponse) -> str:
    return response.content.decode()


def wrong_code(user: User) -> str:
    return "000000" if current_code(user) != "000000" else "111111"
