import tempfile
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from rph.audit.backups import BackupError, backup_restore


class Command(BaseCommand):
    help = "Replace the database's contents with a backup made by `manage.py backup`."

    def add_arguments(self, parser):  # type: ignore[no-untyped-def]
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--passphrase-file", type=Path, default=settings.BACKUP_PASSPHRASE_FILE or None
        )
        parser.add_argument("--yes", action="store_true", help="do not ask before replacing")

    def handle(self, *args, **options):  # type: ignore[no-untyped-def]
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"no backup at {path}")
        if not options["yes"]:
            answer = input("This replaces everything in the database. Type 'yes' to go on: ")
            if answer.strip() != "yes":
                raise CommandError("nothing restored")
        with tempfile.TemporaryDirectory() as workdir:
            try:
                backup_restore(
                    path=path, workdir=Path(workdir), passphrase_file=options["passphrase_file"]
                )
            except BackupError as exc:
                raise CommandError(str(exc)) from exc
        self.stdout.write(f"restored {path.name}")
