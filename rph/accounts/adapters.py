from typing import Any

from allauth.account.adapter import DefaultAccountAdapter
from allauth.account.utils import filter_users_by_email, filter_users_by_username
from django.http import HttpRequest


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
