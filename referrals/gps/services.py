"""The GP registry (fastleger): import from a CSV file, and edits by the team lead.

The file (documented in docs/letters-and-collaboration.md, example in
docs/fastleger-eksempel.csv) is UTF-8, with or without a byte order mark, separated by ';' or
',' (whichever the header line uses), with a header line naming the columns:

    hpr_number;name;practice;address;postcode;town;phone;municipalities

`hpr_number`, `name`, `practice` and `municipalities` are required on every line;
`municipalities` lists the municipality numbers (kommunenummer) the GP serves, separated by
';' (in quotes when ';' also separates the columns). Each line is checked on its own: good
lines are imported (a GP already in the registry, by HPR number, is updated and marked
active), bad lines are reported with their line number and reason. GPs missing from the file
are left as they are, so a file for one municipality does not touch the others.
"""

import csv
import io
import re
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import GeneralPractitioner
from rph.accounts.models import Municipality

COLUMNS = (
    "hpr_number",
    "name",
    "practice",
    "address",
    "postcode",
    "town",
    "phone",
    "municipalities",
)
REQUIRED = ("hpr_number", "name", "practice", "municipalities")
TEXT_FIELDS = ("name", "practice", "address", "postcode", "town", "phone")
MAX_LENGTH = {"name": 150, "practice": 150, "address": 200, "town": 100, "phone": 30}
MAX_FILE_BYTES = 5 * 1024 * 1024
HPR = re.compile(r"^[0-9]{4,9}$")
POSTCODE = re.compile(r"^[0-9]{4}$")
MUNICIPALITY = re.compile(r"^[0-9]{4}$")


@dataclass(frozen=True)
class GpLine:
    line: int
    hpr_number: str
    name: str
    practice: str
    address: str
    postcode: str
    town: str
    phone: str
    municipalities: tuple[str, ...]


@dataclass(frozen=True)
class Rejected:
    line: int
    reason: str


@dataclass
class ImportReport:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[Rejected] = field(default_factory=list)
    error: str = ""  # the whole file was refused: nothing imported

    @property
    def summary(self) -> str:
        return _(
            "New: %(created)d. Updated: %(updated)d. Unchanged: %(unchanged)d. "
            "Rejected lines: %(rejected)d."
        ) % {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": len(self.rejected),
        }


@dataclass(frozen=True)
class Parsed:
    lines: list[GpLine]
    rejected: list[Rejected]
    error: str = ""


