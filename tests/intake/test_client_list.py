"""The client list: the current team's clients only, "my clients", a fixed query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rph.audit.models import AccessEvent
from tests.intake.factories import ClientFactory

URL = reverse("intake:client_list")


def test_the_list_shows_the_teams_clients_and_not_another_teams(personas, login):
    other = ClientFactory(team=personas.other_team, last_name="Utenforsen")

    page = login(personas.clerical).get(URL).content.decode()

    assert personas.client.last_name in page
    assert other.last_name not in page


def test_another_teams_therapist_sees_none_of_the_teams_clients(personas, login):
    page = login(personas.outsider).get(URL).content.decode()

    assert personas.client.last_name not in page
    assert "Ingen klienter." in page


def test_my_clients_are_those_in_whose_care_team_i_am(personas, login):
    not_mine = ClientFactory(team=personas.team, last_name="Ikkeminsen")

    mine = login(personas.therapist).get(URL, {"mine": "1"}).content.decode()
    everyone = login(personas.therapist).get(URL).content.decode()

    assert personas.client.last_name in mine
    assert not_mine.last_name not in mine
    assert not_mine.last_name in everyone


def test_a_colleague_outside_every_care_team_has_no_clients_of_their_own(personas, login):
    page = login(personas.colleague).get(URL, {"mine": "1"}).content.decode()

    assert personas.client.last_name not in page
    assert "Ingen klienter." in page


def test_looking_at_the_list_is_not_logged_as_a_record_view(personas, login):
    before = AccessEvent.objects.count()

    login(personas.team_lead).get(URL)

    assert AccessEvent.objects.count() == before


def _queries_for_list(http, query: dict) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(URL, query)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("query", [{}, {"mine": "1"}], ids=["whole team", "my clients"])
def test_the_list_costs_the_same_number_of_queries_for_5_and_50_clients(personas, login, query):
    ClientFactory.create_batch(4, team=personas.team, care_team=[personas.therapist])
    http = login(personas.therapist)
    with_5 = _queries_for_list(http, query)

    ClientFactory.create_batch(45, team=personas.team, care_team=[personas.therapist])
    with_50 = _queries_for_list(http, query)

    assert personas.team.clients.count() == 50
    assert with_50 == with_5
