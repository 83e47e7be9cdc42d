"""Loads what the capacity forecast needs and turns the rule's numbers into figures.

The rule is `reporting.figures.forecast` (pure); here are its queries (contacts by week over
the earlier years, the therapists' hours, leave and bookings, those waiting now) and the
`Figure`s the capacity page shows and the drill-down lists (keys `forecast.*`).
"""

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.models import AssessmentOffer, Contact
from reporting.figures.base import Figure, Rows, Unit
from reporting.figures.forecast import (
    DEFAULT_WEEKS,
    EARLIER_YEARS,
    FIRST_SESSION_HOURS,
    MAX_WEEKS,
    MIN_WEEKS,
    RULE_VERSION,
    TREND_WEEKS,
    TherapistWeek,
    Wait,
    coming_weeks,
    contact_forecast,
    expected_waits,
    hours_free,
    monday_of,
)
from reporting.filters import Filters, team_therapists
from treatment.booking.rules import Away, Block, working_blocks
from treatment.models import Attendance, Leave, Session, WorkingHours


@dataclass(frozen=True)
class ForecastWeek:
    monday: date
    contacts: Figure
    hours: Figure
    wait: Figure
    therapists: tuple[tuple[str, TherapistWeek], ...]


@dataclass(frozen=True)
class Forecast:
    weeks: tuple[ForecastWeek, ...]
    wait_now: Figure
    contacts_total: Figure
    hours_total: Figure
    trend: float
    years: tuple[int, ...]

    @property
    def has_hours(self) -> bool:
        return any(week.therapists for week in self.weeks)

    @property
    def headline(self) -> tuple[Figure, ...]:
        return (self.contacts_total, self.hours_total, self.wait_now)

    def figure(self, key: str) -> Figure | None:
        figures = [self.wait_now, self.contacts_total, self.hours_total]
        figures += [f for week in self.weeks for f in (week.contacts, week.hours, week.wait)]
        return next((f for f in figures if f.key == key), None)


def horizon(value: str | None) -> int:
    """?uker= as a number of weeks within 4-12; anything else is the default."""
    if value and value.isdigit() and MIN_WEEKS <= int(value) <= MAX_WEEKS:
        return int(value)
    return DEFAULT_WEEKS


def forecast_for(filters: Filters, *, today: date, weeks: int = DEFAULT_WEEKS) -> Forecast:
    mondays = coming_weeks(today, weeks)
    contacts = _contacts(filters, today)
    by_week: dict[date, list[int]] = defaultdict(list)
    for pk, registered_at in contacts:
        by_week[monday_of(timezone.localdate(registered_at))].append(pk)
    first_day = timezone.localdate(contacts[0][1]) if contacts else None
    forecasts, trend, years = contact_forecast(
        {m: len(ids) for m, ids in by_week.items()}, today, weeks, first_day
    )
    therapist_weeks, session_ids = _therapist_weeks(filters, mondays)
    free = [hours_free([tw for _n, tw in therapist_weeks[m]]) for m in mondays]
    waiting = list(_waiting(filters).values_list("pk", flat=True))
    now, waits = expected_waits(len(waiting), [f.expected for f in forecasts], free)
    week_rows = tuple(
        ForecastWeek(
            monday=m,
            contacts=_contacts_figure(f, by_week, trend),
            hours=_hours_figure(m, hours, therapist_weeks[m], session_ids[m]),
            wait=_wait_figure(f"forecast.wait.{m.isoformat()}", _week(m), wait, waiting, weeks),
            therapists=tuple(therapist_weeks[m]),
        )
        for m, f, hours, wait in zip(mondays, forecasts, free, waits, strict=True)
    )
    expected_total = round(sum(f.expected for f in forecasts), 1)
    source_ids = tuple(dict.fromkeys(i for w in week_rows for i in w.contacts.ids))
    return Forecast(
        weeks=week_rows,
        wait_now=_wait_figure(
            "forecast.wait", _("Expected wait for a contact now"), now, waiting, weeks
        ),
        contacts_total=Figure(
            key="forecast.contacts",
            label=_("Expected new contacts, next %(n)d weeks") % {"n": weeks},
            value=expected_total,
            rows=Rows.CONTACTS,
            ids=source_ids,
            rule_version=RULE_VERSION,
            definition=_trend_sentence(trend, years),
        ),
        hours_total=Figure(
            key="forecast.hours",
            label=_("Therapist hours free, next %(n)d weeks") % {"n": weeks},
            value=round(sum(free), 1),
            rows=Rows.SESSIONS,
            ids=tuple(i for m in mondays for i in session_ids[m]),
            unit=Unit.HOURS,
            rule_version=RULE_VERSION,
            definition=_hours_sentence(),
        ),
        trend=trend,
        years=years,
    )


