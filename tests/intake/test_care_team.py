"""The team lead chooses a client's care team, from the clinicians of the client's team."""

import re

from django.urls import reverse

from rph.accounts.roles import Role
from tests.accounts.factories import member


def _url(client) -> str:
    return reverse("intake:client_care_team", args=[client.pk])


def _offered(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'name="members" value="(\d+)"', page)}


def _care_team(client) -> set:
    return set(client.care_team.all())


def test_the_team_lead_can_only_choose_clinicians_of_the_same_team(personas, login):
    page = login(personas.team_lead).get(_url(personas.client)).content.decode()

    clinicians = (personas.therapist, personas.colleague, personas.psychologist, personas.team_lead)
    assert _offered(page) == {clinician.pk for clinician in clinicians}


def test_the_team_lead_sets_the_care_team(personas, login):
    client = personas.client
    chosen = [personas.colleague.pk, personas.psychologist.pk]

    response = login(personas.team_lead).post(_url(client), {"members": chosen}, follow=True)

    assert _care_team(client) == {personas.colleague, personas.psychologist}
    assert "Behandlerteamet er oppdatert." in response.content.decode()


def test_another_teams_clinician_cannot_be_put_in_the_care_team(personas, login):
    client = personas.client
    other_lead = member(personas.other_team, Role.TEAM_LEAD)

    for stranger in (personas.outsider, other_lead):
        response = login(personas.team_lead).post(
            _url(client), {"members": [personas.colleague.pk, stranger.pk]}
        )
        assert response.status_code == 200
        assert f"Velg et gyldig valg. {stranger.pk} er ikke et av de tilgjengelige valgene." in (
            response.content.decode()
        )
    assert _care_team(client) == {personas.therapist}


def test_clerical_staff_cannot_join_a_care_team(personas, login):
    client = personas.client

    login(personas.team_lead).post(_url(client), {"members": [personas.clerical.pk]})

    assert _care_team(client) == {personas.therapist}


def test_a_therapist_cannot_change_the_care_team(personas, login):
    client = personas.client

    response = login(personas.therapist).post(_url(client), {"members": [personas.colleague.pk]})

    assert response.status_code == 403
    assert _care_team(client) == {personas.therapist}


def test_an_inactive_clinician_is_not_offered(personas, login):
    personas.colleague.is_active = False
    personas.colleague.save()

    page = login(personas.team_lead).get(_url(personas.client)).content.decode()

    assert personas.therapist.pk in _offered(page)
    assert personas.colleague.pk not in _offered(page)
