"""The client API: the same rules as the pages, JSON errors per field, nothing half-saved."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from rest_framework.test import APIClient

from intake.models import Client
from rph.accounts.roles import Role
from rph.audit.models import AccessEvent, BreakGlassGrant
from tests.accounts.factories import MembershipFactory, MunicipalityFactory
from tests.intake.factories import ClientFactory
from tests.intake.fnr_numbers import number, with_wrong_check_digit

VALID_FNR = number(datetime.date(1985, 3, 14))
REASON = "Klienten ringte i krise og behandleren er syk i dag."
START = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def _detail(client) -> str:
    return reverse("api-client-detail", args=[client.pk])


def _saved(client) -> dict:
    return Client.objects.filter(pk=client.pk).values().get()


def _names(response) -> set[str]:
    return {row["last_name"] for row in response.json()["results"]}


def test_the_list_has_the_clients_of_my_teams_only(personas):
    ClientFactory(team=personas.other_team, last_name="Utenforsen")

    response = _api(personas.clerical).get(reverse("api-client-list"))

    assert _names(response) == {personas.client.last_name}
    assert set(response.json()["results"][0]) == {
        "id",
        "first_name",
        "last_name",
        "home_municipality",
    }


def test_the_list_has_no_clients_of_a_team_where_i_am_only_administrator(personas):
    other = ClientFactory(team=personas.other_team, last_name="Utenforsen")
    MembershipFactory(user=personas.clerical, team=personas.other_team, role=Role.ADMIN)
    MembershipFactory(user=personas.admin, team=personas.other_team, role=Role.THERAPIST)

    clerical = _api(personas.clerical).get(reverse("api-client-list"))
    admin_here = _api(personas.admin).get(reverse("api-client-list"))

    assert _names(clerical) == {personas.client.last_name}
    assert _names(admin_here) == {other.last_name}


def test_looking_at_the_list_is_not_logged_as_a_record_view(personas):
    _api(personas.team_lead).get(reverse("api-client-list"))

    assert AccessEvent.objects.count() == 0


def test_a_client_is_read_with_contact_details(personas):
    client = personas.client

    data = _api(personas.clerical).get(_detail(client)).json()

    assert data["last_name"] == client.last_name
    assert data["email"] == client.email
    assert data["home_municipality"] == client.home_municipality_id


def test_a_change_is_saved_and_logged_once(personas):
    client = personas.client

    response = _api(personas.clerical).patch(
        _detail(client),
        {"version": 0, "fodselsnummer": VALID_FNR, "phone": "+47 912 34 567"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["phone"] == "+4791234567"
    client.refresh_from_db()
    assert client.fodselsnummer == VALID_FNR
    [event] = AccessEvent.objects.all()
    assert (event.action, event.channel) == ("api-client-detail", "api")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        (
            {"fodselsnummer": with_wrong_check_digit(VALID_FNR)},
            "fodselsnummer",
            "Fødselsnummeret er ikke gyldig (kontrollsifrene stemmer ikke).",
        ),
        ({"fodselsnummer": "abc"}, "fodselsnummer", "Fødselsnummeret må ha 11 sifre."),
        ({"home_municipality": 987654}, "home_municipality", 'Ugyldig pk "987654"'),
        ({"first_name": "x" * 1_000_000}, "first_name", "ikke har mer enn 100 tegn"),
        ({"last_name": ""}, "last_name", "Dette feltet må ikke være blankt."),
        ({"email": "kari@"}, "email", "Oppgi en gyldig epost-adresse."),
        ({"phone": "12"}, "phone", "Tast inn et gyldig telefonnummer"),
    ],
    ids=[
        "bad checksum",
        "letters",
        "unknown municipality",
        "1 MB name",
        "no name",
        "e-mail",
        "phone",
    ],
)
def test_bad_input_gets_400_with_the_field_and_saves_nothing(personas, changes, field, message):
    client = personas.client
    before = _saved(client)

    response = _api(personas.clerical).patch(
        _detail(client), {"version": 0} | changes, format="json"
    )

    assert response.status_code == 400
    assert any(message in text for text in response.json()[field]), response.json()
    assert _saved(client) == before


def test_a_municipality_outside_the_teams_area_gets_400(personas):
    client = personas.client
    before = _saved(client)

    for municipality in (personas.other_team.municipalities.first(), MunicipalityFactory()):
        response = _api(personas.clerical).patch(
            _detail(client), {"version": 0, "home_municipality": municipality.pk}, format="json"
        )
        assert response.status_code == 400
        assert response.json() == {"home_municipality": ["Kommunen hører ikke til teamets område."]}
    assert _saved(client) == before


def test_a_fodselsnummer_another_client_in_the_team_has_gets_400(personas):
    ClientFactory(team=personas.team, fodselsnummer=VALID_FNR)
    client = personas.client

    response = _api(personas.clerical).patch(
        _detail(client), {"version": 0, "fodselsnummer": VALID_FNR}, format="json"
    )

    assert response.status_code == 400
    assert response.json() == {
        "fodselsnummer": ["En klient med dette fødselsnummeret er allerede registrert i teamet."]
    }
    assert _saved(client)["fodselsnummer"] == ""


def test_a_refused_change_is_still_logged_as_a_look_at_the_record(personas):
    _api(personas.clerical).patch(
        _detail(personas.client), {"version": 0, "phone": "12"}, format="json"
    )

    [event] = AccessEvent.objects.all()
    assert (event.user, event.subject) == (personas.clerical, personas.client)


def test_the_team_and_the_care_team_cannot_be_changed_through_the_api(personas):
    client = personas.client

    _api(personas.clerical).patch(
        _detail(client),
        {"version": 0, "team": personas.other_team.pk, "care_team": [personas.clerical.pk]},
        format="json",
    )

    client.refresh_from_db()
    assert client.team == personas.team
    assert set(client.care_team.all()) == {personas.therapist}


def test_the_team_lead_reads_the_access_log_through_the_api(personas):
    client = personas.client
    _api(personas.therapist).get(_detail(client))

    response = _api(personas.team_lead).get(reverse("api-client-access-log", args=[client.pk]))

    rows = response.json()["results"]
    # Newest first: the team lead's own look at the log, then the therapist's.
    assert [(r["user"], r["basis"], r["channel"]) for r in rows] == [
        (str(personas.team_lead), "team_role", "api"),
        (str(personas.therapist), "care_team", "api"),
    ]


@pytest.mark.parametrize(
    ("reason", "message"),
    [("", "Dette feltet må ikke være blankt."), ("   kort   ", "minst 10 tegn")],
    ids=["empty", "short after trimming"],
)
def test_emergency_access_through_the_api_needs_a_real_reason(personas, reason, message):
    url = reverse("api-client-break-glass", args=[personas.client.pk])

    response = _api(personas.colleague).post(url, {"reason": reason}, format="json")

    assert response.status_code == 400
    assert message in response.json()["reason"][0]
    assert not BreakGlassGrant.objects.exists()
    assert AccessEvent.objects.get().basis == "team_role"  # the colleague did reach the record


@time_machine.travel(START, tick=False)
def test_emergency_access_through_the_api_is_granted_and_used_in_the_log(personas, settings):
    settings.BREAK_GLASS_LIFETIME = datetime.timedelta(minutes=30)
    client = personas.client
    api = _api(personas.colleague)

    response = api.post(
        reverse("api-client-break-glass", args=[client.pk]), {"reason": REASON}, format="json"
    )
    api.get(_detail(client))

    assert response.status_code == 201
    expires = datetime.datetime.fromisoformat(response.json()["expires_at"])
    assert expires == START + datetime.timedelta(minutes=30)
    grant = BreakGlassGrant.objects.get()
    last = AccessEvent.objects.latest("pk")
    assert (last.basis, last.break_glass) == ("break_glass", grant)


def test_a_stale_version_gets_409_and_saves_nothing(personas):
    client = personas.client
    http = _api(personas.clerical)
    read = http.get(_detail(client)).json()["version"]
    http.patch(_detail(client), {"version": read, "phone": "+4791234567"}, format="json")

    response = http.patch(
        _detail(client), {"version": read, "email": "ny@example.no"}, format="json"
    )

    assert response.status_code == 409
    assert "Noen andre endret kontaktopplysningene" in response.json()["non_field_errors"][0]
    client.refresh_from_db()
    assert (str(client.phone), client.email != "ny@example.no") == ("+4791234567", True)


def test_a_change_without_the_version_gets_400(personas):
    response = _api(personas.clerical).patch(
        _detail(personas.client), {"phone": "+4791234567"}, format="json"
    )

    assert response.status_code == 400
    assert "version" in response.json()
