"""Synthetic Norwegian clients for the demo team. Numbers are synthetic (month + 80)."""

import datetime
import random

from faker import Faker

from intake.fodselsnummer import synthetic
from intake.models import Client
from rph.accounts.models import Team, User
from rph.accounts.roles import CLINICAL_ROLES


def load_clients(team: Team, count: int = 30, seed: int = 2026) -> int:
    if team.clients.exists():
        return 0
    fake = Faker("no_NO")
    fake.seed_instance(seed)
    rng = random.Random(seed)
    municipalities = list(team.municipalities.all())
    clinicians = list(
        User.objects.filter(memberships__team=team, memberships__role__in=CLINICAL_ROLES)
    )
    for _ in range(count):
        born = fake.date_between(datetime.date(1950, 1, 1), datetime.date(1999, 12, 31))
        client = Client.objects.create(
            team=team,
            first_name=fake.first_name(),
            last_name=fake.last_name(),
            fodselsnummer=synthetic(born, rng),
            phone=f"+47 4{rng.randrange(10_000_000):07d}",
            email=fake.free_email(),
            home_municipality=rng.choice(municipalities),
        )
        client.care_team.set(rng.sample(clinicians, k=rng.randint(0, 1)))
    return count
