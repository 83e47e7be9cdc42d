"""Waiting times: from contact to assessment and to treatment, and waits longer than four weeks."""

from collections.abc import Sequence
from datetime import date, datetime

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import Contact
from reporting.figures.base import Rows, Section, Unit, count, median, p90, share, statistic
from reporting.figures.facts import ContactFact, Context, EpisodeFact

HIDDEN_WAIT_DAYS = (28, 90)


def days_between(start: datetime, end: date) -> int:
    return (end - timezone.localdate(start)).days


def waiting_section(
    contacts: Sequence[ContactFact], episodes: Sequence[EpisodeFact], ctx: Context
) -> Section:
    period = ctx.period
    to_assessment = [
        (c, days_between(c.registered_at, timezone.localdate(c.assessment_held_at)))
        for c in contacts
        if c.assessment_held_at is not None and period.has_moment(c.assessment_held_at)
    ]
    to_treatment = [
        (e, days_between(e.contact_registered_at, e.treatment_start))
        for e in episodes
        if e.treatment_start is not None
        and e.contact_registered_at is not None
        and period.has_day(e.treatment_start)
    ]
    seconds = [
        e for e in episodes if len(e.treatment_days) >= 2 and period.has_day(e.treatment_days[1])
    ]
    gaps = {e.id: (e.treatment_days[1] - e.treatment_days[0]).days for e in seconds}
    waiting = [
        c
        for c in contacts
        if c.status == Contact.Status.OPEN
        and c.offered_at is None
        and period.has_moment(c.registered_at)
    ]
    days = _("Days")
    figures = [
        statistic(
            "waiting.to_assessment_median",
            _("Days from contact to assessment, median"),
            Rows.CONTACTS,
            to_assessment,
            median,
            Unit.DAYS,
            definition=_(
                "Calendar days from the contact's registration to the assessment conversation, "
                "for assessments held in the period."
            ),
            value_label=days,
        ),
        statistic(
            "waiting.to_assessment_p90",
            _("Days from contact to assessment, 90th percentile"),
            Rows.CONTACTS,
            to_assessment,
            p90,
            Unit.DAYS,
            definition=_("As the median; nearest-rank 90th percentile."),
            value_label=days,
        ),
        statistic(
            "waiting.to_treatment_median",
            _("Days from contact to treatment start, median"),
            Rows.EPISODES,
            to_treatment,
            median,
            Unit.DAYS,
            definition=_(
                "Calendar days from the contact's registration to treatment start (the first "
                "attended treatment session or course meeting, or guided self-help material "
                "given), for episodes whose treatment started in the period."
            ),
            value_label=days,
        ),
        statistic(
            "waiting.to_treatment_p90",
            _("Days from contact to treatment start, 90th percentile"),
            Rows.EPISODES,
            to_treatment,
            p90,
            Unit.DAYS,
            definition=_("As the median; nearest-rank 90th percentile."),
            value_label=days,
        ),
    ]
    for limit in HIDDEN_WAIT_DAYS:
        figures.append(
            share(
                f"waiting.hidden_over_{limit}",
                _("Second treatment session more than %(days)d days after the first")
                % {"days": limit},
                Rows.EPISODES,
                [e for e in seconds if gaps[e.id] > limit],
                seconds,
                definition=_(
                    "Hidden waits: episodes whose second attended treatment session (or course "
                    "meeting) was in the period, where it came more than %(days)d days after "
                    "the first."
                )
                % {"days": limit},
                values=gaps,
                value_label=days,
            )
        )
    figures.append(
        count(
            "waiting.no_contact_yet",
            _("Contacts in the period still waiting to be reached"),
            Rows.CONTACTS,
            waiting,
            definition=_(
                "Contacts registered in the period that are still open: nobody has offered "
                "them an assessment yet."
            ),
        )
    )
    return Section("waiting", _("Waiting times"), tuple(figures))
