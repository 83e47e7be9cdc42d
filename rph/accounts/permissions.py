from typing import TYPE_CHECKING

from rest_framework.permissions import BasePermission

from rph.accounts.teams import roles_by_team

if TYPE_CHECKING:
    from rest_framework.request import Request
    from rest_framework.views import APIView


class IsTeamStaff(BasePermission):
    """Authenticated and a member of at least one team; objects are checked by access helpers."""

    def has_permission(self, request: "Request", view: "APIView") -> bool:
        user = request.user
        return bool(user and user.is_authenticated and roles_by_team(user))
