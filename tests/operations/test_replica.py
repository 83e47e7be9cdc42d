"""The read replica: which queries go where (rph/replica.py).

The `replica` alias here is a second connection to the test database, made the way
DATABASE_REPLICA_URL makes one. On PostgreSQL it sees what the primary has committed and
nothing else, as a streaming replica does: the tests that compare what the two hold commit
their data (transactional tests). The others roll back, as the append-only logs they write
cannot be emptied; on SQLite the replica reads uncommitted rows, where it would otherwise
wait for the primary's locks.
"""

import json
import logging
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import time_machine
from django.contrib.sessions.models import Session
from django.db import connections, transaction
from django.db.backends.base.base import BaseDatabaseWrapper
from django.db.backends.signals import connection_created
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from intake.models import Client
from reporting.models import ExportKind, ExportLog
from rph.accounts.models import TeamMembership, User
from rph.audit.models import AccessEvent
from rph.replica import PRIMARY_ONLY_APPS, ReplicaRouter, replica_reads
from tests.intake.factories import ClientFactory
from tests.processes import REPO_ROOT, free_port
from tests.reporting.dashboard_fixture import NOW, build
from tests.reporting.test_fhi_export import export, reauthenticate

DATABASES = ["default", "replica"]
pytestmark = pytest.mark.django_db(databases=DATABASES)
committed = pytest.mark.django_db(transaction=True, databases=DATABASES)
# Tables of the apps that decide who may see what: read from the primary even in a report.
PRIMARY_TABLE = re.compile(rf'"(?:{"|".join(sorted(PRIMARY_ONLY_APPS))}|django)_')


@pytest.fixture(scope="module", autouse=True)
def replica(django_db_setup) -> Iterator[BaseDatabaseWrapper]:
    """The alias, for this module's tests only (before each test's database set-up sees it)."""
    primary = connections["default"].settings_dict
    connections.settings["replica"] = {
        **primary,
        "ATOMIC_REQUESTS": False,
        "TEST": {**primary["TEST"], "MIRROR": "default"},
        # A reader's transactions: SQLite's BEGIN IMMEDIATE would wait for the primary's.
        "OPTIONS": {k: v for k, v in primary["OPTIONS"].items() if k != "transaction_mode"},
    }
    connection_created.connect(_sqlite_reads_uncommitted)
    try:
        yield connections["replica"]
    finally:
        connection_created.disconnect(_sqlite_reads_uncommitted)
        connections["replica"].close()
        del connections["replica"]
        del connections.settings["replica"]


def _sqlite_reads_uncommitted(sender, connection: BaseDatabaseWrapper, **kwargs: object) -> None:
    if connection.alias == "replica" and connection.vendor == "sqlite":
        connection.cursor().execute("PRAGMA read_uncommitted = 1")


@pytest.fixture
def unreachable_replica(replica, tmp_path: Path) -> Iterator[BaseDatabaseWrapper]:
    """A replica that is configured but down: PostgreSQL on a closed port, or an SQLite file
    that cannot be opened."""
    if replica.vendor == "sqlite":
        changes = {"NAME": str(tmp_path / "no-such-folder" / "replica.sqlite3")}
    else:
        changes = {"HOST": "127.0.0.1", "PORT": str(free_port())}
    working = dict(replica.settings_dict)
    # Django's SQLite backend ignores close() on an in-memory database; the primary keeps it.
    BaseDatabaseWrapper.close(replica)
    replica.settings_dict.update(changes)
    try:
        yield replica
    finally:
        BaseDatabaseWrapper.close(replica)
        replica.settings_dict.clear()
        replica.settings_dict.update(working)


@contextmanager
def _queries() -> Iterator[tuple[CaptureQueriesContext, CaptureQueriesContext]]:
    """(primary, replica): the queries each database got meanwhile."""
    with (
        CaptureQueriesContext(connections["default"]) as primary,
        CaptureQueriesContext(connections["replica"]) as replica,
    ):
        yield primary, replica


def _selects(captured: CaptureQueriesContext) -> list[str]:
    """The reads; `.iterator()` on PostgreSQL reads through a DECLAREd cursor."""
    return [
        q["sql"] for q in captured.captured_queries if q["sql"].startswith(("SELECT", "DECLARE"))
    ]


def _data_reads(captured: CaptureQueriesContext) -> list[str]:
    """SELECTs of client data, not of who the user is or may be."""
    return [sql for sql in _selects(captured) if not PRIMARY_TABLE.search(sql.split(" WHERE ")[0])]


# The router, as the code meets it


def test_outside_a_report_reads_and_writes_use_the_primary(replica, personas) -> None:
    with _queries() as (primary, on_replica):
        assert Client.objects.count() == 1
        ClientFactory(team=personas.team)

    assert len(on_replica) == 0
    assert len(primary) > 0


@committed
def test_in_a_report_client_data_comes_from_the_replica_and_who_may_see_it_from_the_primary(
    replica, personas
) -> None:
    with replica_reads(), _queries() as (primary, on_replica):
        assert Client.objects.filter(team=personas.team).count() == 1
        assert User.objects.get(pk=personas.team_lead.pk).is_active
        assert TeamMembership.objects.filter(user=personas.team_lead).exists()
        assert not Session.objects.exists()

    assert [q["sql"].split(" WHERE ")[0] for q in on_replica.captured_queries] == [
        'SELECT COUNT(*) AS "__count" FROM "intake_client"'
    ]
    assert len(primary) == 3  # user, membership, session


