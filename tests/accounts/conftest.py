import pytest

from rph.accounts.models import User
from rph.accounts.roles import Role
from tests.accounts.factories import MembershipFactory, UserFactory


@pytest.fixture
def staff(db) -> User:
    """A therapist in a team, with an authenticator app set up."""
    return MembershipFactory(role=Role.THERAPIST).user


@pytest.fixture
def staff_without_authenticator(db) -> User:
    return MembershipFactory(role=Role.THERAPIST, user=UserFactory(totp=False)).user
