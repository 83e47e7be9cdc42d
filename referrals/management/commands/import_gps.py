from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils.translation import gettext as _

from referrals.gps.services import gps_import


class Command(BaseCommand):
    help = "Import GPs (fastleger) from a CSV file; the columns: docs/letters-and-collaboration.md."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)

    def handle(self, *args: object, file: Path, **options: object) -> None:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise CommandError(
                _("Cannot read the file: %(error)s") % {"error": exc.strerror}
            ) from exc
        report = gps_import(data=data)
        if report.error:
            raise CommandError(report.error)
        for rejected in report.rejected:
            self.stderr.write(
                _("Line %(line)d: %(reason)s") % {"line": rejected.line, "reason": rejected.reason}
            )
        self.stdout.write(report.summary)
