from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, filter_users_by_username
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.http import urlencode

from rph.accounts.sso.views import END_SESSION_KEY, ID_TOKEN_KEY


def _account_pks(credentials: dict[str, Any]) -> set[int]:
    """The accounts a typed login could name, by e-mail address and by username."""
    pks: set[int] = set()
    if email := credentials.get("email"):
        pks.update(user.pk for user in filter_users_by_email(email))
    if username := credentials.get("username"):
        pks.update(filter_users_by_username(username).values_list("pk", flat=True))
    return pks


class StaffAccountAdapter(DefaultAccountAdapter):
    """Staff accounts are created by an administrator; nobody signs up."""

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False

    def _get_login_attempts_cache_key(self, request: HttpRequest, **credentials: Any) -> str:
        # allauth counts failed logins per typed login, so an account's username and its
        # e-mail address would each get their own allowance. Count per account instead;
        # a login that names no single account keeps allauth's key.
        pks = _account_pks(credentials)
        if len(pks) == 1:
            return f"account:{pks.pop()}"
        return super()._get_login_attempts_cache_key(request, **credentials)

    def get_login_stages(self) -> list[str]:
        # The TOTP step knows when the identity provider's second factor counts instead.
        stages = super().get_login_stages()
        return [
            "rph.accounts.stages.SecondFactorStage"
            if stage == "allauth.mfa.stages.AuthenticateStage"
            else stage
            for stage in stages
        ]

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        # allauth asks before the session ends: after a single sign-on, end the identity
        # provider's session too, which then sends the browser back to the login page.
        id_token = request.session.get(ID_TOKEN_KEY, "")
        end_session = request.session.get(END_SESSION_KEY, "")
        if not (request.user.is_authenticated and id_token and end_session):
            return super().get_logout_redirect_url(request)
        back = request.build_absolute_uri(reverse(settings.LOGIN_URL))
        query = urlencode({"id_token_hint": id_token, "post_logout_redirect_uri": back})
        return f"{end_session}?{query}"
