"""The demo's GPs, consents and collaboration entries (referrals/demo.py)."""

import pytest

from intake.demo import load_clients
from intake.models import Client, Consent, GeneralPractitioner, Party
from referrals.consents.services import objects_to_epikrise
from referrals.demo import load_referrals
from referrals.models import CollaborationEntry
from rph.accounts.demo import load_team


@pytest.fixture
def demo(db, settings):
    settings.FNR_ALLOW_SYNTHETIC = True
    team = load_team()
    load_clients(team)
    load_referrals(team)
    return team


def test_the_demo_team_has_gps_and_every_client_one_from_their_municipality(demo):
    assert GeneralPractitioner.objects.serving(demo).count() >= 8
    for client in Client.objects.filter(team=demo).select_related("gp"):
        assert client.home_municipality in client.gp.municipalities.all()


def test_most_clients_consent_to_research_and_one_objects_to_the_epikrise(demo):
    clients = Client.objects.filter(team=demo)
    research = Consent.objects.current().filter(party=Party.RESEARCH, given=True).count()

    assert research >= 0.6 * clients.count()
    assert [c for c in clients if objects_to_epikrise(c)] == [clients.order_by("pk").first()]
    assert CollaborationEntry.objects.filter(consent__isnull=False).exists()


def test_loading_twice_adds_nothing(demo):
    counts = GeneralPractitioner.objects.count(), Consent.objects.count()

    load_referrals(demo)

    assert (GeneralPractitioner.objects.count(), Consent.objects.count()) == counts
