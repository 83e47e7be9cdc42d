"""The grant report as files: PDF (WeasyPrint) and XLSX (openpyxl)."""

import io

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from weasyprint import HTML

from reporting.exports.safety import spreadsheet_safe
from reporting.grant.report import GrantReport


def grant_filename(report: GrantReport, extension: str) -> str:
    area = report.municipality.number if report.municipality else "alle"
    return f"tilskuddsrapport-{report.year}-{area}.{extension}"


def _refuse_fetch(url: str, *args: object, **kwargs: object) -> dict:
    raise ValueError("The grant report loads nothing from outside.")


def grant_pdf(report: GrantReport) -> bytes:
    html = render_to_string(
        "reporting/grant_report_pdf.html", {"report": report, "made_at": timezone.now()}
    )
    pdf = HTML(string=html, url_fetcher=_refuse_fetch).write_pdf()
    assert pdf is not None  # write_pdf returns bytes when given no target
    return pdf


def _area(report: GrantReport) -> str:
    return str(report.municipality) if report.municipality else _("All the team's municipalities")


def grant_xlsx(report: GrantReport) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = str(report.year)
    header = [
        (_("Grant report to Helsedirektoratet"), ""),
        (_("Team"), report.team.name),
        (_("Year"), report.year),
        (_("Municipality"), _area(report)),
        (_("Scheme version"), report.scheme_version),
        ("", ""),
        (_("Line"), _("What"), _("Figure")),
    ]
    for row in header:
        sheet.append([spreadsheet_safe(cell) for cell in row])
    for row in report.rows:
        sheet.append([row.code, spreadsheet_safe(str(row.label)), row.value])
    sheet.column_dimensions["B"].width = 70
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
