"""The contacts API: list, register, read, and attempts, for every persona."""

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.models import Client, Contact, ContactAttempt
from rph.audit.models import AccessEvent
from tests.intake.factories import ClientFactory, ContactAttemptFactory, ContactFactory
from tests.intake.registration_data import BORN, register_form, synthetic_numbers

pytestmark = pytest.mark.usefixtures("synthetic_numbers")
__all__ = ["synthetic_numbers"]

LIST = reverse("api-contact-list")
CLIENT_STAFF = ["clerical", "therapist", "colleague", "psychologist", "team_lead"]
CONTACT_FIELDS = {
    "id",
    "team",
    "client",
    "client_name",
    "registered_at",
    "registered_by",
    "channel",
    "referrer",
    "referrer_name",
    "concerns",
    "free_text",
    "age_at_contact",
    "under_minimum_age",
    "best_time_to_call",
    "deadline",
    "status",
    "offered_at",
    "closed_at",
}


@pytest.fixture
def contact(personas):
    return ContactFactory(team=personas.team, client=personas.client)


def _detail(contact) -> str:
    return reverse("api-contact-detail", args=[contact.pk])


def _attempts(contact) -> str:
    return reverse("api-contact-attempts", args=[contact.pk])


def _json(team, **overrides) -> dict[str, object]:
    data = register_form(team) | {"consent_call": True, "consent_sms": True}
    data["birth_date"] = "1990-05-17"
    return data | overrides


def _post(http, url, data):
    return http.post(url, data, content_type="application/json")


class TestTheList:
    @pytest.mark.parametrize("persona", CLIENT_STAFF)
    def test_client_staff_see_their_teams_open_contacts(self, personas, login, contact, persona):
        ContactFactory(team=personas.team, status=Contact.Status.CLOSED)
        ContactFactory(team=personas.other_team)

        response = login(getattr(personas, persona)).get(LIST)

        results = response.json()["results"]
        assert response.status_code == 200
        assert [row["id"] for row in results] == [contact.pk]
        assert set(results[0]) == CONTACT_FIELDS
        assert results[0]["client_name"] == str(personas.client)

    def test_another_team_sees_nothing(self, personas, login, contact):
        response = login(personas.outsider).get(LIST)

        assert response.status_code == 200
        assert response.json()["results"] == []

    def test_the_administrator_gets_403_as_on_the_queue_page(self, personas, login, contact):
        assert login(personas.admin).get(LIST).status_code == 403

    def test_a_user_in_two_teams_sees_both(self, personas, login, contact):
        from rph.accounts.roles import Role
        from tests.accounts.factories import MembershipFactory

        MembershipFactory(user=personas.clerical, team=personas.other_team, role=Role.CLERICAL)
        elsewhere = ContactFactory(team=personas.other_team)

        results = login(personas.clerical).get(LIST).json()["results"]

        assert {row["id"] for row in results} == {contact.pk, elsewhere.pk}

    def test_anonymous_callers_get_401(self, db, client):
        assert client.get(LIST).status_code == 401

    def test_the_query_count_does_not_grow_with_the_list(
        self, personas, login, contact, django_assert_max_num_queries
    ):
        ContactFactory.create_batch(5, team=personas.team)
        http = login(personas.clerical)

        with django_assert_max_num_queries(12):
            response = http.get(LIST)
        assert len(response.json()["results"]) == 6


class TestRegistering:
    @pytest.mark.parametrize("persona", CLIENT_STAFF)
    def test_client_staff_register_a_contact(self, personas, login, persona):
        user = getattr(personas, persona)

        response = _post(login(user), LIST, _json(personas.team))

        assert response.status_code == 201
        contact = Contact.objects.get(pk=response.json()["id"])
        assert contact.registered_by == user
        assert contact.team == personas.team
        assert contact.client.birth_date == BORN
        assert set(response.json()) == CONTACT_FIELDS

    def test_the_administrator_may_not(self, personas, login):
        response = _post(login(personas.admin), LIST, _json(personas.team))

        assert response.status_code == 403
        assert Contact.objects.count() == 0

    def test_nobody_registers_in_a_team_they_are_not_in(self, personas, login):
        data = _json(personas.team) | {"team": personas.team.pk}

        response = _post(login(personas.outsider), LIST, data)

        assert response.status_code == 403
        assert Contact.objects.count() == 0

    def test_possible_duplicates_answer_409_with_contact_level_candidates(self, personas, login):
        before = Client.objects.count()

        response = _post(login(personas.clerical), LIST, _json(personas.team, phone="41234567"))

        body = response.json()
        assert response.status_code == 409
        assert body["code"] == "possible_duplicates"
        assert [c["id"] for c in body["candidates"]] == [personas.client.pk]
        assert set(body["candidates"][0]) == {
            "id",
            "first_name",
            "last_name",
            "birth_date",
            "home_municipality",
        }
        assert Client.objects.count() == before
        assert Contact.objects.count() == 0

    def test_create_new_registers_another_client_despite_candidates(self, personas, login):
        data = _json(personas.team, phone="41234567", create_new=True)

        response = _post(login(personas.clerical), LIST, data)

        assert response.status_code == 201
        assert response.json()["client"] != personas.client.pk

    def test_a_returning_client_is_named_by_id_and_needs_no_other_details(self, personas, login):
        data = {"client": personas.client.pk, "channel": "gp_referral", "referrer": "gp"}
        data["referrer_name"] = "Dr. Lege"

        response = _post(login(personas.clerical), LIST, data)

        assert response.status_code == 201, response.json()
        assert response.json()["client"] == personas.client.pk
        assert Client.objects.count() == 1

    def test_another_teams_client_cannot_be_named(self, personas, login):
        stranger = ClientFactory(team=personas.other_team)
        data = {"client": stranger.pk, "channel": "phone", "referrer": "self"}

        response = _post(login(personas.clerical), LIST, data)

        assert response.status_code == 404
        assert Contact.objects.count() == 0

    @pytest.mark.parametrize(
        ("overrides", "field", "message"),
        [
            ({"fodselsnummer": "12345678901"}, "fodselsnummer", "kontrollsifrene"),
            ({"birth_date": "2999-01-01"}, "birth_date", "fram i tid"),
            ({"home_municipality": 999999}, "home_municipality", "Velg en av kommunene"),
            ({"phone": "", "email": ""}, "phone", "telefonnummer eller en e-postadresse"),
            ({"free_text": "x" * 1_000_000}, "free_text", "5000 eller færre tegn"),
            ({"concerns": "anxiety"}, "concerns", "liste"),
            ({"first_name": {"a": 1}}, "first_name", "enkelt verdi"),
        ],
        ids=lambda value: str(value)[:30],
    )
    def test_bad_input_gets_400_in_norwegian_and_nothing_saved(
        self, personas, login, overrides, field, message
    ):
        before = Client.objects.count()

        response = _post(login(personas.clerical), LIST, _json(personas.team, **overrides))

        assert response.status_code == 400
        assert message in " ".join(response.json()[field])
        assert Client.objects.count() == before
        assert Contact.objects.count() == 0

    def test_a_body_that_is_not_an_object_gets_400(self, personas, login):
        response = _post(login(personas.clerical), LIST, [1, 2])

        assert response.status_code == 400


