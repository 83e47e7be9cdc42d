"""Reporting, end to end: the team lead opens the dashboard, narrows it to a period and to a
municipality, clicks the recovery rate and lands on the episodes behind it, enters the year's
staffing, downloads the grant report as PDF and spreadsheet, and, after confirming who they
are again (password, then a fresh authenticator code), downloads the FHI export. Clerical
staff and therapists see neither the dashboard nor the exports.

One journey in one test; each demo user logs in once, on a desktop screen, but for the
administrator, who reads the reports on a phone. The figures are read from the
page: other journeys in the same run add contacts and end episodes. Whatever they add, a
figure counted over a period is the sum of its counts over the two halves of the period, and
over the team's two municipalities (every demo client, and every client the journeys
register, lives in one of them).
"""

import csv
import io
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from openpyxl import load_workbook
from playwright.sync_api import Browser, Locator, Page, expect
from pypdf import PdfReader

from tests.e2e.conftest import PHONE, Server, watched_page
from tests.e2e.helpers import (
    assert_accessible,
    demo_user,
    login,
    submit_code,
    submit_password,
    totp_code,
)

OSLO = ZoneInfo("Europe/Oslo")
DASHBOARD, EXPORTS = "/styringstall/", "/rapporter/eksport/"
FHI_EXPORT = "/rapporter/fhi/"
TEAM = "RPH Fosen"
MUNICIPALITIES = ("Indre Fosen", "Ørland")
RULES = "Regler: IAPT 1"
RECOVERY = "outcomes.recovery"
# Figures that count things in the period, each once: they add up over periods and areas.
ADDITIVE = ("intake.contacts", "outcomes.ended")
DRILLDOWN_HEADERS = [
    "Klient",
    "Henvendelse",
    "Plassert",
    "Behandlingsstart",
    "Avsluttet",
    "Hovedbehandler",
    "Utfall",
]
RECOVERED = {"Bedring (recovery)", "Pålitelig bedring (reliable recovery)"}
STAFFING_NOTE = "Inkludert vikar i foreldrepermisjon."


@dataclass(frozen=True)
class Shown:
    """One figure as the dashboard shows it."""

    value: str
    numerator: int | None
    denominator: int | None

    def count(self) -> int:
        return int(self.value) if self.numerator is None else self.numerator


def today() -> date:
    return datetime.now(OSLO).date()


def ddmmyyyy(day: date) -> str:
    return day.strftime("%d.%m.%Y")


def percent(numerator: int, denominator: int) -> str:
    return f"{100 * numerator / denominator:.1f} %".replace(".", ",")


def figure_row(page: Page, key: str) -> Locator:
    return page.locator(f"[data-testid^=figures-] tr[data-key='{key}']")


def shown(page: Page, key: str) -> Shown:
    row = figure_row(page, key)
    numerator = row.get_by_test_id("numerator")
    denominator = row.get_by_test_id("denominator")
    return Shown(
        value=row.get_by_test_id("value").inner_text().strip(),
        numerator=int(numerator.inner_text()) if numerator.count() else None,
        denominator=int(denominator.inner_text()) if denominator.count() else None,
    )


def filter_form(page: Page) -> Locator:
    return page.get_by_test_id("dashboard-filters")


def show(page: Page, *, first: date, last: date, municipality: str | None = None) -> None:
    form = filter_form(page)
    form.get_by_label("Fra (dd.mm.åååå)").fill(ddmmyyyy(first))
    form.get_by_label("Til (dd.mm.åååå)").fill(ddmmyyyy(last))
    form.get_by_label("Kommune").select_option(label=municipality or "Alle teamets kommuner")
    form.get_by_role("button", name="Vis").click()
    summary = f"Periode {ddmmyyyy(first)}–{ddmmyyyy(last)} · {municipality or 'Alle teamets'}"
    expect(page.get_by_test_id("filter-summary")).to_contain_text(summary)


def assert_no_horizontal_scroll(page: Page) -> None:
    __tracebackhide__ = True
    content, screen = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert content <= screen, f"{page.url} scrolls sideways: {content} > {screen} px"


def assert_numbers_on_one_line(page: Page) -> None:
    """A value never breaks between the number and its unit ("100,0" above "%")."""
    __tracebackhide__ = True
    broken = page.locator("[data-testid^=figures-] a").evaluate_all(
        "links => links.filter(a => a.getClientRects().length > 1).map(a => a.innerText)"
    )
    assert not broken, f"values broken over two lines: {broken}"


