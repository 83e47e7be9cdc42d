import uuid
from collections.abc import Sequence
from datetime import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.definitions import Definition, parse_definition
from rph.accounts.models import Team
from rph.audit.models import AppendOnlyError

# Instruments whose answers are shown only without names, in the team lead's reports: the
# end-of-treatment satisfaction survey (questionnaires/instruments/satisfaction.json).
ANONYMOUS_CODES = ("satisfaction",)


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


class Capture(models.TextChoices):
    LINK = "link", _("By the client, through a link")
    KIOSK = "kiosk", _("In the clinic, on a tablet")
    PAPER = "paper", _("Entered by staff from paper")
    ASSESSMENT = "assessment", _("In the assessment conversation")


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def with_messages_used(self) -> "InvitationQuerySet":
        """`messages_used`: messages sent or on their way for the same session (or this link).

        Failed and cancelled messages never reached the client and do not count.
        """
        counted = [
            Message.Status.PENDING,
            Message.Status.SENDING,
            Message.Status.HANDED,
            Message.Status.SENT,
        ]
        same_session = Message.objects.filter(
            invitation__client=models.OuterRef("client"),
            invitation__occasion_type=models.OuterRef("occasion_type"),
            invitation__occasion_id=models.OuterRef("occasion_id"),
            status__in=counted,
        )
        same_link = Message.objects.filter(invitation=models.OuterRef("pk"), status__in=counted)
        return self.annotate(
            messages_used=models.Case(
                models.When(occasion_id__isnull=True, then=_count(same_link)),
                default=_count(same_session),
            )
        )

    def for_outstanding(self, team: Team, now: datetime) -> "InvitationQuerySet":
        """The team's unanswered links sent (or to be sent) to clients; next session first."""
        return (
            self.filter(team=team, completed_at=None, expires_at__gt=now)
            .filter(models.Exists(Message.objects.filter(invitation=models.OuterRef("pk"))))
            .with_messages_used()
            .select_related("client")
            .prefetch_related(
                models.Prefetch("messages", queryset=Message.objects.order_by("send_after", "pk"))
            )
            .order_by(models.F("occasion_at").asc(nulls_last=True), "pk")
        )


def _count(messages: models.QuerySet["Message"]) -> Coalesce:
    # COUNT as a plain function, not an aggregate: no GROUP BY, one row per outer row.
    rows = messages.order_by().annotate(n=models.Func(models.F("pk"), function="COUNT"))
    return Coalesce(models.Subquery(rows.values("n")), 0)


class Invitation(models.Model):
    """A link for one client to answer one or more instruments before one occasion.

    The occasion is what the answers precede: an assessment (intake.AssessmentOffer) now, a
    treatment session later. Only a hash of the link's token is stored.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "intake.Client", on_delete=models.PROTECT, related_name="invitations"
    )
    instrument_codes = models.JSONField(_("instruments"), default=list)
    occasion_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occasion_id = models.PositiveBigIntegerField(null=True, blank=True)
    occasion = GenericForeignKey("occasion_type", "occasion_id")
    occasion_at = models.DateTimeField(_("session starts"), null=True, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    valid_from = models.DateTimeField(_("valid from"), default=timezone.now)
    expires_at = models.DateTimeField(_("valid until"))
    draft_answers = models.JSONField(default=dict, blank=True, editable=False)
    completed_at = models.DateTimeField(_("completed"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    objects = InvitationQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["team", "completed_at", "expires_at"])]
        verbose_name = _("questionnaire invitation")
        verbose_name_plural = _("questionnaire invitations")

    def __str__(self) -> str:
        return f"{self.client_id} {','.join(self.instrument_codes)} {self.expires_at:%Y-%m-%d}"


class ResponseQuerySet(models.QuerySet["Response"]):
    def current(self) -> "ResponseQuerySet":
        """Responses no correction has replaced: the ones that count."""
        return self.filter(superseded_by__isnull=True)

    def for_client_page(self, client: object) -> "ResponseQuerySet":
        """The client's responses staff see by name: never the anonymous satisfaction survey."""
        return (
            self.filter(client=client)
            .exclude(instrument_code__in=ANONYMOUS_CODES)
            .select_related("instrument", "entered_by", "supersedes", "superseded_by")
            .order_by("-answered_at", "-pk")
        )

    def for_trend(self, client: object, codes: Sequence[str]) -> "ResponseQuerySet":
        """The client page's chart: current responses, oldest first, with the session time."""
        return (
            self.current()
            .filter(client=client, instrument_code__in=codes)
            .annotate(occasion_at=models.F("invitation__occasion_at"))
            .order_by("answered_at", "pk")
        )


