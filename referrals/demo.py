"""Demo GPs, each client's GP, consents and a few collaboration entries for the demo team.

The GPs come from the documented example file (docs/fastleger-eksempel.csv), so the example
always imports cleanly.
"""

import random
from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from intake.consents.services import consent_record
from intake.models import Client, Consent, GeneralPractitioner, Party, ReachKind
from referrals.collaboration.services import collaboration_record
from referrals.gps.services import gps_import
from referrals.models import WorkAction
from rph.accounts.models import Team, User
from rph.accounts.roles import Role

EXAMPLE_FILE = settings.BASE_DIR / "docs" / "fastleger-eksempel.csv"
NAV_ADVISERS = ("Kari Lund, NAV Indre Fosen", "Ola Strand, NAV Ørland")


def load_referrals(team: Team, seed: int = 2026) -> None:
    """Idempotent: GPs are imported by HPR number; sharing consents only for a team without any.

    The intake demo has already recorded how each client may be reached, in the same register.
    """
    gps_import(data=EXAMPLE_FILE.read_bytes())
    rng = random.Random(seed)
    clients = list(Client.objects.filter(team=team).order_by("pk"))
    _give_gps(team, clients, rng)
    if Consent.objects.filter(team=team).exclude(party__in=ReachKind.values).exists():
        return
    therapist = User.objects.filter(
        memberships__team=team, memberships__role=Role.THERAPIST
    ).first()
    if therapist is not None:
        _consents_and_entries(clients, therapist, rng)


def _give_gps(team: Team, clients: list[Client], rng: random.Random) -> None:
    gps = list(GeneralPractitioner.objects.serving(team).prefetch_related("municipalities"))
    for client in clients:
        near = [gp for gp in gps if client.home_municipality in gp.municipalities.all()]
        if client.gp_id is None and near:
            client.gp = rng.choice(near)
            client.save(update_fields=["gp", "updated_at"])


def _consents_and_entries(clients: list[Client], by: User, rng: random.Random) -> None:
    """Research consent from most, one objection to the epikrise, some NAV meetings."""
    now = timezone.now()
    for index, client in enumerate(clients):
        when = now - timedelta(days=rng.randint(5, 60))
        if rng.random() < 0.8:
            consent_record(client=client, by=by, party=Party.RESEARCH, given=True, recorded_at=when)
        if index == 0:
            consent_record(
                client=client,
                by=by,
                party=Party.GP,
                given=False,
                note="Ønsker ikke at fastlegen får epikrise nå.",
                recorded_at=when,
            )
        elif index % 5 == 1:
            adviser = NAV_ADVISERS[index % 2]
            consent_record(
                client=client,
                by=by,
                party=Party.NAV,
                recipient=adviser,
                given=True,
                recorded_at=when,
            )
            collaboration_record(
                client=client,
                by=by,
                party=Party.NAV,
                held_on=timezone.localdate(when + timedelta(days=3)),
                participants=f"Klienten, {adviser}, behandler",
                agreed="Gradert sykmelding 50 % i fire uker, ny samtale etter to uker.",
                work_actions=[WorkAction.GRADED_SICK_LEAVE, WorkAction.RETURN_TO_WORK_PLAN],
            )
