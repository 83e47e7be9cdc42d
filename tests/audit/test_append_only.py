"""The access log is append-only: nothing the app can do through its own connection
changes or removes a row. Each attempt runs in its own atomic block, so PostgreSQL's
aborted transaction does not spill into the next check."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from rph.audit.models import AccessEvent, AppendOnlyError

TABLE = AccessEvent._meta.db_table


@pytest.fixture
def event(personas, login) -> AccessEvent:
    login(personas.therapist).get(reverse("intake:client_detail", args=[personas.client.pk]))
    return AccessEvent.objects.get()


def _row(event: AccessEvent) -> dict:
    return AccessEvent.objects.filter(pk=event.pk).values().get()


def _update_queryset(event, personas):
    AccessEvent.objects.filter(pk=event.pk).update(user=personas.outsider, action="changed")


def _delete_queryset(event, personas):
    AccessEvent.objects.filter(pk=event.pk).delete()


def _delete_everything(event, personas):
    AccessEvent.objects.all().delete()


def _bulk_update(event, personas):
    event.action = "changed"
    AccessEvent.objects.bulk_update([event], ["action"])


def _save_instance(event, personas):
    event.action = "changed"
    event.save()


def _save_only_the_changed_field(event, personas):
    event.action = "changed"
    event.save(update_fields=["action"])


def _delete_instance(event, personas):
    event.delete()


def _raw_update(event, personas):
    with connection.cursor() as cursor:
        cursor.execute(f"UPDATE {TABLE} SET action = %s WHERE id = %s", ["changed", event.pk])


def _raw_delete(event, personas):
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {TABLE} WHERE id = %s", [event.pk])


# What the model refuses itself (AppendOnlyError), and what only the database can stop.
ATTEMPTS = [
    (_save_instance, AppendOnlyError),
    (_save_only_the_changed_field, AppendOnlyError),
    (_delete_instance, AppendOnlyError),
    (_update_queryset, DatabaseError),
    (_bulk_update, DatabaseError),
    (_delete_queryset, DatabaseError),
    (_delete_everything, DatabaseError),
    (_raw_update, DatabaseError),
    (_raw_delete, DatabaseError),
]


@pytest.mark.parametrize(
    ("attempt", "refusal"), ATTEMPTS, ids=[f.__name__.strip("_") for f, _ in ATTEMPTS]
)
def test_a_logged_view_can_never_be_changed_or_removed(personas, event, attempt, refusal):
    before = _row(event)

    with pytest.raises(refusal), transaction.atomic():
        attempt(event, personas)

    assert AccessEvent.objects.count() == 1
    assert _row(event) == before


def test_new_rows_can_still_be_added(personas, event, login):
    login(personas.clerical).get(reverse("intake:client_detail", args=[personas.client.pk]))

    assert AccessEvent.objects.count() == 2
