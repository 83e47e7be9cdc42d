from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rph.accounts.models import Team, User


class NotificationQuerySet(models.QuerySet["Notification"]):
    def visible_to(self, team: Team, user: User) -> "NotificationQuerySet":
        """The team-wide notifications of `team` and those addressed to `user` in it."""
        return self.filter(Q(recipient=None) | Q(recipient=user), team=team)

    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at=None)

    def open_risk_for(self, team: Team, user: User) -> "NotificationQuerySet":
        """The home page's risk alerts: unread, addressed to `user`, newest first."""
        return self.filter(
            team=team, recipient=user, read_at=None, kind__in=Notification.RISK_KINDS
        ).order_by("-created_at", "-pk")

    def for_list(self, team: Team, user: User) -> "NotificationQuerySet":
        return (
            self.visible_to(team, user)
            .select_related("read_by")
            .order_by(models.F("read_at").desc(nulls_first=True), "-created_at", "-pk")
        )


class Notification(models.Model):
    """Something the team (or one member) should look at. Shown behind login only.

    Keep personal data out of `title` beyond what the person needs to find the case.
    """

    class Kind(models.TextChoices):
        CONTACT_DUE_SOON = "contact_due_soon", _("Contact due soon")
        CONTACT_OVERDUE = "contact_overdue", _("Contact overdue")
        RISK_ALERT = "risk_alert", _("Risk alert")
        RISK_ESCALATED = "risk_escalated", _("Escalated risk alert")
        FOLLOW_UP_RELAPSE = "follow_up_relapse", _("Relapse or risk at follow-up")
        LETTER_SENT_DESPITE_OBJECTION = (
            "letter_despite_objection",
            _("Letter sent despite the client's objection"),
        )
        LETTER_MESSAGE_REJECTED = "letter_message_rejected", _("Electronic letter rejected")
        LETTER_RECEIPT_MISSING = "letter_receipt_missing", _("No receipt for an electronic letter")

    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notifications",
        help_text=_("Empty for the whole team."),
    )
    kind = models.CharField(_("kind"), max_length=40, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=200)
    url = models.CharField(_("link"), max_length=500)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    read_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("read by"),
    )

    # Kinds a person must act on; shown on their home page until acted on (marked read).
    RISK_KINDS = (Kind.RISK_ALERT, Kind.RISK_ESCALATED)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["team", "read_at"])]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")

    def __str__(self) -> str:
        return self.title

    @property
    def is_risk(self) -> bool:
        return self.kind in self.RISK_KINDS
