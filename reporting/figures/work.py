"""Work: the work status at the start and the end of the episodes that ended."""

from collections.abc import Iterable, Sequence

from django.utils.translation import gettext_lazy as _

from intake.assessments.choices import WorkStatus
from reporting.figures.base import (
    Rows,
    Section,
    count,
    share,
)
from reporting.figures.facts import OutcomeFact

BENEFITS = frozenset({WorkStatus.SICK_LEAVE, WorkStatus.AAP, WorkStatus.DISABILITY})


def in_work_without_benefits(statuses: Iterable[str]) -> bool:
    statuses = set(statuses)
    return WorkStatus.IN_WORK in statuses and not statuses & BENEFITS


def work_section(ended: Sequence[OutcomeFact]) -> Section:
    start_known = [f for f in ended if f.work_start]
    end_known = [f for f in ended if f.work_end]
    start = _("Work status at start")
    end = _("Work status at end")

    def labels(statuses: tuple[str, ...] | None) -> str:
        names = dict(WorkStatus.choices)
        return ", ".join(str(names.get(s, s)) for s in statuses or ())

    starts = {f.id: labels(f.work_start) for f in ended}
    ends = {f.id: labels(f.work_end) for f in ended}
    figures = (
        share(
            "work.in_work_start",
            _("In work without benefits at start"),
            Rows.EPISODES,
            [f for f in start_known if in_work_without_benefits(f.work_start or ())],
            start_known,
            definition=_(
                "Episodes ended in the period: in work and not on sick leave, AAP or disability "
                "benefit at the assessment, of those with a work status recorded there."
            ),
            values=starts,
            value_label=start,
        ),
        share(
            "work.in_work_end",
            _("In work without benefits at end"),
            Rows.EPISODES,
            [f for f in end_known if in_work_without_benefits(f.work_end or ())],
            end_known,
            definition=_(
                "The same at the end, from the approved end epikrise, of episodes with a work "
                "status recorded there."
            ),
            values=ends,
            value_label=end,
        ),
        share(
            "work.sick_leave_start",
            _("On sick leave at start"),
            Rows.EPISODES,
            [f for f in start_known if WorkStatus.SICK_LEAVE in (f.work_start or ())],
            start_known,
            values=starts,
            value_label=start,
        ),
        share(
            "work.sick_leave_end",
            _("On sick leave at end"),
            Rows.EPISODES,
            [f for f in end_known if WorkStatus.SICK_LEAVE in (f.work_end or ())],
            end_known,
            values=ends,
            value_label=end,
        ),
        count(
            "work.end_unknown",
            _("Ended without a work status at end"),
            Rows.EPISODES,
            [f for f in ended if not f.work_end],
            definition=_(
                "Episodes ended in the period without an approved end epikrise that states "
                "the work status."
            ),
        ),
    )
    return Section("work", _("Work"), figures)
