"""GP registry pages and endpoints, every persona: all staff look GPs up; the team lead and
the administrator import and correct them. GPs are public: nothing is access-logged."""

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from rest_framework.test import APIClient

from intake.models import GeneralPractitioner
from rph.audit.models import AccessEvent
from tests.personas import CLIENT_STAFF, Page, cases, expect
from tests.referrals.factories import GeneralPractitionerFactory

ALL = f"{CLIENT_STAFF} admin outsider"
NOT_KEEPERS = "clerical therapist colleague psychologist outsider"


def _gp(p) -> GeneralPractitioner:
    gp = GeneralPractitionerFactory()
    gp.municipalities.set([p.client.home_municipality])
    return gp


def _gp_url(name: str):
    return lambda p: reverse(name, args=[_gp(p).pk])


def _gp_form(p) -> dict:
    return {
        "hpr_number": "9100042",
        "name": "Ingrid Aune",
        "practice": "Rissa legesenter",
        "municipalities": [p.client.home_municipality.pk],
        "active": "on",
    }


def _upload(p) -> dict:
    number = p.client.home_municipality.number
    text = f"hpr_number;name;practice;municipalities\n9100001;Ingrid Aune;Rissa;{number}\n"
    return {"file": SimpleUploadedFile("fastleger.csv", text.encode())}


PAGES = [
    Page("gp list", lambda p: reverse("referrals:gp_list"), expect(ALL)),
    Page(
        "gp import",
        lambda p: reverse("referrals:gp_import"),
        expect("team_lead admin", denied=NOT_KEEPERS),
    ),
    Page(
        "gp import uploaded",
        lambda p: reverse("referrals:gp_import"),
        expect("team_lead admin", denied=NOT_KEEPERS),
        method="post",
        data=_upload,
    ),
    Page("gp edit", _gp_url("referrals:gp_edit"), expect("team_lead admin", denied=NOT_KEEPERS)),
    Page(
        "gp edit saved",
        _gp_url("referrals:gp_edit"),
        expect("team_lead admin", 302, denied=NOT_KEEPERS),
        method="post",
        data=_gp_form,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_page_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = GeneralPractitioner.objects.count()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    if status == 403:
        assert GeneralPractitioner.objects.count() == before
    assert not AccessEvent.objects.exists()


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


def _api_gp(p) -> dict:
    return {
        "hpr_number": "9100042",
        "name": "Ingrid Aune",
        "practice": "Rissa legesenter",
        "municipalities": [p.client.home_municipality.number],
    }


ENDPOINTS = [
    Page("gps", lambda p: reverse("api-gp-list"), expect(ALL)),
    Page(
        "gp created",
        lambda p: reverse("api-gp-list"),
        expect("team_lead admin", 201, denied=NOT_KEEPERS),
        method="post",
        data=_api_gp,
    ),
    Page("gp", _gp_url("api-gp-detail"), expect(ALL)),
    Page(
        "gp changed",
        _gp_url("api-gp-detail"),
        expect("team_lead admin", denied=NOT_KEEPERS),
        method="patch",
        data=lambda p: {"phone": "+47 72 00 00 00"},
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_endpoint_table_says(personas, page, persona, status):
    url = page.url(personas)
    api = APIClient()
    api.force_login(getattr(personas, persona))

    response = getattr(api, page.method)(url, page.data(personas), format="json")

    assert response.status_code == status
    if status == 403:
        assert "detail" in response.json()


def test_the_api_lists_and_searches_the_gps_of_the_users_teams(personas):
    _gp(personas)
    aune = GeneralPractitionerFactory(name="Ingrid Aune", practice="Rissa legesenter")
    aune.municipalities.set([personas.client.home_municipality])
    GeneralPractitionerFactory(name="Ingrid Annen").municipalities.set([])
    api = APIClient()
    api.force_login(personas.clerical)

    found = api.get(reverse("api-gp-list"), {"q": "ingrid"}).json()["results"]

    assert [gp["name"] for gp in found] == ["Ingrid Aune"]
    assert found[0]["municipalities"] == [personas.client.home_municipality.number]


def test_bad_gp_data_gets_400_with_the_reason_and_nothing_saved(personas):
    api = APIClient()
    api.force_login(personas.team_lead)

    response = api.post(
        reverse("api-gp-list"),
        _api_gp(personas) | {"hpr_number": "12", "postcode": "71", "municipalities": []},
        format="json",
    )

    assert response.status_code == 400
    assert set(response.json()) >= {"hpr_number", "postcode"}
    assert not GeneralPractitioner.objects.exists()


def test_a_gp_without_municipalities_is_refused(personas):
    api = APIClient()
    api.force_login(personas.team_lead)

    response = api.post(
        reverse("api-gp-list"), _api_gp(personas) | {"municipalities": []}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {"municipalities": ["Velg kommunene fastlegen dekker."]}
