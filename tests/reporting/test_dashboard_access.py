"""Who sees the dashboard, its capacity page, the drill-down lists and the API: the team lead
and the administrator of the current team; everyone else is refused."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from rph.accounts.roles import Role
from rph.audit.models import AccessEvent
from tests.accounts.factories import MembershipFactory
from tests.intake.factories import ClientFactory, ContactFactory
from tests.personas import Page, cases, expect

pytestmark = pytest.mark.django_db

LEADS = "team_lead admin"
OTHERS = "clerical therapist colleague psychologist outsider"


def _listed_client(p) -> str:
    """The drill-down of people with a contact, which lists the personas' client."""
    ContactFactory(team=p.team, client=p.client)
    return reverse("reporting:drilldown", args=["reach.clients"])


PAGES = [
    Page("dashboard", lambda p: reverse("reporting:dashboard"), expect(LEADS, denied=OTHERS)),
    Page("capacity", lambda p: reverse("reporting:capacity"), expect(LEADS, denied=OTHERS)),
    Page("drill-down", _listed_client, expect(LEADS, denied=OTHERS), logs_a_view=True),
    Page(
        "drill-down of an unknown figure",
        lambda p: reverse("reporting:drilldown", args=["no.such.figure"]),
        expect("", missing=LEADS, denied=OTHERS),
    ),
    Page("api dashboard", lambda p: reverse("api-dashboard"), expect(LEADS, denied=OTHERS)),
    Page(
        "api figure",
        lambda p: reverse("api-dashboard-figure", args=["intake.contacts"]),
        expect(LEADS, denied=OTHERS),
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count()

    response = http.get(url)

    assert response.status_code == status
    logged = 1 if status == 200 and page.logs_a_view else 0
    assert AccessEvent.objects.count() - before == logged


@pytest.mark.parametrize("page", PAGES[:3], ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = client.get(url)

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


def test_the_api_wants_a_login(personas):
    assert APIClient().get(reverse("api-dashboard")).status_code == 401


def test_a_lead_of_another_team_sees_only_that_teams_figures(personas, login):
    ContactFactory(team=personas.team, client=personas.client)
    other_lead = MembershipFactory(team=personas.other_team, role=Role.TEAM_LEAD).user
    ContactFactory(team=personas.other_team)

    mine = login(other_lead).get(reverse("api-dashboard-figure", args=["reach.clients"])).json()
    listed = login(other_lead).get(reverse("reporting:drilldown", args=["reach.clients"]))

    assert mine["client_ids"] != [personas.client.pk]
    assert len(mine["client_ids"]) == 1
    assert personas.client.last_name not in listed.content.decode()


def test_the_api_refuses_a_team_where_you_are_not_the_lead(personas, login):
    response = login(personas.team_lead).get(
        reverse("api-dashboard"), {"team": personas.other_team.pk}
    )

    assert response.status_code == 403


def test_another_teams_municipality_is_refused_not_used(personas, login):
    foreign = personas.other_team.municipalities.first()
    ContactFactory(team=personas.other_team, client=ClientFactory(team=personas.other_team))

    page = login(personas.team_lead).get(reverse("reporting:dashboard"), {"kommune": foreign.pk})
    api = login(personas.team_lead).get(reverse("api-dashboard"), {"kommune": foreign.pk})

    assert page.status_code == 200
    assert "Filteret kunne ikke brukes" in page.content.decode()
    assert page.context["filters"].municipality is None
    assert api.status_code == 400
    assert "kommune" in api.json()


@pytest.mark.parametrize(
    ("persona", "shown"),
    [("team_lead", True), ("admin", True), ("therapist", False), ("clerical", False)],
)
def test_the_menu_links_to_the_dashboard_for_leads_and_admins(personas, login, persona, shown):
    response = login(getattr(personas, persona)).get(reverse("home"))

    assert (reverse("reporting:dashboard") in response.content.decode()) is shown
