"""The grant report as the Directorate gets it: a PDF to read and a spreadsheet to check."""

import io

import openpyxl
import pypdf
import pytest
from django.urls import reverse
from django.utils import translation

from reporting.grant.files import grant_pdf, grant_xlsx
from reporting.grant.report import grant_report
from reporting.models import ExportKind, ExportLog
from tests.reporting.export_data import YEAR, build_year

pytestmark = pytest.mark.django_db


def _pdf_text(body: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(body))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_pdf_names_team_year_area_and_scheme_and_lists_every_line(personas):
    build_year(personas)
    m1 = personas.team.municipalities.order_by("pk").first()
    report = grant_report(team=personas.team, year=YEAR, municipality=m1)

    with translation.override("nb"):
        text = _pdf_text(grant_pdf(report))

    assert "Tilskuddsrapport til Helsedirektoratet" in text
    assert personas.team.name in text
    assert "2025" in text
    assert m1.name in text
    assert "Versjon av skjemaet" in text
    assert "Henvendelser" in text
    assert "Årsverk" in text
    assert "2,00" in text  # M1's own full-time equivalents
    assert "16,0" in text  # median wait in days


def test_the_spreadsheet_has_one_row_per_line_with_numbers_as_numbers(personas):
    build_year(personas)
    report = grant_report(team=personas.team, year=YEAR, municipality=None)

    book = openpyxl.load_workbook(io.BytesIO(grant_xlsx(report)))

    sheet = book.active
    rows = [row for row in sheet.iter_rows(values_only=True)]
    figures = {row[0]: row[2] for row in rows[7:]}
    assert rows[2][1] == YEAR
    assert figures["1"] == 6
    assert figures["7a"] == 19.0
    assert figures["9a"] == 4.5
    assert len(figures) == len(report.rows)


def test_a_team_name_that_looks_like_a_formula_stays_text_in_the_spreadsheet(personas):
    personas.team.name = '=HYPERLINK("http://evil.example","Klikk")'
    personas.team.save()
    report = grant_report(team=personas.team, year=YEAR, municipality=None)

    sheet = openpyxl.load_workbook(io.BytesIO(grant_xlsx(report))).active

    assert sheet["B2"].value == "'" + personas.team.name
    assert sheet["B2"].data_type == "s"


def test_downloading_the_pdf_and_the_spreadsheet_is_logged(personas, login):
    build_year(personas)
    http = login(personas.team_lead)
    query = {"year": YEAR, "municipality": ""}

    pdf = http.get(reverse("reporting:grant_report_pdf"), query)
    xlsx = http.get(reverse("reporting:grant_report_xlsx"), query)

    assert pdf["Content-Type"] == "application/pdf"
    assert pdf["Content-Disposition"] == 'attachment; filename="tilskuddsrapport-2025-alle.pdf"'
    assert "Henvendelser" in _pdf_text(pdf.content)
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active["A1"].value
    log = ExportLog.objects.order_by("pk")
    assert [(e.kind, e.file_format, e.row_count, e.user) for e in log] == [
        (ExportKind.GRANT_PDF, "pdf", 17, personas.team_lead),
        (ExportKind.GRANT_XLSX, "xlsx", 17, personas.team_lead),
    ]
    assert log[0].parameters == {"year": 2025, "municipality": None, "scheme": "2026"}
