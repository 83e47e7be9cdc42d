"""The dashboard over the API: the same figures, filters and permissions as the page."""

import pytest
import time_machine
from django.urls import reverse
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rph.audit.models import AccessEvent
from tests.reporting.dashboard_fixture import NOW, build
from treatment.episodes.badges import HEADLINES
from treatment.outcomes import RULE_VERSION, Headline

pytestmark = pytest.mark.django_db
PERIOD = {"fra": "2026-01-01", "til": "28.02.2026"}


@pytest.fixture(autouse=True)
def _now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def fx(personas):
    return build(personas)


def _figures(body: dict) -> dict:
    return {f["key"]: f for section in body["sections"] for f in section["figures"]}


def test_the_dashboard_gives_every_figure_with_numerator_denominator_and_rules(fx, login):
    response = login(fx.personas.team_lead).get(reverse("api-dashboard"), PERIOD)

    body = response.json()
    figures = _figures(body)
    assert body["filters"] == {
        "team": fx.personas.team.pk,
        "from": "2026-01-01",
        "to": "2026-02-28",
        "municipality": None,
        "therapist": None,
    }
    assert figures["outcomes.recovery"] | {"label": ""} == {
        "key": "outcomes.recovery",
        "label": "",
        "value": 50.0,
        "unit": "percent",
        "numerator": 2,
        "denominator": 4,
        "rule_version": RULE_VERSION,
        "rows": "episodes",
    }
    assert figures["intake.contacts"]["value"] == 7
    assert figures["capacity.step3"]["value"] == 14


def test_a_figure_gives_the_ids_behind_it(fx, login):
    url = reverse("api-dashboard-figure", args=["outcomes.recovery"])
    before = AccessEvent.objects.count()

    body = login(fx.personas.admin).get(url, PERIOD).json()

    episodes = fx.episodes
    assert sorted(body["ids"]) == sorted([episodes["E1"].pk, episodes["E13"].pk])
    assert fx.names(body["client_ids"]) == {"Anna", "Mona"}
    assert fx.names(body["denominator_client_ids"]) == {"Anna", "David", "Ida", "Mona"}
    with translation.override("nb"):
        recovery = str(HEADLINES[Headline.RECOVERY][0])
    assert body["values"][str(episodes["E13"].pk)] == recovery
    assert AccessEvent.objects.count() == before  # ids only: no names left the server


def test_the_filters_work_as_on_the_page(fx, login):
    http = login(fx.personas.team_lead)

    in_b = http.get(reverse("api-dashboard"), PERIOD | {"kommune": fx.municipality_b.pk})
    for_t1 = http.get(reverse("api-dashboard"), PERIOD | {"behandler": fx.personas.therapist.pk})

    assert _figures(in_b.json())["intake.contacts"]["value"] == 3
    assert _figures(for_t1.json())["outcomes.ended"]["value"] == 3


def test_a_token_works_with_the_team_named(fx):
    token = Token.objects.create(user=fx.personas.team_lead)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.get(reverse("api-dashboard"), PERIOD | {"team": fx.personas.team.pk})

    assert response.status_code == 200
    assert _figures(response.json())["intake.contacts"]["value"] == 7


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"fra": "31.02.2026"}, "fra"),
        ({"fra": "01.03.2026", "til": "01.02.2026"}, "non_field_errors"),
        ({"behandler": "abc"}, "behandler"),
    ],
)
def test_bad_filters_answer_400_with_the_field(fx, login, params, field):
    response = login(fx.personas.team_lead).get(reverse("api-dashboard"), params)

    assert response.status_code == 400
    assert field in response.json()


def test_an_unknown_figure_is_404(fx, login):
    response = login(fx.personas.team_lead).get(reverse("api-dashboard-figure", args=["no.such"]))

    assert response.status_code == 404
