"""The dashboard and capacity pages as the team lead reads them."""

import re

import pytest
import time_machine
from django.urls import reverse

from tests.reporting.dashboard_fixture import NOW, build

pytestmark = pytest.mark.django_db
PERIOD = {"fra": "01.01.2026", "til": "28.02.2026"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fx(personas):
    return build(personas)


def _row(html: str, key: str) -> str:
    match = re.search(rf'<tr data-key="{re.escape(key)}">(.*?)</tr>', html, re.S)
    assert match, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def test_the_dashboard_shows_the_figures_with_numerator_and_denominator(fx, login):
    html = login(fx.personas.team_lead).get(reverse("reporting:dashboard"), PERIOD)
    html = html.content.decode()

    assert "Styringstall" in html
    assert _row(html, "intake.contacts").endswith("7")
    assert "33,3 % 2 6" in _row(html, "intake.in_time_48h")
    assert "42,0 t" in _row(html, "intake.hours_to_contact_median")
    assert "18,5 d" in _row(html, "waiting.to_treatment_median")
    assert "50,0 % 2 4" in _row(html, "outcomes.recovery")
    assert "IAPT 1" in _row(html, "outcomes.recovery")


def test_charts_are_images_with_a_text_and_the_numbers_in_a_table(fx, login):
    html = login(fx.personas.team_lead).get(reverse("reporting:dashboard"), PERIOD)
    html = html.content.decode()

    charts = re.findall(r'<svg [^>]*role="img"[^>]*aria-labelledby="([^"]+)"', html)
    assert len(charts) >= 6
    desc = re.search(r'<desc id="chart-intake-channel-desc">([^<]*)</desc>', html).group(1)
    assert "Telefon: 3 (42,9 %)." in desc
    assert _row(html, "intake.channel.phone") == "Telefon 3 42,9 %"
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"fra": "31.02.2026"}, "Oppgi en gyldig dato."),
        ({"fra": "01.03.2026", "til": "01.02.2026"}, "Startdatoen må være"),
        ({"behandler": "999999"}, "Velg et gyldig valg."),
    ],
)
def test_bad_filters_give_a_norwegian_message_and_the_default_figures(fx, login, params, message):
    response = login(fx.personas.team_lead).get(reverse("reporting:dashboard"), params)

    html = response.content.decode()
    assert response.status_code == 200
    assert "Filteret kunne ikke brukes" in html
    assert message in html
    filters = response.context["filters"]
    assert (filters.period.first.isoformat(), filters.period.last.isoformat()) == (
        "2025-03-03",
        "2026-03-02",
    )


def test_without_a_period_it_shows_the_last_twelve_months(fx, login):
    response = login(fx.personas.team_lead).get(reverse("reporting:dashboard"))

    assert 'value="03.03.2025"' in response.content.decode()
    assert 'value="02.03.2026"' in response.content.decode()


def test_the_capacity_page_shows_twelve_weeks_of_demand_and_slots(fx, login):
    response = login(fx.personas.team_lead).get(reverse("reporting:capacity"), PERIOD)

    html = response.content.decode()
    table = html.split('data-testid="capacity"', 1)[1]
    assert len(re.findall(r"<tr>\s*<th scope=\"row\">uke ", table)) == 12
    assert 'data-key="capacity.step2.2026-02-16"' in html
    assert _cell(html, "capacity.step3") == "14"
    assert _cell(html, "capacity.contacts") == "10"


def _cell(html: str, key: str) -> str:
    match = re.search(rf'data-key="{re.escape(key)}"><a [^>]*>([^<]*)</a>', html)
    assert match, key
    return match.group(1)
