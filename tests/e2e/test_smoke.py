"""Every demo role logs in with a second factor, sees its own menu, and the pages pass axe."""

import re

import pyotp
import pytest
from django.utils import translation
from playwright.sync_api import Page, expect

from rph.accounts.demo import DEMO_USERS, DemoUser
from rph.accounts.roles import CLIENT_ROLES, Role
from tests.e2e.helpers import (
    LOGIN_PATH,
    LOGOUT_BUTTON,
    TOTP_PATH,
    assert_accessible,
    demo_user,
    login,
    logout,
    submit_code,
    submit_password,
)

START, CLIENTS, BREAK_GLASS, ADMIN = "/", "/klienter/", "/teamleder/nodtilganger/", "/admin/"
QUEUE, REGISTER = "/henvendelser/", "/henvendelser/ny/"
# What each role finds of these pages in the menu; the menu may hold other pages too.
KNOWN_PAGES = {START, CLIENTS, QUEUE, REGISTER, BREAK_GLASS, ADMIN}
MENU = {
    Role.CLERICAL: {START, CLIENTS, QUEUE, REGISTER},
    Role.THERAPIST: {START, CLIENTS, QUEUE, REGISTER},
    Role.PSYCHOLOGIST: {START, CLIENTS, QUEUE, REGISTER},
    Role.TEAM_LEAD: {START, CLIENTS, QUEUE, REGISTER, BREAK_GLASS},
    Role.ADMIN: {START, ADMIN},
}


def menu_hrefs(page: Page) -> set[str]:
    links = page.locator("[data-testid=nav] a")
    return set(links.evaluate_all("links => links.map(a => a.pathname)"))


def role_label(role: Role) -> str:
    with translation.override("nb"):
        return str(role.label)


def assert_on_login_page(page: Page) -> None:
    __tracebackhide__ = True
    expect(page).to_have_url(re.compile(re.escape(LOGIN_PATH)))
    expect(page.locator("[data-testid=nav]")).to_have_count(0)


def open_the_client_list_and_a_client(page: Page) -> None:
    page.locator(f'[data-testid=nav] a[href="{CLIENTS}"]').click()
    rows = page.locator("main table tbody tr")
    expect(rows.first.get_by_role("link")).to_be_visible()
    assert rows.count() >= 10  # the demo team has 30 clients, 50 to a page
    assert_accessible(page)

    first = rows.first.get_by_role("link")
    name = first.inner_text()
    first.click()
    expect(page).to_have_url(re.compile(r"/klienter/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text(name)
    expect(page.locator("[data-testid=clinical]")).to_be_visible()
    assert_accessible(page)


def assert_the_client_list_is_refused(page: Page) -> None:
    response = page.goto(CLIENTS)
    assert response is not None and response.status == 403
    expect(page.locator("main table")).to_have_count(0)


@pytest.mark.parametrize("demo", DEMO_USERS, ids=lambda demo: demo.username)
def test_each_role_logs_in_with_a_second_factor_and_works_from_its_own_menu(
    page: Page, demo: DemoUser
) -> None:
    login(page, demo)

    assert menu_hrefs(page) & KNOWN_PAGES == MENU[demo.role]
    expect(page.locator("[data-testid=current-role]")).to_have_text(
        f"RPH Fosen · {role_label(demo.role)}"
    )
    expect(page.get_by_role("heading", level=1)).to_contain_text(demo.first_name)
    assert_accessible(page)

    if demo.role in CLIENT_ROLES:
        open_the_client_list_and_a_client(page)
    else:
        assert_the_client_list_is_refused(page)

    logout(page)
    assert_on_login_page(page)
    page.goto(START)
    assert_on_login_page(page)


def test_the_login_and_code_pages_pass_axe(page: Page) -> None:
    page.goto(LOGIN_PATH)
    assert_accessible(page)

    submit_password(page, demo_user("psykolog"))
    assert_accessible(page)


def test_a_wrong_code_is_refused_and_nobody_is_logged_in(page: Page) -> None:
    demo = demo_user("behandler")
    submit_password(page, demo)
    wrong = f"{(int(pyotp.TOTP(demo.totp_secret).now()) + 1) % 1_000_000:06d}"

    submit_code(page, wrong)

    expect(page).to_have_url(TOTP_PATH)
    expect(page.locator("main")).to_contain_text("Feil kode")
    expect(page.locator(LOGOUT_BUTTON)).to_have_count(0)
    page.goto(CLIENTS)
    # Still half-way: the login page sends the pending login back to the code page.
    expect(page).to_have_url(TOTP_PATH)
    expect(page.locator("[data-testid=nav]")).to_have_count(0)
