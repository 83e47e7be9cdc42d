from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.middleware import LoginRequiredMiddleware
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

LOGIN_AT_KEY = "rph_login_at"
# Set at a single sign-on whose ID token showed a second factor (signals.py).
IDP_SECOND_FACTOR_KEY = "rph_idp_second_factor"


class StaffLoginRequiredMiddleware(LoginRequiredMiddleware):
    """Every page needs a login unless marked login_not_required.

    The API answers for itself: DRF authenticates tokens and returns JSON 401/403.
    """

    def process_view(self, request, view_func, view_args, view_kwargs):  # type: ignore[no-untyped-def]
        if request.path.startswith("/api/"):
            return None
        return super().process_view(request, view_func, view_args, view_kwargs)


class SessionLifetimeMiddleware:
    """Idle expiry is SESSION_COOKIE_AGE; this adds the absolute limit from login.

    A signed-in session without a start time (signals.py sets one at every login) has
    expired too: the limit fails closed.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated and _session_expired(request):
            logout(request)
            if request.path.startswith("/api/"):
                return self.get_response(request)  # anonymous now; DRF answers in JSON
            messages.info(request, _("Your session has expired. Please log in again."))
            return redirect(settings.LOGIN_URL)
        return self.get_response(request)


def _session_expired(request: HttpRequest) -> bool:
    started = request.session.get(LOGIN_AT_KEY)
    if started is None:
        return True
    age = timezone.now().timestamp() - started
    return age > settings.SESSION_ABSOLUTE_LIFETIME.total_seconds()


def has_totp(user: object) -> bool:
    from allauth.mfa.models import Authenticator

    return Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()


class RequireSecondFactorMiddleware:
    """Staff without a TOTP authenticator may only set one up (or log out), unless they
    signed in through the identity provider with its second factor."""

    ALLOWED_PREFIXES = ("/accounts/", "/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            settings.MFA_REQUIRED
            and request.user.is_authenticated
            and not request.path.startswith(self.ALLOWED_PREFIXES)
            and not request.session.get(IDP_SECOND_FACTOR_KEY)
            and not has_totp(request.user)
        ):
            if request.path.startswith("/api/"):
                message = _("Two-factor authentication must be set up before you can use RPH.")
                return JsonResponse({"detail": message}, status=403)
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)
