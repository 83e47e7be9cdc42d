import time

from allauth.mfa import app_settings as mfa_settings
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rph.accounts.demo import DEMO_USERS


class Command(BaseCommand):
    help = "Print the current TOTP code of each demo user (demo systems only)."

    def handle(self, *args: object, **options: object) -> None:
        if not settings.FNR_ALLOW_SYNTHETIC:
            raise CommandError("Only on demo systems.")
        counter = int(time.time()) // mfa_settings.TOTP_PERIOD
        for demo in DEMO_USERS:
            code = format_hotp_value(hotp_value(demo.totp_secret, counter))
            self.stdout.write(f"{demo.username:<10} {code}")
