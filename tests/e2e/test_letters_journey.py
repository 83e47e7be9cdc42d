"""Letters, end to end: a therapist ends a demo episode, writes the epikrise from the episode
page, completes and approves it, and downloads its PDF; clerical staff print and post it and
record it as sent, without ever reading a draft; the letter then shows as sent.

One journey in one test: each step builds on what the one before saved. Each demo user logs
in once, in a browser of their own, on a desktop screen.
"""

import io
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import Server, watched_page
from tests.e2e.helpers import assert_accessible, demo_user, login

OSLO = ZoneInfo("Europe/Oslo")
EPISODE_URL = re.compile(r"/forlop/(\d+)/$")
CLIENT_URL = re.compile(r"/klienter/(\d+)/$")
EDIT_URL = re.compile(r"/brev/(\d+)/rediger/$")
ADVICE = "Fastlegen følger opp søvn og aktivitet. Ny kontakt med RPH ved behov."
END_NOTE = "Fullført etter plan."
# The draft's free text no one outside the care team may read.
REFERRAL_REQUEST = "Vi ber fastlegen vurdere henvisning til DPS for traumebehandling."


def status_message(page: Page) -> Locator:
    return page.locator("main > .alert[role=status]")


def pk_of(pattern: re.Pattern[str], url: str) -> int:
    return int(pattern.search(url).group(1))  # type: ignore[union-attr]


def today() -> str:
    return datetime.now(OSLO).strftime("%d.%m.%Y")


def assert_a_pdf_saying(content: bytes, *texts: str) -> None:
    """A PDF that pypdf reads, with each of `texts` in it (line breaks aside)."""
    __tracebackhide__ = True
    assert content.startswith(b"%PDF-"), f"not a PDF: {content[:20]!r}"
    reader = PdfReader(io.BytesIO(content))
    words = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    for text in texts:
        assert text in words, f"the PDF does not say {text!r}"


# -- 1. The episode ends ----------------------------------------------------------------------


def therapist_finds_an_open_episode_of_a_client_with_a_gp(page: Page) -> tuple[int, int, str]:
    """From behandler's open episodes, the first whose client has a GP and does not object to
    the epikrise. Returns the episode's and the client's id and the client's name."""
    login(page, demo_user("behandler"))
    page.goto("/forlop/?mine=1")
    links = page.locator("[data-testid=episode-row] a[href^='/forlop/']")
    hrefs = links.evaluate_all("links => links.map(a => a.pathname)")
    assert hrefs, "behandler has no open episode in the demo"
    for href in hrefs:
        page.goto(href)
        page.get_by_role("link", name="Tilbake til klienten").click()
        expect(page).to_have_url(CLIENT_URL)
        has_gp = page.locator("[data-testid=client-gp]").inner_text().strip() != "–"
        if has_gp and page.locator("[data-testid=objection]").count() == 0:
            name = page.get_by_role("heading", level=1).inner_text().strip()
            return pk_of(EPISODE_URL, href), pk_of(CLIENT_URL, page.url), name
    raise AssertionError("no open episode of behandler's has a client with a GP")


def therapist_ends_the_episode(page: Page, episode_id: int) -> None:
    page.goto(f"/forlop/{episode_id}/")
    # An open episode's epikrise is the one after the assessment.
    expect(page.locator("[data-testid=write-epikrise]")).to_have_attribute(
        "href", re.compile("kind=epikrise_assessment")
    )
    page.get_by_role("link", name="Avslutt forløpet").click()
    expect(page).to_have_url(f"/forlop/{episode_id}/avslutt/")
    page.locator("input[name=reason][value=completed]").check()
    page.locator("textarea[name=note]").fill(END_NOTE)
    page.get_by_role("button", name="Avslutt forløpet").click()
    expect(page).to_have_url(f"/forlop/{episode_id}/")
    expect(status_message(page)).to_have_text("Forløpet er avsluttet.")
    expect(page.locator("[data-testid=episode-status]")).to_contain_text(END_NOTE)


# -- 2. The epikrise is drafted, completed and approved ---------------------------------------


