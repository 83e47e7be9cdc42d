"""The API as a whole: every endpoint for every persona, authentication, docs, unknown URLs.

Add a row to ENDPOINTS when you add an endpoint; tests/personas.py says how a row reads.
"""

import logging
from collections.abc import Callable
from datetime import timedelta

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from rph.audit.models import AccessEvent
from tests.accounts.factories import UserFactory
from tests.personas import CLIENT_STAFF, NOT_LEADS, Page, cases, expect

REASON = "Klienten ringte i krise og behandleren er syk i dag."


def _client_url(name: str) -> Callable:
    return lambda p: reverse(name, args=[p.client.pk])


ENDPOINTS = [
    Page("me", lambda p: reverse("api-me"), expect(f"{CLIENT_STAFF} admin outsider")),
    Page(
        "client list",
        lambda p: reverse("api-client-list"),
        # The outsider gets their own team's (empty) list; see test_client_api.py.
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "client",
        _client_url("api-client-detail"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "client changed",
        _client_url("api-client-detail"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        method="patch",
        data=lambda p: {"email": "ny@example.no", "version": p.client.version},
        logs_a_view=True,
    ),
    Page(
        "client access log",
        _client_url("api-client-access-log"),
        expect("team_lead", denied=NOT_LEADS, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "break glass",
        _client_url("api-client-break-glass"),
        # The therapist in the care team already has access and needs no grant.
        expect(
            "colleague psychologist team_lead",
            201,
            denied="clerical therapist admin",
            missing="outsider",
        ),
        method="post",
        data=lambda p: {"reason": REASON},
        logs_a_view=True,
    ),
]


def _api(user=None) -> APIClient:
    api = APIClient()
    if user is not None:
        api.force_login(user)
    return api


@pytest.mark.parametrize(("endpoint", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_table_says(personas, endpoint, persona, status):
    url = endpoint.url(personas)
    api = _api(getattr(personas, persona))
    before = AccessEvent.objects.count()

    response = getattr(api, endpoint.method)(url, endpoint.data(personas), format="json")

    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    allowed = status < 400
    logged = 1 if allowed and endpoint.logs_a_view else 0
    assert AccessEvent.objects.count() - before == logged


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda endpoint: endpoint.label)
def test_anonymous_callers_get_401_in_json(personas, endpoint):
    response = getattr(_api(), endpoint.method)(
        endpoint.url(personas), endpoint.data(personas), format="json"
    )

    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Token"
    assert response.json()["detail"] == "Manglende autentiseringsinformasjon."
    assert AccessEvent.objects.count() == 0


def test_refusals_are_json_with_a_norwegian_message(personas):
    response = _api(personas.admin).get(reverse("api-client-detail", args=[personas.client.pk]))

    assert response.status_code == 403
    assert response.json() == {"detail": "Du har ikke tilgang til å utføre denne handlingen."}


def test_another_teams_client_is_not_found_in_json(personas):
    response = _api(personas.outsider).get(reverse("api-client-detail", args=[personas.client.pk]))

    assert response.status_code == 404
    assert personas.client.last_name not in response.content.decode()
    assert "detail" in response.json()


def test_a_token_authenticates_without_a_session(personas):
    token = Token.objects.create(user=personas.therapist)
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    me = api.get(reverse("api-me"))
    client = api.get(reverse("api-client-detail", args=[personas.client.pk]))

    assert me.status_code == 200
    assert me.json()["username"] == personas.therapist.username
    assert client.json()["last_name"] == personas.client.last_name
    assert AccessEvent.objects.get().user == personas.therapist


def _token_api(user) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")
    return api


def test_a_token_of_a_user_without_a_second_factor_reads_nothing(personas):
    from allauth.mfa.models import Authenticator

    Authenticator.objects.filter(user=personas.therapist).delete()

    response = _token_api(personas.therapist).get(
        reverse("api-client-detail", args=[personas.client.pk])
    )

    assert response.status_code == 403
    assert response.json()["detail"] == "Tofaktorinnlogging må settes opp før du kan bruke RPH."
    assert personas.client.last_name not in response.content.decode()
    assert AccessEvent.objects.count() == 0


def test_a_token_expires(personas, settings, time_machine):
    settings.API_TOKEN_LIFETIME = timedelta(days=30)
    time_machine.move_to("2026-03-02 08:00 +01:00", tick=False)
    api = _token_api(personas.therapist)
    assert api.get(reverse("api-me")).status_code == 200

    time_machine.move_to("2026-04-02 08:00 +02:00", tick=False)
    response = api.get(reverse("api-me"))

    assert response.status_code == 401
    assert response.json()["detail"] == "API-tokenet er utløpt. Be en administrator om et nytt."


def test_every_token_use_is_logged_without_the_key(personas, caplog):
    api = _token_api(personas.therapist)
    key = Token.objects.get().key

    with caplog.at_level(logging.INFO, logger="rph.security"):
        api.get(reverse("api-me"))
        api.get(reverse("api-client-detail", args=[personas.client.pk]))

    uses = [r for r in caplog.records if r.getMessage().startswith("api token used")]
    assert [r.getMessage() for r in uses] == [
        f"api token used (user {personas.therapist.pk}, token 0 days old)"
    ] * 2
    assert key not in caplog.text
    assert AccessEvent.objects.get().channel == "api"


def test_a_wrong_token_is_refused(personas):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION="Token 0123456789abcdef0123456789abcdef01234567")

    response = api.get(reverse("api-me"))

    assert response.status_code == 401
    assert response.json()["detail"] == "Ugyldig token."


def test_a_token_of_a_deactivated_user_is_refused(personas):
    token = Token.objects.create(user=personas.therapist)
    personas.therapist.is_active = False
    personas.therapist.save()
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")

    response = api.get(reverse("api-client-detail", args=[personas.client.pk]))

    assert response.status_code == 401
    assert AccessEvent.objects.count() == 0


def test_me_tells_the_caller_their_teams_and_roles(personas):
    response = _api(personas.team_lead).get(reverse("api-me"))

    assert response.json()["memberships"] == [
        {"team_id": personas.team.pk, "team": personas.team.name, "role": "team_lead"}
    ]


@pytest.mark.parametrize("name", ["api-schema", "api-docs"])
def test_the_schema_and_the_docs_need_a_login(db, name):
    response = _api().get(reverse(name))

    assert response.status_code in (401, 403)
    assert b"openapi" not in response.content
    assert b"/api/v1/clients/" not in response.content


def test_the_schema_describes_the_api_to_staff(personas):
    response = _api(personas.therapist).get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    assert "/api/v1/clients/{id}/" in response.json()["paths"]
    assert AccessEvent.objects.count() == 0


def test_the_docs_page_is_served_to_staff_without_outside_scripts(personas):
    response = _api(personas.therapist).get(reverse("api-docs"))

    assert response.status_code == 200
    assert "https://" not in response.content.decode().split("<body")[0]


@pytest.mark.parametrize("path", ["/api/", "/api/v1/nothing-here/", "/api/v2/clients/"])
def test_an_unknown_api_address_is_a_json_404(db, client, path):
    response = client.get(path)

    assert response.status_code == 404
    assert response.json() == {"detail": "Fant ikke adressen."}


def test_a_member_of_no_team_gets_nothing_from_the_api(personas):
    loner = _api(UserFactory())

    assert loner.get(reverse("api-me")).status_code == 403
    assert loner.get(reverse("api-client-list")).status_code == 403
    assert loner.get(reverse("api-client-detail", args=[personas.client.pk])).status_code == 403


def test_the_schema_says_the_caseload_is_a_list_of_rows():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)

    answer = schema["paths"]["/api/v1/caseload/"]["get"]["responses"]["200"]
    body = answer["content"]["application/json"]["schema"]
    assert body["type"] == "array"
    assert body["items"] == {"$ref": "#/components/schemas/CaseloadRow"}