class Response(models.Model):
    """One submitted administration of one instrument. Never edited: corrections supersede."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("intake.Client", on_delete=models.PROTECT, related_name="responses")
    instrument = models.ForeignKey(Instrument, on_delete=models.PROTECT, related_name="responses")
    instrument_code = models.CharField(max_length=30)
    instrument_version = models.CharField(max_length=20)
    answers = models.JSONField(_("answers"), help_text=_("Every item, scored or not, in order."))
    raw_sum = models.PositiveSmallIntegerField(_("raw sum"))
    total = models.PositiveSmallIntegerField(_("total"), null=True, blank=True)
    prorated = models.BooleanField(_("prorated"), default=False)
    band = models.CharField(_("band"), max_length=30, blank=True)
    flags = models.JSONField(_("flags"), default=list)
    capture = models.CharField(_("captured"), max_length=10, choices=Capture.choices)
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="responses"
    )
    occasion_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    occasion_id = models.PositiveBigIntegerField(null=True, blank=True)
    occasion = GenericForeignKey("occasion_type", "occasion_id")
    answered_at = models.DateTimeField(_("answered"), default=timezone.now)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    correction_reason = models.CharField(_("reason for correction"), max_length=500, blank=True)

    objects = ResponseQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["client", "instrument_code", "answered_at"])]
        verbose_name = _("questionnaire response")
        verbose_name_plural = _("questionnaire responses")

    def __str__(self) -> str:
        return f"{self.instrument_code} {self.total} {self.answered_at:%Y-%m-%d}"

    def save(self, *args: object, **kwargs: object) -> None:
        if not self._state.adding:
            raise AppendOnlyError("A submitted response is never changed; a correction is new.")
        super().save(*args, **kwargs)  # type: ignore[arg-type]


class Message(models.Model):
    """Outbox: every SMS/e-mail is written here in the transaction that caused it, then sent."""

    class Kind(models.TextChoices):
        INVITATION = "invitation", _("Invitation")
        BOOKING = "booking", _("Booking link")
        REMINDER = "reminder", _("Reminder")

    class Channel(models.TextChoices):
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        SENDING = "sending", _("Sending")
        HANDED = "handed", _("Handed to the provider")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")
        CANCELLED = "cancelled", _("Cancelled")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    invitation = models.ForeignKey(
        Invitation, on_delete=models.PROTECT, null=True, blank=True, related_name="messages"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    channel = models.CharField(_("channel"), max_length=10, choices=Channel.choices)
    recipient = models.CharField(_("to"), max_length=254)
    body = models.TextField(_("text"))
    send_after = models.DateTimeField(_("send after"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    claimed_at = models.DateTimeField(null=True, blank=True)
    # Sent with every hand-over (retries too), so the provider can drop a second copy.
    idempotency_key = models.UUIDField(default=uuid.uuid4, null=True, unique=True, editable=False)
    # When the message was first handed to the provider (the call may not have returned).
    handed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["status", "send_after"])]
        verbose_name = _("message")
        verbose_name_plural = _("outbox")

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.status}"


class RiskAlertQuerySet(models.QuerySet["RiskAlert"]):
    def open(self) -> "RiskAlertQuerySet":
        return self.filter(acknowledged_at=None)

    def for_team_list(self, team: Team) -> "RiskAlertQuerySet":
        """The team lead's list: open alerts first, then the newest."""
        return (
            self.filter(team=team)
            .select_related("client", "recipient", "acknowledged_by")
            .order_by(models.F("acknowledged_at").desc(nulls_first=True), "-created_at", "-pk")
        )


class RiskAlert(models.Model):
    """A risk answer (PHQ-9 item 9) that a person must see and act on."""

    class Action(models.TextChoices):
        CALLED_CLIENT = "called_client", _("Called the client")
        RISK_ASSESSMENT = "risk_assessment", _("Did a risk assessment")
        CONTACTED_LEGEVAKT = "contacted_legevakt", _("Contacted legevakt / the acute team")
        CONFERRED = "conferred", _("Conferred with a colleague")
        OTHER = "other", _("Other")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("intake.Client", on_delete=models.PROTECT, related_name="+")
    response = models.ForeignKey(Response, on_delete=models.PROTECT, related_name="risk_alerts")
    flag = models.CharField(_("flag"), max_length=40)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="risk_alerts",
    )
    created_at = models.DateTimeField(default=timezone.now)
    escalate_at = models.DateTimeField(_("escalates"))
    escalated_at = models.DateTimeField(_("escalated"), null=True, blank=True)
    acknowledged_at = models.DateTimeField(_("acknowledged"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    action = models.CharField(_("action taken"), max_length=30, choices=Action.choices, blank=True)
    note = models.CharField(_("note"), max_length=1000, blank=True)

    objects = RiskAlertQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["team", "acknowledged_at", "escalate_at"])]
        verbose_name = _("risk alert")
        verbose_name_plural = _("risk alerts")

    def __str__(self) -> str:
        return f"{self.flag} {self.created_at:%Y-%m-%d %H:%M}"
