"""Outcomes of the episodes that ended: recovery, reliable change (treatment.outcomes)."""

from collections.abc import Sequence

from django.utils.translation import gettext_lazy as _

from reporting.figures.base import Figure, Label, Rows, Section, Unit, count, row_ids
from reporting.figures.facts import OutcomeFact
from treatment.episodes.badges import outcome_badge
from treatment.outcomes import Rate, rates


def outcome_section(ended: Sequence[OutcomeFact]) -> Section:
    """The numbers are treatment.outcomes.rates(); the ids are the episodes it counted."""
    result = rates(f.outcome for f in ended)
    finished = [f for f in ended if f.outcome.finished]
    paired = [f for f in finished if f.outcome.outcome is not None]
    cases = [f for f in paired if _has(f, "caseness_start")]
    badges = {f.id: outcome_badge(f.outcome).label for f in ended}
    classified = {"values": badges, "value_label": _("Outcome")}

    def rate(
        key: str, label: Label, value: Rate, rows: list, of: list, definition: Label
    ) -> Figure:
        ids, clients = row_ids(rows)
        of_ids, of_clients = row_ids(of)
        return Figure(
            key=key,
            label=label,
            value=value.percent,
            rows=Rows.EPISODES,
            ids=ids,
            client_ids=clients,
            unit=Unit.PERCENT,
            numerator=value.numerator,
            denominator=value.denominator,
            denominator_ids=of_ids,
            denominator_client_ids=of_clients,
            rule_version=result.rule_version,
            definition=definition,
            **classified,  # type: ignore[arg-type]
        )

    figures = (
        count(
            "outcomes.ended",
            _("Episodes ended"),
            Rows.EPISODES,
            ended,
            definition=_("Episodes that ended in the period, for any reason."),
            **classified,
        ),
        Figure(
            key="outcomes.finished",
            label=_("Finished treatment"),
            value=result.finished,
            rows=Rows.EPISODES,
            ids=row_ids(finished)[0],
            client_ids=row_ids(finished)[1],
            rule_version=result.rule_version,
            definition=_(
                "Ended in the period with at least 2 attended treatment sessions (the "
                "assessment not counted; course meetings and follow-ups count)."
            ),
            **classified,  # type: ignore[arg-type]
        ),
        rate(
            "outcomes.caseness_start",
            _("At caseness at start"),
            result.caseness_start,
            cases,
            paired,
            _(
                "PHQ-9 at least 10 or GAD-7 at least 8 at the first score, of finished "
                "episodes with paired scores."
            ),
        ),
        rate(
            "outcomes.recovery",
            _("Recovery rate"),
            result.recovery,
            [f for f in cases if _has(f, "recovered")],
            cases,
            _(
                "At caseness at the first score and not at the last, of finished episodes at "
                "caseness at start."
            ),
        ),
        rate(
            "outcomes.reliable_improvement",
            _("Reliable improvement"),
            result.reliable_improvement,
            [f for f in paired if _has(f, "reliable_improvement")],
            paired,
            _(
                "PHQ-9 fell by 6 or more or GAD-7 by 4 or more, and neither rose as much, of "
                "finished episodes with paired scores."
            ),
        ),
        rate(
            "outcomes.reliable_deterioration",
            _("Reliable deterioration"),
            result.reliable_deterioration,
            [f for f in paired if _has(f, "reliable_deterioration")],
            paired,
            _(
                "PHQ-9 rose by 6 or more or GAD-7 by 4 or more, and neither fell as much, of "
                "finished episodes with paired scores."
            ),
        ),
        rate(
            "outcomes.reliable_recovery",
            _("Reliable recovery"),
            result.reliable_recovery,
            [f for f in cases if _has(f, "reliable_recovery")],
            cases,
            _("Recovered and reliably improved, of finished episodes at caseness at start."),
        ),
        Figure(
            key="outcomes.without_paired_scores",
            label=_("Finished without paired scores"),
            value=result.without_paired_scores,
            rows=Rows.EPISODES,
            ids=row_ids(f for f in finished if f.outcome.outcome is None)[0],
            client_ids=row_ids(f for f in finished if f.outcome.outcome is None)[1],
            rule_version=result.rule_version,
            definition=_(
                "Data quality: finished episodes without two occasions with both PHQ-9 and "
                "GAD-7. They are left out of every rate."
            ),
        ),
    )
    return Section("outcomes", _("Outcomes"), figures)


def _has(fact: OutcomeFact, attribute: str) -> bool:
    return bool(getattr(fact.outcome.outcome, attribute, False))
