"""Backup and restore round trips: PostgreSQL (pg_dump custom format into a scratch database
of our own, row counts of every table and the append-only triggers compared), encrypted, and
SQLite; plus retention."""

import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from rph.audit.backups import backup_create
from tests.processes import REPO_ROOT, PostgresDatabase

pytestmark = pytest.mark.faults

TABLES = """SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"""
TRIGGERS = """SELECT c.relname, t.tgname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
WHERE NOT t.tgisinternal ORDER BY 1, 2"""


def _counts(conn: psycopg.Connection) -> dict[str, int]:
    tables = [row[0] for row in conn.execute(TABLES)]
    return {t: conn.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables}


def _manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def _env(database_url: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "REDIS_URL"}
    return env | {"DATABASE_URL": database_url, "DJANGO_DEBUG": "true"}


def _url(settings_dict: dict) -> str:
    user = settings_dict.get("USER") or "postgres"
    password = f":{settings_dict['PASSWORD']}" if settings_dict.get("PASSWORD") else ""
    host = settings_dict.get("HOST") or "127.0.0.1"
    port = settings_dict.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{settings_dict['NAME']}"


@pytest.fixture
def demo_data(personas):
    """Some of everything: the personas, a client with a contact, an access-log row."""
    from django.contrib.contenttypes.models import ContentType

    from rph.audit.models import AccessEvent
    from tests.intake.factories import ContactFactory

    ContactFactory(client=personas.client, team=personas.team)
    AccessEvent.objects.create(
        user=personas.therapist,
        team=personas.team,
        subject_type=ContentType.objects.get_for_model(personas.client),
        subject_id=personas.client.pk,
        action="test",
        path="/",
        channel="ui",
        basis="care_team",
    )
    return personas


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the PostgreSQL round trip")
@pytest.mark.parametrize("encrypted", [False, True], ids=["plain", "encrypted"])
@pytest.mark.django_db(transaction=True)
def test_a_postgresql_backup_restores_every_row_and_the_append_only_triggers(
    demo_data, tmp_path, encrypted
):
    passphrase = None
    if encrypted:
        passphrase = tmp_path / "passphrase"
        passphrase.write_text("correct horse battery staple\n")
    source_url = _url(connection.settings_dict)
    backup = backup_create(directory=tmp_path / "backups", keep=3, passphrase_file=passphrase)
    target = PostgresDatabase(source_url, "restore")
    target.create()
    try:
        args = ["restore", str(backup), "--yes"]
        if passphrase:
            args += ["--passphrase-file", str(passphrase)]
        _manage(_env(target.url), *args)

        with psycopg.connect(source_url) as src, psycopg.connect(target.url) as dst:
            source_counts, restored_counts = _counts(src), _counts(dst)
            source_triggers = src.execute(TRIGGERS).fetchall()
            dst_triggers = dst.execute(TRIGGERS).fetchall()
            with pytest.raises(psycopg.Error, match="append-only"):
                dst.execute("UPDATE audit_accessevent SET path = 'x'")
    finally:
        target.drop()

    assert restored_counts == source_counts
    assert source_counts["audit_accessevent"] == 1 and source_counts["intake_contact"] == 1
    assert dst_triggers == source_triggers and len(source_triggers) >= 2
    assert backup.suffix == (".gpg" if encrypted else ".dump")
    assert (backup.stat().st_mode & 0o777) == 0o600


def test_an_sqlite_backup_restores_what_was_deleted_after_it(tmp_path):
    database = tmp_path / "rph.sqlite3"
    env = _env(f"sqlite:///{database}")
    count = "from rph.accounts.models import Municipality as M; print(M.objects.count())"
    _manage(env, "migrate", "--noinput", "-v0")
    _manage(env, "shell", "-c", "from rph.accounts.models import Municipality as M; "
            "M.objects.create(number='9999', name='Testkommune')")  # fmt: skip
    before = _manage(env, "shell", "-c", count).split()[-1]
    backup = Path(_manage(env, "backup", "--dir", str(tmp_path / "b")).strip())
    _manage(env, "shell", "-c", "from rph.accounts.models import Municipality as M; "
            "M.objects.all().delete()")  # fmt: skip

    _manage(env, "restore", str(backup), "--yes")

    assert int(before) >= 1
    assert _manage(env, "shell", "-c", count).split()[-1] == before


@pytest.mark.django_db
def test_only_the_newest_backups_are_kept(tmp_path):
    directory = tmp_path / "backups"
    made = [backup_create(directory=directory, keep=2) for _ in range(4)]

    assert sorted(directory.iterdir()) == sorted(made[-2:])
