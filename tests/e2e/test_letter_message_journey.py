"""An electronic epikrise, end to end: the team lead switches the team to electronic messages
and gives the client's GP and GP office their HER-ids; the therapist writes and approves the
epikrise; the message appears in the outbox folder; the GP office's application receipt
(AppRec OK) dropped in the inbox marks the letter "mottatt".

The message service is the two folders; the worker's minute sweep is run by its management
command (`letter_messages`), as no Celery worker runs beside the test server.
"""

import re
from pathlib import Path

from lxml import etree
from playwright.sync_api import Browser, Page, expect

from tests.e2e.conftest import Server, watched_page
from tests.e2e.helpers import assert_accessible, demo_user, login
from tests.processes import manage

MH = "http://www.kith.no/xmlstds/msghead/2006-05-24"
AR = "http://www.kith.no/xmlstds/apprec/2012-02-15"
TEAM_HER_ID = "8100777"
EDIT_URL = re.compile(r"/brev/(\d+)/rediger/$")
CLIENT_URL = re.compile(r"/klienter/(\d+)/$")
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def status_message(page: Page):
    return page.locator("main > .alert[role=status]")


def therapist_finds_a_client_with_a_gp(page: Page) -> tuple[int, str]:
    """An open episode of behandler's whose client has a GP and no objection: (episode, GP)."""
    login(page, demo_user("behandler"))
    page.goto("/forlop/?mine=1")
    hrefs = page.locator("[data-testid=episode-row] a[href^='/forlop/']").evaluate_all(
        "links => links.map(a => a.pathname)"
    )
    for href in reversed(hrefs):
        page.goto(href)
        page.get_by_role("link", name="Tilbake til klienten").click()
        expect(page).to_have_url(CLIENT_URL)
        gp = page.locator("[data-testid=client-gp]").inner_text().strip()
        if gp != "–" and page.locator("[data-testid=objection]").count() == 0:
            episode_id = int(re.search(r"/forlop/(\d+)/", href).group(1))  # type: ignore[union-attr]
            return episode_id, gp.split(",")[0].strip()
    raise AssertionError("no open episode of behandler's has a client with a GP")


def lead_sets_up_electronic_messages(lead: Page, gp_name: str) -> None:
    lead.goto("/brev/")
    lead.locator("[data-testid=letter-settings-link]").click()
    expect(lead).to_have_url("/brev/innstillinger/")
    assert_accessible(lead)
    form = lead.locator("main form")
    form.get_by_label("Teamets HER-id").fill(TEAM_HER_ID)
    form.get_by_label("Elektronisk melding gjennom kommunens meldingstjeneste").check()
    form.get_by_role("button", name="Lagre").click()
    expect(status_message(lead)).to_have_text("Brevinnstillingene er lagret.")

    lead.goto(f"/fastleger/?q={gp_name}")
    lead.locator("[data-testid=gp-row]").first.get_by_role(
        "link", name=re.compile("Rediger")
    ).click()
    expect(lead).to_have_url(re.compile(r"/fastleger/\d+/rediger/$"))
    assert_accessible(lead)
    form = lead.locator("main form")
    form.get_by_label("HER-id", exact=True).fill("8200777")
    form.get_by_label("Legekontorets HER-id").fill("8300777")
    form.get_by_role("button", name="Lagre").click()
    expect(lead).to_have_url(re.compile(r"/fastleger/"))
    expect(status_message(lead)).to_have_text("Fastlegen er lagret.")


def lead_goes_back_to_print(lead: Page) -> None:
    """The other journeys on this server post their letters."""
    lead.goto("/brev/innstillinger/")
    form = lead.locator("main form")
    form.locator("input[name=transport][value=print]").check()
    form.get_by_role("button", name="Lagre").click()
    expect(status_message(lead)).to_have_text("Brevinnstillingene er lagret.")


