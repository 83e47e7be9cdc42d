"""The grant report over the API (figures, PDF, XLSX) for the team lead and the administrator.

The team is chosen as for every export (reporting.exports.api.report_team).
"""

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import HttpResponse, HttpResponseBase
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from reporting.exports.api import TEAM, report_team
from reporting.exports.log import export_log_record
from reporting.grant.files import grant_filename, grant_pdf, grant_xlsx
from reporting.grant.forms import GrantReportForm
from reporting.grant.report import GrantReport, grant_report
from reporting.grant.views import XLSX, grant_parameters
from reporting.models import ExportKind
from rph.audit.models import AccessEvent

YEAR = OpenApiParameter("year", int, required=True)
MUNICIPALITY = OpenApiParameter(
    "municipality", str, description="Four-digit municipality number; default: all the team's."
)


def _grant_report(request: Request) -> GrantReport:
    """The report asked for; a ValidationError (400) says what is wrong."""
    team = report_team(request)
    number = request.query_params.get("municipality", "")
    municipality = team.municipalities.filter(number=number).first() if number else None
    if number and municipality is None:
        detail = _("The team does not serve a municipality with that number.")
        raise serializers.ValidationError({"municipality": [detail]})
    data = {
        "year": request.query_params.get("year", ""),
        "municipality": municipality.pk if municipality else "",
    }
    form = GrantReportForm(data=data, team=team)
    if not form.is_valid():
        raise DjangoValidationError(form.errors.as_data())
    return grant_report(team=team, year=form.cleaned_data["year"], municipality=municipality)


class GrantReportApi(APIView):
    """The grant report's figures; `value` is null when not known."""

    @extend_schema(parameters=[YEAR, MUNICIPALITY, TEAM], responses=OpenApiTypes.OBJECT)
    def get(self, request: Request) -> Response:
        report = _grant_report(request)
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
