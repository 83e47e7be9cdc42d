"""The export log is append-only: neither the app nor a query changes or removes a row."""

import pytest
from django.db import DatabaseError, transaction

from reporting.exports.log import export_log_record
from reporting.models import ExportKind, ExportLog
from rph.audit.models import AppendOnlyError


@pytest.fixture
def entry(personas) -> ExportLog:
    return export_log_record(
        user=personas.team_lead,
        team=personas.team,
        kind=ExportKind.FHI_EPISODES,
        file_format="csv",
        row_count=12,
        parameters={"table": "episodes", "key": "app", "dates_shifted": False},
    )


def test_the_model_refuses_to_save_or_delete_a_logged_export(entry):
    entry.row_count = 0
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()


@pytest.mark.parametrize(
    "change",
    [
        lambda: ExportLog.objects.update(row_count=0),
        lambda: ExportLog.objects.all().delete(),
    ],
    ids=["update", "delete"],
)
def test_the_database_refuses_to_change_or_remove_a_logged_export(entry, change):
    with pytest.raises(DatabaseError), transaction.atomic():
        change()

    assert ExportLog.objects.get().row_count == 12