class TestOneContact:
    @pytest.mark.parametrize("persona", CLIENT_STAFF)
    def test_client_staff_read_it_and_the_view_is_logged(self, personas, login, contact, persona):
        before = AccessEvent.objects.count()

        response = login(getattr(personas, persona)).get(_detail(contact))

        assert response.status_code == 200
        assert response.json()["id"] == contact.pk
        assert set(response.json()) == CONTACT_FIELDS
        assert AccessEvent.objects.count() == before + 1

    def test_the_administrator_gets_403(self, personas, login, contact):
        assert login(personas.admin).get(_detail(contact)).status_code == 403

    def test_another_team_and_unknown_ids_get_404(self, personas, login, contact):
        http = login(personas.outsider)

        assert http.get(_detail(contact)).status_code == 404
        assert http.get(reverse("api-contact-detail", args=[987654])).status_code == 404


class TestAttempts:
    @pytest.mark.parametrize("persona", CLIENT_STAFF)
    def test_client_staff_list_the_attempts(self, personas, login, contact, persona):
        attempt = ContactAttemptFactory(contact=contact, by=personas.therapist)

        response = login(getattr(personas, persona)).get(_attempts(contact))

        assert response.status_code == 200
        rows = response.json()["results"]
        assert [row["id"] for row in rows] == [attempt.pk]
        assert set(rows[0]) == {"id", "at", "by", "method", "outcome", "note"}

    @pytest.mark.parametrize("persona", CLIENT_STAFF)
    def test_client_staff_record_an_attempt(self, personas, login, contact, persona):
        user = getattr(personas, persona)
        data = {"method": "phone", "outcome": "no_answer", "note": "Ingen svar"}

        response = _post(login(user), _attempts(contact), data)

        assert response.status_code == 201
        attempt = ContactAttempt.objects.get()
        assert (attempt.contact, attempt.by, attempt.outcome) == (contact, user, "no_answer")
        assert response.json()["by"] == str(user)

    def test_the_administrator_gets_403(self, personas, login, contact):
        http = login(personas.admin)

        assert http.get(_attempts(contact)).status_code == 403
        data = {"method": "phone", "outcome": "reached"}
        assert _post(http, _attempts(contact), data).status_code == 403
        assert ContactAttempt.objects.count() == 0

    def test_another_team_gets_404(self, personas, login, contact):
        http = login(personas.outsider)

        assert http.get(_attempts(contact)).status_code == 404
        data = {"method": "phone", "outcome": "reached"}
        assert _post(http, _attempts(contact), data).status_code == 404
        assert ContactAttempt.objects.count() == 0

    @pytest.mark.parametrize(
        "data",
        [
            {"method": "pigeon", "outcome": "reached"},
            {"method": "phone", "outcome": "maybe"},
            {"method": "phone"},
            {"method": "phone", "outcome": "reached", "note": "x" * 501},
        ],
        ids=["method", "outcome", "missing-outcome", "long-note"],
    )
    def test_bad_input_gets_400_and_nothing_saved(self, personas, login, contact, data):
        before = AccessEvent.objects.count()

        response = _post(login(personas.clerical), _attempts(contact), data)

        assert response.status_code == 400
        assert ContactAttempt.objects.count() == 0
        assert AccessEvent.objects.count() == before + 1, "the look at the record is still logged"

    def test_a_closed_contact_takes_no_more_attempts(self, personas, login, contact):
        Contact.objects.filter(pk=contact.pk).update(
            status=Contact.Status.CLOSED, closed_at=timezone.now()
        )

        response = _post(
            login(personas.clerical), _attempts(contact), {"method": "phone", "outcome": "reached"}
        )

        assert response.status_code == 400
        assert "avsluttet" in str(response.json())
        assert ContactAttempt.objects.count() == 0
