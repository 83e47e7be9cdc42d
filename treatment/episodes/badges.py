"""How an episode's outcome reads on a page: one Norwegian label and a colour, never the
colour alone. The rules themselves are in treatment.outcomes."""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from treatment.outcomes import EpisodeOutcome, Headline, Unclassified

HEADLINES: dict[Headline, tuple[Promise, str]] = {
    Headline.RELIABLE_RECOVERY: (_("Reliable recovery"), "text-bg-success"),
    Headline.RECOVERY: (_("Recovery"), "text-bg-success"),
    Headline.RELIABLE_IMPROVEMENT: (_("Reliable improvement"), "text-bg-info"),
    Headline.RELIABLE_DETERIORATION: (_("Reliable deterioration"), "text-bg-danger"),
    Headline.NO_RELIABLE_CHANGE: (_("No reliable change"), "text-bg-secondary"),
    Headline.NOT_A_CASE: (_("Below the clinical threshold at start"), "text-bg-light"),
}
UNCLASSIFIED: dict[Unclassified, Promise] = {
    Unclassified.STILL_OPEN: _("Still open"),
    Unclassified.TREATED_ONCE: _("Fewer than two treatment sessions"),
    Unclassified.NO_PAIRED_SCORES: _("No paired scores"),
}


@dataclass(frozen=True)
class Badge:
    label: str | Promise
    css: str
    so_far: bool  # the episode is open: the outcome is provisional


def outcome_badge(result: EpisodeOutcome) -> Badge:
    """The headline when there is one (also "so far" while open), else why there is none."""
    still_open = result.reason == Unclassified.STILL_OPEN
    if result.outcome is not None and (result.reason is None or still_open):
        label, css = HEADLINES[result.outcome.headline]
        return Badge(label=label, css=css, so_far=still_open)
    reason = result.reason or Unclassified.NO_PAIRED_SCORES  # never None without an outcome
    return Badge(label=UNCLASSIFIED[reason], css="text-bg-secondary", so_far=False)
