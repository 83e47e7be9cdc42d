"""The whole board: every section, worked out from the facts."""

from reporting.figures.activity import activity_section
from reporting.figures.base import Dashboard
from reporting.figures.capacity import capacity_section
from reporting.figures.facts import Context, Facts
from reporting.figures.intake import intake_section
from reporting.figures.outcomes import outcome_section
from reporting.figures.reach import reach_section
from reporting.figures.waiting import waiting_section
from reporting.figures.work import work_section


def dashboard(facts: Facts, ctx: Context) -> Dashboard:
    return Dashboard(
        sections=(
            intake_section(facts.contacts, ctx),
            waiting_section(facts.contacts, facts.episodes, ctx),
            activity_section(facts, ctx),
            outcome_section(facts.outcomes),
            reach_section(facts.contacts, ctx.period),
            work_section(facts.outcomes),
            capacity_section(facts, ctx.period.last),
        )
    )
