"""Backups of the database and their restore: PostgreSQL with pg_dump/pg_restore (custom
format: the schema, the data, the append-only triggers and functions), SQLite with its
online backup API. Optionally encrypted with a passphrase file (gpg, AES-256), kept for a
number of backups (oldest deleted first). docs/operations.md#backup-and-restore.
"""

import os
import sqlite3
import subprocess
from datetime import UTC, datetime
from pathlib import Path

from django.db import connections

PREFIX = "rph-"
ENCRYPTED = ".gpg"


class BackupError(Exception):
    pass


def _pg_env(settings_dict: dict) -> dict[str, str]:
    env = {**os.environ}
    for key, name in (("HOST", "PGHOST"), ("PORT", "PGPORT"), ("USER", "PGUSER")):
        if settings_dict.get(key):
            env[name] = str(settings_dict[key])
    if settings_dict.get("PASSWORD"):
        env["PGPASSWORD"] = settings_dict["PASSWORD"]
    env["PGDATABASE"] = settings_dict["NAME"]
    return env


def _run(command: list[str], env: dict[str, str] | None = None) -> None:
    # The commands are fixed here; only paths from the operator are arguments.
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise BackupError(f"{command[0]} failed: {result.stderr.strip()[-2000:]}")


def _encrypt(path: Path, passphrase_file: Path) -> Path:
    target = path.with_name(path.name + ENCRYPTED)
    _run(
        ["gpg", "--batch", "--yes", "--pinentry-mode", "loopback", "--symmetric",
         "--cipher-algo", "AES256", "--passphrase-file", str(passphrase_file),
         "--output", str(target), str(path)]
    )  # fmt: skip
    path.unlink()
    os.chmod(target, 0o600)
    return target


def _decrypt(path: Path, passphrase_file: Path | None, workdir: Path) -> Path:
    if path.suffix != ENCRYPTED:
        return path
    if passphrase_file is None:
        raise BackupError("the backup is encrypted: give --passphrase-file")
    target = workdir / path.name.removesuffix(ENCRYPTED)
    _run(
        ["gpg", "--batch", "--yes", "--pinentry-mode", "loopback", "--passphrase-file",
         str(passphrase_file), "--output", str(target), "--decrypt", str(path)]
    )  # fmt: skip
    return target


def backup_create(
    *, directory: Path, keep: int, passphrase_file: Path | None = None, alias: str = "default"
) -> Path:
    """Write one backup of the database into `directory`; keep the newest `keep`."""
    directory.mkdir(parents=True, exist_ok=True)
    os.chmod(directory, 0o700)
    connection = connections[alias]
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    if connection.vendor == "postgresql":
        path = directory / f"{PREFIX}{stamp}.dump"
        _run(
            ["pg_dump", "--format=custom", "--no-owner", "--no-privileges", f"--file={path}"],
            env=_pg_env(connection.settings_dict),
        )
    elif connection.vendor == "sqlite":
        path = directory / f"{PREFIX}{stamp}.sqlite3"
        source = sqlite3.connect(connection.settings_dict["NAME"])
        target = sqlite3.connect(path)
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        raise BackupError(f"no backup for {connection.vendor}")
    os.chmod(path, 0o600)
    if passphrase_file is not None:
        path = _encrypt(path, passphrase_file)
    _prune(directory, keep)
    return path


def _prune(directory: Path, keep: int) -> None:
    backups = sorted(directory.glob(f"{PREFIX}*"), key=lambda p: p.name, reverse=True)
    for old in backups[keep:]:
        old.unlink()


def backup_restore(
    *, path: Path, workdir: Path, passphrase_file: Path | None = None, alias: str = "default"
) -> None:
    """Replace the database's contents with the backup's."""
    plain = _decrypt(path, passphrase_file, workdir)
    connection = connections[alias]
    connection.close()
    if connection.vendor == "postgresql":
        if not plain.name.endswith(".dump"):
            raise BackupError("not a PostgreSQL backup (.dump)")
        _run(
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
             "--single-transaction", "--exit-on-error",
             f"--dbname={connection.settings_dict['NAME']}", str(plain)],
            env=_pg_env(connection.settings_dict),
        )  # fmt: skip
    elif connection.vendor == "sqlite":
        if not plain.name.endswith(".sqlite3"):
            raise BackupError("not an SQLite backup (.sqlite3)")
        source = sqlite3.connect(plain)
        target = sqlite3.connect(connection.settings_dict["NAME"])
        with target:
            source.backup(target)
        source.close()
        target.close()
    else:
        raise BackupError(f"no restore for {connection.vendor}")
    if plain != path:
        plain.unlink()
