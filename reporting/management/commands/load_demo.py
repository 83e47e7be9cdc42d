from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from intake.demo import load_clients, load_contacts
from referrals.demo import load_referrals
from rph.accounts.demo import DEMO_USERS, load_team
from treatment.demo import load_treatment


class Command(BaseCommand):
    help = "Load the demo team, one user per role and synthetic clients (idempotent)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.FNR_ALLOW_SYNTHETIC:
            raise CommandError(
                "Demo data is for demo systems only (set RPH_ALLOW_SYNTHETIC_FNR=true)."
            )
        with transaction.atomic():
            team = load_team()
            created = load_clients(team)
            contacts = load_contacts(team)
            load_referrals(team)  # GPs, consents, a few collaboration entries
            load_treatment(team)  # episodes, sessions, a course run, guided self-help
        self.stdout.write(
            f"Demo team '{team}': {created} new synthetic clients, {contacts} open contacts."
        )
        self.stdout.write("Demo logins (password / TOTP secret for an authenticator app):")
        for demo in DEMO_USERS:
            self.stdout.write(
                f"  {demo.username:<10} {demo.password:<22} {demo.totp_secret}  ({demo.role.label})"
            )
        self.stdout.write("Current codes: DJANGO_DEBUG=true python manage.py demo_totp")
