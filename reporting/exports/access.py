"""Who may export, and the fresh login an export of client-level data needs.

Reports and exports are for the team lead and the administrator. The FHI export carries
client-level data, so it also asks the user to prove who they are again, with allauth's
own reauthentication pages: the password, then the authenticator code (TOTP) when the user
has one. Each counts for ACCOUNT_REAUTHENTICATION_TIMEOUT seconds (allauth's default: 5 min).
"""

import time
from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from allauth.account import app_settings as account_settings
from allauth.account.authentication import get_authentication_records
from allauth.mfa.models import Authenticator
from django.contrib.auth import REDIRECT_FIELD_NAME
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import urlencode

from rph.accounts.roles import LEAD_ROLES, Role

REPORT_ROLES = LEAD_ROLES | {Role.ADMIN}

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def _recent_methods(request: HttpRequest) -> set[str]:
    cutoff = time.time() - account_settings.REAUTHENTICATION_TIMEOUT
    return {
        record["method"]
        for record in get_authentication_records(request, request.user)
        if record.get("reauthenticated") and record.get("at", 0) > cutoff
    }


def missing_reauthentication(request: HttpRequest) -> str | None:
    """The URL name of the allauth page still to pass, or None when both are fresh."""
    user = request.user
    methods = _recent_methods(request)
    if user.has_usable_password() and "password" not in methods:
        return "account_reauthenticate"
    has_totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists()
    if has_totp and "mfa" not in methods:
        return "mfa_reauthenticate"
    return None


def export_reauthentication_required(view: View[P]) -> View[P]:
    """Send the user through reauthentication and back to this page (a POST is not
    replayed: the user sends the form again, so the export key never rests in the session)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
        missing = missing_reauthentication(request)
        if missing is not None:
            query = urlencode({REDIRECT_FIELD_NAME: request.path})
            return HttpResponseRedirect(f"{reverse(missing)}?{query}")
        return view(request, *args, **kwargs)

    return wrapper
