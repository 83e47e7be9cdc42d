import hashlib
import logging
from typing import Any

from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.models import SocialLogin
from django.conf import settings
from django.http import HttpRequest

from rph.accounts.models import User
from rph.accounts.sso.rules import idp_second_factor

logger = logging.getLogger("rph.security")


def id_token_claims(sociallogin: SocialLogin) -> dict[str, Any]:
    return dict(sociallogin.account.extra_data.get("id_token") or {})


def second_factor_at_idp(sociallogin: SocialLogin) -> bool:
    return idp_second_factor(
        id_token_claims(sociallogin),
        amr_values=settings.OIDC_MFA_AMR,
        acr_values=settings.OIDC_MFA_ACR,
    )


class MunicipalSocialAccountAdapter(DefaultSocialAccountAdapter):
    """A staff user signs in through the identity provider only once an administrator has
    linked their account to the provider's subject (admin: Social accounts, or `manage.py
    sso_link`), unless RPH_OIDC_AUTO_CREATE lets the first sign-in create one without a team.
    Roles are never read from the token: team memberships are given in RPH."""

    def is_open_for_signup(self, request: HttpRequest, sociallogin: SocialLogin) -> bool:
        if not settings.OIDC_AUTO_CREATE:
            logger.warning("single sign-on refused: subject not linked to an RPH user")
            return False
        return True

    def populate_user(self, request: HttpRequest, sociallogin: SocialLogin, data: dict) -> User:
        user = super().populate_user(request, sociallogin, data)
        # A username of its own (never the provider's, which could name someone else here),
        # and no e-mail address another user already has.
        digest = hashlib.sha256(sociallogin.account.uid.encode()).hexdigest()[:12]
        user.username = f"sso-{digest}"
        if user.email and User.objects.filter(email__iexact=user.email).exists():
            user.email = ""
        return user

    def save_user(self, request: HttpRequest, sociallogin: SocialLogin, form: Any = None) -> User:
        user = super().save_user(request, sociallogin, form)
        logger.info("single sign-on created user %s without a team", user.pk)
        return user
