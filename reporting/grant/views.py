from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from reporting.exports.access import REPORT_ROLES
from reporting.exports.log import export_log_record
from reporting.grant.files import grant_filename, grant_pdf, grant_xlsx
from reporting.grant.forms import GrantReportForm, StaffingForm, last_year
from reporting.grant.report import GrantReport, grant_report
from reporting.grant.services import staffing_save
from reporting.models import ExportKind, ExportLog, Staffing
from rph.accounts.decorators import require_membership, team_role_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@team_role_required(REPORT_ROLES)
def exports(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    log = ExportLog.objects.filter(team=team).select_related("user")[:20]
    return render(request, "reporting/grant_exports.html", {"log": log})


def _report_form(request: HttpRequest) -> GrantReportForm:
    team = require_membership(request).team
    data = request.GET if "year" in request.GET else {"year": last_year()}
    return GrantReportForm(data, team=team)


def _report(form: GrantReportForm) -> GrantReport:
    return grant_report(
        team=form.team,
        year=form.cleaned_data["year"],
        municipality=form.cleaned_data["municipality"],
    )


@team_role_required(REPORT_ROLES)
def grant_report_page(request: HttpRequest) -> HttpResponse:
    form = _report_form(request)
    report = _report(form) if form.is_valid() else None
    context = {"form": form, "report": report, "query": _query(report)}
    return render(request, "reporting/grant_report.html", context)


def _query(report: GrantReport | None) -> str:
    """The download links ask for the report on the page."""
    if report is None:
        return ""
    area = report.municipality.pk if report.municipality else ""
    return urlencode({"year": report.year, "municipality": area})


def _download(request: HttpRequest, kind: ExportKind) -> HttpResponse:
    form = _report_form(request)
    if not form.is_valid():
        context = {"form": form, "report": None, "query": ""}
        return render(request, "reporting/grant_report.html", context)
    report = _report(form)
    if kind == ExportKind.GRANT_PDF:
        body, content_type, extension = grant_pdf(report), "application/pdf", "pdf"
    else:
        body, content_type, extension = grant_xlsx(report), XLSX, "xlsx"
    export_log_record(
        user=request.user,
        team=report.team,
        kind=kind,
        file_format=extension,
        row_count=len(report.rows),
        parameters=grant_parameters(report),
    )
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{grant_filename(report, extension)}"'
    return response


def grant_parameters(report: GrantReport) -> dict[str, object]:
    return {
        "year": report.year,
        "municipality": report.municipality.number if report.municipality else None,
        "scheme": report.scheme_version,
    }


@team_role_required(REPORT_ROLES)
def grant_report_pdf(request: HttpRequest) -> HttpResponse:
    return _download(request, ExportKind.GRANT_PDF)


@team_role_required(REPORT_ROLES)
def grant_report_xlsx(request: HttpRequest) -> HttpResponse:
    return _download(request, ExportKind.GRANT_XLSX)


@team_role_required(REPORT_ROLES)
def staffing(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    form = StaffingForm(request.POST or None, team=team, initial={"year": last_year()})
    if request.method == "POST" and form.is_valid():
        try:
            staffing_save(team=team, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The staffing is saved."))
            return redirect("reporting:staffing")
    rows = Staffing.objects.for_team(team)
    return render(request, "reporting/grant_staffing.html", {"form": form, "rows": rows})
