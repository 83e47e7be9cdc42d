"""allauth's pages look like the rest of RPH, keep labels on their inputs, and obey the CSP."""

import re
from collections.abc import Callable
from html.parser import HTMLParser

import pytest
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from django.http import HttpResponse
from django.test import Client as HttpClient

from rph.accounts.models import User
from tests.accounts.factories import UserFactory
from tests.accounts.flows import (
    CONFIRM_PASSWORD,
    LOGIN,
    SECOND_STEP,
    SET_UP_AUTHENTICATOR,
    confirm_password,
    page_text,
    sign_in,
    submit_password,
)


class Page(HTMLParser):
    """What a person and the browser's CSP see in the HTML."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.label_targets: set[str] = set()
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = {name: value or "" for name, value in attrs}
        self.tags.append((tag, attributes))
        if tag == "label" and "for" in attributes:
            self.label_targets.add(attributes["for"])

    def all(self, tag: str) -> list[dict[str, str]]:
        return [attrs for name, attrs in self.tags if name == tag]

    def form_controls(self) -> list[dict[str, str]]:
        controls = self.all("input") + self.all("textarea") + self.all("select")
        return [c for c in controls if c.get("type") not in {"hidden", "submit"}]


def login_page(user: User) -> HttpResponse:
    return HttpClient().get(LOGIN)


def second_step_page(user: User) -> HttpResponse:
    http = HttpClient()
    submit_password(http, user.username)
    return http.get(SECOND_STEP)


def confirm_password_page(user: User) -> HttpResponse:
    http = HttpClient()
    sign_in(http, user)
    return http.get(CONFIRM_PASSWORD)


def set_up_authenticator_page(user: User) -> HttpResponse:
    http = HttpClient()
    newcomer = UserFactory(totp=False)
    submit_password(http, newcomer.username)
    confirm_password(http, SET_UP_AUTHENTICATOR)
    return http.get(SET_UP_AUTHENTICATOR)


def recovery_codes_page(user: User) -> HttpResponse:
    RecoveryCodes.activate(user)
    http = HttpClient()
    sign_in(http, user)
    confirm_password(http, "/")
    return http.get("/accounts/2fa/recovery-codes/")


def two_factor_overview_page(user: User) -> HttpResponse:
    http = HttpClient()
    sign_in(http, user)
    return http.get("/accounts/2fa/")


def logout_page(user: User) -> HttpResponse:
    http = HttpClient()
    sign_in(http, user)
    return http.get("/accounts/logout/")


def password_reset_page(user: User) -> HttpResponse:
    return HttpClient().get("/accounts/password/reset/")


def signup_closed_page(user: User) -> HttpResponse:
    return HttpClient().get("/accounts/signup/")


PAGES = [
    login_page,
    second_step_page,
    confirm_password_page,
    set_up_authenticator_page,
    recovery_codes_page,
    two_factor_overview_page,
    logout_page,
    password_reset_page,
    signup_closed_page,
]


@pytest.fixture(params=PAGES, ids=lambda get: get.__name__)
def page(request, staff: User) -> HttpResponse:
    get: Callable[[User], HttpResponse] = request.param
    response = get(staff)
    assert response.status_code == 200
    return response


def test_the_page_uses_the_rph_layout_with_bootstrap(page: HttpResponse):
    parsed = Page(page_text(page))

    assert any("bootstrap.min.css" in link.get("href", "") for link in parsed.all("link"))
    assert any("navbar" in nav.get("class", "") for nav in parsed.all("nav"))
    assert [main.get("id") for main in parsed.all("main")] == ["main"]


def test_every_form_control_has_a_label_and_bootstrap_styling(page: HttpResponse):
    text = page_text(page)
    parsed = Page(text[text.index("<main") : text.index("</main>")])

    for control in parsed.form_controls():
        assert control.get("id") in parsed.label_targets, control
        assert re.search(r"\bform-(control|check-input|select)\b", control.get("class", ""))
    for button in parsed.all("button"):
        assert re.search(r"\bbtn\b", button.get("class", "")), button


def test_the_page_has_no_inline_script_or_style(page: HttpResponse):
    parsed = Page(page_text(page))

    for script in parsed.all("script"):
        assert script.get("src") or script.get("type") == "application/json", script
    assert not parsed.all("style")
    assert not [attrs for _, attrs in parsed.tags if "style" in attrs]
    assert "script-src 'self'" in page["Content-Security-Policy"]


def test_the_set_up_page_shows_a_qr_code_the_csp_allows(staff: User):
    response = set_up_authenticator_page(staff)

    images = Page(page_text(response)).all("img")
    assert [img["src"].split(",")[0] for img in images] == ["data:image/svg+xml;base64"]
    assert images[0]["alt"]
    assert "img-src 'self' data:" in response["Content-Security-Policy"]
