from allauth.account.signals import user_logged_in as allauth_logged_in
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.http import HttpRequest
from django.utils import timezone

from rph.accounts.middleware import IDP_SECOND_FACTOR_KEY, LOGIN_AT_KEY
from rph.accounts.sso.adapter import second_factor_at_idp
from rph.accounts.sso.views import END_SESSION_KEY, ID_TOKEN_KEY


@receiver(user_logged_in)
def start_session_clock(sender: object, request: HttpRequest, **kwargs: object) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[LOGIN_AT_KEY] = timezone.now().timestamp()


@receiver(allauth_logged_in)
def remember_idp_second_factor(sender: object, request: HttpRequest, **kwargs: object) -> None:
    """After single sign-on: whether the provider's second factor stands in for our TOTP.
    After a password: never, and nothing of an earlier provider sign-in is kept."""
    if request is None or not hasattr(request, "session"):
        return
    sociallogin = kwargs.get("sociallogin")
    if sociallogin is None:
        for key in (IDP_SECOND_FACTOR_KEY, ID_TOKEN_KEY, END_SESSION_KEY):
            request.session.pop(key, None)
        return
    request.session[IDP_SECOND_FACTOR_KEY] = second_factor_at_idp(sociallogin)
