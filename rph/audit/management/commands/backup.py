from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rph.audit.backups import BackupError, backup_create


class Command(BaseCommand):
    help = "Back up the database (pg_dump custom format, or an SQLite copy), keep the newest N."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("--dir", default=settings.BACKUP_DIR, type=Path)
        parser.add_argument("--keep", default=settings.BACKUP_KEEP, type=int)
        parser.add_argument(
            "--passphrase-file",
            type=Path,
            default=settings.BACKUP_PASSPHRASE_FILE or None,
            help="encrypt with gpg (AES-256) using the passphrase in this file",
        )

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        if options["keep"] < 1:
            raise CommandError("--keep must be at least 1")
        try:
            path = backup_create(
                directory=options["dir"],
                keep=options["keep"],
                passphrase_file=options["passphrase_file"],
            )
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(str(path))
