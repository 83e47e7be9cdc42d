from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rph.accounts.access import Basis
from rph.accounts.models import Team


class AppendOnlyError(Exception):
    pass


class BreakGlassQuerySet(models.QuerySet["BreakGlassGrant"]):
    def active_for(self, user: object, subject: models.Model) -> "BreakGlassQuerySet":
        return self.filter(
            user=user,
            subject_type=ContentType.objects.get_for_model(subject),
            subject_id=subject.pk,
            expires_at__gt=timezone.now(),
        )

    def for_review(self, team: Team) -> "BreakGlassQuerySet":
        return (
            self.filter(team=team)
            .select_related("user", "reviewed_by", "subject_type")
            .prefetch_related("subject")
            .order_by("reviewed_at", "-created_at")
        )


class BreakGlassGrant(models.Model):
    """A colleague outside the care team opened a record, giving a reason."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    reason = models.TextField(_("reason"))
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    objects = BreakGlassQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id", "user", "expires_at"])]
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")

    def __str__(self) -> str:
        return f"{self.user} {self.created_at:%Y-%m-%d %H:%M}"


class AccessEventQuerySet(models.QuerySet["AccessEvent"]):
    def for_subject(self, subject: models.Model) -> "AccessEventQuerySet":
        return (
            self.filter(
                subject_type=ContentType.objects.get_for_model(subject), subject_id=subject.pk
            )
            .select_related("user", "break_glass")
            .order_by("-at", "-pk")
        )


class AccessEvent(models.Model):
    """One view of a client record. Append-only: the database refuses UPDATE and DELETE."""

    class Channel(models.TextChoices):
        UI = "ui", _("Web page")
        API = "api", _("API")

    at = models.DateTimeField(_("time"), default=timezone.now)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    subject_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    subject_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("subject_type", "subject_id")
    action = models.CharField(_("what"), max_length=200)
    path = models.CharField(_("address"), max_length=500)
    channel = models.CharField(_("channel"), max_length=3, choices=Channel.choices)
    basis = models.CharField(_("basis"), max_length=20, choices=Basis.choices)
    break_glass = models.ForeignKey(
        BreakGlassGrant, on_delete=models.PROTECT, null=True, blank=True, related_name="events"
    )
    ip = models.GenericIPAddressField(_("IP address"), null=True, blank=True)

    objects = AccessEventQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id", "at"])]
        verbose_name = _("record view")
        verbose_name_plural = _("access log")

    def __str__(self) -> str:
        return f"{self.user} {self.at:%Y-%m-%d %H:%M} {self.action}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise AppendOnlyError("The access log is append-only.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise AppendOnlyError("The access log is append-only.")
