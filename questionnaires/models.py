from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from questionnaires.definitions import Definition, parse_definition
from rph.accounts.models import Team


class InstrumentQuerySet(models.QuerySet["Instrument"]):
    def available_to(self, team: Team) -> "InstrumentQuerySet":
        """Active instruments a team may use: the shipped ones and its own."""
        return self.filter(Q(team__isnull=True) | Q(team=team), active=True)

    def for_admin_teams(self, team_ids: list[int]) -> "InstrumentQuerySet":
        return self.filter(Q(team__isnull=True) | Q(team_id__in=team_ids))


class Instrument(models.Model):
    """One version of a questionnaire; `definition` is checked by questionnaires.definitions."""

    code = models.CharField(_("code"), max_length=30)
    version = models.CharField(_("version"), max_length=20)
    name = models.CharField(_("name"), max_length=40)
    definition = models.JSONField(_("definition"))
    is_shipped = models.BooleanField(_("shipped with RPH"), default=False)
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instruments",
        verbose_name=_("team"),
        help_text=_("Empty for the instruments shipped with RPH, which every team can use."),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    objects = InstrumentQuerySet.as_manager()

    class Meta:
        ordering = ["code", "version"]
        verbose_name = _("instrument")
        verbose_name_plural = _("instruments")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "version"],
                condition=Q(team__isnull=True),
                name="one_shipped_instrument_version",
            ),
            models.UniqueConstraint(
                fields=["team", "code", "version"], name="one_team_instrument_version"
            ),
            models.CheckConstraint(
                condition=Q(is_shipped=True, team__isnull=True)
                | Q(is_shipped=False, team__isnull=False),
                name="shipped_instruments_have_no_team",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.version})"

    def parsed(self) -> Definition:
        return parse_definition(self.definition)
