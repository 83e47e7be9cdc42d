"""Capacity: the last twelve weeks, week by week."""

from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.figures.base import Figure, Group, Label, Rows, Section, Unit, count
from reporting.figures.facts import Facts
from reporting.filters import Period
from treatment.models import Attendance, SessionPurpose

CAPACITY_WEEKS = 12
STEP_3_PURPOSES = (SessionPurpose.TREATMENT, SessionPurpose.REVIEW)


def weeks_up_to(day: date, n: int = CAPACITY_WEEKS) -> list[date]:
    """The Mondays of the `n` weeks ending with the week of `day`, oldest first."""
    monday = day - timedelta(days=day.weekday())
    return [monday - timedelta(weeks=n - 1 - i) for i in range(n)]


def capacity_window(day: date) -> Period:
    weeks = weeks_up_to(day)
    return Period(weeks[0], weeks[-1] + timedelta(days=6))


def capacity_section(facts: Facts, last_day: date) -> Section:
    """Demand (contacts) against what was on offer per step, week by week.

    Step 1: guided self-help started (material given); step 2: course places, the capacity of
    each run with a meeting that week; step 3: individual treatment and review sessions booked
    that week, except those the service cancelled."""
    weeks = weeks_up_to(last_day)

    def in_week(monday: date) -> Callable[[date], bool]:
        return lambda day: monday <= day <= monday + timedelta(days=6)

    def local(moment: datetime) -> date:
        return timezone.localdate(moment)

    step_3 = [
        s
        for s in facts.sessions
        if s.purpose in STEP_3_PURPOSES and s.attendance != Attendance.CANCELLED_BY_SERVICE
    ]

    def week_label(monday: date) -> str:
        return _("week %(week)d") % {"week": monday.isocalendar().week}

    def contacts_in(monday: date) -> Figure:
        within = in_week(monday)
        return count(
            f"capacity.contacts.{monday.isoformat()}",
            week_label(monday),
            Rows.CONTACTS,
            [c for c in facts.contacts if within(local(c.registered_at))],
        )

    def self_help_in(monday: date) -> Figure:
        within = in_week(monday)
        return count(
            f"capacity.step1.{monday.isoformat()}",
            week_label(monday),
            Rows.SELF_HELP,
            [g for g in facts.self_help if within(g.given_on)],
        )

    def places_in(monday: date) -> Figure:
        within = in_week(monday)
        runs = [r for r in facts.runs if any(within(day) for day in r.meeting_days)]
        return Figure(
            key=f"capacity.step2.{monday.isoformat()}",
            label=week_label(monday),
            value=sum(r.capacity for r in runs),
            rows=Rows.RUNS,
            ids=tuple(r.id for r in runs),
            unit=Unit.PLACES,
            values={r.id: r.capacity for r in runs},
            value_label=_("Places"),
        )

    def sessions_in(monday: date) -> Figure:
        within = in_week(monday)
        return count(
            f"capacity.step3.{monday.isoformat()}",
            week_label(monday),
            Rows.SESSIONS,
            [s for s in step_3 if within(local(s.starts_at))],
        )

    series: list[tuple[str, Label, Rows, Callable[[date], Figure]]] = [
        ("contacts", _("Contacts"), Rows.CONTACTS, contacts_in),
        ("step1", _("Step 1: guided self-help started"), Rows.SELF_HELP, self_help_in),
        ("step2", _("Step 2: course places"), Rows.RUNS, places_in),
        ("step3", _("Step 3: sessions booked"), Rows.SESSIONS, sessions_in),
    ]
    groups = tuple(
        Group(key, title, tuple(make(monday) for monday in weeks))
        for key, title, _rows, make in series
    )
    totals = tuple(
        _total(f"capacity.{group.key}", group.title, rows, group.figures)
        for group, (_key, _title, rows, _make) in zip(groups, series, strict=True)
    )
    return Section("capacity", _("Capacity, last 12 weeks"), totals, groups)


def _total(key: str, label: Label, rows: Rows, weeks: Sequence[Figure]) -> Figure:
    ids = tuple(dict.fromkeys(i for week in weeks for i in week.ids))
    clients = tuple(dict.fromkeys(c for week in weeks for c in week.client_ids))
    return Figure(
        key=key,
        label=label,
        value=sum(week.value or 0 for week in weeks),
        rows=rows,
        ids=ids,
        client_ids=clients,
        unit=weeks[0].unit if weeks else Unit.COUNT,
    )
