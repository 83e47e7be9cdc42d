"""One open contact per client: the duplicate path attaches or asks, never opens a second,
and keeps what was typed (as an offered update)."""

import pytest
from django.urls import reverse

from intake.consents.services import reach_now
from intake.models import Contact, ReachKind
from tests.intake.factories import ContactFactory
from tests.intake.registration_data import register_form, synthetic_numbers

pytestmark = pytest.mark.usefixtures("synthetic_numbers")
__all__ = ["synthetic_numbers"]

URL = reverse("intake:contact_register")
API = reverse("api-contact-list")


@pytest.fixture
def known(personas):
    known = personas.client
    known.phone = "+4741234567"
    known.save()
    return known


@pytest.fixture
def open_contact(personas, known):
    return ContactFactory(team=personas.team, client=known, concerns=["anxiety"])


def _second(team, **overrides):
    return register_form(team, phone="41234567", **overrides)


class TestThePage:
    def test_the_candidate_shows_the_open_contact_it_would_join(
        self, personas, login, open_contact
    ):
        page = login(personas.clerical).post(URL, _second(personas.team)).content.decode()

        assert 'data-testid="open-contact"' in page
        assert reverse("intake:contact_detail", args=[open_contact.pk]) in page
        assert "Legg til i klientens åpne henvendelse" in page

    def test_choosing_it_adds_to_the_open_contact_and_opens_no_second(
        self, personas, login, known, open_contact
    ):
        data = _second(personas.team, step="confirm", concerns=["sleep"], consent_email="on")

        response = login(personas.clerical).post(URL, data | {"client_choice": known.pk})

        assert response.status_code == 302
        assert response["Location"] == reverse("intake:contact_detail", args=[open_contact.pk])
        assert Contact.objects.open().filter(client=known).count() == 1
        open_contact.refresh_from_db()
        assert open_contact.concerns == ["anxiety", "sleep"]
        assert "Ringte selv" in open_contact.free_text
        assert reach_now(known).allows(ReachKind.EMAIL)

    def test_the_typed_name_and_municipality_update_the_client_only_when_ticked(
        self, personas, login, known
    ):
        name = (known.first_name, known.last_name)
        data = _second(personas.team, step="confirm", first_name="Kari", last_name="Nyhus")
        http = login(personas.clerical)

        http.post(URL, data | {"client_choice": known.pk})
        known.refresh_from_db()
        assert (known.first_name, known.last_name) == name

        Contact.objects.update(status=Contact.Status.CLOSED)
        http.post(URL, data | {"client_choice": known.pk, "update_name": "1"})
        known.refresh_from_db()
        assert (known.first_name, known.last_name) == ("Kari", "Nyhus")

    def test_the_offer_to_update_names_what_was_typed(self, personas, login, known):
        page = login(personas.clerical).post(URL, _second(personas.team, last_name="Nyhus"))

        assert "Endre klientens navn til Kari Nyhus" in page.content.decode()


class TestTheApi:
    def test_a_client_with_an_open_contact_gets_409_and_nothing_is_saved(
        self, personas, login, known, open_contact
    ):
        data = {"client": known.pk, "channel": "phone", "referrer": "self"}

        response = login(personas.clerical).post(API, data, content_type="application/json")

        assert response.status_code == 409
        assert "åpen henvendelse" in response.json()["non_field_errors"][0]
        assert Contact.objects.count() == 1

    def test_join_open_contact_adds_to_it(self, personas, login, known, open_contact):
        data = {
            "client": known.pk,
            "channel": "phone",
            "referrer": "self",
            "concerns": ["stress"],
            "join_open_contact": True,
        }

        response = login(personas.clerical).post(API, data, content_type="application/json")

        assert response.status_code == 200
        assert response.json()["id"] == open_contact.pk
        assert Contact.objects.count() == 1
        open_contact.refresh_from_db()
        assert open_contact.concerns == ["anxiety", "stress"]

    def test_another_team_cannot_join(self, personas, login, known, open_contact):
        data = {"client": known.pk, "channel": "phone", "referrer": "self"}
        data["join_open_contact"] = True

        response = login(personas.outsider).post(API, data, content_type="application/json")

        assert response.status_code in (403, 404)
        open_contact.refresh_from_db()
        assert open_contact.concerns == ["anxiety"]
