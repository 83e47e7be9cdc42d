"""The staff page for registering a contact: personas, the duplicate step, bad input."""

import datetime

import pytest
from django.urls import reverse

from intake.consents.services import reach_now
from intake.models import Client, Contact
from tests.accounts.factories import TeamFactory
from tests.intake.factories import ClientFactory
from tests.intake.registration_data import BORN, register_form, synthetic_fnr, synthetic_numbers

pytestmark = pytest.mark.usefixtures("synthetic_numbers")
__all__ = ["synthetic_numbers"]

URL = reverse("intake:contact_register")


def _counts() -> tuple[int, int]:
    return Client.objects.count(), Contact.objects.count()


@pytest.mark.parametrize(
    "persona", ["clerical", "therapist", "colleague", "psychologist", "team_lead"]
)
def test_everyone_who_works_with_clients_may_register(personas, login, persona):
    user = getattr(personas, persona)
    http = login(user)

    page = http.get(URL)
    saved = http.post(URL, register_form(personas.team))

    assert page.status_code == 200
    assert "Registrer henvendelse" in page.content.decode()
    contact = Contact.objects.get()
    assert saved.status_code == 302
    assert saved["Location"] == contact.client.get_absolute_url()
    assert contact.registered_by == user
    assert contact.team == personas.team


def test_the_administrator_may_not_register(personas, login):
    http = login(personas.admin)
    before = _counts()

    assert http.get(URL).status_code == 403
    assert http.post(URL, register_form(personas.team)).status_code == 403
    assert _counts() == before


def test_anonymous_visitors_are_sent_to_the_login_page(db, client):
    response = client.get(URL)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_form_offers_only_the_current_teams_municipalities(personas, login):
    page = login(personas.outsider).get(URL).content.decode()

    for municipality in personas.other_team.municipalities.all():
        assert municipality.name in page
    for municipality in personas.team.municipalities.all():
        assert f'value="{municipality.pk}"' not in page


def test_the_navigation_offers_registration_to_client_roles_only(personas, login):
    link = f'href="{URL}"'

    assert link in login(personas.clerical).get(reverse("home")).content.decode()
    assert link not in login(personas.admin).get(reverse("home")).content.decode()


def test_a_new_person_is_registered_with_the_clock_running(personas, login):
    http = login(personas.clerical)

    response = http.post(URL, register_form(personas.team), follow=True)

    contact = Contact.objects.get()
    assert contact.client.first_name == "Kari"
    assert contact.concerns == ["anxiety", "sleep"]
    reach = reach_now(contact.client)
    assert [reach.allows(kind) for kind in ("call", "sms", "email")] == [True, True, False]
    promise = datetime.timedelta(hours=personas.team.response_promise_hours)
    assert contact.deadline - contact.registered_at == promise
    assert "Henvendelsen er registrert." in response.content.decode()
    assert list(contact.client.care_team.all()) == []