def _week(monday: date) -> str:
    return _("week %(week)d") % {"week": monday.isocalendar().week}


def _trend_sentence(trend: float, years: tuple[int, ...]) -> str:
    if not years:
        return _(
            "No earlier years to compare with yet: each coming week is expected to bring the "
            "average of the last %(n)d weeks."
        ) % {"n": TREND_WEEKS}
    return _(
        "The same weeks in %(years)s, times the recent trend: the last %(n)d weeks brought "
        "%(trend)s times as many contacts as the same weeks then."
    ) % {
        "years": ", ".join(str(y) for y in years),
        "n": TREND_WEEKS,
        "trend": f"{trend:.2f}".replace(".", ","),
    }


def _hours_sentence() -> str:
    return _(
        "Working hours (days on leave left out) times the share for client sessions, less the "
        "sessions and assessments already booked. The list shows the booked sessions."
    )


def _contacts_figure(f, by_week: dict[date, list[int]], trend: float) -> Figure:  # type: ignore[no-untyped-def]
    ids = tuple(i for m in f.source_weeks for i in by_week.get(m, []))
    if f.seasonal is None:
        definition = _(
            "The average of the last %(n)d weeks (no earlier year to compare with). The list "
            "shows those contacts."
        ) % {"n": TREND_WEEKS}
    else:
        definition = _(
            "%(week)s had %(seasonal)s contacts on average in %(years)s; times the trend "
            "%(trend)s gives %(expected)s. The list shows the contacts of those weeks and of "
            "the last %(n)d weeks."
        ) % {
            "week": _week(f.monday),
            "seasonal": f"{f.seasonal:.1f}".replace(".", ","),
            "years": ", ".join(str(y) for y in f.years),
            "trend": f"{trend:.2f}".replace(".", ","),
            "expected": f"{f.expected:.1f}".replace(".", ","),
            "n": TREND_WEEKS,
        }
    return Figure(
        key=f"forecast.contacts.{f.monday.isoformat()}",
        label=_week(f.monday),
        value=f.expected,
        rows=Rows.CONTACTS,
        ids=ids,
        rule_version=RULE_VERSION,
        definition=definition,
    )


def _hours_figure(
    monday: date, hours: float, therapists: list[tuple[str, TherapistWeek]], ids: list[int]
) -> Figure:
    parts = [
        _("%(name)s %(free)s h") % {"name": name, "free": f"{tw.free / 60:.1f}".replace(".", ",")}
        for name, tw in therapists
    ]
    definition = _hours_sentence()
    if parts:
        definition += " " + _("Free per therapist: %(list)s.") % {"list": ", ".join(parts)}
    return Figure(
        key=f"forecast.hours.{monday.isoformat()}",
        label=_week(monday),
        value=hours,
        rows=Rows.SESSIONS,
        ids=tuple(ids),
        unit=Unit.HOURS,
        rule_version=RULE_VERSION,
        definition=definition,
    )


def _wait_figure(key: str, label: str, wait: Wait, waiting: list[int], weeks: int) -> Figure:
    if wait.weeks is None:
        definition = _(
            "Not within %(n)d weeks: the free hours do not reach this contact's turn."
        ) % {"n": weeks}
    else:
        definition = ngettext(
            "About %(weeks)d week, if nothing changes: %(queue)s contacts are ahead in the queue "
            "and each needs a first session of %(hours)s h from the free therapist hours.",
            "About %(weeks)d weeks, if nothing changes: %(queue)s contacts are ahead in the "
            "queue and each needs a first session of %(hours)s h from the free therapist hours.",
            wait.weeks,
        ) % {
            "weeks": wait.weeks,
            "queue": f"{wait.queue:.0f}",
            "hours": f"{FIRST_SESSION_HOURS:.0f}",
        }
    definition += " " + _("The list shows the contacts waiting now for an assessment.")
    return Figure(
        key=key,
        label=label,
        value=wait.weeks,
        rows=Rows.CONTACTS,
        ids=tuple(waiting),
        rule_version=RULE_VERSION,
        definition=definition,
        value_label="",
    )