def gp_csv_parse(data: bytes, known_municipalities: Collection[str]) -> Parsed:
    """Read and check the file; no database. Good lines and rejected lines, in file order."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return Parsed([], [], _("The file is not UTF-8. Save it as 'CSV UTF-8' and try again."))
    header_line = next((line for line in text.splitlines() if line.strip()), "")
    if not header_line:
        return Parsed([], [], _("The file is empty."))
    delimiter = ";" if header_line.count(";") >= header_line.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(cells for cells in reader if any(cell.strip() for cell in cells))
    except csv.Error:
        return Parsed([], [], _("The file cannot be read as CSV."))
    header = [name.strip().lower() for name in header]
    if error := _header_error(header):
        return Parsed([], [], error)
    lines: list[GpLine] = []
    rejected: list[Rejected] = []
    first_line: dict[str, int] = {}
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error:
            rejected.append(Rejected(start, _("The file cannot be read as CSV from this line on.")))
            break
        if not any(cell.strip() for cell in cells):
            continue
        problems, line = _check_line(start, cells, header, known_municipalities)
        if line is not None and line.hpr_number in first_line:
            problems.append(
                _("The HPR number is also on line %(line)d; only that line is imported.")
                % {"line": first_line[line.hpr_number]}
            )
        if problems or line is None:
            rejected.append(Rejected(start, " ".join(problems)))
        else:
            first_line[line.hpr_number] = start
            lines.append(line)
    return Parsed(lines, rejected)


def _header_error(header: list[str]) -> str:
    """Columns without a name (a spreadsheet's empty cells) are ignored."""
    named = [name for name in header if name]
    unknown = [name for name in named if name not in COLUMNS]
    if unknown:
        return _("Unknown columns in the header line: %(columns)s. The columns are: %(all)s.") % {
            "columns": ", ".join(unknown),
            "all": ", ".join(COLUMNS),
        }
    missing = [name for name in REQUIRED if name not in header]
    if missing:
        return _("The header line lacks the columns: %(columns)s.") % {
            "columns": ", ".join(missing)
        }
    if len(set(named)) != len(named):
        return _("A column is named twice in the header line.")
    return ""


def _check_line(
    number: int, cells: list[str], header: list[str], known: Collection[str]
) -> tuple[list[str], GpLine | None]:
    if len(cells) != len(header):
        return [
            _(
                "Expected %(expected)d columns, found %(found)d. Put values that contain the "
                "separator, such as several municipality numbers, in quotes."
            )
            % {"expected": len(header), "found": len(cells)}
        ], None
    values = {name: " ".join(cell.split()) for name, cell in zip(header, cells, strict=True)}
    problems = []
    hpr = values["hpr_number"].replace(" ", "")
    if not hpr:
        problems.append(_("The HPR number is missing."))
    elif not HPR.match(hpr):
        problems.append(_("The HPR number must be 4 to 9 digits."))
    if not values["name"]:
        problems.append(_("The name is missing."))
    if not values["practice"]:
        problems.append(_("The practice is missing."))
    for name, limit in MAX_LENGTH.items():
        if len(values.get(name, "")) > limit:
            problems.append(
                _("The column %(column)s is longer than %(max)d characters.")
                % {"column": name, "max": limit}
            )
    postcode = values.get("postcode", "")
    if postcode and not POSTCODE.match(postcode):
        problems.append(_("The postcode must be 4 digits."))
    numbers = tuple(n for n in dict.fromkeys(re.split(r"[;,\s]+", values["municipalities"])) if n)
    problems += _municipality_problems(numbers, known)
    line = GpLine(
        line=number,
        hpr_number=hpr,
        municipalities=numbers,
        **{name: values.get(name, "") for name in TEXT_FIELDS},
    )
    return problems, line


def _municipality_problems(numbers: tuple[str, ...], known: Collection[str]) -> list[str]:
    if not numbers:
        return [_("No municipality number: give the municipalities the GP serves.")]
    malformed = [n for n in numbers if not MUNICIPALITY.match(n)]
    if malformed:
        return [
            _("A municipality number is 4 digits: %(numbers)s.") % {"numbers": ", ".join(malformed)}
        ]
    unknown = [n for n in numbers if n not in known]
    if unknown:
        return [_("Unknown municipality numbers: %(numbers)s.") % {"numbers": ", ".join(unknown)}]
    return []


@transaction.atomic
def gps_import(*, data: bytes) -> ImportReport:
    """Import the good lines of a GP file; the report says what happened to every line."""
    if len(data) > MAX_FILE_BYTES:
        return ImportReport(error=_("The file is larger than 5 MB."))
    municipalities = dict(Municipality.objects.values_list("number", "pk"))
    parsed = gp_csv_parse(data, municipalities.keys())
    report = ImportReport(rejected=parsed.rejected, error=parsed.error)
    if parsed.error:
        return report
    existing = {
        gp.hpr_number: gp
        for gp in GeneralPractitioner.objects.filter(
            hpr_number__in=[line.hpr_number for line in parsed.lines]
        ).prefetch_related("municipalities")
    }
    now = timezone.now()
    new, changed, served = [], [], {}
    for line in parsed.lines:
        gp = existing.get(line.hpr_number) or GeneralPractitioner(hpr_number=line.hpr_number)
        wanted = {municipalities[number] for number in line.municipalities}
        if gp.pk is None:
            _fill(gp, line, now)
            new.append(gp)
        elif _differs(gp, line, wanted):
            _fill(gp, line, now)
            changed.append(gp)
        else:
            report.unchanged += 1
            continue
        served[line.hpr_number] = wanted
    GeneralPractitioner.objects.bulk_create(new)
    GeneralPractitioner.objects.bulk_update(
        changed, [*TEXT_FIELDS, "active", "updated_at"], batch_size=500
    )
    _set_municipalities(new + changed, served)
    report.created, report.updated = len(new), len(changed)
    return report


def _fill(gp: GeneralPractitioner, line: GpLine, now: datetime) -> None:
    for name in TEXT_FIELDS:
        setattr(gp, name, getattr(line, name))
    gp.active = True
    gp.updated_at = now


def _differs(gp: GeneralPractitioner, line: GpLine, wanted: set[int]) -> bool:
    return (
        any(getattr(gp, name) != getattr(line, name) for name in TEXT_FIELDS)
        or not gp.active
        or {m.pk for m in gp.municipalities.all()} != wanted
    )


def _set_municipalities(gps: list[GeneralPractitioner], served: dict[str, set[int]]) -> None:
    if not gps:
        return
    through = GeneralPractitioner.municipalities.through
    through.objects.filter(generalpractitioner__in=gps).delete()
    through.objects.bulk_create(
        through(generalpractitioner_id=gp.pk, municipality_id=municipality)
        for gp in gps
        for municipality in served[gp.hpr_number]
    )


@transaction.atomic
def gp_save(
    *, gp: GeneralPractitioner, municipalities: Collection[Municipality]
) -> GeneralPractitioner:
    """Create or change one GP; raises ValidationError (and saves nothing) on bad input."""
    if not municipalities:
        raise ValidationError({"municipalities": [_("Choose the municipalities the GP serves.")]})
    gp.full_clean()
    gp.save()
    gp.municipalities.set(municipalities)
    return gp