class TestPossibleDuplicates:
    def test_a_known_phone_shows_the_client_and_saves_nothing_yet(self, personas, login):
        known = personas.client
        known.birth_date = BORN
        known.save()
        before = _counts()

        response = login(personas.clerical).post(
            URL, register_form(personas.team, phone="41234567")
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert "Denne personen kan allerede være registrert" in page
        assert f'value="{known.pk}"' in page
        assert known.last_name in page
        assert "17.05.1990" in page
        assert str(known.home_municipality) in page
        assert 'name="step" value="confirm"' in page
        assert _counts() == before

    def test_choosing_the_client_puts_the_new_contact_on_that_record(self, personas, login):
        known = personas.client
        data = register_form(personas.team, phone="+47 412 34 567", step="confirm")

        response = login(personas.clerical).post(URL, data | {"client_choice": known.pk})

        assert response.status_code == 302
        assert response["Location"] == known.get_absolute_url()
        assert Client.objects.count() == 1
        assert known.contacts.count() == 1

    def test_choosing_new_registers_another_client(self, personas, login):
        data = register_form(personas.team, phone="41234567", step="confirm")

        response = login(personas.clerical).post(URL, data | {"client_choice": "new"})

        assert response.status_code == 302
        assert Client.objects.count() == 2
        assert Contact.objects.get().client != personas.client

    def test_the_choice_must_be_one_of_the_candidates(self, personas, login):
        stranger = ClientFactory(team=personas.other_team, phone="+4741234567")
        data = register_form(personas.team, phone="41234567", step="confirm")
        before = _counts()

        response = login(personas.clerical).post(URL, data | {"client_choice": stranger.pk})

        assert response.status_code == 200
        assert "Velg en av klientene, eller registrer en ny klient." in response.content.decode()
        assert _counts() == before
        assert stranger.contacts.count() == 0

    def test_the_same_fodselsnummer_is_found(self, personas, login):
        number = synthetic_fnr(BORN)
        ClientFactory(team=personas.team, fodselsnummer=number, phone="+4790000009")

        response = login(personas.clerical).post(
            URL, register_form(personas.team, fodselsnummer=number, birth_date="")
        )

        assert 'data-testid="duplicates"' in response.content.decode()

    def test_a_similar_name_with_the_same_birth_date_is_found(self, personas, login):
        ClientFactory(
            team=personas.team,
            first_name="Kari",
            last_name="Nordmann",
            birth_date=BORN,
            phone="+4790000009",
        )

        response = login(personas.clerical).post(
            URL, register_form(personas.team, first_name="kari", last_name="nordman")
        )

        assert 'data-testid="duplicates"' in response.content.decode()

    def test_another_teams_client_is_never_offered(self, personas, login):
        stranger = ClientFactory(
            team=personas.other_team,
            first_name="Kari",
            last_name="Nordmann",
            birth_date=BORN,
            phone="+4741234599",
        )

        response = login(personas.clerical).post(URL, register_form(personas.team))

        assert response.status_code == 302
        assert stranger.contacts.count() == 0


class TestUnderSixteen:
    def test_the_form_warns_and_asks_for_confirmation(self, personas, login):
        before = _counts()

        response = login(personas.clerical).post(
            URL, register_form(personas.team, birth_date="", age="15")
        )

        page = response.content.decode()
        assert response.status_code == 200
        assert 'data-testid="under-age-warning"' in page
        assert "Tilbudet er for personer fra 16 år" in page
        assert _counts() == before

    def test_after_confirmation_the_contact_is_saved_and_flagged(self, personas, login):
        data = register_form(personas.team, birth_date="", age="15", step="confirm")

        response = login(personas.clerical).post(URL, data, follow=True)

        contact = Contact.objects.get()
        assert contact.under_minimum_age
        assert "Personen er yngre enn 16 år." in response.content.decode()

    def test_16_year_olds_need_no_confirmation(self, personas, login):
        response = login(personas.clerical).post(
            URL, register_form(personas.team, birth_date="", age="16")
        )

        assert response.status_code == 302


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"fodselsnummer": "12345678901"}, "kontrollsifrene stemmer ikke"),
        ({"fodselsnummer": "12ab"}, "Fødselsnummeret"),
        ({"birth_date": "01.01.2999"}, "Fødselsdatoen kan ikke være fram i tid."),
        ({"birth_date": "31.02.1990"}, "gyldig dato"),
        ({"home_municipality": "999999"}, "Velg en av kommunene i listen."),
        ({"phone": "", "email": ""}, "Oppgi et telefonnummer eller en e-postadresse"),
        ({"phone": "abc"}, "Tast inn et gyldig telefonnummer"),
        ({"email": "not-an-address"}, "Oppgi en gyldig epost-adresse."),
        ({"free_text": "x" * 1_000_000}, "5000 eller færre tegn"),
        ({"birth_date": "", "age": ""}, "Oppgi alder eller fødselsdato."),
        ({"referrer": "gp", "referrer_name": ""}, "Skriv fastlegens navn."),
        ({"channel": "pigeon"}, "gyldig valg"),
        ({"concerns": ["boredom"]}, "gyldig valg"),
    ],
    ids=lambda value: str(value)[:40],
)
def test_bad_input_gets_a_norwegian_message_and_nothing_is_saved(
    personas, login, overrides, message
):
    before = _counts()

    response = login(personas.clerical).post(URL, register_form(personas.team, **overrides))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Henvendelsen ble ikke registrert." in response.content.decode()
    assert _counts() == before


def test_another_teams_municipality_is_refused(personas, login):
    elsewhere = TeamFactory().municipalities.first()
    before = _counts()

    response = login(personas.clerical).post(
        URL, register_form(personas.team, home_municipality=elsewhere.pk)
    )

    assert "Velg en av kommunene i listen." in response.content.decode()
    assert _counts() == before


def test_a_body_over_the_upload_limit_gets_a_message_not_an_error(personas, login, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 100_000
    before = _counts()

    response = login(personas.clerical).post(
        URL, register_form(personas.team, free_text="x" * 200_000)
    )

    # The middleware reads the body before the view (as CSRF does in production): Django's 400.
    assert response.status_code == 400
    assert "Forespørselen kunne ikke tas imot" in response.content.decode()
    assert _counts() == before


def test_markup_in_a_name_is_kept_as_text_and_shown_escaped(personas, login):
    payload = "<script>alert('x')</script>"
    http = login(personas.clerical)

    response = http.post(URL, register_form(personas.team, last_name=payload), follow=True)

    client = Client.objects.get(pk=Contact.objects.get().client_id)
    assert client.last_name == payload
    page = response.content.decode()
    assert payload not in page
    assert "&lt;script&gt;" in page


def test_markup_in_a_candidates_name_is_shown_escaped(personas, login):
    payload = "<script>alert('x')</script>"
    ClientFactory(team=personas.team, last_name=payload, phone="+4741234599")

    response = login(personas.clerical).post(URL, register_form(personas.team))

    page = response.content.decode()
    assert 'data-testid="duplicates"' in page
    assert payload not in page
