"""contact_register and self_referral_submit: the services behind every registration."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.exceptions import ValidationError

from intake.consents.services import reach_now
from intake.models import Channel, Client, Contact, ReachKind, Referrer
from intake.registration.services import (
    contact_register,
    self_referral_submit,
    team_for_municipality,
)
from tests.accounts.factories import MunicipalityFactory, TeamFactory, UserFactory
from tests.intake.factories import ClientFactory
from tests.intake.registration_data import BORN, synthetic_fnr, synthetic_numbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_numbers")]
__all__ = ["synthetic_numbers"]

OSLO = ZoneInfo("Europe/Oslo")


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def clerk():
    # No password hashing and no second factor: the service only records who registered.
    return UserFactory(password=None, totp=False)


def _register(team, clerk, **overrides):
    fields = {
        "team": team,
        "registered_by": clerk,
        "first_name": "Kari",
        "last_name": "Nordmann",
        "phone": "+47 412 34 599",
        "birth_date": BORN,
        "home_municipality": team.municipalities.first(),
        "channel": Channel.PHONE,
        "referrer": Referrer.SELF,
    }
    return contact_register(**(fields | overrides))


def _errors(excinfo) -> dict[str, list[str]]:
    return excinfo.value.message_dict


@time_machine.travel(datetime.datetime(2026, 3, 27, 10, 0, tzinfo=OSLO), tick=False)
def test_it_creates_a_client_and_an_open_contact_with_the_clock_running(team, clerk):
    contact = _register(
        team,
        clerk,
        concerns=["sleep", "anxiety", "sleep"],
        free_text="  Ringte selv.  ",
        consents_given=[ReachKind.CALL, ReachKind.DIGITAL_QUESTIONNAIRES],
    )

    contact.refresh_from_db()
    client = contact.client
    assert (client.team, client.first_name, client.last_name) == (team, "Kari", "Nordmann")
    assert str(client.phone) == "+4741234599"
    assert client.birth_date == BORN
    assert list(client.care_team.all()) == []
    assert contact.status == Contact.Status.OPEN
    assert contact.registered_by == clerk
    assert contact.concerns == ["sleep", "anxiety"]
    assert contact.free_text == "Ringte selv."
    assert contact.age_at_contact == 35
    reach = reach_now(client)
    assert (reach.allows(ReachKind.CALL), reach.allows(ReachKind.SMS)) == (True, False)
    assert reach.allows(ReachKind.DIGITAL_QUESTIONNAIRES)
    assert reach.lines[ReachKind.CALL].recorded_by == clerk
    # 48 elapsed hours, across the change to summer time: the wall clock shows 11:00.
    assert contact.deadline == datetime.datetime(2026, 3, 29, 11, 0, tzinfo=OSLO)


def test_the_deadline_follows_the_teams_own_promise(team, clerk):
    team.response_promise_hours = 168
    team.save()

    contact = _register(team, clerk)

    assert contact.deadline - contact.registered_at == datetime.timedelta(hours=168)


def test_the_birth_date_is_read_from_the_fodselsnummer_and_d_numbers_are_accepted(team, clerk):
    number = synthetic_fnr(BORN, d_number=True)

    contact = _register(team, clerk, fodselsnummer=number[:6] + " " + number[6:], birth_date=None)

    assert contact.client.fodselsnummer == number
    assert contact.client.birth_date == BORN


def test_an_age_is_kept_when_the_birth_date_is_not_known(team, clerk):
    contact = _register(team, clerk, birth_date=None, age=42)

    assert contact.age_at_contact == 42
    assert contact.client.birth_date is None


def test_someone_younger_than_16_is_registered_and_flagged(team, clerk):
    contact = _register(team, clerk, birth_date=None, age=15)

    assert contact.pk is not None
    assert contact.under_minimum_age


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"fodselsnummer": "12345678901"}, "fodselsnummer", "kontrollsifrene"),
        ({"fodselsnummer": "1234"}, "fodselsnummer", "11 sifre"),
        ({"birth_date": datetime.date(2999, 1, 1)}, "birth_date", "fram i tid"),
        ({"home_municipality": None}, "home_municipality", "teamets område"),
        ({"phone": "", "email": ""}, "phone", "telefonnummer eller en e-postadresse"),
        ({"phone": "12"}, "phone", "Telefonnummeret er ugyldig"),
        ({"free_text": "x" * 5001}, "free_text", "5000"),
        ({"referrer": Referrer.GP}, "referrer_name", "fastlegens navn"),
        ({"channel": "pigeon"}, "channel", "kom inn"),
        ({"concerns": ["anxiety", "boredom"]}, "concerns", "hva henvendelsen gjelder"),
        ({"age": 300, "birth_date": None}, "age", "mellom 0 og 130"),
        ({"first_name": ""}, "first_name", "Feltet kan ikke være blankt"),
    ],
)
def test_bad_input_is_refused_with_a_norwegian_message_and_nothing_saved(
    team, clerk, overrides, field, message
):
    with pytest.raises(ValidationError) as excinfo:
        _register(team, clerk, **overrides)

    assert message in " ".join(_errors(excinfo)[field])
    assert Client.objects.count() == 0
    assert Contact.objects.count() == 0


def test_a_municipality_of_another_team_is_refused(team, clerk):
    elsewhere = TeamFactory().municipalities.first()

    with pytest.raises(ValidationError) as excinfo:
        _register(team, clerk, home_municipality=elsewhere)

    assert _errors(excinfo)["home_municipality"] == ["Kommunen hører ikke til teamets område."]
    assert Client.objects.count() == 0


def test_a_birth_date_that_contradicts_the_fodselsnummer_is_refused(team, clerk):
    with pytest.raises(ValidationError) as excinfo:
        _register(
            team, clerk, fodselsnummer=synthetic_fnr(BORN), birth_date=datetime.date(1991, 1, 1)
        )

    assert "stemmer ikke" in _errors(excinfo)["birth_date"][0]
    assert Client.objects.count() == 0


def test_a_fodselsnummer_already_in_the_team_is_refused_but_another_team_may_have_it(team, clerk):
    number = synthetic_fnr(BORN)
    ClientFactory(team=team, fodselsnummer=number)
    other = TeamFactory()

    with pytest.raises(ValidationError) as excinfo:
        _register(team, clerk, fodselsnummer=number)
    elsewhere = _register(
        other, None, fodselsnummer=number, home_municipality=other.municipalities.first()
    )

    assert "allerede registrert" in _errors(excinfo)["fodselsnummer"][0]
    assert elsewhere.client.team == other


def test_a_returning_client_gets_a_new_contact_on_the_same_record(team, clerk):
    client = ClientFactory(team=team, phone="+4790000001", email="", birth_date=None)
    first = _register(team, clerk, client=client)
    Contact.objects.filter(pk=first.pk).update(status=Contact.Status.CLOSED)

    second = _register(
        team, clerk, client=client, phone="+4790000002", email="ny@example.no", first_name="Ola"
    )

    client.refresh_from_db()
    assert first.client == second.client == client
    assert client.contacts.count() == 2
    assert Client.objects.count() == 1
    # Blanks are filled in; what the record already has is never overwritten.
    assert (str(client.phone), client.email, client.birth_date) == (
        "+4790000001",
        "ny@example.no",
        BORN,
    )
    assert client.first_name != "Ola"


def test_a_client_with_an_open_contact_gets_no_second_one(team, clerk):
    client = ClientFactory(team=team)
    _register(team, clerk, client=client)

    with pytest.raises(ValidationError) as refused:
        _register(team, clerk, client=client)

    assert refused.value.code == "open_contact"
    assert client.contacts.count() == 1


def test_a_client_of_another_team_cannot_get_the_contact(team, clerk):
    stranger = ClientFactory(team=TeamFactory())

    with pytest.raises(ValueError, match="another team"):
        _register(team, clerk, client=stranger)
    assert Contact.objects.count() == 0


def test_a_self_referral_goes_to_the_team_serving_the_municipality():
    shared = MunicipalityFactory()
    TeamFactory(name="B-laget", municipalities=[shared])
    first = TeamFactory(name="A-laget", municipalities=[shared])

    contact = self_referral_submit(
        home_municipality=shared, first_name="Kari", last_name="Nordmann", phone="41234599"
    )

    assert team_for_municipality(shared) == first
    assert contact.team == first
    assert (contact.channel, contact.referrer) == (Channel.WEB_FORM, Referrer.SELF)
    assert contact.registered_by is None
    assert reach_now(contact.client).allows(ReachKind.CALL)
    assert list(contact.client.care_team.all()) == []


def test_a_self_referral_from_a_municipality_without_a_team_is_refused():
    lonely = MunicipalityFactory()

    with pytest.raises(ValidationError) as excinfo:
        self_referral_submit(
            home_municipality=lonely, first_name="Kari", last_name="Nordmann", phone="41234599"
        )

    assert "home_municipality" in _errors(excinfo)
    assert Contact.objects.count() == 0


def test_a_self_referral_joins_the_client_with_the_same_phone_and_a_similar_name(team):
    known = ClientFactory(team=team, first_name="Kari", last_name="Nordmann", phone="+4741234599")
    ClientFactory(team=team, first_name="Ola", last_name="Nordmann", phone="+4741234599")

    same = self_referral_submit(
        home_municipality=team.municipalities.first(),
        first_name="kari",
        last_name="nordman",
        phone="412 34 599",
    )
    stranger = self_referral_submit(
        home_municipality=team.municipalities.first(),
        first_name="Per",
        last_name="Hansen",
        phone="412 34 599",
    )

    assert same.client == known
    assert stranger.client not in (known,)
    assert stranger.client.first_name == "Per"
