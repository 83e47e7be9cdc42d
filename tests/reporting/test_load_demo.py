"""The demo the README's first command loads: one team, one user per role, synthetic clients."""

import io

import phonenumbers
import pytest
from allauth.mfa.models import Authenticator
from django.core.management import CommandError, call_command
from django.utils import timezone

from intake.deadlines import ClockState, clock_state
from intake.fodselsnummer import normalize
from intake.models import Client, Contact
from rph.accounts.models import Team, TeamMembership
from rph.accounts.roles import Role


@pytest.fixture
def demo(db, settings):
    settings.FNR_ALLOW_SYNTHETIC = True
    call_command("load_demo", stdout=io.StringIO())
    return Team.objects.get()


def test_the_demo_is_one_team_serving_two_municipalities_with_one_user_per_role(demo):
    assert demo.municipalities.count() == 2
    roles = sorted(TeamMembership.objects.filter(team=demo).values_list("role", flat=True))
    assert roles == sorted(Role.values)
    assert Authenticator.objects.filter(type=Authenticator.Type.TOTP).count() == len(Role)


def test_demo_clients_have_valid_synthetic_numbers_and_phones(demo):
    clients = Client.objects.filter(team=demo)
    assert clients.count() == 30
    for client in clients:
        assert normalize(client.fodselsnummer) == client.fodselsnummer
        assert int(client.fodselsnummer[2:4]) > 80, "synthetic numbers only (month + 80)"
        assert phonenumbers.is_valid_number(client.phone)


def test_the_intake_queue_has_overdue_due_soon_and_fresh_contacts(demo):
    now = timezone.now()
    states = {
        clock_state(now, c.deadline, demo.due_soon_hours) for c in Contact.objects.for_queue(demo)
    }
    assert {ClockState.OVERDUE, ClockState.DUE_SOON, ClockState.ON_TIME} <= states


def test_loading_twice_adds_nothing(demo):
    contacts = Contact.objects.count()  # the open ones, and those behind the demo's episodes
    call_command("load_demo", stdout=io.StringIO())
    assert (Client.objects.count(), Contact.objects.open().count()) == (30, 6)
    assert Contact.objects.count() == contacts


def test_the_demo_refuses_a_system_that_does_not_accept_synthetic_numbers(db, settings):
    settings.FNR_ALLOW_SYNTHETIC = False
    with pytest.raises(CommandError, match="demo systems only"):
        call_command("load_demo")
    assert not Team.objects.exists()
