"""Client.objects.possible_duplicates: who the registration form offers as the same person."""

import datetime

import pytest

from intake.models import Client
from tests.accounts.factories import TeamFactory
from tests.intake.factories import ClientFactory
from tests.intake.registration_data import BORN, synthetic_fnr, synthetic_numbers

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("synthetic_numbers")]
__all__ = ["synthetic_numbers"]


@pytest.fixture
def team():
    return TeamFactory()


@pytest.fixture
def kari(team):
    return ClientFactory(
        team=team,
        first_name="Kari",
        last_name="Nordmann",
        birth_date=BORN,
        fodselsnummer=synthetic_fnr(BORN),
        phone="+4741234567",
    )


def _found(team, **query) -> list[Client]:
    return list(Client.objects.possible_duplicates(team, **query))


def test_the_same_fodselsnummer_is_offered(team, kari):
    assert _found(team, fodselsnummer=kari.fodselsnummer, first_name="Ola") == [kari]


def test_a_fodselsnummer_typed_with_a_space_is_offered(team, kari):
    typed = f"{kari.fodselsnummer[:6]} {kari.fodselsnummer[6:]}"

    assert _found(team, fodselsnummer=typed) == [kari]


def test_the_same_birth_date_and_a_similar_name_is_offered(team, kari):
    assert _found(team, birth_date=BORN, first_name="kari", last_name="nordman") == [kari]


def test_the_same_birth_date_with_another_name_is_not_offered(team, kari):
    assert _found(team, birth_date=BORN, first_name="Per", last_name="Hansen") == []


def test_a_similar_name_with_another_birth_date_is_not_offered(team, kari):
    other_day = datetime.date(1990, 5, 18)

    assert _found(team, birth_date=other_day, first_name="Kari", last_name="Nordmann") == []


@pytest.mark.parametrize("typed", ["+47 412 34 567", "41234567", "412 34 567"])
def test_the_same_phone_in_any_formatting_is_offered(team, kari, typed):
    assert _found(team, phone=typed, first_name="Someone", last_name="Else") == [kari]


def test_nothing_to_compare_offers_nobody(team, kari):
    assert _found(team) == []
    assert _found(team, phone="not a number", fodselsnummer="") == []


def test_another_teams_client_is_never_offered(team, kari):
    other = TeamFactory()

    assert (
        _found(
            other,
            fodselsnummer=kari.fodselsnummer,
            birth_date=BORN,
            first_name="Kari",
            last_name="Nordmann",
            phone="41234567",
        )
        == []
    )


def test_every_match_is_offered_once_in_name_order(team, kari):
    twin = ClientFactory(team=team, first_name="Kari", last_name="Andersen", phone="+4790000000")
    twin_by_name = ClientFactory(
        team=team, first_name="Kari", last_name="Nordmann", birth_date=BORN, phone="+4790000001"
    )

    found = _found(
        team,
        fodselsnummer=kari.fodselsnummer,
        birth_date=BORN,
        first_name="Kari",
        last_name="Nordmann",
        phone="90000000",
    )

    assert found == [twin, kari, twin_by_name]


def test_the_query_count_is_fixed(team, kari, django_assert_num_queries):
    ClientFactory.create_batch(5, team=team, birth_date=BORN)

    with django_assert_num_queries(2):
        found = _found(team, birth_date=BORN, first_name="Kari", last_name="Nordmann")
        [str(c.home_municipality) for c in found]
