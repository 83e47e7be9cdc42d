"""The satisfaction survey's answers in a period, for the team lead: never a name or a date."""

from django.db.models import Q

from questionnaires.definitions import Definition
from questionnaires.models import Instrument, Response
from questionnaires.scoring import SATISFACTION, shipped_definition
from reporting.figures.follow_up import FollowUpFact, fact
from reporting.filters import Filters
from treatment.models import FollowUp


def satisfaction_rows(filters: Filters) -> tuple[Definition, list[list[object]], list[int | None]]:
    """The current survey responses of the team answered in the period, in the order of the
    newest definition's items (matched by item id, so an older version's answers fit)."""
    instruments = {
        instrument.pk: instrument.parsed()
        for instrument in Instrument.objects.filter(code=SATISFACTION).filter(
            Q(team__isnull=True) | Q(team=filters.team)
        )
    }
    definition = shipped_definition(SATISFACTION)
    period = filters.period
    rows = (
        Response.objects.current()
        .filter(
            team=filters.team,
            instrument_code=SATISFACTION,
            answered_at__gte=period.starts_at,
            answered_at__lt=period.ends_before,
        )
        .order_by("?")  # no order that could be matched to when an episode ended
        .values_list("instrument_id", "answers", "total")
    )
    answers, totals = [], []
    for instrument_id, stored, total in rows:
        by_id = {
            item.id: value
            for item, value in zip(instruments[instrument_id].items, stored, strict=False)
        }
        answers.append([by_id.get(item.id) for item in definition.items])
        totals.append(total)
    return definition, answers, totals


def follow_up_facts(filters: Filters) -> list[FollowUpFact]:
    """The team's follow-ups sent in the period (by when they were sent)."""
    period = filters.period
    rows = FollowUp.objects.filter(
        team=filters.team, sent_at__gte=period.starts_at, sent_at__lt=period.ends_before
    ).values_list("months", "sent_at", "answered_at", "relapse")
    return [fact(*row) for row in rows]
