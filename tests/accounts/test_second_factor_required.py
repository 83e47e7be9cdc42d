import base64
import re

import pytest
from django.test import Client as HttpClient
from django.test import override_settings

from rph.accounts.models import User
from tests.accounts.flows import (
    CONFIRM_PASSWORD,
    SET_UP_AUTHENTICATOR,
    code_for,
    confirm_password,
    is_signed_in,
    page_text,
    submit_password,
)

BANNER = 'id="mfa-off-banner"'


@pytest.fixture
def signed_in_with_password_only(staff_without_authenticator: User) -> HttpClient:
    http = HttpClient()
    assert submit_password(http, staff_without_authenticator.username)["Location"] == "/"
    return http


@pytest.mark.parametrize("path", ["/", "/klienter/", "/teamleder/nodtilganger/", "/admin/"])
def test_staff_without_an_authenticator_are_sent_to_set_one_up_from_every_page(
    signed_in_with_password_only: HttpClient, path: str
):
    response = signed_in_with_password_only.get(path)

    assert response.status_code == 302
    assert response["Location"] == SET_UP_AUTHENTICATOR


def test_api_calls_with_a_password_only_session_get_json_403(
    signed_in_with_password_only: HttpClient,
):
    response = signed_in_with_password_only.get("/api/v1/me/")

    assert response.status_code == 403
    assert response.json() == {"detail": "Tofaktorinnlogging må settes opp før du kan bruke RPH."}


def test_setting_up_the_authenticator_app_opens_rph(
    signed_in_with_password_only: HttpClient, staff_without_authenticator: User
):
    http = signed_in_with_password_only
    asked = http.get(SET_UP_AUTHENTICATOR)
    assert asked["Location"].startswith(CONFIRM_PASSWORD)
    assert confirm_password(http, SET_UP_AUTHENTICATOR)["Location"] == SET_UP_AUTHENTICATOR
    setup_page = page_text(http.get(SET_UP_AUTHENTICATOR))
    secret = _shown_secret(setup_page)
    assert _qr_code_svg(setup_page).startswith("<?xml")

    response = http.post(SET_UP_AUTHENTICATOR, {"code": code_for(secret)})

    assert response.status_code == 302
    recovery_page = page_text(http.get(response["Location"]))
    assert "Gjenopprettingskoder" in recovery_page
    assert is_signed_in(http, staff_without_authenticator)
    assert http.get("/api/v1/me/").status_code == 200


def test_a_wrong_code_does_not_set_up_the_authenticator(
    signed_in_with_password_only: HttpClient,
):
    http = signed_in_with_password_only
    confirm_password(http, SET_UP_AUTHENTICATOR)
    secret = _shown_secret(page_text(http.get(SET_UP_AUTHENTICATOR)))
    wrong = "000000" if code_for(secret) != "000000" else "111111"

    response = http.post(SET_UP_AUTHENTICATOR, {"code": wrong})

    assert "Feil kode." in page_text(response)
    assert http.get("/")["Location"] == SET_UP_AUTHENTICATOR


@override_settings(MFA_REQUIRED=False)
def test_with_the_second_factor_switched_off_a_red_banner_shows_and_nobody_is_redirected(
    client, staff_without_authenticator: User
):
    assert BANNER in page_text(client.get("/accounts/login/"))
    assert submit_password(client, staff_without_authenticator.username)["Location"] == "/"

    for path in ["/", "/klienter/", "/accounts/2fa/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        assert BANNER in page_text(response), path
    assert client.get("/api/v1/me/").status_code == 200


def test_no_banner_shows_while_the_second_factor_is_required(client, staff: User):
    client.force_login(staff)

    assert BANNER not in page_text(client.get("/"))
    assert BANNER not in page_text(client.get("/accounts/login/"))


def _shown_secret(page: str) -> str:
    match = re.search(r'id="authenticator_secret"[^>]*value="([A-Z2-7]+)"', page)
    assert match, "the set-up page shows the secret for typing in by hand"
    return match.group(1)


def _qr_code_svg(page: str) -> str:
    match = re.search(r'<img src="data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)"', page)
    assert match, "the set-up page shows a QR code"
    return base64.b64decode(match.group(1)).decode()
