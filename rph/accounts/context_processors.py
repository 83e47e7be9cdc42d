from django.conf import settings
from django.http import HttpRequest

from rph.accounts.navigation import items_for
from rph.accounts.roles import Role
from rph.accounts.teams import current_membership


def navigation(request: HttpRequest) -> dict[str, object]:
    membership = current_membership(request)
    role = Role(membership.role) if membership else None
    return {
        "nav_items": items_for(role) if request.user.is_authenticated else [],
        "current_membership": membership,
        "mfa_switched_off": not settings.MFA_REQUIRED,
        "local_login": settings.LOCAL_LOGIN,
        "sso_enabled": settings.OIDC_ENABLED,
        "sso_name": settings.OIDC_NAME,
    }
