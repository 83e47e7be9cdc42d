"""Editing a client's contact details: bad input gets a Norwegian message and saves nothing."""

import datetime

import pytest
from django.urls import reverse

from intake.models import Client
from tests.accounts.factories import MunicipalityFactory
from tests.intake.factories import ClientFactory
from tests.intake.fnr_numbers import number, with_wrong_check_digit

VALID_FNR = number(datetime.date(1985, 3, 14))


def _url(client) -> str:
    return reverse("intake:client_edit", args=[client.pk])


def _form(client, **changes) -> dict:
    data = {
        "first_name": client.first_name,
        "last_name": client.last_name,
        "fodselsnummer": client.fodselsnummer,
        "phone": str(client.phone),
        "email": client.email,
        "home_municipality": client.home_municipality_id,
        "version": client.version,
    }
    return data | changes


def _saved(client) -> dict:
    return Client.objects.filter(pk=client.pk).values().get()


def test_clerical_staff_can_change_the_contact_details(personas, login):
    client = personas.client
    data = _form(client, last_name="Nyhus", fodselsnummer=VALID_FNR, phone="+47 912 34 567")

    response = login(personas.clerical).post(_url(client), data, follow=True)

    client.refresh_from_db()
    assert (client.last_name, client.fodselsnummer) == ("Nyhus", VALID_FNR)
    assert str(client.phone) == "+4791234567"
    assert "Kontaktopplysningene er lagret." in response.content.decode()


def test_a_fodselsnummer_written_with_a_space_is_accepted(personas, login):
    client = personas.client
    spaced = f"{VALID_FNR[:6]} {VALID_FNR[6:]}"

    login(personas.clerical).post(_url(client), _form(client, fodselsnummer=spaced))

    client.refresh_from_db()
    assert client.fodselsnummer == VALID_FNR


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        (
            "fodselsnummer",
            with_wrong_check_digit(VALID_FNR),
            "Fødselsnummeret er ikke gyldig (kontrollsifrene stemmer ikke).",
        ),
        ("fodselsnummer", "1403850000", "Fødselsnummeret må ha 11 sifre."),
        ("home_municipality", "987654", "Velg et gyldig valg."),
        ("first_name", "x" * 1_000_000, "Sørg for at denne verdien har 100 eller færre tegn"),
        ("email", "kari@", "Oppgi en gyldig epost-adresse."),
        ("phone", "12", "Tast inn et gyldig telefonnummer"),
        ("last_name", "", "Dette feltet er påkrevd."),
    ],
    ids=[
        "bad checksum",
        "too short",
        "unknown municipality",
        "1 MB name",
        "e-mail",
        "phone",
        "no name",
    ],
)
def test_bad_input_is_explained_in_norwegian_and_nothing_is_saved(
    personas, login, field, value, message
):
    client = personas.client
    before = _saved(client)

    response = login(personas.clerical).post(_url(client), _form(client, **{field: value}))

    assert response.status_code == 200
    assert message in response.content.decode()
    assert _saved(client) == before


def test_a_municipality_outside_the_teams_area_is_refused(personas, login):
    client = personas.client
    elsewhere = personas.other_team.municipalities.first()
    nowhere = MunicipalityFactory()
    before = _saved(client)

    for municipality in (elsewhere, nowhere):
        response = login(personas.clerical).post(
            _url(client), _form(client, home_municipality=municipality.pk)
        )
        assert "Velg et gyldig valg." in response.content.decode()
    assert _saved(client) == before


def test_a_fodselsnummer_another_client_in_the_team_has_is_refused(personas, login):
    ClientFactory(team=personas.team, fodselsnummer=VALID_FNR)
    client = personas.client
    before = _saved(client)

    response = login(personas.clerical).post(_url(client), _form(client, fodselsnummer=VALID_FNR))

    assert (
        "En klient med dette fødselsnummeret er allerede registrert i teamet."
        in response.content.decode()
    )
    assert _saved(client) == before


def test_the_same_fodselsnummer_may_be_a_client_in_another_team(personas, login):
    ClientFactory(team=personas.other_team, fodselsnummer=VALID_FNR)
    client = personas.client

    login(personas.clerical).post(_url(client), _form(client, fodselsnummer=VALID_FNR))

    client.refresh_from_db()
    assert client.fodselsnummer == VALID_FNR


def test_markup_in_a_name_is_kept_as_text_and_never_run(personas, login):
    payload = "<script>alert('x')</script>"
    client = personas.client
    http = login(personas.clerical)

    http.post(_url(client), _form(client, last_name=payload))
    page = http.get(reverse("intake:client_detail", args=[client.pk])).content.decode()

    client.refresh_from_db()
    assert client.last_name == payload
    assert payload not in page
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in page


def test_a_stale_form_is_refused_shows_the_saved_phone_and_keeps_the_new_email(personas, login):
    client = personas.client
    stale = _form(client, email="ny@example.no")
    login(personas.clerical).post(_url(client), _form(client, phone="+47 912 34 567"))

    response = login(personas.therapist).post(_url(client), stale)

    page = response.content.decode()
    assert response.status_code == 200
    assert "Noen andre endret kontaktopplysningene" in page
    assert 'data-testid="conflict-changes"' in page
    assert "+4791234567" in page or "912 34 567" in page
    assert response.context["form"]["email"].value() == "ny@example.no"
    client.refresh_from_db()
    assert str(client.phone) == "+4791234567"
    assert client.email != "ny@example.no"


def test_saving_again_after_the_conflict_keeps_both_changes(personas, login):
    client = personas.client
    stale = _form(client, email="ny@example.no")
    login(personas.clerical).post(_url(client), _form(client, phone="+47 912 34 567"))
    http = login(personas.therapist)
    form = http.post(_url(client), stale).context["form"]

    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data["phone"] = "+47 912 34 567"
    http.post(_url(client), data)

    client.refresh_from_db()
    assert (str(client.phone), client.email) == ("+4791234567", "ny@example.no")
