"""Every web page, every persona: who gets in, who is refused, who is told it does not exist.

Add a row to PAGES when you add a page; tests/personas.py says how a row reads.
"""

from collections.abc import Callable

import pytest
from django.conf import settings
from django.urls import reverse

from rph.accounts.roles import Role
from rph.accounts.teams import SESSION_KEY
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open
from tests.accounts.factories import MembershipFactory, TeamFactory
from tests.intake.factories import ContactFactory
from tests.personas import CLIENT_STAFF, NOT_CARE_TEAM, NOT_LEADS, Page, cases, expect

REASON = "Klienten ringte i krise, behandleren er syk."


def _client_url(name: str) -> Callable:
    return lambda p: reverse(name, args=[p.client.pk])


def _contact_form(p) -> dict:
    return {
        "first_name": "Kari",
        "last_name": "Nordmann",
        "phone": "+4791234567",
        "email": "kari@example.no",
        "home_municipality": p.client.home_municipality_id,
        "version": p.client.version,
    }


def _grant_url(p) -> str:
    grant = break_glass_open(user=p.colleague, team=p.team, subject=p.client, reason=REASON)
    return reverse("audit:break_glass_mark_reviewed", args=[grant.pk])


def _contact(p):
    """A contact of the personas' client (for the pages hanging off a contact)."""
    return ContactFactory(team=p.team, client=p.client)


PAGES = [
    Page("home", lambda p: reverse("home"), expect(f"{CLIENT_STAFF} admin outsider")),
    Page(
        "switch team",
        lambda p: reverse("switch_team"),
        expect(f"{CLIENT_STAFF} admin outsider", 302),
        method="post",
        data=lambda p: {"team": p.team.pk},
    ),
    Page(
        "client list",
        lambda p: reverse("intake:client_list"),
        # The outsider sees their own team's (empty) list: see test_client_list.py.
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "client detail",
        _client_url("intake:client_detail"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "client edit",
        _client_url("intake:client_edit"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "client edit saved",
        _client_url("intake:client_edit"),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=_contact_form,
        logs_a_view=True,
    ),
    Page(
        "break glass",
        _client_url("intake:client_break_glass"),
        # The therapist in the care team needs no emergency access: back to the record.
        expect(
            "colleague psychologist team_lead",
            denied="clerical admin",
            missing="outsider",
            therapist=302,
        ),
        logs_a_view=True,
    ),
    Page(
        "break glass given",
        _client_url("intake:client_break_glass"),
        expect(
            "therapist colleague psychologist team_lead",
            302,
            denied="clerical admin",
            missing="outsider",
        ),
        method="post",
        data=lambda p: {"reason": REASON},
        logs_a_view=True,
    ),
    Page(
        "client access log",
        _client_url("intake:client_access_log"),
        expect("team_lead", denied=NOT_LEADS, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "care team",
        _client_url("intake:client_care_team"),
        expect("team_lead", denied=NOT_LEADS, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "care team saved",
        _client_url("intake:client_care_team"),
        expect("team_lead", 302, denied=NOT_LEADS, missing="outsider"),
        method="post",
        data=lambda p: {"members": [p.therapist.pk, p.colleague.pk]},
        logs_a_view=True,
    ),
    Page(
        "emergency access review",
        lambda p: reverse("audit:break_glass_review"),
        # Another team's lead sees only their own team's grants: see tests/audit.
        expect("team_lead", denied=f"{NOT_LEADS} outsider"),
    ),
    Page(
        "emergency access marked reviewed",
        _grant_url,
        expect("team_lead", 302, denied=f"{NOT_LEADS} outsider"),
        method="post",
    ),
    Page(
        "register contact",
        lambda p: reverse("intake:contact_register"),
        # The outsider gets their own team's form: see test_register_view.py.
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "register contact saved",
        lambda p: reverse("intake:contact_register"),
        # The outsider's team does not serve the municipality: the form refuses it (200).
        expect(CLIENT_STAFF, 302, denied="admin", outsider=200),
        method="post",
        data=lambda p: {
            "first_name": "Ola",
            "last_name": "Testesen",
            "phone": "+4790000077",
            "birth_date": "01.02.1980",
            "home_municipality": p.team.municipalities.first().pk,
            "channel": "phone",
            "referrer": "self",
        },
    ),
    Page(
        "assessment",
        lambda p: reverse("intake:assessment_detail", args=[_contact(p).pk]),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "assessment edit",
        lambda p: reverse("intake:assessment_edit", args=[_contact(p).pk]),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "assessment draft saved",
        lambda p: reverse("intake:assessment_edit", args=[_contact(p).pk]),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"held_at": "02.03.2026 13:00", "mode": "phone"},
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    allowed = status in (200, 302)
    logged = 1 if allowed and page.logs_a_view else 0
    assert AccessEvent.objects.count() - before == logged


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


def test_a_refused_page_says_so_in_norwegian(personas, login):
    response = login(personas.admin).get(reverse("intake:client_detail", args=[personas.client.pk]))

    assert response.status_code == 403
    assert "Ingen tilgang" in response.content.decode()


def test_another_teams_client_looks_like_it_does_not_exist(personas, login):
    url = reverse("intake:client_detail", args=[personas.client.pk])

    outsider = login(personas.outsider).get(url)
    nobody = login(personas.outsider).get(reverse("intake:client_detail", args=[987654]))

    assert outsider.status_code == nobody.status_code == 404
    assert "Fant ikke siden" in outsider.content.decode()
    assert personas.client.last_name not in outsider.content.decode()


def test_switching_to_a_team_you_are_not_in_shows_an_error_and_keeps_the_session(personas, login):
    MembershipFactory(user=personas.therapist, team=personas.other_team, role=Role.TEAM_LEAD)
    http = login(personas.therapist)
    http.post(reverse("switch_team"), {"team": personas.other_team.pk})
    stranger_team = TeamFactory()

    response = http.post(reverse("switch_team"), {"team": stranger_team.pk}, follow=True)

    assert "Du er ikke medlem av det teamet." in response.content.decode()
    assert http.session[SESSION_KEY] == personas.other_team.pk
    assert response.context["current_membership"].team == personas.other_team


def test_switching_to_your_other_team_changes_where_you_work(personas, login):
    MembershipFactory(user=personas.therapist, team=personas.other_team, role=Role.TEAM_LEAD)
    http = login(personas.therapist)

    response = http.post(reverse("switch_team"), {"team": personas.other_team.pk}, follow=True)

    assert http.session[SESSION_KEY] == personas.other_team.pk
    assert f"Du jobber nå i {personas.other_team.name}." in response.content.decode()
    assert response.context["current_membership"].role == Role.TEAM_LEAD