def therapist_writes_and_approves(page: Page, episode_id: int) -> int:
    page.goto(f"/forlop/{episode_id}/")
    page.locator("[data-testid=write-epikrise]").click()
    page.locator("main form").get_by_role("button", name="Skriv utkast").click()
    expect(page).to_have_url(EDIT_URL)
    letter_id = int(EDIT_URL.search(page.url).group(1))  # type: ignore[union-attr]
    form = page.locator("main form")
    form.get_by_label("Råd om videre oppfølging").fill("Fastlegen følger opp søvn – ærlig talt.")
    form.get_by_role("button", name="Lagre").click()
    expect(page).to_have_url(f"/brev/{letter_id}/")
    page.get_by_role("button", name="Godkjenn").click()
    expect(page).to_have_url(f"/brev/{letter_id}/")
    expect(status_message(page)).to_have_text(
        "Brevet er godkjent og sendt til fastlegen som elektronisk melding."
    )
    expect(page.locator("[data-testid=letter-message-status]")).to_have_text(
        "Venter på å bli skrevet til utboksen"
    )
    assert_accessible(page)
    return letter_id


def apprec_ok(msg_id: str) -> bytes:
    root = etree.Element(f"{{{AR}}}AppRec", nsmap={None: AR})
    for tag, text, value in (
        ("MsgType", None, "APPREC"),
        ("MIGversion", "v1.1 2012-02-15", None),
        ("GenDate", "2026-01-01T12:00:00", None),
        ("Id", "kvittering-1", None),
    ):
        element = etree.SubElement(root, f"{{{AR}}}{tag}")
        element.text = text
        if value:
            element.set("V", value)
    for role in ("Sender", "Receiver"):
        hcp = etree.SubElement(etree.SubElement(root, f"{{{AR}}}{role}"), f"{{{AR}}}HCP")
        etree.SubElement(hcp, f"{{{AR}}}Inst")
    etree.SubElement(root, f"{{{AR}}}Status", V="1", DN="OK")
    original = etree.SubElement(root, f"{{{AR}}}OriginalMsgId")
    etree.SubElement(original, f"{{{AR}}}MsgType", V="DIALOG_NOTAT")
    etree.SubElement(original, f"{{{AR}}}IssueDate").text = "2026-01-01T12:00:00"
    etree.SubElement(original, f"{{{AR}}}Id").text = msg_id
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def test_an_approved_epikrise_goes_to_the_gp_as_a_message_and_is_received(
    page: Page, browser: Browser, server: Server
) -> None:
    outbox = Path(server.env["RPH_MESSAGE_OUTBOX_DIR"])
    inbox = Path(server.env["RPH_MESSAGE_INBOX_DIR"])
    episode_id, gp_name = therapist_finds_a_client_with_a_gp(page)
    with watched_page(browser, server, **DESKTOP) as lead:
        login(lead, demo_user("teamleder"))
        lead_sets_up_electronic_messages(lead, gp_name)
        try:
            letter_id = therapist_writes_and_approves(page, episode_id)
        finally:
            lead_goes_back_to_print(lead)

        msg_id = page.locator("[data-testid=letter-message] code").inner_text()
        manage(server.env, "letter_messages")  # the worker's minute sweep
        written = outbox / f"{msg_id}.xml"
        assert sorted(path.name for path in outbox.iterdir()) == [written.name]
        message = etree.fromstring(written.read_bytes())
        assert message.findtext(f"{{{MH}}}MsgInfo/{{{MH}}}MsgId") == msg_id
        page.reload()
        expect(page.locator("[data-testid=letter-message-status]")).to_have_text(
            "Sendt, venter på kvittering"
        )

        inbox.mkdir(parents=True, exist_ok=True)
        (inbox / "apprec-ok.xml").write_bytes(apprec_ok(msg_id))
        manage(server.env, "letter_messages")
        page.goto(f"/brev/{letter_id}/")
        expect(page.locator("[data-testid=letter-message-status]")).to_have_text(
            "Mottatt av legekontoret"
        )
        expect(page.locator("h1 [data-status]")).to_have_text("Sendt")
        assert (inbox / "behandlet" / "apprec-ok.xml").exists()
        assert_accessible(page)
