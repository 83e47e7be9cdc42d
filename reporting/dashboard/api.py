"""The dashboard over the API, for the team lead and the administrator.

`dashboard/` gives every figure with its numerator, denominator and rule version;
`dashboard/<key>/` the ids of the rows (and clients) behind one figure. Same filters as the
page (`fra`, `til`, `kommune`, `behandler`); the team is `?team=<id>`, else the current one.
Only ids leave here: a client's name is fetched through the client endpoint, which logs it.
"""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.exceptions import NotFound
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting.dashboard.queries import dashboard_for
from reporting.figures.base import Figure
from reporting.filters import DASHBOARD_ROLES, Filters, read_filters
from rph.accounts.models import Team
from rph.accounts.teams import current_membership, role_in_team

PARAMETERS = [
    OpenApiParameter("team", int, description="Team id; default: the current team."),
    OpenApiParameter("fra", str, description="First day, dd.mm.yyyy or yyyy-mm-dd."),
    OpenApiParameter("til", str, description="Last day; default: the last 12 months."),
    OpenApiParameter("kommune", int, description="Municipality id (one of the team's)."),
    OpenApiParameter("behandler", int, description="Therapist (user) id."),
]


def _filters(request: Request) -> Filters:
    requested = request.query_params.get("team", "")
    if requested:
        team_id = int(requested) if requested.isdigit() else None
    else:
        membership = current_membership(request)
        team_id = membership.team_id if membership else None
    if team_id is None or role_in_team(request.user, team_id) not in DASHBOARD_ROLES:
        raise PermissionDenied
    team = Team.objects.get(pk=team_id)
    filters, form = read_filters(request.query_params, team=team, today=timezone.localdate())
    if filters is None:
        raise DjangoValidationError(form.errors.as_data())
    return filters


def _summary(figure: Figure) -> dict[str, object]:
    return {
        "key": figure.key,
        "label": str(figure.label),
        "value": figure.value,
        "unit": figure.unit.value,
        "numerator": figure.numerator,
        "denominator": figure.denominator,
        "rule_version": figure.rule_version,
        "rows": figure.rows.value,
    }


def _applied(filters: Filters) -> dict[str, object]:
    return {
        "team": filters.team.pk,
        "from": filters.period.first.isoformat(),
        "to": filters.period.last.isoformat(),
        "municipality": filters.municipality.pk if filters.municipality else None,
        "therapist": filters.therapist.pk if filters.therapist else None,
    }


class Dashboard(APIView):
    @extend_schema(operation_id="dashboard", parameters=PARAMETERS, responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        filters = _filters(request)
        board = dashboard_for(filters, now=timezone.now())
        sections = [
            {
                "key": section.key,
                "title": str(section.title),
                "figures": [_summary(f) for f in section.all_figures()],
            }
            for section in board.sections
        ]
        return Response({"filters": _applied(filters), "sections": sections})


class DashboardFigure(APIView):
    @extend_schema(
        operation_id="dashboard_figure", parameters=PARAMETERS, responses=OpenApiTypes.OBJECT
    )
    def get(self, request: Request, key: str) -> Response:
        filters = _filters(request)
        figure = dashboard_for(filters, now=timezone.now()).figure(key)
        if figure is None:
            raise NotFound
        body = _summary(figure) | {
            "filters": _applied(filters),
            "ids": list(figure.ids),
            "client_ids": list(figure.client_ids),
            "denominator_ids": (
                None if figure.denominator_ids is None else list(figure.denominator_ids)
            ),
            "denominator_client_ids": list(figure.denominator_client_ids),
            "values": {str(pk): _plain(v) for pk, v in figure.values.items()},
        }
        return Response(body)


def _plain(value: object) -> object:
    return value if isinstance(value, int | float) or value is None else str(value)
