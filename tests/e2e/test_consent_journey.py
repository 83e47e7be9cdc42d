"""Issue 12, end to end: a person refers themselves on a phone and agrees to questionnaires
sent digitally, so booking the assessment sends them a link; a reload of the receipt makes
no second contact; a clerk withdraws the SMS consent on the client's page, and then no SMS
goes and the outstanding list says why."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from tests.e2e.conftest import Server
from tests.e2e.helpers import assert_accessible, demo_user, login, server_shell

OSLO = ZoneInfo("Europe/Oslo")
FIRST_NAME, LAST_NAME = "Siri", "Samtykke-Åsen"
FULL_NAME = f"{FIRST_NAME} {LAST_NAME}"
PHONE = "478 12 399"
CONTACT_URL = re.compile(r"/henvendelser/(\d+)/$")


def _count_contacts(server: Server) -> int:
    code = (
        "from intake.models import Contact; "
        f"print(Contact.objects.filter(client__last_name={LAST_NAME!r}).count())"
    )
    return int(server_shell(server, code).strip())


def asks_with_digital_consent_and_reloads_the_receipt(phone: Page, server: Server) -> None:
    phone.goto("/henvendelse/")
    form = phone.locator("[data-testid=self-referral-form]")
    form.locator("input[name=first_name]").fill(FIRST_NAME)
    form.locator("input[name=last_name]").fill(LAST_NAME)
    form.locator("input[name=phone]").fill(PHONE)
    form.locator("select[name=home_municipality]").select_option(label="Ørland")
    form.locator("input[name=consent]").check()
    sms = form.get_by_label(re.compile("Dere kan sende meg SMS"))
    digital = form.get_by_label(re.compile("korte spørreskjemaer"))
    expect(sms).to_be_visible()
    sms.check()
    digital.check()
    assert_accessible(phone)
    form.locator("button[type=submit]").tap()

    expect(phone).to_have_url("/henvendelse/mottatt/")
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Takk, vi har mottatt henvendelsen din"
    )
    phone.reload()
    expect(phone.get_by_role("heading", level=1)).to_have_text(
        "Takk, vi har mottatt henvendelsen din"
    )
    assert_accessible(phone)
    assert _count_contacts(server) == 1


def clerk_books_the_assessment(page: Page) -> str:
    """Returns the client page's address. Booking sends the link: consent was given."""
    login(page, demo_user("merkantil"))
    page.goto("/henvendelser/")
    page.get_by_role("link", name=FULL_NAME, exact=True).first.click()
    expect(page).to_have_url(CONTACT_URL)
    consents = page.locator("[data-testid=reach-digital_questionnaires]")
    expect(consents).to_contain_text("Gitt")
    attempt = page.locator("[data-testid=attempt-form]")
    # No outcome chosen in advance: "reached" stops the clock.
    expect(attempt.locator("select[name=outcome]")).to_have_value("")
    attempt.locator("select[name=method]").select_option("phone")
    attempt.locator("select[name=outcome]").select_option("reached")
    attempt.locator("input[type=submit]").click()

    tomorrow = datetime.now(OSLO).date() + timedelta(days=2)
    at = datetime(tomorrow.year, tomorrow.month, tomorrow.day, 13, 0, tzinfo=OSLO)
    offer = page.locator("[data-testid=offer-form]")
    offer.locator("input[name=scheduled_for]").fill(at.strftime("%d.%m.%Y %H:%M"))
    offer.locator("select[name=therapist]").select_option(index=1)
    offer.locator("select[name=mode]").select_option("face_to_face")
    offer.locator("input[type=submit]").click()
    expect(page.locator("[data-testid=offer]")).to_be_visible()
    assert_accessible(page)

    page.goto("/skjemaer/utestaende/")
    row = page.locator("[data-testid=outstanding-row]").filter(has_text=FULL_NAME)
    expect(row).to_have_count(1)
    expect(row.locator("[data-testid=not-sent-reason]")).to_have_count(0)
    page.get_by_role("link", name=FULL_NAME).first.click()
    return page.url


def clerk_withdraws_sms(page: Page, client_url: str) -> None:
    page.goto(client_url)
    section = page.locator("[data-testid=reach-consents]")
    expect(section.locator("[data-testid=reach-sms]")).to_contain_text("Gitt")
    section.get_by_role("link", name="Endre samtykke").click()
    assert_accessible(page)
    page.locator("input[name=sms][value=no]").check()
    page.locator("input[name=method][value=phone]").check()
    page.locator("input[name=note]").fill("Ringte og ville ikke ha SMS")
    page.locator("input[type=submit]").click()

    expect(page).to_have_url(client_url)
    expect(page.locator("[data-testid=reach-sms]")).to_contain_text("Trukket")

    page.goto("/skjemaer/utestaende/")
    row = page.locator("[data-testid=outstanding-row]").filter(has_text=FULL_NAME)
    expect(row.locator("[data-testid=not-sent-reason]")).to_contain_text(
        "Klienten har trukket samtykket til SMS"
    )
    assert_accessible(page)


def no_sms_goes(server: Server) -> None:
    """The messages fall due now: none leaves (outside quiet hours they are cancelled)."""
    code = (
        "from django.utils import timezone; "
        "from intake.models import Client; "
        "from questionnaires.models import Message; "
        "from questionnaires.outbox import message_send, reach_for; "
        f"client = Client.objects.get(last_name={LAST_NAME!r}); "
        "msgs = Message.objects.filter(invitation__client=client); "
        "print(msgs.count()); "
        "msgs.update(send_after=timezone.now()); "
        "[message_send(message_id=m.pk) for m in msgs]; "
        "print(reach_for(client)); "
        "print(msgs.filter(status='sent').count())"
    )
    written, reach, sent = server_shell(server, code).strip().splitlines()
    assert int(written) >= 1  # the link and its reminder were written at booking
    assert (reach, sent) == ("None", "0")


def test_consent_decides_what_is_sent_and_a_reload_makes_no_second_contact(
    phone_page: Page, page: Page, server: Server
) -> None:
    asks_with_digital_consent_and_reloads_the_receipt(phone_page, server)
    client_url = clerk_books_the_assessment(page)
    clerk_withdraws_sms(page, client_url)
    no_sms_goes(server)
