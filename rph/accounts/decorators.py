from collections.abc import Callable
from functools import wraps
from typing import Concatenate, ParamSpec

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

from rph.accounts.models import TeamMembership
from rph.accounts.roles import Role
from rph.accounts.teams import current_membership

P = ParamSpec("P")
View = Callable[Concatenate[HttpRequest, P], HttpResponse]


def team_role_required(roles: frozenset[Role]) -> Callable[[View[P]], View[P]]:
    """For team-wide pages: the user's role in the current team must be one of `roles`."""

    def decorator(view: View[P]) -> View[P]:
        @wraps(view)
        def wrapper(request: HttpRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponse:
            membership = current_membership(request)
            if membership is None or membership.role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def require_membership(request: HttpRequest) -> TeamMembership:
    membership = current_membership(request)
    if membership is None:
        raise PermissionDenied
    return membership