# -- Queries ------------------------------------------------------------------------------


def _of_municipality(queryset: QuerySet, filters: Filters, client: str) -> QuerySet:
    if filters.municipality is not None:
        queryset = queryset.filter(**{f"{client}home_municipality": filters.municipality})
    return queryset


def _contacts(filters: Filters, today: date) -> list[tuple[int, datetime]]:
    since = monday_of(today) - timedelta(weeks=52 * EARLIER_YEARS + TREND_WEEKS + 2)
    contacts = Contact.objects.filter(team=filters.team, registered_at__date__gte=since)
    contacts = _of_municipality(contacts, filters, "client__")
    return list(contacts.order_by("registered_at", "pk").values_list("pk", "registered_at"))


def _waiting(filters: Filters) -> QuerySet[Contact]:
    """Contacts waiting for a first session: open, no assessment offered yet."""
    waiting = Contact.objects.filter(team=filters.team, status=Contact.Status.OPEN, offered_at=None)
    return _of_municipality(waiting, filters, "client__").order_by("registered_at", "pk")


def _therapist_weeks(
    filters: Filters, mondays: list[date]
) -> tuple[dict[date, list[tuple[str, TherapistWeek]]], dict[date, list[int]]]:
    therapists = (
        [filters.therapist]
        if filters.therapist is not None
        else list(team_therapists(filters.team))
    )
    first, last = mondays[0], mondays[-1] + timedelta(days=6)
    ids = [t.pk for t in therapists]
    hours = defaultdict(list)
    for row in WorkingHours.objects.filter(team=filters.team, therapist_id__in=ids):
        hours[row.therapist_id].append((Block(row.weekday, row.starts, row.ends), row.client_share))
    leave = defaultdict(list)
    for row in Leave.objects.filter(therapist_id__in=ids, last_day__gte=first, first_day__lte=last):
        leave[row.therapist_id].append(Away(row.first_day, row.last_day))
    booked: dict[tuple[int, date], int] = defaultdict(int)
    session_ids: dict[date, list[int]] = defaultdict(list)
    sessions = Session.objects.filter(
        therapist_id__in=ids,
        attendance=Attendance.BOOKED,
        starts_at__date__gte=first,
        starts_at__date__lte=last,
    ).values_list("pk", "therapist_id", "starts_at", "duration_minutes")
    for pk, therapist_id, starts_at, minutes in sessions:
        monday = monday_of(timezone.localdate(starts_at))
        booked[(therapist_id, monday)] += minutes
        session_ids[monday].append(pk)
    assessments = AssessmentOffer.objects.filter(
        therapist_id__in=ids,
        held_at=None,
        scheduled_for__date__gte=first,
        scheduled_for__date__lte=last,
    ).values_list("therapist_id", "scheduled_for")
    for therapist_id, scheduled_for in assessments:
        monday = monday_of(timezone.localdate(scheduled_for))
        booked[(therapist_id, monday)] += round(FIRST_SESSION_HOURS * 60)
    zone = timezone.get_current_timezone()
    result: dict[date, list[tuple[str, TherapistWeek]]] = {m: [] for m in mondays}
    for therapist in therapists:
        blocks = hours.get(therapist.pk, [])
        if not blocks:
            continue
        for monday in mondays:
            sunday = monday + timedelta(days=6)
            away = leave.get(therapist.pk, [])
            minutes_by_share = [
                (_minutes(working_blocks([block], away, monday, sunday, zone)), share)
                for block, share in blocks
            ]
            minutes = sum(m for m, _s in minutes_by_share)
            share = sum(m * s for m, s in minutes_by_share) / minutes / 100 if minutes else 0.0
            leave_days = sum(
                1
                for n in range(7)
                if any(a.covers(monday + timedelta(days=n)) for a in away)
                and any(b.weekday == n for b, _s in blocks)
            )
            week = TherapistWeek(
                therapist_id=therapist.pk,
                working=int(minutes),
                client_share=share,
                booked=booked[(therapist.pk, monday)],
                leave_days=leave_days,
            )
            result[monday].append((str(therapist), week))
    return result, session_ids


def _minutes(blocks: Iterable[tuple[datetime, datetime]]) -> int:
    return int(sum((end - start).total_seconds() for start, end in blocks) // 60)
