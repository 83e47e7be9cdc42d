"""What a figure is (Figure, Group, Section) and the statistics the sections share."""

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Protocol

from django.utils.functional import Promise

from treatment.outcomes import Rate

Label = str | Promise
Value = int | float | None


def median(values: Iterable[float]) -> float | None:
    """The middle value; the mean of the two middle ones for an even count; None if none."""
    ordered = sorted(values)
    n = len(ordered)
    if n == 0:
        return None
    middle = n // 2
    return ordered[middle] if n % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def percentile(values: Iterable[float], p: int) -> float | None:
    """Nearest rank: the value at rank ceil(p/100 x n), counting from 1; None if none."""
    if not 0 < p <= 100:
        raise ValueError("p must be in 1..100")
    ordered = sorted(values)
    if not ordered:
        return None
    rank = -(-p * len(ordered) // 100)  # ceil without floats
    return ordered[rank - 1]


class Rows(StrEnum):
    """What a drill-down list holds."""

    CONTACTS = "contacts"
    EPISODES = "episodes"
    SESSIONS = "sessions"
    OFFERS = "offers"
    RUNS = "runs"
    CLIENTS = "clients"
    SELF_HELP = "self_help"


class Unit(StrEnum):
    COUNT = "count"
    PERCENT = "percent"
    HOURS = "hours"
    DAYS = "days"
    PLACES = "places"


class Row(Protocol):
    @property
    def id(self) -> int: ...

    @property
    def client_id(self) -> int | None: ...


@dataclass(frozen=True)
class Figure:
    """One number on the dashboard and the rows behind it.

    For a share, `value` is the percentage of `numerator` in `denominator`; `ids` are the
    numerator's rows and `denominator_ids` the denominator's (when they are rows, not places).
    `values` holds each row's own measure (a wait, an outcome) for the drill-down list.
    """

    key: str
    label: Label
    value: Value
    rows: Rows
    ids: tuple[int, ...]
    client_ids: tuple[int, ...] = ()
    unit: Unit = Unit.COUNT
    numerator: int | None = None
    denominator: int | None = None
    denominator_ids: tuple[int, ...] | None = None
    denominator_client_ids: tuple[int, ...] = ()
    rule_version: str | None = None
    definition: Label = ""
    values: Mapping[int, object] = field(default_factory=dict)
    value_label: Label = ""

    @property
    def is_share(self) -> bool:
        return self.denominator is not None

    @property
    def count(self) -> Value:
        """The number of things: the numerator of a share, else the value itself."""
        return self.numerator if self.is_share else self.value


@dataclass(frozen=True)
class Group:
    """Figures that split one population (by channel, by step ...): a chart and a table."""

    key: str
    title: Label
    figures: tuple[Figure, ...]
    definition: Label = ""


@dataclass(frozen=True)
class Section:
    key: str
    title: Label
    figures: tuple[Figure, ...]
    groups: tuple[Group, ...] = ()

    def all_figures(self) -> Iterable[Figure]:
        yield from self.figures
        for group in self.groups:
            yield from group.figures

    def group(self, key: str) -> Group:
        return next(group for group in self.groups if group.key == key)


@dataclass(frozen=True)
class Dashboard:
    sections: tuple[Section, ...]

    def figure(self, key: str) -> Figure | None:
        return next((f for s in self.sections for f in s.all_figures() if f.key == key), None)

    def section(self, key: str) -> Section:
        return next(section for section in self.sections if section.key == key)


def row_ids(rows: Iterable[Row]) -> tuple[tuple[int, ...], tuple[int, ...]]:
    rows = list(rows)
    clients = dict.fromkeys(r.client_id for r in rows if r.client_id is not None)
    return tuple(r.id for r in rows), tuple(clients)


def count(key: str, label: Label, rows: Rows, items: Iterable[Row], **extra: object) -> Figure:
    ids, clients = row_ids(items)
    return Figure(
        key=key, label=label, value=len(ids), rows=rows, ids=ids, client_ids=clients, **extra
    )  # type: ignore[arg-type]


def share(
    key: str, label: Label, rows: Rows, items: Iterable[Row], of: Iterable[Row], **extra: object
) -> Figure:
    ids, clients = row_ids(items)
    of_ids, of_clients = row_ids(of)
    return Figure(
        key=key,
        label=label,
        value=Rate(len(ids), len(of_ids)).percent,
        rows=rows,
        ids=ids,
        client_ids=clients,
        unit=Unit.PERCENT,
        numerator=len(ids),
        denominator=len(of_ids),
        denominator_ids=of_ids,
        denominator_client_ids=of_clients,
        **extra,  # type: ignore[arg-type]
    )


def statistic(
    key: str,
    label: Label,
    rows: Rows,
    measured: Sequence[tuple[Row, float]],
    compute: Callable[[list[float]], float | None],
    unit: Unit,
    **extra: object,
) -> Figure:
    """A median or percentile of the rows' measures; the list shows every measured row."""
    ids, clients = row_ids(row for row, _measure in measured)
    value = compute([measure for _row, measure in measured])
    return Figure(
        key=key,
        label=label,
        value=None if value is None else round(float(value), 1),
        rows=rows,
        ids=ids,
        client_ids=clients,
        unit=unit,
        values={row.id: round(measure, 1) for row, measure in measured},
        **extra,  # type: ignore[arg-type]
    )


def p90(values: list[float]) -> float | None:
    return percentile(values, 90)
