"""Treatment, end to end: a therapist places a client on step 3, books and holds three
sessions (before each, the client answers PHQ-9 and GAD-7 on their phone), enrols them on a
course and records their attendance, steps down to guided self-help, and ends the episode
with the outcome shown. Clerical staff see the sessions in the calendar, never the notes.

One journey in one test: each step builds on what the one before saved. The staff use
desktop screens, each demo user logging in once; the client uses a phone without logging in.

Two things no user does in the browser happen through `server_shell` on the server's
database: the link the outbox would send by SMS is read from the waiting message, and time
passes (a booked session or course meeting moves back in time, its link and messages with
it, so that it has begun).
"""

import json
import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Browser, Locator, Page, expect

from tests.e2e.conftest import Server, watched_page
from tests.e2e.helpers import assert_accessible, demo_user, login, server_shell

OSLO = ZoneInfo("Europe/Oslo")
FIRST_NAME, LAST_NAME = "Synnøve", "Kvåle-Rønningen"
FULL_NAME = f"{FIRST_NAME} {LAST_NAME}"
PHONE = "482 19 354"
CLIENT_URL = re.compile(r"/klienter/(\d+)/$")
EPISODE_URL = re.compile(r"/forlop/(\d+)/$")
SESSION_URL = re.compile(r"/timer/(\d+)/$")
RUN_URL = re.compile(r"/kurs/(\d+)/$")
SELF_HELP_URL = re.compile(r"/selvhjelp/(\d+)/$")
DONE_PATH = "/skjema/takk/"
RECOVERY = "Bedring (recovery)"
RECOVERY_SO_FAR = f"{RECOVERY} (så langt)"
# The assessment's PHQ-9 (nine scored items, then item 10) and GAD-7: a case (PHQ-9 11).
ASSESSMENT_PHQ9 = [2, 2, 1, 2, 1, 2, 1, 0, 0, 1]
ASSESSMENT_GAD7 = [1, 1, 1, 1, 1, 1, 1]
# Before each session, on the phone: better each time, below both thresholds at the last
# (PHQ-9 8 < 10, GAD-7 5 < 8) yet by less than a reliable change: "Bedring", no more.
SESSION_ANSWERS = [
    ([2, 1, 1, 2, 1, 2, 1, 0, 0, 1], [1, 1, 1, 1, 1, 1, 1]),  # PHQ-9 10, GAD-7 7
    ([2, 1, 1, 1, 1, 2, 1, 0, 0, 1], [1, 1, 1, 1, 1, 1, 0]),  # PHQ-9 9, GAD-7 6
    ([1, 1, 1, 1, 1, 2, 1, 0, 0, 1], [1, 1, 1, 1, 1, 0, 0]),  # PHQ-9 8, GAD-7 5
]
# How long ago each session began once its time has come: 50 minutes apart (45 minutes
# each), and within the 2 hours after its start that its questionnaire link stays open.
BEGAN_MINUTES_AGO = [100, 50, 1]
NOTES = [
    "Kartla tankefeller i situasjoner på jobb. Psykoedukasjon om angst.",
    "Gjennomgikk registreringsskjema. Eksponering i små steg planlagt.",
    "Oppsummering og tilbakefallsforebygging. Klienten er klar for selvhjelp.",
]

SESSION_BEGINS = """
import json, re
from datetime import timedelta
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from questionnaires.models import Invitation, Message
from treatment.models import Session

session = Session.objects.get(pk={pk})
began = (timezone.now() - timedelta(minutes={ago})).replace(second=0, microsecond=0)
shift = session.starts_at - began
links = Invitation.objects.filter(
    occasion_type=ContentType.objects.get_for_model(Session), occasion_id=session.pk
)
waiting = Message.objects.get(invitation__in=links, kind="invitation", status="pending")
link = re.search(r"/skjema/[A-Za-z0-9_-]{{43,}}/", waiting.body).group(0)
Session.objects.filter(pk=session.pk).update(starts_at=began)
for invitation in links:
    Invitation.objects.filter(pk=invitation.pk).update(
        valid_from=invitation.valid_from - shift,
        expires_at=invitation.expires_at - shift,
        occasion_at=invitation.occasion_at - shift,
    )
for message in Message.objects.filter(invitation__in=links):
    Message.objects.filter(pk=message.pk).update(send_after=message.send_after - shift)
print(json.dumps({{"link": link, "day": timezone.localdate(began).isoformat()}}))
"""

