"""Issue 3, end to end: a person asks to be called, the team reaches them within 48 hours,
offers an assessment, and the therapist completes it with a placement on step 3.

One journey in one test: each step builds on what the one before saved. The person uses a
phone; the staff use desktop screens, each demo user logging in once.
"""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Locator, Page, expect

from tests.e2e.helpers import assert_accessible, demo_user, login, logout

OSLO = ZoneInfo("Europe/Oslo")
SELF_REFERRAL, QUEUE = "/henvendelse/", "/henvendelser/"
CONTACT_URL = re.compile(r"/henvendelser/(\d+)/$")
FIRST_NAME, LAST_NAME = "Åse Marit", "Ørnæs-Blåfjell"
FULL_NAME = f"{FIRST_NAME} {LAST_NAME}"
PHONE_TYPED, PHONE_DIGITS = "412 34 567", "41234567"
# PHQ-9 (nine scored items and item 10) and GAD-7 as a therapist types them off paper.
PHQ9 = ["2", "2", "1", "2", "1", "2", "1", "0", "0", "1"]
GAD7 = ["2", "2", "1", "1", "0", "1", "1"]


def assert_no_horizontal_scroll(page: Page) -> None:
    """Nothing sticks out sideways. A mobile browser zooms out to fit wide content, and its
    window.innerWidth then grows with it: the layout viewport (clientWidth) is the measure."""
    __tracebackhide__ = True
    content, screen = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert content <= screen, f"{page.url} scrolls sideways: {content} > {screen} px"


def status_message(page: Page) -> Locator:
    return page.locator("main > .alert[role=status]")


def queue_row(page: Page) -> Locator:
    return page.locator("[data-testid=queue-row]").filter(
        has=page.get_by_role("link", name=FULL_NAME, exact=True)
    )


def oslo_minutes(moment: datetime) -> str:
    return moment.astimezone(OSLO).strftime("%d.%m.%Y %H:%M")


def ask_to_be_called(phone: Page) -> None:
    phone.goto(SELF_REFERRAL)
    form = phone.locator("[data-testid=self-referral-form]")
    expect(form).to_be_visible()
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)

    form.locator("input[name=first_name]").fill(FIRST_NAME)
    form.locator("input[name=last_name]").fill(LAST_NAME)
    form.locator("input[name=phone]").fill(PHONE_TYPED)
    form.locator("select[name=home_municipality]").select_option(label="Ørland")
    form.locator("input[name=concerns][value=anxiety]").check()
    form.locator("input[name=concerns][value=sleep]").check()
    form.locator("input[name=best_time_to_call]").fill("Hverdager etter kl. 15")
    form.locator("input[name=consent]").check()
    form.locator("button[type=submit]").tap()

    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Takk, vi har mottatt henvendelsen din"
    )
    expect(phone.locator("[data-testid=promise]")).to_have_text(
        "En behandler ringer deg innen 48 timer."
    )
    expect(phone.get_by_role("heading", name="Hva skjer nå")).to_be_visible()
    help_now = phone.locator("[data-testid=help-now]")
    expect(help_now.locator('a[href="tel:113"]')).to_have_text("113")
    expect(help_now.locator('a[href="tel:116117"]')).to_have_text("116 117")
    # A phone may be borrowed or shared: the answer never shows back who asked.
    html = phone.content()
    for sent in (FIRST_NAME, LAST_NAME, PHONE_TYPED, PHONE_DIGITS):
        assert sent not in html, f"the confirmation shows {sent!r}"
    assert_no_horizontal_scroll(phone)
    assert_accessible(phone)