def therapist_writes_edits_and_approves_the_epikrise(page: Page, episode_id: int) -> int:
    """Returns the letter's id."""
    page.locator("[data-testid=write-epikrise]").click()
    form = page.locator("main form")
    expect(form.locator("input[name=kind][value=epikrise_end]")).to_be_checked()
    expect(form.locator("select[name=episode]")).to_have_value(str(episode_id))
    assert_accessible(page)
    form.get_by_role("button", name="Skriv utkast").click()

    expect(page).to_have_url(EDIT_URL)
    letter_id = pk_of(EDIT_URL, page.url)
    expect(status_message(page)).to_have_text("Utkastet er skrevet. Kontroller og fullfør det.")
    form = page.locator("main form")
    # The draft starts from the record: the therapist checks and completes the text.
    expect(form.locator("textarea[name=treatment_summary]")).to_have_value(re.compile(r"\S"))
    assert_accessible(page)
    form.get_by_label("Råd om videre oppfølging").fill(ADVICE)
    form.locator("input[name=work_statuses_end][value=in_work]").check()
    form.get_by_role("button", name="Lagre").click()

    expect(page).to_have_url(f"/brev/{letter_id}/")
    expect(status_message(page)).to_have_text("Brevet er lagret.")
    expect(page.locator("h1 [data-status]")).to_have_text("Utkast")
    body = page.locator("[data-testid=letter-body]")
    expect(body).to_contain_text(ADVICE)
    expect(body.locator("[data-testid=letter-work-end]")).to_have_text("I jobb")
    assert_accessible(page)

    page.get_by_role("button", name="Godkjenn").click()
    expect(page).to_have_url(f"/brev/{letter_id}/")
    expect(status_message(page)).to_have_text("Brevet er godkjent og klart til å sendes.")
    expect(page.locator("h1 [data-status]")).to_have_text("Godkjent")
    # Nothing of an approved letter changes.
    expect(page.get_by_role("link", name="Rediger")).to_have_count(0)
    expect(page.get_by_role("button", name="Godkjenn")).to_have_count(0)
    assert_accessible(page)
    return letter_id


def therapist_downloads_the_pdf(page: Page, name: str) -> None:
    with page.expect_download() as download:
        page.get_by_role("link", name="Last ned PDF").click()
    assert download.value.suggested_filename.endswith(".pdf")
    assert_a_pdf_saying(download.value.path().read_bytes(), name, ADVICE)


def therapist_drafts_a_referral_request(page: Page, episode_id: int) -> int:
    """A second letter, left as a draft. Returns its id."""
    page.goto(f"/forlop/{episode_id}/")
    page.get_by_role("link", name="Be fastlegen om henvisning").click()
    form = page.locator("main form")
    expect(form.locator("input[name=kind][value=referral_request]")).to_be_checked()
    form.locator("select[name=referral_to]").select_option("dps")
    form.get_by_role("button", name="Skriv utkast").click()
    expect(page).to_have_url(EDIT_URL)
    draft_id = pk_of(EDIT_URL, page.url)
    page.locator("main form textarea[name=advice]").fill(REFERRAL_REQUEST)
    page.locator("main form").get_by_role("button", name="Lagre").click()
    expect(page).to_have_url(f"/brev/{draft_id}/")
    expect(page.locator("[data-testid=letter-body]")).to_contain_text(REFERRAL_REQUEST)
    return draft_id


def therapist_sees_consents_collaboration_and_gps(page: Page, client_id: int) -> None:
    page.goto(f"/klienter/{client_id}/")
    page.locator("[data-testid=consent-section]").get_by_role(
        "link", name="Samtykkeregister"
    ).click()
    expect(page).to_have_url(f"/klienter/{client_id}/samtykker/")
    assert_accessible(page)
    page.goto(f"/klienter/{client_id}/samarbeid/")
    expect(page.locator("[data-testid=collaboration-form]")).to_be_visible()
    assert_accessible(page)
    page.locator('[data-testid=nav] a[href="/fastleger/"]').click()
    expect(page.locator("[data-testid=gp-row]").first).to_be_visible()
    assert_accessible(page)


# -- 3. Clerical staff print, post and record it ----------------------------------------------


