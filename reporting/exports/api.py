"""The grant report and the FHI export over the API, for the team lead and the administrator.

The team is the one named by `?team=<id>`, else the user's current one. The FHI export
needs the same fresh login as the web page: a session that has passed allauth's
reauthentication (password, then TOTP) within the last minutes. An API token cannot prove
that, so token users get 403 with a message to use the web page.
"""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse, HttpResponseBase
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting.exports.access import REPORT_ROLES, missing_reauthentication
from reporting.exports.log import export_log_record
from reporting.fhi.dataset import FHI_TABLES
from reporting.fhi.forms import FhiExportForm
from reporting.fhi.views import fhi_download
from reporting.grant.files import grant_filename, grant_pdf, grant_xlsx
from reporting.grant.forms import GrantReportForm
from reporting.grant.report import GrantReport, grant_report
from reporting.grant.views import XLSX, grant_parameters
from reporting.models import ExportKind
from rph.accounts.models import Team
from rph.accounts.teams import current_membership, role_in_team
from rph.audit.models import AccessEvent

TEAM = OpenApiParameter("team", int, description="Team id; default: the current team.")
YEAR = OpenApiParameter("year", int, required=True)
MUNICIPALITY = OpenApiParameter(
    "municipality", str, description="Four-digit municipality number; default: all the team's."
)


def _report_team(request: Request) -> Team:
    requested = request.query_params.get("team", "")
    if requested:
        team_id = int(requested) if requested.isdigit() else None
    else:
        membership = current_membership(request)
        team_id = membership.team_id if membership else None
    if team_id is None or role_in_team(request.user, team_id) not in REPORT_ROLES:
        raise PermissionDenied
    return Team.objects.get(pk=team_id)


def _grant_report(request: Request) -> GrantReport | Response:
    """The report asked for, or a 400 answer saying what is wrong."""
    team = _report_team(request)
    number = request.query_params.get("municipality", "")
    municipality = team.municipalities.filter(number=number).first() if number else None
    if number and municipality is None:
        detail = _("The team does not serve a municipality with that number.")
        return Response({"municipality": [detail]}, status=status.HTTP_400_BAD_REQUEST)
    data = {
        "year": request.query_params.get("year", ""),
        "municipality": municipality.pk if municipality else "",
    }
    form = GrantReportForm(data=data, team=team)
    if not form.is_valid():
        return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
    return grant_report(team=team, year=form.cleaned_data["year"], municipality=municipality)


class GrantReportApi(APIView):
    """The grant report's figures; `value` is null when not known."""

    @extend_schema(parameters=[YEAR, MUNICIPALITY, TEAM], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        report = _grant_report(request)
        if isinstance(report, Response):
            return report
        return Response(
            {
                "team": report.team.pk,
                "year": report.year,
                "municipality": report.municipality.number if report.municipality else None,
                "scheme_version": report.scheme_version,
                "lines": [
                    {
                        "code": row.code,
                        "label": str(row.label),
                        "value": float(row.value) if row.value is not None else None,
                    }
                    for row in report.rows
                ],
            }
        )


class _GrantFileApi(APIView):
    kind: ExportKind

    @extend_schema(parameters=[YEAR, MUNICIPALITY, TEAM], responses={200: OpenApiTypes.BINARY})
    def get(self, request: Request) -> HttpResponseBase:
        report = _grant_report(request)
        if isinstance(report, Response):
            return report
        if self.kind == ExportKind.GRANT_PDF:
            body, content_type, extension = grant_pdf(report), "application/pdf", "pdf"
        else:
            body, content_type, extension = grant_xlsx(report), XLSX, "xlsx"
        export_log_record(
            user=request.user,
            team=report.team,
            kind=self.kind,
            file_format=extension,
            row_count=len(report.rows),
            parameters=grant_parameters(report),
            channel=AccessEvent.Channel.API,
        )
        response = HttpResponse(body, content_type=content_type)
        disposition = f'attachment; filename="{grant_filename(report, extension)}"'
        response["Content-Disposition"] = disposition
        return response


class GrantPdfApi(_GrantFileApi):
    """The grant report as PDF."""

    kind = ExportKind.GRANT_PDF


class GrantXlsxApi(_GrantFileApi):
    """The grant report as a spreadsheet (XLSX)."""

    kind = ExportKind.GRANT_XLSX


class FhiDictionaryApi(APIView):
    """The FHI export's data dictionary: each file's columns, types, meanings and values."""

    @extend_schema(parameters=[TEAM], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        _report_team(request)
        return Response(
            {
                table: [
                    {
                        "name": column.name,
                        "type": column.type,
                        "meaning": str(column.meaning),
                        "allowed_values": column.allowed_values,
                    }
                    for column in columns
                ]
                for table, columns in FHI_TABLES
            }
        )


def _reauthentication_refused(request: Request) -> Response | None:
    if request.auth is not None:  # a token: no way to prove a fresh login
        detail = _(
            "The FHI export needs a fresh login with password and authenticator code. "
            "API tokens cannot give that: export from the web page, %(url)s."
        ) % {"url": reverse("reporting:fhi_export")}
        body = {"detail": detail, "code": "reauthentication_unavailable"}
        return Response(body, status=status.HTTP_403_FORBIDDEN)
    missing = missing_reauthentication(request)
    if missing is not None:
        detail = _(
            "Confirm your password and authenticator code first (they count for a few "
            "minutes), then try again."
        )
        body = {"detail": detail, "code": "reauthentication_required", "url": reverse(missing)}
        return Response(body, status=status.HTTP_403_FORBIDDEN)
    return None


class FhiExportApi(APIView):
    """The FHI evaluation export as CSV (streamed), for clients who consented to research.

    Body: `key` (optional, at least 16 characters; default the app's key) and
    `shift_dates` (optional, false). Logged like the web page's export.
    """

    @extend_schema(
        parameters=[TEAM],
        request=OpenApiTypes.OBJECT,
        responses={200: OpenApiTypes.BINARY, 403: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request, table: str) -> HttpResponseBase:
        team = _report_team(request)
        if (refused := _reauthentication_refused(request)) is not None:
            return refused
        if not isinstance(request.data, dict):
            return Response({"detail": _("Send a JSON object.")}, status=400)
        data = {
            "table": table,
            "file_format": "csv",
            "key": request.data.get("key", ""),
            "shift_dates": request.data.get("shift_dates") is True,
        }
        form = FhiExportForm(data=data)
        if not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        return fhi_download(
            user=request.user, team=team, channel=AccessEvent.Channel.API, **form.cleaned_data
        )
