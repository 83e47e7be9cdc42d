"""Writing the FHI files without holding them in memory.

CSV is produced line by line for a StreamingHttpResponse. XLSX is written by openpyxl in
write-only mode (rows go straight to its temporary XML) into an anonymous temporary file,
which a FileResponse then streams and closes (the file is gone when it is closed).
"""

import csv
import datetime
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from typing import IO

from openpyxl import Workbook

from reporting.exports.safety import spreadsheet_safe
from reporting.fhi.dataset import Column


class _Line:
    """A file-like object whose write() hands back what csv.writer wrote."""

    def write(self, text: str) -> str:
        return text


def _csv_cell(value: object) -> object:
    if isinstance(value, datetime.date):
        return value.isoformat()
    return spreadsheet_safe(value)


def csv_lines(columns: Sequence[Column], rows: Iterable[Sequence[object]]) -> Iterator[str]:
    writer = csv.writer(_Line())
    yield writer.writerow([column.name for column in columns])
    for row in rows:
        yield writer.writerow([_csv_cell(value) for value in row])


def xlsx_file(
    columns: Sequence[Column], rows: Iterable[Sequence[object]], sheet_title: str
) -> tuple[IO[bytes], int]:
    """The workbook in a temporary file, rewound, and the number of data rows written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title)
    sheet.append([column.name for column in columns])
    count = 0
    for row in rows:
        sheet.append([spreadsheet_safe(value) for value in row])
        count += 1
    target = tempfile.TemporaryFile()  # noqa: SIM115 (the response closes it)
    book.save(target)
    target.seek(0)
    return target, count


def dictionary_lines(tables: Iterable[tuple[str, Sequence[Column]]]) -> Iterator[str]:
    """The data dictionary as CSV: file, column, type, meaning, allowed values."""
    writer = csv.writer(_Line())
    yield writer.writerow(["file", "column", "type", "meaning", "allowed_values"])
    for table, columns in tables:
        for column in columns:
            cells = [table, column.name, column.type, str(column.meaning), column.allowed_values]
            yield writer.writerow(cells)
