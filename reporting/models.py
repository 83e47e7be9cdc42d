"""Reporting: staffing per year for the grant report, and the log of every export."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rph.accounts.models import Municipality, Team
from rph.audit.models import AccessEvent, AppendOnlyError


class StaffingQuerySet(models.QuerySet["Staffing"]):
    def for_team(self, team: Team) -> "StaffingQuerySet":
        return (
            self.filter(team=team)
            .select_related("municipality")
            .order_by("-year", models.F("municipality__name").asc(nulls_first=True))
        )

    def for_report(
        self, team: Team, year: int, municipality: Municipality | None
    ) -> "Staffing | None":
        """The row for the municipality, else the team-wide row (a team often staffs all)."""
        rows = {row.municipality_id: row for row in self.filter(team=team, year=year)}
        if municipality is not None and municipality.pk in rows:
            return rows[municipality.pk]
        return rows.get(None)


class Staffing(models.Model):
    """The team's staffing in one year, entered by the team lead for the grant report."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2012), MaxValueValidator(2100)]
    )
    municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("municipality"),
        help_text=_("Empty: the whole team, all its municipalities."),
    )
    full_time_equivalents = models.DecimalField(
        _("full-time equivalents (årsverk)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("500"))],
    )
    staff_in_cbt_training = models.PositiveSmallIntegerField(
        _("staff in cognitive therapy training")
    )
    staff_total = models.PositiveSmallIntegerField(_("staff in all"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    updated_at = models.DateTimeField(default=timezone.now)

    objects = StaffingQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year", "municipality"],
                condition=Q(municipality__isnull=False),
                name="one_staffing_per_municipality_year",
            ),
            models.UniqueConstraint(
                fields=["team", "year"],
                condition=Q(municipality__isnull=True),
                name="one_team_staffing_per_year",
            ),
            models.CheckConstraint(
                condition=Q(staff_in_cbt_training__lte=models.F("staff_total")),
                name="staffing_training_within_total",
                violation_error_message=_("More staff in training than staff in all."),
            ),
        ]
        verbose_name = _("staffing")
        verbose_name_plural = _("staffing")

    def __str__(self) -> str:
        return f"{self.team} {self.year} {self.municipality or ''}".strip()


class ExportKind(models.TextChoices):
    GRANT_PDF = "grant_pdf", _("Grant report (PDF)")
    GRANT_XLSX = "grant_xlsx", _("Grant report (XLSX)")
    FHI_EPISODES = "fhi_episodes", _("FHI evaluation: episodes")
    FHI_EVENTS = "fhi_events", _("FHI evaluation: sessions and questionnaires")


# Kinds whose label names the file format already ("Grant report (XLSX)").
FORMAT_IN_LABEL = frozenset({ExportKind.GRANT_PDF, ExportKind.GRANT_XLSX})


class ExportLog(models.Model):
    """Who exported what, when, and how many rows. Append-only: the database refuses
    UPDATE and DELETE. Never holds the export key or any personal data."""

    at = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("export"), max_length=20, choices=ExportKind.choices)
    file_format = models.CharField(_("format"), max_length=8)
    row_count = models.PositiveIntegerField(_("rows"))
    parameters = models.JSONField(_("parameters"), default=dict)
    channel = models.CharField(_("channel"), max_length=3, choices=AccessEvent.Channel.choices)

    class Meta:
        indexes = [models.Index(fields=["team", "at"])]
        ordering = ["-at", "-pk"]
        verbose_name = _("export")
        verbose_name_plural = _("export log")

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M} {self.kind}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The export log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The export log is append-only.")

    @property
    def label(self) -> str:
        """What was exported, with the file format named once."""
        kind = self.get_kind_display()
        return kind if self.kind in FORMAT_IN_LABEL else f"{kind} ({self.file_format.upper()})"
