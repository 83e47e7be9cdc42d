"""Personas shared by every test: the right role, weaker roles, and an outsider."""

from dataclasses import dataclass

import pytest
from django.core.cache import cache
from django.test import Client as HttpClient

from rph.accounts.models import Team, User
from rph.accounts.roles import Role
from tests.accounts.factories import TeamFactory, member
from tests.intake.factories import ClientFactory


@dataclass
class Personas:
    team: Team
    other_team: Team
    clerical: User
    therapist: User  # in the care team of `client`
    colleague: User  # therapist in the same team, not in the care team
    psychologist: User
    team_lead: User
    admin: User
    outsider: User  # therapist in another team
    client: object


@pytest.fixture(autouse=True)
def _clean_cache():
    """Login rate limits live in the cache; each test starts from none."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def personas(db) -> Personas:
    team = TeamFactory()
    other_team = TeamFactory()
    therapist = member(team, Role.THERAPIST)
    return Personas(
        team=team,
        other_team=other_team,
        clerical=member(team, Role.CLERICAL),
        therapist=therapist,
        colleague=member(team, Role.THERAPIST),
        psychologist=member(team, Role.PSYCHOLOGIST),
        team_lead=member(team, Role.TEAM_LEAD),
        admin=member(team, Role.ADMIN),
        outsider=member(other_team, Role.THERAPIST),
        client=ClientFactory(team=team, care_team=[therapist]),
    )


@pytest.fixture
def login():
    """`login(user)` returns a test client logged in past the second factor."""

    def _login(user: User) -> HttpClient:
        http = HttpClient()
        http.force_login(user)
        return http

    return _login