def clerical_records_a_failed_call(page: Page) -> str:
    """The clerical user tries to call from the queue; returns the contact page's address."""
    login(page, demo_user("merkantil"))
    page.locator(f'[data-testid=nav] a[href="{QUEUE}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Henvendelseskø")
    row = queue_row(page)
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=clock-state]")).to_have_text("I rute")
    expect(row).to_contain_text(re.compile(r"4[78] t \d\d min igjen"))
    expect(row).to_contain_text("Ørland")
    expect(row.locator("[data-testid=attempt-count]")).to_have_text("0")

    row.locator("summary").click()
    row.locator("select[name=method]").select_option("phone")
    row.locator("select[name=outcome]").select_option("no_answer")
    row.locator("button[type=submit]").click()

    # htmx swaps in the row as saved, attempt counted, still in the queue.
    expect(row.get_by_role("status")).to_have_text("Forsøket er registrert.")
    expect(row.locator("[data-testid=attempt-count]")).to_have_text("1")
    expect(row.locator("[data-testid=last-attempt]")).to_contain_text("Ikke svar")
    assert_accessible(page)

    row.get_by_role("link", name=FULL_NAME, exact=True).click()
    expect(page).to_have_url(CONTACT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Henvendelse fra {FULL_NAME}")
    expect(page.locator("[data-testid=attempts] tbody tr")).to_have_count(1)
    expect(page.locator("[data-testid=attempts]")).to_contain_text("Ikke svar")
    expect(page.locator("[data-testid=needs-reached]")).to_be_visible()
    assert_accessible(page)
    contact_url = page.url
    logout(page)
    return contact_url


def therapist_reaches_and_offers_a_video_assessment(page: Page, contact_url: str) -> datetime:
    """Returns the offered time."""
    behandler = demo_user("behandler")
    login(page, behandler)
    page.goto(contact_url)
    attempt = page.locator("[data-testid=attempt-form]")
    attempt.locator("select[name=method]").select_option("phone")
    attempt.locator("select[name=outcome]").select_option("reached")
    attempt.locator("input[type=submit]").click()
    expect(status_message(page)).to_have_text("Forsøket er registrert.")
    expect(page.locator("[data-testid=attempts] tbody tr")).to_have_count(2)

    tomorrow = datetime.now(OSLO).date() + timedelta(days=1)
    offered_for = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 10, 0, tzinfo=OSLO)
    offer = page.locator("[data-testid=offer-form]")
    offer.locator("input[name=scheduled_for]").fill(oslo_minutes(offered_for))
    offer.locator("select[name=therapist]").select_option(
        label=f"{behandler.first_name} {behandler.last_name}"
    )
    offer.locator("select[name=mode]").select_option("video")
    offer.locator("input[type=submit]").click()

    expect(page).to_have_url(contact_url)
    expect(status_message(page)).to_have_text("Kartleggingssamtalen er tilbudt. Klokka er stoppet.")
    expect(page.locator("[data-testid=clock-state]")).to_have_text("Tilbudt innen fristen")
    expect(page.locator("[data-testid=offer]")).to_contain_text(oslo_minutes(offered_for))
    expect(page.locator("[data-testid=offer]")).to_contain_text("Video")
    assert_accessible(page)
    return offered_for


def therapist_completes_the_assessment_on_step_3(
    page: Page, contact_url: str, offered_for: datetime
) -> None:
    contact_id = CONTACT_URL.search(contact_url).group(1)  # type: ignore[union-attr]
    page.get_by_role("link", name=FULL_NAME, exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)
    page.locator(f'a[href="/henvendelser/{contact_id}/kartlegging/rediger/"]').click()
    expect(page).to_have_url(f"/henvendelser/{contact_id}/kartlegging/rediger/")
    form = page.locator("#assessment-form")
    # The record starts from the offer: its time and its mode.
    expect(form.locator("input[name=held_at]")).to_have_value(oslo_minutes(offered_for))
    expect(form.locator("select[name=mode]")).to_have_value("video")
    assert_accessible(page)

    # The conversation was held at once, by video.
    form.locator("input[name=held_at]").fill(oslo_minutes(datetime.now(OSLO)))
    form.locator("input[name=work_statuses][value=in_work]").check()
    for index, value in enumerate(PHQ9):
        form.locator(f"#id_phq9_answers_{index}").select_option(value)
    for index, value in enumerate(GAD7):
        form.locator(f"#id_gad7_answers_{index}").select_option(value)
    for question in ("suicidal_thoughts", "suicide_plans", "earlier_suicide_attempts"):
        form.locator(f"input[name={question}][value=False]").check()
    form.locator("input[name=has_minor_children][value=False]").check()
    form.locator("select[name=decision]").select_option("in_target_group")
    form.locator("select[name=step]").select_option("3")
    form.locator("button[name=complete]").click()

    expect(page).to_have_url(f"/henvendelser/{contact_id}/kartlegging/")
    expect(status_message(page)).to_have_text("Kartleggingen er fullført.")
    expect(page.locator("[data-testid=assessment-status] .badge")).to_have_text("Fullført")
    outcome = page.locator("[data-testid=outcome]")
    expect(outcome).to_contain_text("I målgruppen")
    expect(outcome).to_contain_text("Trinn 3: individuell behandling")
    expect(page.locator("[data-testid=phq9]")).to_have_text(" · ".join(PHQ9))
    # Complete means read-only: no way back into the form.
    expect(page.locator('a[href$="/kartlegging/rediger/"]')).to_have_count(0)
    assert_accessible(page)

    page.get_by_role("link", name="Tilbake til klienten").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)
    summary = page.locator("[data-testid=assessment-summary]")
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("heading").locator(".badge")).to_have_text("Fullført")
    expect(summary).to_contain_text("I målgruppen · Trinn 3: individuell behandling")
    expect(page.locator("[data-testid=contact-row] [data-testid=clock-state]")).to_have_text(
        "Tilbudt innen fristen"
    )
    assert_accessible(page)


def the_queue_is_clear_of_the_contact(page: Page) -> None:
    page.locator(f'[data-testid=nav] a[href="{QUEUE}"]').click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Henvendelseskø")
    expect(page.locator("[data-testid=queue]")).to_be_visible()
    expect(queue_row(page)).to_have_count(0)


def test_a_person_asks_on_their_phone_and_is_reached_offered_and_placed_on_step_3(
    phone_page: Page, page: Page
) -> None:
    ask_to_be_called(phone_page)
    contact_url = clerical_records_a_failed_call(page)
    offered_for = therapist_reaches_and_offers_a_video_assessment(page, contact_url)
    therapist_completes_the_assessment_on_step_3(page, contact_url, offered_for)
    the_queue_is_clear_of_the_contact(page)