def download(page: Page, link: Locator) -> tuple[str, bytes]:
    with page.expect_download() as started:
        link.click()
    return started.value.suggested_filename, started.value.path().read_bytes()


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-"), f"not a PDF: {content[:20]!r}"
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# -- 1. The dashboard, for a period and a municipality ----------------------------------------


def lead_opens_the_dashboard(page: Page) -> dict[str, Shown]:
    """The last 12 months for the whole team; each outcome rate shows its fraction and rule
    version. Returns the figures that add up."""
    login(page, demo_user("teamleder"))
    page.locator(f'[data-testid=nav] a[href="{DASHBOARD}"]').click()
    expect(page).to_have_url(DASHBOARD)
    year_ago = today().replace(year=today().year - 1) + timedelta(days=1)
    form = filter_form(page)
    expect(form.get_by_label("Fra (dd.mm.åååå)")).to_have_value(ddmmyyyy(year_ago))
    expect(form.get_by_label("Til (dd.mm.åååå)")).to_have_value(ddmmyyyy(today()))
    expect(page.get_by_test_id("filter-summary")).to_contain_text(
        f"Periode {ddmmyyyy(year_ago)}–{ddmmyyyy(today())} · Alle teamets kommuner"
    )
    assert_accessible(page)
    assert_no_horizontal_scroll(page)
    assert_numbers_on_one_line(page)

    for key in (RECOVERY, "outcomes.caseness_start", "outcomes.reliable_improvement"):
        figure = shown(page, key)
        assert figure.numerator is not None and figure.denominator is not None, key
        if figure.denominator:
            assert figure.value == percent(figure.numerator, figure.denominator), key
        else:
            assert figure.value == "–", key
        expect(figure_row(page, key)).to_contain_text(RULES)
    recovery = shown(page, RECOVERY)
    assert recovery.numerator, "the demo has no recovered episode in the last 12 months"
    return {key: shown(page, key) for key in (*ADDITIVE, RECOVERY)}


def assert_adds_up(whole: dict[str, Shown], parts: list[dict[str, Shown]], what: str) -> None:
    __tracebackhide__ = True
    for key, figure in whole.items():
        counts = [part[key].count() for part in parts]
        assert sum(counts) == figure.count(), f"{key}: {counts} over {what}, {figure} in all"
    recovery = whole[RECOVERY]
    denominators = [part[RECOVERY].denominator or 0 for part in parts]
    assert sum(denominators) == recovery.denominator, f"{RECOVERY} of: {denominators}"


def lead_narrows_the_period_and_the_municipality(page: Page, whole: dict[str, Shown]) -> str:
    """The two halves of the period add up to the whole, and so do the two municipalities.
    Ends on the municipality with recovered episodes; returns its name."""
    first = today().replace(year=today().year - 1) + timedelta(days=1)
    split = today() - timedelta(days=60)
    halves = []
    for start, end in ((first, split), (split + timedelta(days=1), today())):
        show(page, first=start, last=end)
        halves.append({key: shown(page, key) for key in whole})
    assert_adds_up(whole, halves, "the two halves of the period")

    areas = {}
    for municipality in MUNICIPALITIES:
        show(page, first=first, last=today(), municipality=municipality)
        chosen = filter_form(page).get_by_label("Kommune").locator("option:checked")
        expect(chosen).to_have_text(municipality)
        areas[municipality] = {key: shown(page, key) for key in whole}
    assert_adds_up(whole, list(areas.values()), "the two municipalities")

    chosen = max(MUNICIPALITIES, key=lambda m: areas[m][RECOVERY].numerator or 0)
    if chosen != MUNICIPALITIES[-1]:
        show(page, first=first, last=today(), municipality=chosen)
    assert_accessible(page)
    return chosen


# -- 2. The episodes behind the recovery rate -------------------------------------------------


