"""What the grant report's and the FHI export's API views share: the team asked for.

The team is the one named by `?team=<id>`, else the user's current one; the user must have a
reporting role there (reporting.exports.access.REPORT_ROLES).
"""

from django.core.exceptions import PermissionDenied
from drf_spectacular.utils import OpenApiParameter
from rest_framework.request import Request

from reporting.exports.access import REPORT_ROLES
from rph.accounts.models import Team
from rph.accounts.teams import current_membership, role_in_team

TEAM = OpenApiParameter("team", int, description="Team id; default: the current team.")


def report_team(request: Request) -> Team:
    requested = request.query_params.get("team", "")
    if requested:
        team_id = int(requested) if requested.isdigit() else None
    else:
        membership = current_membership(request)
        team_id = membership.team_id if membership else None
    if team_id is None or role_in_team(request.user, team_id) not in REPORT_ROLES:
        raise PermissionDenied
    return Team.objects.get(pk=team_id)
