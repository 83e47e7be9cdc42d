"""Questionnaires, end to end: a therapist sends a client a PHQ-9 + GAD-7 link, the client
answers on their phone with a risk answer (PHQ-9 item 9), sees where to get help now, and
the therapist acknowledges the risk alert and sees the new score on the client's chart.

One journey in one test: each step builds on what the one before saved. The client uses a
phone without logging in; the therapist a desktop screen, logged in once.
"""

import re
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.helpers import assert_accessible, demo_user, login

OSLO = ZoneInfo("Europe/Oslo")
CLIENT_URL = re.compile(r"/klienter/(\d+)/$")
RISK_ALERT_URL = re.compile(r"/risiko/(\d+)/$")
LINK_URL = re.compile(r"/skjema/[^/]{20,}/$")
DONE_PATH = "/skjema/takk/"
# PHQ-9: nine scored items (item 9, thoughts of self-harm, "several days") and item 10.
PHQ9 = [1, 2, 1, 1, 0, 1, 0, 0, 1, 1]
PHQ9_TOTAL = sum(PHQ9[:9])
GAD7 = [1, 1, 0, 1, 0, 0, 1]
GAD7_TOTAL = sum(GAD7)


def assert_no_horizontal_scroll(page: Page) -> None:
    __tracebackhide__ = True
    content, screen = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert content <= screen, f"{page.url} scrolls sideways: {content} > {screen} px"


def assert_no_last_name(page: Page, last_name: str) -> None:
    """A phone may be borrowed or shared: the client's page names them by first name only."""
    __tracebackhide__ = True
    shown = page.locator("body").inner_text() + page.title()
    assert not re.search(rf"\b{re.escape(last_name)}\b", shown), f"{page.url} shows the last name"


def therapist_sends_a_link(page: Page) -> tuple[int, dict[str, Any], str]:
    """Behandler opens a client in their care team and gets a PHQ-9 + GAD-7 link for them.

    Returns the client's id, their name (from the API) and the link.
    """
    login(page, demo_user("behandler"))
    page.locator('[data-testid=nav] a[href="/klienter/"]').click()
    page.locator('a[href="?mine=1"]').click()
    first_client = page.locator("table tbody a[href^='/klienter/']").first
    expect(first_client).to_be_visible()
    first_client.click()
    expect(page).to_have_url(CLIENT_URL)
    client_id = int(CLIENT_URL.search(page.url).group(1))  # type: ignore[union-attr]
    # Clinical access: the questionnaire section is there, with no answers yet.
    section = page.locator("[data-testid=questionnaire-section]")
    expect(section).to_be_visible()
    expect(section.locator("[data-testid=open-risk-alert]")).to_have_count(0)

    # The session cookie authenticates the API call; the CSRF token comes from a page form.
    csrf = page.locator("input[name=csrfmiddlewaretoken]").first.input_value()
    created = page.request.post(
        f"/api/v1/clients/{client_id}/invitations/",
        data={"instruments": ["phq9", "gad7"]},
        headers={"X-CSRFToken": csrf},
    )
    assert created.status == 201, created.text()
    body = created.json()
    assert body["instruments"] == ["phq9", "gad7"]
    assert LINK_URL.search(body["url"]), body["url"]
    person = page.request.get(f"/api/v1/clients/{client_id}/")
    assert person.ok, person.text()
    return client_id, person.json(), body["url"]


def answer(phone: Page, answers: list[int]) -> None:
    form = phone.locator("[data-testid=questionnaire-form]")
    for number, value in enumerate(answers, start=1):
        form.locator(f"input[name=q{number}][value='{value}']").check()
    expect(phone.locator("#answered-number")).to_have_text(str(len(answers)))