def lead_opens_the_episodes_behind_the_recovery_rate(page: Page, municipality: str) -> list[str]:
    """Same filters on the list, one row per recovered episode: name, dates, therapist and
    outcome, and nothing else (no note, no score). Returns the names of the clients in the
    rate (numerator and denominator)."""
    recovery = shown(page, RECOVERY)
    therapists = filter_form(page).get_by_label("Behandler").locator("option").all_inner_texts()
    figure_row(page, RECOVERY).get_by_test_id("value").click()
    expect(page).to_have_url(re.compile(rf"/styringstall/tall/{re.escape(RECOVERY)}/\?"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Bedringsrate")
    expect(page.get_by_test_id("filter-summary")).to_contain_text(municipality)
    expect(page.get_by_test_id("figure-value")).to_contain_text(
        f"{recovery.value} ({recovery.numerator} av {recovery.denominator})"
    )
    expect(page.get_by_test_id("figure-value")).to_contain_text(RULES)
    rows = page.get_by_test_id("drilldown-row")
    expect(rows).to_have_count(recovery.numerator or 0)
    headers = page.get_by_test_id("drilldown").locator("thead th").all_inner_texts()
    assert [h.strip() for h in headers] == DRILLDOWN_HEADERS
    for row in rows.all():
        contact, placed, start, ended, therapist, outcome = row.locator("td").all_inner_texts()
        for moment in (contact, placed, ended):
            assert re.fullmatch(r"\d\d\.\d\d\.\d{4} \d\d:\d\d", moment), moment
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4}", start), start
        assert therapist in therapists, therapist
        assert outcome in RECOVERED, outcome
    assert_accessible(page)

    page.get_by_role("link", name=f"Alle det er en andel av ({recovery.denominator})").click()
    expect(rows).to_have_count(recovery.denominator or 0)
    assert_accessible(page)
    return [name.strip() for name in rows.get_by_test_id("client").all_inner_texts()]


# -- 3. Staffing and the grant report ---------------------------------------------------------


def lead_enters_staffing_and_downloads_the_grant_report(page: Page) -> None:
    year = str(today().year)
    page.locator(f'[data-testid=nav] a[href="{EXPORTS}"]').click()
    expect(page).to_have_url(EXPORTS)
    assert_accessible(page)

    page.get_by_role("link", name="Bemanning per år").click()
    form = page.locator("main form")
    form.locator("input[name=year]").fill(year)
    form.locator("input[name=full_time_equivalents]").fill("4.5")
    form.locator("input[name=staff_total]").fill("6")
    form.locator("input[name=staff_in_cbt_training]").fill("2")
    form.locator("input[name=note]").fill(STAFFING_NOTE)
    form.get_by_role("button", name="Lagre bemanning").click()
    expect(page.locator("main > .alert[role=status]")).to_have_text("Bemanningen er lagret.")
    row = page.get_by_test_id("staffing").locator("tbody tr").filter(has_text=STAFFING_NOTE)
    expect(row).to_contain_text(year)
    expect(row).to_contain_text("4,5")
    assert_accessible(page)

    page.get_by_role("link", name="Rapporter og eksport").first.click()
    page.get_by_role("link", name="Tilskuddsrapport til Helsedirektoratet").click()
    page.locator("main form input[name=year]").fill(year)
    page.locator("main form").get_by_role("button", name="Vis").click()
    facts = page.get_by_test_id("grant-facts")
    expect(facts).to_contain_text(TEAM)
    expect(facts).to_contain_text(year)
    figures = page.get_by_test_id("grant-figures")
    contacts = figures.locator("tbody tr").first.locator("td").last.inner_text().strip()
    expect(figures.locator("tbody tr").filter(has_text="Årsverk")).to_contain_text("4,5")
    assert_accessible(page)

    name, content = download(page, page.get_by_test_id("grant-pdf"))
    assert name == f"tilskuddsrapport-{year}-alle.pdf"
    text = pdf_text(content)
    for expected in (TEAM, year, f"1 Henvendelser {contacts}", "Årsverk 4,5"):
        assert expected in text, f"the PDF does not say {expected!r}"

    name, content = download(page, page.get_by_test_id("grant-xlsx"))
    assert name == f"tilskuddsrapport-{year}-alle.xlsx"
    sheet = load_workbook(io.BytesIO(content), read_only=True).active
    cells = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row}
    assert cells["Team"][0] == TEAM
    assert str(cells["År"][0]) == year
    assert str(cells["1"][1]) == contacts


# -- 4. The FHI export, after confirming who you are ------------------------------------------


