"""The capacity page's forecast: expected contacts from the same weeks a year ago and the trend,
therapist hours from working hours, leave and bookings, the expected wait, each drillable."""

import re
from datetime import date, datetime, time, timedelta
from html import unescape

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from intake.models import Contact
from rph.audit.models import AccessEvent
from tests.intake.factories import ClientFactory, ContactFactory
from tests.personas import Page, cases, expect
from tests.treatment.factories import EpisodeFactory, SessionFactory
from treatment.models import Leave, WorkingHours

NOW = datetime.fromisoformat("2026-03-04T12:00:00+01:00")  # Wednesday, ISO week 10
NEXT_MONDAY = date(2026, 3, 9)


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


def at(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def contacts(p, day: date, n: int, **fields) -> list[Contact]:
    return [
        ContactFactory(
            team=p.team, client=ClientFactory(team=p.team), registered_at=at(day), **fields
        )
        for _ in range(n)
    ]


def build(p):
    """Last year: 2 contacts a week in the 8 weeks before week 10, 5 in week 11.
    This year: 3 a week in the last 8 weeks (trend 1.5). Closed, so none is waiting."""
    closed = {"status": Contact.Status.CLOSED}
    for n in range(1, 9):
        contacts(p, date(2025, 3, 3) - timedelta(weeks=n), 2, **closed)
        contacts(p, date(2026, 3, 2) - timedelta(weeks=n), 3, **closed)
    contacts(p, date(2025, 3, 10), 5, **closed)  # week 11 of 2025
    waiting = contacts(p, date(2026, 3, 3), 2)  # open, no offer: waiting now
    # The therapist works Monday-Friday 08:00-16:00, 50 % with clients: 20 h a week.
    WorkingHours.objects.bulk_create(
        WorkingHours(team=p.team, therapist=p.therapist, weekday=d, starts=time(8), ends=time(16),
                     client_share=50)
        for d in range(5)
    )  # fmt: skip
    # Next week: two days of leave and a 60-minute session booked: 20 * 3/5 - 1 = 11 h.
    Leave.objects.create(
        team=p.team,
        therapist=p.therapist,
        first_day=NEXT_MONDAY,
        last_day=NEXT_MONDAY + timedelta(days=1),
        reason=Leave.Reason.HOLIDAY,
    )
    episode = EpisodeFactory(team=p.team, client=p.client, primary_therapist=p.therapist)
    session = SessionFactory(
        episode=episode, starts_at=at(NEXT_MONDAY + timedelta(days=2)), duration_minutes=60
    )
    return waiting, session


def cell(html: str, key: str) -> str:
    match = re.search(rf'data-key="{re.escape(key)}"[^>]*>(.*?)</(td|div)>', html, re.S)
    return re.sub(r"<[^>]+>", "", unescape(match[1])).strip()


def test_the_forecast_shows_expected_contacts_free_hours_and_the_wait(personas, login):
    build(personas)

    page = login(personas.team_lead).get(reverse("reporting:capacity"), {"uker": "4"})

    html = page.content.decode()
    assert page.status_code == 200
    week11 = f"forecast.contacts.{NEXT_MONDAY.isoformat()}"
    assert cell(html, week11) == "7,5"  # 5 last year x trend 24/16 = 1.5
    week12 = (NEXT_MONDAY + timedelta(weeks=1)).isoformat()
    assert cell(html, f"forecast.contacts.{week12}") == "0,0"
    assert cell(html, f"forecast.hours.{NEXT_MONDAY.isoformat()}") == "11,0 t"
    assert cell(html, f"forecast.hours.{week12}") == "20,0 t"
    assert len(re.findall(r'data-testid="forecast-week"', html)) == 4
    # Two waiting, 11 first sessions next week: a contact now is seen next week.
    assert "Forventet ventetid" in html and "2025" in html
    assert "1,50 ganger så mange" in html


def test_each_forecast_figure_drills_to_its_rows(personas, login):
    waiting, _session = build(personas)
    http = login(personas.team_lead)

    wait = http.get(reverse("reporting:drilldown", args=["forecast.wait"]), {"uker": "4"})
    hours = http.get(
        reverse("reporting:drilldown", args=[f"forecast.hours.{NEXT_MONDAY.isoformat()}"]),
        {"uker": "4"},
    )
    contacts_drill = http.get(
        reverse("reporting:drilldown", args=[f"forecast.contacts.{NEXT_MONDAY.isoformat()}"])
    )

    assert wait.status_code == 200
    assert {c.client.last_name for c in waiting} <= set(re.findall(r"[\w-]+", wait.text))
    assert "1 uke" in wait.text  # the sentence behind the figure
    assert hours.status_code == 200 and personas.client.last_name in hours.text
    rows = contacts_drill.content.decode().count('data-testid="drilldown-row"')
    assert rows == 5 + 3 * 8  # week 11 last year and this year's last 8 weeks
    assert AccessEvent.objects.filter(subject_id=personas.client.pk).exists()


def test_an_unknown_forecast_key_is_404_and_a_bad_horizon_is_the_default(personas, login):
    http = login(personas.team_lead)

    missing = http.get(reverse("reporting:drilldown", args=["forecast.contacts.2020-01-06"]))
    odd = http.get(reverse("reporting:capacity"), {"uker": "99"})
    text = http.get(reverse("reporting:capacity"), {"uker": "<script>"})

    assert missing.status_code == 404
    assert odd.status_code == 200 and odd.content.decode().count('data-testid="forecast-week"') == 8
    assert text.status_code == 200


def test_without_working_hours_the_page_says_what_is_missing(personas, login):
    page = login(personas.team_lead).get(reverse("reporting:capacity"))

    assert "Ingen behandlere har registrert arbeidstid" in page.content.decode()
    assert "0,0 t" in cell(page.content.decode(), "forecast.hours")


PAGES = [
    Page(
        "forecast drill-down",
        lambda p: reverse("reporting:drilldown", args=["forecast.wait"]),
        expect("team_lead admin", denied="clerical therapist colleague psychologist outsider"),
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_only_leads_see_the_forecast_lists(personas, login, page, persona, status):
    assert login(getattr(personas, persona)).get(page.url(personas)).status_code == status