@committed
def test_after_a_write_the_rest_of_the_request_reads_what_it_wrote_from_the_primary(
    replica, personas
) -> None:
    with transaction.atomic(), replica_reads():  # as ATOMIC_REQUESTS wraps a view
        with _queries() as (before_primary, before_replica):
            assert Client.objects.count() == 1
        ClientFactory(team=personas.team)
        with _queries() as (after_primary, after_replica):
            assert Client.objects.count() == 2

        assert len(before_replica) == 1
        assert len(before_primary) == 0
        assert len(after_replica) == 0
        assert len(after_primary) == 1
        if connections["default"].vendor == "postgresql":
            # Why: the replica cannot see what the request has not committed yet.
            assert Client.objects.using("replica").count() == 1


def test_the_export_log_and_the_access_log_leave_the_reads_on_the_replica(
    replica, personas
) -> None:
    with replica_reads(), _queries() as (_, on_replica):
        ExportLog.objects.create(
            user=personas.team_lead,
            team=personas.team,
            kind=ExportKind.FHI_EPISODES,
            file_format="csv",
            row_count=0,
            parameters={},
        )
        # What Django asks before it writes an access-log row.
        assert ReplicaRouter().db_for_write(AccessEvent) == "default"
        Client.objects.count()

    assert len(_selects(on_replica)) == 1


def test_the_replica_gets_no_migrations(replica) -> None:
    assert ReplicaRouter().allow_migrate("replica", "intake") is False
    assert ReplicaRouter().allow_migrate("default", "intake") is None


# The views, as people and programs call them


@pytest.fixture
def dashboard(personas):
    with time_machine.travel(NOW, tick=False):
        yield build(personas)


@committed
def test_the_dashboard_reads_client_data_from_the_replica_and_shows_the_same_figures(
    replica, dashboard, login
) -> None:
    http = login(dashboard.personas.team_lead)
    period = {"fra": "01.01.2026", "til": "28.02.2026"}

    with _queries() as (primary, on_replica):
        page = http.get(reverse("reporting:dashboard"), period)

    assert page.status_code == 200
    row = re.search(r'<tr data-key="intake.contacts">(.*?)</tr>', page.content.decode(), re.S)
    assert re.sub(r"<[^>]+>|\s", "", row.group(1)).endswith("7")  # as on the primary
    assert len(_data_reads(on_replica)) > 10
    assert _data_reads(primary) == []


def test_a_page_that_is_not_a_report_never_touches_the_replica(replica, personas, login) -> None:
    http = login(personas.clerical)

    with _queries() as (primary, on_replica):
        page = http.get(reverse("intake:queue"))

    assert page.status_code == 200
    assert len(on_replica) == 0
    assert _data_reads(primary)


def test_the_fhi_csv_streams_its_rows_from_the_replica_and_logs_on_the_primary(
    replica, personas, login
) -> None:
    http = login(personas.team_lead)
    reauthenticate(http, personas.team_lead)

    with _queries() as (primary, on_replica):
        rows = export(http, "episodes")  # reads the streamed body to its end

    assert rows == []  # no research consent in this team
    assert len(_data_reads(on_replica)) >= 2  # the count, then the rows as they stream
    assert _data_reads(primary) == []
    assert any('INSERT INTO "reporting_exportlog"' in q["sql"] for q in primary.captured_queries)
    assert ExportLog.objects.filter(team=personas.team, kind=ExportKind.FHI_EPISODES).count() == 1


@committed  # a replica inside a test's transaction cannot be closed and sent elsewhere
def test_a_replica_that_is_down_sends_the_reports_to_the_primary(
    unreachable_replica, personas, login, caplog: pytest.LogCaptureFixture
) -> None:
    http = login(personas.team_lead)

    with (
        caplog.at_level(logging.WARNING, logger="rph.replica"),
        CaptureQueriesContext(connections["default"]) as primary,
    ):
        page = http.get(reverse("reporting:dashboard"))

    assert page.status_code == 200
    assert _data_reads(primary)
    assert "the read replica is unavailable" in caplog.text


# The configuration, as an operator writes it


def _view_names(patterns: list, namespace: str = "") -> Iterator[str]:
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _view_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_view_named_for_the_replica_exists(settings) -> None:
    assert set(_view_names(get_resolver().url_patterns)) >= settings.REPLICA_VIEWS


def test_database_replica_url_adds_the_replica_without_a_request_transaction() -> None:
    code = (
        "import json; from django.conf import settings; "
        "r = settings.DATABASES['replica']; "
        "print(json.dumps([r['HOST'], r['PORT'], r['NAME'], r.get('ATOMIC_REQUESTS', False), "
        "r['TEST']['MIRROR'], r['OPTIONS'], settings.DATABASES['default']['ATOMIC_REQUESTS']]))"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "rph.settings",
        "DATABASE_URL": "postgres://rph@primary.example.no:5432/rph",
        "DATABASE_REPLICA_URL": "postgres://rph_read@replica.example.no:5433/rph",
    }
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == [
        "replica.example.no",
        5433,
        "rph",
        False,
        "default",
        {"connect_timeout": 5},
        True,
    ]