def clerical_posts_the_letter_but_never_reads_a_draft(
    browser: Browser, server: Server, letter_id: int, draft_id: int, name: str
) -> None:
    with watched_page(browser, server, viewport={"width": 1280, "height": 900}) as desk:
        login(desk, demo_user("merkantil"))
        desk.locator('[data-testid=nav] a[href="/brev/"]').click()
        expect(desk).to_have_url("/brev/")
        row = desk.locator("[data-testid=letter-row]").filter(
            has=desk.locator(f'a[href="/brev/{letter_id}/"]')
        )
        expect(row).to_have_count(1)
        expect(row).to_contain_text(name)
        expect(row).to_contain_text("Epikrise ved avslutning")
        # Drafts are clinical: clerical staff see no list of them.
        expect(desk.locator("[data-testid=letters-drafts]")).to_have_count(0)
        assert_accessible(desk)

        with desk.expect_download() as download:
            row.get_by_role("link", name=re.compile("^PDF")).click()
        assert_a_pdf_saying(download.value.path().read_bytes(), name)

        row.get_by_role("link", name=re.compile("^Registrer som sendt")).click()
        expect(desk).to_have_url(f"/brev/{letter_id}/send/")
        assert_accessible(desk)
        form = desk.locator("main form")
        form.get_by_label("Skrevet ut og postlagt").check()
        expect(form.get_by_label("Dato sendt")).to_have_value(today())
        form.get_by_role("button", name="Registrer som sendt").click()

        expect(desk).to_have_url(f"/brev/{letter_id}/")
        expect(status_message(desk)).to_have_text("Brevet er registrert som sendt.")
        expect(desk.locator("h1 [data-status]")).to_have_text("Sendt")
        metadata = desk.locator("[data-testid=letter-metadata]")
        expect(metadata).to_contain_text(f"{today()}, skrevet ut og postlagt")
        # The approved letter's metadata, not its text.
        expect(desk.locator("[data-testid=letter-body]")).to_have_count(0)
        assert ADVICE not in desk.locator("body").inner_text()
        assert_accessible(desk)

        desk.goto("/brev/")
        expect(
            desk.locator(f'[data-testid=letter-row] a[href="/brev/{letter_id}/"]')
        ).to_have_count(0)

        response = desk.goto(f"/brev/{draft_id}/")
        assert response is not None and response.status == 403
        expect(desk.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
        assert REFERRAL_REQUEST not in desk.content()
        pdf = desk.request.get(f"/brev/{draft_id}/pdf/")
        assert pdf.status == 403
        assert not pdf.body().startswith(b"%PDF")


# -- 4. Sent ----------------------------------------------------------------------------------


def therapist_sees_the_letter_as_sent(
    page: Page, letter_id: int, draft_id: int, client_id: int
) -> None:
    page.goto(f"/brev/{letter_id}/")
    expect(page.locator("h1 [data-status]")).to_have_text("Sendt")
    expect(page.locator("[data-testid=letter-metadata]")).to_contain_text(
        f"{today()}, skrevet ut og postlagt"
    )
    assert_accessible(page)

    page.goto(f"/klienter/{client_id}/")
    letters = page.locator("[data-testid=letters-section]")
    item = letters.locator("li").filter(has=page.locator(f'a[href="/brev/{letter_id}/"]'))
    expect(item.locator("[data-status]")).to_have_text("Sendt")
    expect(item.locator("[data-testid=letter-sent]")).to_have_text(
        f"{today()}, skrevet ut og postlagt"
    )
    # The referral request is still a draft.
    draft = letters.locator("li").filter(has=page.locator(f'a[href="/brev/{draft_id}/"]'))
    expect(draft.locator("[data-status]")).to_have_text("Utkast")
    expect(draft.locator("[data-testid=letter-sent]")).to_have_count(0)


def test_an_epikrise_is_written_approved_printed_posted_and_recorded_as_sent(
    page: Page, browser: Browser, server: Server
) -> None:
    episode_id, client_id, name = therapist_finds_an_open_episode_of_a_client_with_a_gp(page)
    therapist_ends_the_episode(page, episode_id)
    letter_id = therapist_writes_edits_and_approves_the_epikrise(page, episode_id)
    therapist_downloads_the_pdf(page, name)
    draft_id = therapist_drafts_a_referral_request(page, episode_id)
    therapist_sees_consents_collaboration_and_gps(page, client_id)
    clerical_posts_the_letter_but_never_reads_a_draft(browser, server, letter_id, draft_id, name)
    therapist_sees_the_letter_as_sent(page, letter_id, draft_id, client_id)
