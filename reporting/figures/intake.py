"""Intake and the 48-hour clock: contacts, how fast they were reached, by channel and referrer."""

from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from django.utils.translation import gettext_lazy as _

from intake.deadlines import ClockState, clock_state, deadline_for, time_left
from intake.models import Channel, Contact, Referrer
from intake.queue.closing import CloseReason
from reporting.figures.base import Group, Rows, Section, Unit, count, median, p90, share, statistic
from reporting.figures.facts import ContactFact, Context

FORTY_EIGHT_HOURS = 48


def hours_between(start: datetime, end: datetime) -> float:
    # time_left(now, deadline) is the elapsed time from `now` to `deadline`, across DST too.
    return time_left(start, end).total_seconds() / 3600


def reached_in_time(
    contacts: Iterable[ContactFact], hours: int, now: datetime
) -> tuple[list[ContactFact], list[ContactFact]]:
    """(in time, decided): offered before registration + `hours`, of the contacts whose clock
    has a result: offered, still open past the deadline, or closed as unreachable. Open
    contacts with time left and contacts closed for another reason are not counted."""
    in_time, decided = [], []
    for contact in contacts:
        deadline = deadline_for(contact.registered_at, hours)
        state = clock_state(now, deadline, 0, contact.offered_at)
        if contact.offered_at is not None:
            decided.append(contact)
            if state == ClockState.STOPPED_IN_TIME:
                in_time.append(contact)
        else:
            overdue = contact.status == Contact.Status.OPEN and state == ClockState.OVERDUE
            if overdue or contact.close_reason == CloseReason.UNREACHABLE:
                decided.append(contact)
    return in_time, decided


def intake_section(contacts: Sequence[ContactFact], ctx: Context) -> Section:
    new = [c for c in contacts if ctx.period.has_moment(c.registered_at)]
    open_now = [c for c in contacts if c.status == Contact.Status.OPEN]
    overdue = [
        c
        for c in open_now
        if time_left(ctx.now, deadline_for(c.registered_at, ctx.promise_hours)) <= timedelta(0)
    ]
    in_48, decided_48 = reached_in_time(new, FORTY_EIGHT_HOURS, ctx.now)
    in_promise, decided_promise = reached_in_time(new, ctx.promise_hours, ctx.now)
    to_contact = [(c, hours_between(c.registered_at, c.offered_at)) for c in new if c.offered_at]
    hours_label = _("Hours to first contact")
    rows = Rows.CONTACTS
    figures = (
        count(
            "intake.contacts",
            _("Contacts"),
            rows,
            new,
            definition=_("Contacts (henvendelser) registered in the period."),
        ),
        share(
            "intake.self_referred",
            _("Self-referred"),
            rows,
            [c for c in new if c.referrer == Referrer.SELF],
            new,
            definition=_("Contacts in the period where the person referred themselves."),
        ),
        count(
            "intake.open",
            _("Open contacts now"),
            rows,
            open_now,
            definition=_("Contacts not yet offered an assessment nor closed, whenever registered."),
        ),
        count(
            "intake.open_overdue",
            _("Open contacts past the team's promise now"),
            rows,
            overdue,
            definition=_("Open contacts registered longer ago than the team's promise."),
        ),
        share(
            "intake.in_time_48h",
            _("Reached within 48 hours"),
            rows,
            in_48,
            decided_48,
            definition=_(
                "Contacts in the period offered an assessment before registration + 48 hours, "
                "of those whose clock has a result: offered, open past the deadline, or closed "
                "as unreachable. Open contacts with time left, and contacts closed as declined, "
                "duplicate or helped onward, are not counted."
            ),
            values={c.id: round(hours_between(c.registered_at, c.offered_at), 1) for c in in_48},  # type: ignore[arg-type]
            value_label=hours_label,
        ),
        share(
            "intake.in_time_promise",
            _("Reached within the team's promise"),
            rows,
            in_promise,
            decided_promise,
            definition=_(
                "As for 48 hours, with the team's own promise (team setting), applied to every "
                "contact in the period."
            ),
            values={
                c.id: round(hours_between(c.registered_at, c.offered_at), 1) for c in in_promise
            },  # type: ignore[arg-type]
            value_label=hours_label,
        ),
        statistic(
            "intake.hours_to_contact_median",
            _("Hours to first contact, median"),
            rows,
            to_contact,
            median,
            Unit.HOURS,
            definition=_(
                "Elapsed hours from registration until the person was reached and offered an "
                "assessment (when the clock stopped), for contacts in the period that were "
                "offered one."
            ),
            value_label=hours_label,
        ),
        statistic(
            "intake.hours_to_contact_p90",
            _("Hours to first contact, 90th percentile"),
            rows,
            to_contact,
            p90,
            Unit.HOURS,
            definition=_("As the median; nearest-rank 90th percentile."),
            value_label=hours_label,
        ),
    )
    groups = (
        Group(
            "channel",
            _("Contacts by channel"),
            tuple(
                share(
                    f"intake.channel.{value}",
                    label,
                    rows,
                    [c for c in new if c.channel == value],
                    new,
                )
                for value, label in Channel.choices
            ),
        ),
        Group(
            "referrer",
            _("Contacts by referrer"),
            tuple(
                share(
                    f"intake.referrer.{value}",
                    label,
                    rows,
                    [c for c in new if c.referrer == value],
                    new,
                )
                for value, label in Referrer.choices
            ),
        ),
    )
    return Section("intake", _("Contacts and the 48-hour clock"), figures, groups)