def client_answers_on_the_phone(phone: Page, url: str, first_name: str, last_name: str) -> None:
    phone.goto(url)
    form = phone.locator("[data-testid=questionnaire-form]")
    expect(form.locator("input[name=instrument]")).to_have_value("phq9")
    expect(phone.locator("main")).to_contain_text(first_name)
    expect(form.locator("fieldset.question")).to_have_count(len(PHQ9))
    assert_no_last_name(phone, last_name)
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)

    answer(phone, PHQ9)
    form.locator("button[type=submit]").tap()

    # The same link, now on the second questionnaire.
    expect(form.locator("input[name=instrument]")).to_have_value("gad7")
    expect(phone).to_have_url(url)
    expect(form.locator("fieldset.question")).to_have_count(len(GAD7))
    assert_no_last_name(phone, last_name)
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)

    answer(phone, GAD7)
    form.locator("button[type=submit]").tap()

    expect(phone).to_have_url(DONE_PATH)
    expect(phone.locator("[data-testid=risk-message]")).to_be_visible()
    help_now = phone.locator("[data-testid=help-now]")
    expect(help_now.locator('a[href="tel:113"]')).to_have_text("113")
    expect(help_now.locator('a[href="tel:116117"]')).to_have_text("116 117")
    expect(help_now.locator('a[href="tel:116123"]')).to_have_text("116 123")
    assert_no_last_name(phone, last_name)
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)

    # The link is used up: opening it again answers nothing and shows nothing.
    phone.goto(url)
    expect(phone.locator("[data-testid=questionnaire-form]")).to_have_count(0)


def therapist_acknowledges_the_risk_alert(page: Page, client_id: int, first_name: str) -> None:
    page.goto("/")
    alerts = page.locator("[data-testid=risk-alerts]")
    alert_link = alerts.locator("a[href^='/risiko/']").filter(has_text=first_name)
    expect(alert_link).to_have_count(1)
    alert_link.click()
    expect(page).to_have_url(RISK_ALERT_URL)
    alert_url = urlsplit(page.url).path

    risk = page.locator("[data-testid=risk-alert]")
    expect(risk.locator(f'a[href="/klienter/{client_id}/"]')).to_be_visible()
    expect(risk.locator("[data-testid=risk-answer]")).to_have_count(1)
    expect(risk).to_contain_text(str(PHQ9_TOTAL))
    expect(page.locator("[data-testid=acknowledgement] .badge")).to_be_visible()
    assert_accessible(page)

    acknowledge = page.locator("form", has=page.locator("input[name=action]"))
    acknowledge.locator("input[name=action][value=called_client]").check()
    acknowledge.locator("textarea[name=note]").fill("Ringt opp, avtalt time i morgen.")
    acknowledge.locator("button[type=submit]").click()

    expect(page).to_have_url(alert_url)
    expect(page.locator("main > .alert[role=status]")).to_be_visible()
    acknowledgement = page.locator("[data-testid=acknowledgement]")
    expect(acknowledgement.locator(".badge")).to_have_count(0)
    expect(acknowledgement).to_contain_text(datetime.now(OSLO).strftime("%d.%m.%Y"))
    expect(acknowledgement).to_contain_text("Ringt opp, avtalt time i morgen.")
    expect(page.locator("input[name=action]")).to_have_count(0)
    assert_accessible(page)

    # Closed: gone from the start page.
    page.goto("/")
    expect(page.locator(f'[data-testid=risk-alerts] a[href="{alert_url}"]')).to_have_count(0)


def the_client_page_shows_the_new_scores(page: Page, client_id: int) -> None:
    page.goto(f"/klienter/{client_id}/")
    section = page.locator("[data-testid=questionnaire-section]")
    expect(section).to_be_visible()
    expect(section.locator("[data-testid=open-risk-alert]")).to_have_count(0)
    today = datetime.now(OSLO).strftime("%d.%m.%Y")
    chart = section.locator("[data-testid=trend-chart] svg")
    # Today's answers; the demo client may have earlier ones.
    expect(chart.locator("circle title").filter(has_text=today)).to_have_text(
        [f"PHQ-9 {today}: {PHQ9_TOTAL}", f"GAD-7 {today}: {GAD7_TOTAL}"]
    )
    rows = section.locator("[data-testid=score-table] tbody tr").filter(has_text=today)
    expect(rows.filter(has_text="PHQ-9").locator("td").nth(2)).to_have_text(str(PHQ9_TOTAL))
    expect(rows.filter(has_text="GAD-7").locator("td").nth(2)).to_have_text(str(GAD7_TOTAL))
    # The latest PHQ-9 answers, item by item, with the risk item marked.
    expect(section.locator("[data-testid=latest-answers] tr.table-danger")).to_have_count(1)
    assert_accessible(page)


def test_a_client_answers_a_link_on_their_phone_and_the_therapist_acts_on_the_risk_answer(
    page: Page, phone_page: Page
) -> None:
    client_id, person, url = therapist_sends_a_link(page)
    client_answers_on_the_phone(phone_page, url, person["first_name"], person["last_name"])
    therapist_acknowledges_the_risk_alert(page, client_id, person["first_name"])
    the_client_page_shows_the_new_scores(page, client_id)
