"""Optimistic concurrency: the one mechanism for every record two people can open at once.

A versioned record has a `version` integer (`VERSION_FIELD`, or another name such as a
session's `note_version`). A form or API write names the version it read; the write is one
conditional UPDATE (`... WHERE pk = %s AND version = %s`, version + 1) that only the first
of two concurrent saves wins. The loser gets `StaleVersion` (a ValidationError with code
"conflict": the API answers 409, rph.api) carrying the record as saved now and the fields
where it differs from what the loser sent, so the page can show what changed and keep what
the user typed (`rph.forms.keep_after_conflict`). Nothing is written for the loser.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F
from django.utils.translation import gettext as _

VERSION_FIELD = "version"


class StaleVersion(ValidationError):
    """Someone saved the record after the version the writer read."""

    def __init__(
        self,
        current: models.Model,
        changed: Mapping[str, tuple[Any, Any]],
        message: str = "",
        code: str = "conflict",
    ) -> None:
        super().__init__(
            message
            or _(
                "Someone else saved this after you opened it. Nothing was saved: what is "
                "saved now is shown below, your changes are kept in the form. Check them and "
                "save again."
            ),
            code=code,
        )
        self.current = current
        self.changed = dict(changed)  # field -> (saved now, what the writer sent)


def differences(current: models.Model, sent: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """The fields where the saved record differs from what the writer sent."""
    return {
        field: (getattr(current, field), value)
        for field, value in sent.items()
        if _comparable(getattr(current, field)) != _comparable(value)
    }


def _comparable(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    return "" if value is None else str(value)


def save_if_current(
    instance: models.Model,
    *,
    version: int,
    values: Mapping[str, Any],
    field: str = VERSION_FIELD,
    also: Mapping[str, Any] | None = None,
    where: Mapping[str, Any] | None = None,
    message: str = "",
) -> models.Model:
    """Write `values` (and `also`, not compared) if the row is still at `version`.

    `where` narrows the rows that may be written (e.g. a letter still a draft). Raises
    StaleVersion, writing nothing, when someone saved since; returns the saved instance.
    """
    model = type(instance)
    written = model._default_manager.filter(pk=instance.pk, **{field: version}, **(where or {}))
    updated = written.update(**values, **(also or {}), **{field: F(field) + 1})
    if updated != 1:
        current = model._default_manager.get(pk=instance.pk)
        raise StaleVersion(current, differences(current, values), message)
    instance.refresh_from_db()
    return instance


def check_version(
    current_version: int,
    version: int,
    *,
    current: models.Model,
    changed: Mapping[str, tuple[Any, Any]] | None = None,
    message: str = "",
) -> None:
    """For a record whose version is computed (an append-only register: its newest line)."""
    if current_version != version:
        raise StaleVersion(current, changed or {}, message)


def changed_labels(model: type[models.Model], changed: Iterable[str]) -> list[str]:
    """The verbose names of the changed fields, for the message on the page."""
    return [str(model._meta.get_field(name).verbose_name) for name in changed]
