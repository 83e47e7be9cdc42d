from django.http import (
    FileResponse,
    HttpRequest,
    HttpResponse,
    HttpResponseBase,
    StreamingHttpResponse,
)
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from reporting.exports.access import REPORT_ROLES, export_reauthentication_required
from reporting.exports.log import export_log_record
from reporting.fhi.dataset import (
    EPISODE_COLUMNS,
    EVENT_COLUMNS,
    FHI_TABLES,
    Pseudonymiser,
    episode_count,
    episode_rows,
    event_count,
    event_rows,
    export_key,
)
from reporting.fhi.files import csv_lines, dictionary_lines, xlsx_file
from reporting.fhi.forms import FhiExportForm
from reporting.models import ExportKind
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.models import Team, User
from rph.audit.models import AccessEvent

TABLES = {
    "episodes": (ExportKind.FHI_EPISODES, EPISODE_COLUMNS, episode_rows, episode_count),
    "events": (ExportKind.FHI_EVENTS, EVENT_COLUMNS, event_rows, event_count),
}
CSV = "text/csv; charset=utf-8"


def fhi_download(
    *,
    user: User,
    team: Team,
    table: str,
    file_format: str,
    key: str,
    shift_dates: bool,
    channel: str = AccessEvent.Channel.UI,
) -> HttpResponseBase:
    """Log the export before any of it is sent; CSV goes out as it is written, XLSX from
    its temporary file once complete (so its log row has the rows written)."""
    kind, columns, rows, count = TABLES[table]
    names = Pseudonymiser(export_key(key), shift_dates)
    filename = f"fhi-{table}-{timezone.localdate():%Y-%m-%d}.{file_format}"
    parameters = {"table": table, "key": "entered" if key else "app", "dates_shifted": shift_dates}
    log = {"user": user, "team": team, "kind": kind, "parameters": parameters, "channel": channel}
    if file_format == "xlsx":
        target, written = xlsx_file(columns, rows(team, names), table)
        export_log_record(file_format="xlsx", row_count=written, **log)
        return FileResponse(target, as_attachment=True, filename=filename)
    export_log_record(file_format="csv", row_count=count(team), **log)
    response = StreamingHttpResponse(csv_lines(columns, rows(team, names)), content_type=CSV)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@team_role_required(REPORT_ROLES)
@export_reauthentication_required
def fhi_export(request: HttpRequest) -> HttpResponseBase:
    team = require_membership(request).team
    form = FhiExportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        return fhi_download(user=request.user, team=team, **form.cleaned_data)
    return render(request, "reporting/fhi_export.html", {"form": form})


@require_GET
@team_role_required(REPORT_ROLES)
def fhi_dictionary(request: HttpRequest) -> HttpResponse:
    return render(request, "reporting/fhi_dictionary.html", {"tables": FHI_TABLES})


@require_GET
@team_role_required(REPORT_ROLES)
def fhi_dictionary_file(request: HttpRequest) -> HttpResponse:
    response = HttpResponse("".join(dictionary_lines(FHI_TABLES)), content_type=CSV)
    response["Content-Disposition"] = 'attachment; filename="fhi-datakatalog.csv"'
    return response
