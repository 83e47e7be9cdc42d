"""Synthetic Norwegian clients for the demo team. Numbers are synthetic (month + 80)."""

import datetime
import random
from datetime import timedelta

from django.utils import timezone
from faker import Faker

from intake.deadlines import deadline_for
from intake.fodselsnummer import synthetic
from intake.models import (
    Channel,
    Client,
    Concern,
    Contact,
    ContactAttempt,
    ReachKind,
    Referrer,
)
from intake.queue.services import attempt_record
from intake.registration.services import contact_register
from rph.accounts.models import Team, User
from rph.accounts.roles import CLINICAL_ROLES, Role


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
            phone=f"+47 9{rng.randrange(10_000_000):07d}",
            email=fake.free_email(),
            home_municipality=rng.choice(municipalities),
        )
        client.care_team.set(rng.sample(clinicians, k=rng.randint(0, 1)))
    return count


# How the demo's contacts came in: each channel with a referrer that fits it.
DEMO_ROUTES = (
    {"channel": Channel.PHONE, "referrer": Referrer.SELF},
    {"channel": Channel.WEB_FORM, "referrer": Referrer.SELF},
    {"channel": Channel.GP_REFERRAL, "referrer": Referrer.GP, "referrer_name": "Kari Lege"},
    {"channel": Channel.OTHER_REFERRAL, "referrer": Referrer.NAV, "referrer_name": "NAV Sentrum"},
)
# Hours since registration of the demo's open contacts: overdue, due soon and fresh ones.
DEMO_CONTACT_AGES = (52, 40, 38, 20, 3, 1)


def load_contacts(team: Team, seed: int = 2026) -> int:
    """Open contacts in the intake queue, registered some hours ago, with a few attempts."""
    if team.contacts.exists():
        return 0
    rng = random.Random(seed)
    clerical = User.objects.filter(memberships__team=team, memberships__role=Role.CLERICAL).first()
    clients = list(team.clients.filter(care_team=None).order_by("pk")[: len(DEMO_CONTACT_AGES)])
    now = timezone.now()
    for client, hours in zip(clients, DEMO_CONTACT_AGES, strict=False):
        contact = contact_register(
            team=team,
            registered_by=clerical,
            client=client,
            **rng.choice(DEMO_ROUTES),
            concerns=rng.sample([c.value for c in Concern], k=2),
            consents_given=[ReachKind.CALL, ReachKind.SMS, ReachKind.DIGITAL_QUESTIONNAIRES],
        )
        registered_at = now - timedelta(hours=hours)
        Contact.objects.filter(pk=contact.pk).update(
            registered_at=registered_at,
            deadline=deadline_for(registered_at, team.response_promise_hours),
        )
        if hours > 24 and clerical is not None:
            attempt_record(
                contact=contact,
                by=clerical,
                method=ContactAttempt.Method.PHONE,
                outcome=ContactAttempt.Outcome.NO_ANSWER,
            )
    return len(clients)