MEETING_BEGINS = """
import json
from datetime import timedelta
from django.utils import timezone
from treatment.models import CourseMeeting

now = timezone.now()
meeting = (
    CourseMeeting.objects.filter(run_id={run}, cancelled=False, starts_at__gt=now)
    .order_by("starts_at")
    .first()
)
CourseMeeting.objects.filter(pk=meeting.pk).update(
    starts_at=(now - timedelta(minutes=1)).replace(second=0, microsecond=0)
)
print(json.dumps({{"meeting": meeting.pk}}))
"""


def shell_json(server: Server, code: str) -> dict:
    return json.loads(server_shell(server, code).strip().splitlines()[-1])


def assert_no_horizontal_scroll(page: Page) -> None:
    __tracebackhide__ = True
    content, screen = page.evaluate(
        "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert content <= screen, f"{page.url} scrolls sideways: {content} > {screen} px"


def status_message(page: Page) -> Locator:
    return page.locator("main > .alert[role=status]")


def oslo_minutes(moment: datetime) -> str:
    return moment.astimezone(OSLO).strftime("%d.%m.%Y %H:%M")


def pk_of(pattern: re.Pattern[str], url: str) -> int:
    return int(pattern.search(url).group(1))  # type: ignore[union-attr]


def select_containing(select: Locator, text: str) -> None:
    """Choose the one option whose label holds `text` (the rest is a date or a count)."""
    options = select.locator("option")
    labels = options.all_inner_texts()
    matching = [index for index, label in enumerate(labels) if text in label]
    assert len(matching) == 1, f"not one option with {text!r}: {labels}"
    select.select_option(options.nth(matching[0]).get_attribute("value"))


# -- 1. Placed on step 3 ----------------------------------------------------------------------


def therapist_registers_the_client(page: Page) -> None:
    """Behandler takes the call: the person agrees to questionnaires by SMS."""
    login(page, demo_user("behandler"))
    page.goto("/henvendelser/ny/")
    form = page.locator("[data-testid=contact-register-form]")
    form.locator("input[name=first_name]").fill(FIRST_NAME)
    form.locator("input[name=last_name]").fill(LAST_NAME)
    form.locator("input[name=phone]").fill(PHONE)
    form.locator("input[name=age]").fill("34")
    form.locator("select[name=home_municipality]").select_option(label="Ørland")
    form.locator("input[name=concerns][value=anxiety]").check()
    for consent in ("consent_call", "consent_sms", "consent_digital_questionnaires"):
        form.locator(f"input[name={consent}]").check()
    form.locator("button[type=submit]").click()
    expect(page).to_have_url(CLIENT_URL)
    expect(page.get_by_role("heading", level=1)).to_have_text(FULL_NAME)


def therapist_reaches_and_offers_an_assessment(page: Page) -> None:
    behandler = demo_user("behandler")
    page.locator("[data-testid=contact-row] a[href^='/henvendelser/']").first.click()
    attempt = page.locator("[data-testid=attempt-form]")
    attempt.locator("select[name=method]").select_option("phone")
    attempt.locator("select[name=outcome]").select_option("reached")
    attempt.locator("input[type=submit]").click()
    expect(status_message(page)).to_have_text("Forsøket er registrert.")
    tomorrow = datetime.now(OSLO).date() + timedelta(days=1)
    offer = page.locator("[data-testid=offer-form]")
    offer.locator("input[name=scheduled_for]").fill(f"{tomorrow:%d.%m.%Y} 09:00")
    offer.locator("select[name=therapist]").select_option(
        label=f"{behandler.first_name} {behandler.last_name}"
    )
    offer.locator("select[name=mode]").select_option("face_to_face")
    offer.locator("input[type=submit]").click()
    expect(status_message(page)).to_have_text("Kartleggingssamtalen er tilbudt. Klokka er stoppet.")


def therapist_completes_the_assessment_on_step_3(page: Page) -> int:
    """The assessment is held at once; completing it starts the episode. Returns its id."""
    page.get_by_role("link", name=FULL_NAME, exact=True).click()
    page.locator("[data-testid=contact-row] a[href$='/kartlegging/rediger/']").click()
    form = page.locator("#assessment-form")
    form.locator("input[name=held_at]").fill(oslo_minutes(datetime.now(OSLO)))
    form.locator("input[name=work_statuses][value=in_work]").check()
    for index, value in enumerate(ASSESSMENT_PHQ9):
        form.locator(f"#id_phq9_answers_{index}").select_option(str(value))
    for index, value in enumerate(ASSESSMENT_GAD7):
        form.locator(f"#id_gad7_answers_{index}").select_option(str(value))
    for question in ("suicidal_thoughts", "suicide_plans", "earlier_suicide_attempts"):
        form.locator(f"input[name={question}][value=False]").check()
    form.locator("input[name=has_minor_children][value=False]").check()
    form.locator("select[name=decision]").select_option("in_target_group")
    form.locator("select[name=step]").select_option("3")
    form.locator("button[name=complete]").click()
    expect(status_message(page)).to_have_text("Kartleggingen er fullført.")

    # The episode started by itself: on the client page, open and on step 3.
    page.get_by_role("link", name="Tilbake til klienten").click()
    row = page.locator("[data-testid=episode-row]")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Åpen")
    row.get_by_role("link").click()
    expect(page).to_have_url(EPISODE_URL)
    expect(page.get_by_role("heading", level=1)).to_contain_text(FULL_NAME)
    expect(page.locator("[data-testid=episode-status]")).to_have_text("Åpen")
    offers = page.locator("[data-testid=offer-row]")
    expect(offers).to_have_count(1)
    expect(offers.first.get_by_role("rowheader")).to_contain_text("3")
    assert_no_horizontal_scroll(page)
    assert_accessible(page)
    return pk_of(EPISODE_URL, page.url)


# -- 2. Three sessions, each with a questionnaire before it -----------------------------------


def therapist_books_a_session(page: Page, episode_id: int, at: datetime, first: bool) -> int:
    """From the episode page; returns the session's id."""
    page.goto(f"/forlop/{episode_id}/")
    page.locator("[data-testid=book-link]").click()
    form = page.locator("[data-testid=book-form]")
    form.locator("input[name=starts_at]").fill(oslo_minutes(at))
    form.locator("select[name=mode]").select_option("face_to_face")
    form.locator("input[name=location]").fill("Samtalerom 2")
    form.locator("select[name=offer]").select_option(index=1)  # the step 3 offer
    if first:
        assert_accessible(page)
    form.locator("input[type=submit]").click()

    expect(page).to_have_url(SESSION_URL)
    expect(status_message(page)).to_have_text("Timen er bestilt.")
    expect(page.locator("[data-testid=questionnaire-status]")).to_have_attribute(
        "data-status", "sent"
    )
    return pk_of(SESSION_URL, page.url)


def answer(phone: Page, answers: list[int]) -> None:
    form = phone.locator("[data-testid=questionnaire-form]")
    for number, value in enumerate(answers, start=1):
        form.locator(f"input[name=q{number}][value='{value}']").check()
    expect(phone.locator("#answered-number")).to_have_text(str(len(answers)))
    form.locator("button[type=submit]").tap()


def client_answers_on_the_phone(phone: Page, link: str, phq9: list[int], gad7: list[int]) -> None:
    phone.goto(link)
    form = phone.locator("[data-testid=questionnaire-form]")
    expect(form.locator("input[name=instrument]")).to_have_value("phq9")
    expect(phone.locator("main")).to_contain_text(FIRST_NAME)
    answer(phone, phq9)
    expect(form.locator("input[name=instrument]")).to_have_value("gad7")
    answer(phone, gad7)
    expect(phone).to_have_url(DONE_PATH)
    expect(phone.locator("[data-testid=risk-message]")).to_have_count(0)


def therapist_holds_the_session(page: Page, session_id: int, note: str, first: bool) -> None:
    """Attendance and the note, on the session page."""
    page.goto(f"/timer/{session_id}/")
    expect(page.locator("[data-testid=questionnaire-status]")).to_have_attribute(
        "data-status", "answered"
    )
    expect(page.locator("[data-testid=scores] tbody tr")).to_have_count(2)
    page.locator("[data-testid=attendance-form] button[value=attended]").click()
    expect(status_message(page)).to_have_text("Oppmøtet er registrert.")
    expect(page.locator("[data-testid=attendance]")).to_contain_text("Møtte")
    if first:
        assert_accessible(page)

    page.get_by_role("link", name="Skriv notat").click()
    form = page.locator("[data-testid=note-form]")
    form.locator("textarea[name=note]").fill(note)
    form.locator("textarea[name=homework]").fill("Registrere tanker og følelser daglig.")
    if first:
        assert_accessible(page)
    form.locator("input[type=submit]").click()
    expect(page).to_have_url(f"/timer/{session_id}/")
    expect(status_message(page)).to_have_text("Notatet er lagret.")
    expect(page.locator("[data-testid=note-text]")).to_have_text(note)


def three_sessions_are_booked_answered_and_held(
    page: Page, phone: Page, server: Server, episode_id: int
) -> tuple[int, date]:
    """Returns the last session's id and the day it was held."""
    first_day = datetime.now(OSLO).date() + timedelta(days=2)
    days = [first_day + timedelta(days=n) for n in range(3)]
    booked = [
        therapist_books_a_session(
            page, episode_id, datetime(day.year, day.month, day.day, 16, tzinfo=OSLO), first=n == 0
        )
        for n, day in enumerate(days)
    ]
    page.goto(f"/forlop/{episode_id}/")
    expect(page.locator("[data-testid=session-row]")).to_have_count(3)
    expect(page.locator("[data-testid=next-session] a")).to_have_attribute(
        "href", f"/timer/{booked[0]}/"
    )

    held_on = first_day
    for number, session_id in enumerate(booked):
        # Time passes: the link has been sent, and the session has begun.
        passed = shell_json(
            server, SESSION_BEGINS.format(pk=session_id, ago=BEGAN_MINUTES_AGO[number])
        )
        held_on = date.fromisoformat(passed["day"])
        phq9, gad7 = SESSION_ANSWERS[number]
        client_answers_on_the_phone(phone, passed["link"], phq9, gad7)
        therapist_holds_the_session(page, session_id, NOTES[number], first=number == 0)

    page.goto(f"/forlop/{episode_id}/")
    rows = page.locator("[data-testid=session-row]")
    expect(rows).to_have_count(3)
    for number in range(3):
        expect(rows.nth(number)).to_contain_text("Møtte")
    expect(page.locator("[data-testid=outcome-badge]")).to_have_text(RECOVERY_SO_FAR)
    return booked[-1], held_on


# -- 3. A course ------------------------------------------------------------------------------


def therapist_enrols_the_client_and_records_attendance(
    page: Page, server: Server, episode_id: int
) -> None:
    page.goto(f"/forlop/{episode_id}/")
    page.get_by_role("link", name="Meld på kurs").click()
    form = page.locator("main form")
    select_containing(form.locator("select[name=course_type]"), "KiD ")
    select_containing(form.locator("select[name=run]"), "KiD Fosen, kveld")
    assert_accessible(page)
    form.locator("input[type=submit]").click()

    expect(page).to_have_url(f"/forlop/{episode_id}/")
    enrolment = page.locator("[data-testid=enrolment-row]")
    expect(enrolment).to_have_count(1)
    expect(enrolment).to_contain_text("Påmeldt")
    enrolment.get_by_role("link").click()
    expect(page).to_have_url(RUN_URL)
    expect(page.locator("[data-testid=participants]")).to_contain_text(FULL_NAME)
    assert_accessible(page)

    # Time passes: the next meeting has begun.
    meeting_id = shell_json(server, MEETING_BEGINS.format(run=pk_of(RUN_URL, page.url)))["meeting"]
    page.locator(f'a[href="/samlinger/{meeting_id}/oppmote/"]').click()
    row = page.locator("[data-testid=attendance-row]").filter(has_text=FULL_NAME)
    expect(row).to_have_count(1)
    assert_accessible(page)
    row.get_by_label("Møtte", exact=True).check()
    page.get_by_role("button", name="Lagre oppmøte").click()
    expect(page).to_have_url(f"/samlinger/{meeting_id}/oppmote/")
    expect(status_message(page)).to_have_text("Oppmøtet er lagret.")
    expect(row.get_by_label("Møtte", exact=True)).to_be_checked()

    page.goto(f"/forlop/{episode_id}/")
    expect(page.locator("[data-testid=enrolment-row]")).to_contain_text("1 av")


# -- 4. Step down to guided self-help ---------------------------------------------------------


def therapist_steps_down_to_guided_self_help(page: Page, episode_id: int) -> None:
    page.goto(f"/forlop/{episode_id}/")
    page.get_by_role("link", name="Trinn opp, trinn ned eller nytt tilbud").click()
    form = page.locator("main form")
    form.locator("input[name=start_reason][value=step_down]").check()
    form.locator("select[name=step]").select_option("1")
    select_containing(form.locator("select[name=end_current]"), "Trinn 3")
    assert_accessible(page)
    form.locator("input[type=submit]").click()
    expect(page).to_have_url(f"/forlop/{episode_id}/")
    offers = page.locator("[data-testid=offer-row]")
    step_3 = offers.filter(has=page.get_by_role("rowheader", name=re.compile("^Trinn 3")))
    expect(step_3).to_contain_text("Erstattet")
    step_1 = offers.filter(has=page.get_by_role("rowheader", name=re.compile("^Trinn 1")))
    expect(step_1).to_contain_text("Trinn ned")

    page.get_by_role("link", name="Start veiledet selvhjelp").click()
    form = page.locator("main form")
    form.locator("select[name=programme]").select_option("assisted_anxiety")
    form.locator("input[name=modules_total]").fill("8")
    assert_accessible(page)
    form.locator("input[type=submit]").click()
    expect(page).to_have_url(SELF_HELP_URL)
    expect(status_message(page)).to_have_text("Veiledet selvhjelp er startet.")
    assert_accessible(page)

    page.get_by_role("link", name="Tilbake til forløpet").click()
    expect(page.locator("[data-testid=self-help-item]")).to_have_count(1)
    # Guided self-help went on the step 1 offer, not a new one.
    expect(page.locator("[data-testid=offer-row]")).to_have_count(3)


# -- 5. Caseload and calendar -----------------------------------------------------------------


def therapist_sees_the_client_in_caseload_and_calendar(
    page: Page, session_id: int, held_on: date
) -> None:
    page.goto("/saksmengde/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Min saksmengde")
    expect(page.get_by_role("link", name=FULL_NAME)).to_have_count(1)
    assert_accessible(page)

    page.goto(f"/kalender/?day={held_on.isoformat()}")
    row = page.locator(f'[data-testid=calendar-row]:has(a[href="/timer/{session_id}/"])')
    expect(row).to_contain_text("Møtte")
    expect(row.locator("[data-testid=answered]")).to_have_count(1)
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def clerical_sees_the_schedule_but_no_note(
    browser: Browser, server: Server, session_id: int, held_on: date
) -> None:
    """Merkantil, in a browser of their own: the session in behandler's calendar, no note."""
    behandler = demo_user("behandler")
    with watched_page(browser, server, viewport={"width": 1280, "height": 900}) as desk:
        login(desk, demo_user("merkantil"))
        desk.goto("/kalender/")
        form = desk.locator("[data-testid=calendar-form]")
        form.locator("select[name=therapist]").select_option(
            label=f"{behandler.first_name} {behandler.last_name}"
        )
        form.locator("input[name=day]").fill(held_on.isoformat())
        form.get_by_role("button", name="Vis").click()
        row = desk.locator(f'[data-testid=calendar-row]:has(a[href="/timer/{session_id}/"])')
        expect(row).to_contain_text(FULL_NAME)
        expect(row).to_contain_text("Møtte")
        expect(desk.locator("[data-testid=answered]")).to_have_count(0)
        assert_accessible(desk)

        row.get_by_role("link", name=FULL_NAME).click()
        expect(desk).to_have_url(f"/timer/{session_id}/")
        expect(desk.locator("[data-testid=attendance]")).to_contain_text("Møtte")
        expect(desk.locator("[data-testid=note]")).to_have_count(0)
        expect(desk.locator("[data-testid=scores]")).to_have_count(0)
        body = desk.locator("body").inner_text()
        for note in NOTES:
            assert note not in body, "clerical staff see the session note"
        assert_accessible(desk)


# -- 6. The end -------------------------------------------------------------------------------


def therapist_ends_the_episode(page: Page, episode_id: int) -> None:
    page.goto(f"/forlop/{episode_id}/")
    page.get_by_role("link", name="Avslutt forløpet").click()
    expect(page).to_have_url(f"/forlop/{episode_id}/avslutt/")
    badge = page.locator("[data-testid=discharge-outcome] [data-testid=outcome-badge]")
    expect(badge).to_have_text(RECOVERY_SO_FAR)
    # Three sessions and the course meeting count as treatment; the last scores came after.
    expect(page.locator("[data-testid=discharge-sessions]")).to_contain_text("4")
    scores = page.locator("[data-testid=discharge-scores] tbody tr")
    expect(scores.nth(0).locator("td").nth(1)).to_have_text("11")
    expect(scores.nth(0).locator("td").nth(2)).to_have_text("7")
    expect(scores.nth(1).locator("td").nth(1)).to_have_text("8")
    expect(scores.nth(1).locator("td").nth(2)).to_have_text("5")
    expect(page.locator("[data-testid=final-questionnaire]")).to_have_count(0)
    assert_accessible(page)

    page.locator("input[name=reason][value=completed]").check()
    page.locator("textarea[name=note]").fill("Fullført, fortsetter med selvhjelp på egen hånd.")
    page.get_by_role("button", name="Avslutt forløpet").click()

    expect(page).to_have_url(f"/forlop/{episode_id}/")
    expect(status_message(page)).to_have_text("Forløpet er avsluttet.")
    expect(page.locator("[data-testid=episode-status]")).to_contain_text("Fullført")
    expect(page.locator("[data-testid=outcome-badge]")).to_have_text(RECOVERY)
    expect(page.locator("[data-testid=offer-row]").filter(has_text="Pågår")).to_have_count(0)
    expect(page.locator("[data-testid=book-link]")).to_have_count(0)
    # Guided self-help ended with the episode: no follow-up call is due any more.
    expect(
        page.locator("[data-testid=self-help-item] [data-testid=ended-with-episode]")
    ).to_be_visible()
    assert_no_horizontal_scroll(page)
    assert_accessible(page)


def test_a_client_is_placed_treated_stepped_down_and_discharged_with_recovery(
    page: Page, phone_page: Page, browser: Browser, server: Server
) -> None:
    therapist_registers_the_client(page)
    therapist_reaches_and_offers_an_assessment(page)
    episode_id = therapist_completes_the_assessment_on_step_3(page)
    last_session, held_on = three_sessions_are_booked_answered_and_held(
        page, phone_page, server, episode_id
    )
    therapist_enrols_the_client_and_records_attendance(page, server, episode_id)
    therapist_steps_down_to_guided_self_help(page, episode_id)
    therapist_sees_the_client_in_caseload_and_calendar(page, last_session, held_on)
    clerical_sees_the_schedule_but_no_note(browser, server, last_session, held_on)
    therapist_ends_the_episode(page, episode_id)
