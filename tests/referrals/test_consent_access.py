"""Consent register, collaboration log and acute contacts, every persona, pages and API.

Decision (referrals/consents/access.py): clinical content for the care team, a colleague with
emergency access and the team lead (oversight, read only); clerical staff and clinicians
outside the care team see the GP line of the register only; writing needs the care team.
"""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from intake.consents.services import consent_record
from intake.models import Consent, Party
from referrals.models import AcuteContact, CollaborationEntry
from rph.audit.models import AccessEvent
from tests.intake.factories import ClientFactory
from tests.personas import CLIENT_STAFF, Page, cases, expect

WRITERS_REFUSED = "clerical colleague psychologist team_lead admin"
CLINICAL_REFUSED = "clerical colleague psychologist admin"


def _client_url(name: str):
    return lambda p: reverse(name, args=[p.client.pk])


def _entry(p) -> dict:
    return {
        "party": Party.NAV,
        "anonymous": "on",
        "held_on": timezone.localdate().strftime("%d.%m.%Y"),
        "participants": "NAV-veileder og behandler",
        "agreed": "Drøftet anonymt.",
    }


def _acute(p) -> dict:
    return {
        "service": "legevakt",
        "contacted_at": timezone.localtime().strftime("%d.%m.%Y %H:%M"),
        "outcome": "Legevakten overtar.",
    }


PAGES = [
    Page(
        "consents",
        _client_url("referrals:consents"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "consent recorded",
        _client_url("referrals:consents"),
        expect("therapist", 302, denied=WRITERS_REFUSED, missing="outsider"),
        method="post",
        data=lambda p: {"party": Party.RESEARCH, "given": "yes"},
        logs_a_view=True,
    ),
    Page(
        "collaboration",
        _client_url("referrals:collaboration"),
        expect("therapist team_lead", denied=CLINICAL_REFUSED, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "collaboration recorded",
        _client_url("referrals:collaboration"),
        expect("therapist", 302, denied=WRITERS_REFUSED, missing="outsider"),
        method="post",
        data=_entry,
        logs_a_view=True,
    ),
    Page(
        "acute contact",
        _client_url("referrals:acute_contact"),
        expect("therapist team_lead", denied=CLINICAL_REFUSED, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "acute contact recorded",
        _client_url("referrals:acute_contact"),
        expect("therapist", 302, denied=WRITERS_REFUSED, missing="outsider"),
        method="post",
        data=_acute,
        logs_a_view=True,
    ),
]


def _counts() -> tuple[int, int, int]:
    return Consent.objects.count(), CollaborationEntry.objects.count(), AcuteContact.objects.count()


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_page_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count(), _counts()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    allowed = status in (200, 302)
    assert AccessEvent.objects.count() - before[0] == (1 if allowed else 0)
    if not allowed:
        assert _counts() == before[1]


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


def test_a_colleague_is_offered_emergency_access_to_the_collaboration_log(personas, login):
    response = login(personas.colleague).get(
        reverse("referrals:collaboration", args=[personas.client.pk])
    )

    assert response.status_code == 403
    assert reverse("intake:client_break_glass", args=[personas.client.pk]) in (
        response.content.decode()
    )


ENDPOINTS = [
    Page(
        "consents",
        _client_url("api-consent-list"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "consent recorded",
        _client_url("api-consent-list"),
        expect("therapist", 201, denied=WRITERS_REFUSED, missing="outsider"),
        method="post",
        data=lambda p: {"party": Party.NAV, "recipient": "Kari Lund", "given": True},
        logs_a_view=True,
    ),
    Page(
        "collaboration",
        _client_url("api-collaboration-list"),
        expect("therapist team_lead", denied=CLINICAL_REFUSED, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "collaboration recorded",
        _client_url("api-collaboration-list"),
        expect("therapist", 201, denied=WRITERS_REFUSED, missing="outsider"),
        method="post",
        data=lambda p: {
            "party": Party.NAV,
            "anonymous": True,
            "held_on": timezone.localdate().isoformat(),
            "participants": "NAV-veileder",
            "agreed": "Drøftet anonymt.",
        },
        logs_a_view=True,
    ),
]


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


@pytest.mark.parametrize(("page", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_endpoint_table_says(personas, page, persona, status):
    url = page.url(personas)
    before = AccessEvent.objects.count(), _counts()

    response = getattr(_api(getattr(personas, persona)), page.method)(
        url, page.data(personas), format="json"
    )

    assert response.status_code == status
    allowed = status < 300
    assert AccessEvent.objects.count() - before[0] == (1 if allowed else 0)
    if allowed:
        assert AccessEvent.objects.latest("pk").channel == AccessEvent.Channel.API
    else:
        assert _counts() == before[1]
        assert "detail" in response.json()


def _lines(p):
    consent_record(client=p.client, by=p.therapist, party=Party.GP, given=False)
    consent_record(client=p.client, by=p.therapist, party=Party.NAV, given=True, recipient="Kari")


def test_clerical_staff_get_the_gp_line_only_from_the_api(personas):
    _lines(personas)

    body = _api(personas.clerical).get(reverse("api-consent-list", args=[personas.client.pk]))

    data = body.json()
    assert data["objects_to_epikrise"] is True
    assert [line["party"] for line in data["current"]] == ["gp"]
    assert [line["party"] for line in data["history"]] == ["gp"]


def test_the_care_team_gets_the_whole_register_from_the_api(personas):
    _lines(personas)

    data = _api(personas.therapist).get(reverse("api-consent-list", args=[personas.client.pk]))

    assert {line["party"] for line in data.json()["current"]} == {"gp", "nav"}


def test_a_withdrawn_consent_gets_400_from_the_api_and_the_view_stays_logged(personas):
    consent_record(client=personas.client, by=personas.therapist, party=Party.NAV, given=False)

    response = _api(personas.therapist).post(
        reverse("api-collaboration-list", args=[personas.client.pk]),
        {
            "party": Party.NAV,
            "held_on": timezone.localdate().isoformat(),
            "participants": "NAV-veileder",
            "agreed": "Plan",
        },
        format="json",
    )

    assert response.status_code == 400
    assert "trakk tilbake" in response.json()["consent"][0]
    assert AccessEvent.objects.count() == 1
    assert not CollaborationEntry.objects.exists()


def test_another_clients_consent_cannot_be_relied_on(personas):
    other = ClientFactory(team=personas.team)
    foreign = consent_record(client=other, by=personas.therapist, party=Party.NAV, given=True)

    response = _api(personas.therapist).post(
        reverse("api-collaboration-list", args=[personas.client.pk]),
        {
            "party": Party.NAV,
            "consent": foreign.pk,
            "held_on": timezone.localdate().isoformat(),
            "participants": "NAV-veileder",
            "agreed": "Plan",
        },
        format="json",
    )

    assert response.status_code == 400
    assert not CollaborationEntry.objects.exists()