def lead_reauthenticates_and_exports_for_fhi(page: Page, names: list[str]) -> None:
    lead = demo_user("teamleder")
    page.get_by_role("link", name="Rapporter og eksport").first.click()
    page.get_by_role("link", name="Datakatalog for eksporten til FHI").click()
    columns = page.get_by_test_id("dictionary-episodes").locator("tbody th").all_inner_texts()
    assert_accessible(page)

    page.get_by_role("link", name="Rapporter og eksport").first.click()
    page.get_by_role("link", name="Eksport til FHI-evaluering").click()
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.get_by_label("Passord").fill(lead.password)
    page.get_by_role("button", name="Bekreft").click()
    expect(page).to_have_url(re.compile(r"/accounts/2fa/reauthenticate/"))
    submit_code(page, totp_code(lead))  # a code of a later window than the login's
    expect(page).to_have_url(FHI_EXPORT)
    assert_accessible(page)

    form = page.locator("main form")
    expect(form.get_by_label("Behandlingsforløp: én rad per forløp")).to_be_checked()
    expect(form.get_by_label("CSV")).to_be_checked()
    filename, content = download(page, form.get_by_role("button", name="Eksporter"))
    assert re.fullmatch(r"fhi-episodes-\d{4}-\d{2}-\d{2}\.csv", filename), filename
    text = content.decode("utf-8")
    table = list(csv.reader(io.StringIO(text)))
    assert table[0] == [c.strip() for c in columns], table[0]
    assert len(table) > 1, "the export has no episode of a client who consented to research"
    assert all(len(row) == len(table[0]) for row in table)
    for name in names:
        for part in name.split():
            assert part not in text, f"the FHI export names {part!r}"

    page.get_by_role("link", name="Rapporter og eksport").first.click()
    log = page.get_by_test_id("export-log").locator("tbody tr")
    expect(log.nth(0)).to_contain_text("FHI-evaluering: behandlingsforløp (CSV)")
    expect(log.nth(0).locator("td.text-end")).to_have_text(str(len(table) - 1))
    expect(log.nth(1)).to_contain_text("(XLSX)")
    expect(log.nth(2)).to_contain_text("(PDF)")


# -- 5. No one else sees the figures ----------------------------------------------------------


def others_are_refused(browser: Browser, server: Server) -> None:
    for username in ("merkantil", "behandler"):
        with watched_page(browser, server, viewport={"width": 1280, "height": 900}) as other:
            login(other, demo_user(username))
            nav = other.get_by_test_id("nav")
            expect(nav.locator(f'a[href="{DASHBOARD}"]')).to_have_count(0)
            expect(nav.locator(f'a[href="{EXPORTS}"]')).to_have_count(0)
            for path in (DASHBOARD, f"/styringstall/tall/{RECOVERY}/", EXPORTS, FHI_EXPORT):
                response = other.goto(path)
                assert response is not None and response.status == 403, (username, path)
            expect(other.get_by_role("heading", level=1)).to_have_text("Ingen tilgang")
            pdf = other.request.get("/rapporter/tilskudd/pdf/")
            assert pdf.status == 403 and not pdf.body().startswith(b"%PDF"), username


# -- 6. The administrator, on a phone ---------------------------------------------------------


def admin_reads_the_reports_on_a_phone(browser: Browser, server: Server) -> None:
    """Wide tables scroll inside the page, and a keyboard can reach and scroll them."""
    with watched_page(browser, server, **PHONE) as phone:
        admin = demo_user("admin")
        submit_password(phone, admin)
        submit_code(phone, totp_code(admin))
        expect(phone).to_have_url("/")
        for path in (
            DASHBOARD,
            f"/styringstall/tall/{RECOVERY}/",
            EXPORTS,
            "/rapporter/bemanning/",
            "/rapporter/tilskudd/",
            "/rapporter/fhi/datakatalog/",
        ):
            response = phone.goto(path)
            assert response is not None and response.status == 200, path
            assert_no_horizontal_scroll(phone)
            assert_accessible(phone)


def test_the_team_lead_follows_a_figure_to_its_episodes_and_exports_the_reports(
    page: Page, browser: Browser, server: Server
) -> None:
    whole = lead_opens_the_dashboard(page)
    municipality = lead_narrows_the_period_and_the_municipality(page, whole)
    names = lead_opens_the_episodes_behind_the_recovery_rate(page, municipality)
    page.get_by_role("link", name="Tilbake til styringstallene").click()
    page.get_by_role("link", name="Kapasitet, siste 12 uker").click()
    expect(page.get_by_test_id("capacity").locator("tbody tr")).to_have_count(12)
    assert_accessible(page)
    lead_enters_staffing_and_downloads_the_grant_report(page)
    # Meanwhile others log in: the lead's code for confirming must be of a later window than
    # the login's (totp_code waits for one if need be).
    others_are_refused(browser, server)
    admin_reads_the_reports_on_a_phone(browser, server)
    lead_reauthenticates_and_exports_for_fhi(page, names)
