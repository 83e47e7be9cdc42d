from allauth.socialaccount.models import SocialAccount
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rph.accounts.models import User


class Command(BaseCommand):
    help = (
        "Link a staff user to the identity provider's subject (the ID token's `sub`), so they "
        "can sign in through single sign-on. The subject comes from the provider's "
        "administrator; a name or an e-mail address is never used to link."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("subject")

    def handle(self, *args: object, username: str, subject: str, **options: object) -> None:
        user = User.objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user named {username!r}.")
        provider = settings.OIDC_PROVIDER_ID
        other = SocialAccount.objects.filter(provider=provider, uid=subject).first()
        if other is not None and other.user_id != user.pk:
            raise CommandError("That subject is linked to another user; unlink it first.")
        SocialAccount.objects.update_or_create(
            user=user, provider=provider, defaults={"uid": subject}
        )
        self.stdout.write(f"User {user.pk} signs in as subject {subject}.")
