"""Letters and collaboration: the consent register, the epikrise and the letter asking the GP
for onward referral, acute contacts, and the collaboration log (domain.md §2 step 6, §6)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from intake.models import HER_ID_VALIDATOR, Consent, Party
from rph.accounts.models import Team


class LetterKind(models.TextChoices):
    EPIKRISE_ASSESSMENT = "epikrise_assessment", _("Epikrise after the assessment")
    EPIKRISE_END = "epikrise_end", _("Epikrise at the end")
    REFERRAL_REQUEST = "referral_request", _("Request to the GP for onward referral")


class LetterStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    SENT = "sent", _("Sent")


class SentVia(models.TextChoices):
    POST = "post", _("Printed and posted")
    SECURE_EMAIL = "secure_email", _("E-mailed by a secure channel")
    HANDED = "handed", _("Handed to the client")
    MESSAGE = "message", _("Electronic message to the GP (Dialogmelding)")


class ReferralTo(models.TextChoices):
    DPS = "dps", _("DPS (specialist mental health care)")
    TSB = "tsb", _("TSB (specialist substance treatment)")
    ACUTE = "acute", _("Acute mental health care")
    OTHER = "other", _("Other")


class LetterQuerySet(models.QuerySet["Letter"]):
    def listed(self) -> "LetterQuerySet":
        """Without the PDF bytes, with what a list row shows."""
        return self.defer("pdf", "facts").select_related("client", "gp", "approved_by", "episode")

    def waiting_to_be_sent(self, team: Team) -> "LetterQuerySet":
        return self.listed().filter(team=team, status=LetterStatus.APPROVED).order_by("approved_at")

    def drafts_in_care_of(self, team: Team, user: object) -> "LetterQuerySet":
        return (
            self.listed()
            .filter(team=team, status=LetterStatus.DRAFT, client__care_team=user)
            .order_by("-drafted_at", "-pk")
        )

    def sent_despite_objection(self, team: Team) -> "LetterQuerySet":
        return (
            self.listed()
            .filter(team=team, override_at__isnull=False)
            .select_related("override_by")
            .order_by("-override_at", "-pk")
        )


class Letter(models.Model):
    """An epikrise or a referral request to the GP: draft -> approved -> sent.

    `facts` is the record as the draft was made (scores, sessions, outcome, work status); the
    free-text fields are the therapist's. `version` is the optimistic lock for editing.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey("intake.Client", on_delete=models.PROTECT, related_name="letters")
    episode = models.ForeignKey(
        "treatment.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="letters"
    )
    assessment = models.ForeignKey(
        "intake.Assessment", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=LetterKind.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=LetterStatus.choices, default=LetterStatus.DRAFT
    )
    gp = models.ForeignKey(
        "intake.GeneralPractitioner",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("GP"),
    )
    other_recipients = models.JSONField(_("other recipients"), default=list, blank=True)
    copy_to_client = models.BooleanField(_("copy to the client"), default=False)
    referral_to = models.CharField(
        _("referral to"), max_length=8, choices=ReferralTo.choices, blank=True
    )
    facts = models.JSONField(default=dict, editable=False)
    reason_for_contact = models.TextField(_("reason for contact"), max_length=3000, blank=True)
    assessment_summary = models.TextField(_("assessment"), max_length=5000, blank=True)
    risk_summary = models.TextField(_("risk"), max_length=3000, blank=True)
    treatment_summary = models.TextField(_("treatment"), max_length=5000, blank=True)
    advice = models.TextField(_("advice for follow-up"), max_length=3000, blank=True)
    version = models.PositiveIntegerField(default=0, editable=False)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    drafted_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    approved_at = models.DateTimeField(_("approved"), null=True, blank=True)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    sent_via = models.CharField(_("sent by"), max_length=14, choices=SentVia.choices, blank=True)
    # Sending despite the client's objection needs a weighty reason (§5-3), shown to the lead.
    override_reason = models.TextField(_("weighty reason for sending"), max_length=2000, blank=True)
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)
    pdf = models.BinaryField(null=True, blank=True, editable=False)  # frozen at approval

    objects = LetterQuerySet.as_manager()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(status=LetterStatus.DRAFT)
                | Q(approved_at__isnull=False, approved_by__isnull=False),
                name="letter_approved_has_approver",
            ),
            models.CheckConstraint(
                condition=~Q(status=LetterStatus.SENT) | Q(sent_at__isnull=False) & ~Q(sent_via=""),
                name="letter_sent_has_how",
            ),
        ]
        ordering = ["-drafted_at", "-pk"]
        verbose_name = _("letter")
        verbose_name_plural = _("letters")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.drafted_at:%Y-%m-%d}"


class LetterTransportKind(models.TextChoices):
    PRINT = "print", _("Print and post (or secure e-mail, or hand over)")
    FILE_DROP = "file_drop", _("Electronic message through the municipality's message service")


class TeamMessaging(models.Model):
    """How a team's letters leave: the team lead's settings (referrals/letters/messaging.py)."""

    team = models.OneToOneField(Team, on_delete=models.CASCADE, related_name="messaging")
    her_id = models.CharField(
        _("the team's HER-id"),
        max_length=9,
        blank=True,
        validators=[HER_ID_VALIDATOR],
        help_text=_("The team's id in the address register: the sender of electronic messages."),
    )
    transport = models.CharField(
        _("letters to the GP leave by"),
        max_length=10,
        choices=LetterTransportKind.choices,
        default=LetterTransportKind.PRINT,
    )
    receipt_wait_hours = models.PositiveSmallIntegerField(
        _("flag a message without receipt after (hours)"),
        default=24,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
    )
    version = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("letter sending settings")
        verbose_name_plural = _("letter sending settings")

    def __str__(self) -> str:
        return f"{self.team} {self.transport}"


class MessageStatus(models.TextChoices):
    PENDING = "pending", _("Waiting to be written to the outbox")
    WRITING = "writing", _("Being written to the outbox")
    SENT = "sent", _("Sent, waiting for a receipt")
    DELIVERED = "delivered", _("Received by the GP office (mottatt)")
    REJECTED = "rejected", _("Rejected by the receiver")
    FAILED = "failed", _("Could not be written to the outbox")


class LetterMessage(models.Model):
    """One electronic message of a letter to the GP: its unique MsgId, its way, its receipt.

    Written by the outbox (referrals/letters/outbox.py), answered by an AppRec
    (referrals/letters/receipts.py). A rejected letter can go by post; the message stays.
    """

    letter = models.ForeignKey(Letter, on_delete=models.PROTECT, related_name="messages")
    msg_id = models.CharField(_("message id"), max_length=36, unique=True)
    status = models.CharField(
        _("status"), max_length=10, choices=MessageStatus.choices, default=MessageStatus.PENDING
    )
    receiver_her_id = models.CharField(max_length=9)
    created_at = models.DateTimeField(default=timezone.now)
    send_after = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)  # no personal data
    sent_at = models.DateTimeField(_("written to the outbox"), null=True, blank=True)
    receipt_at = models.DateTimeField(_("receipt"), null=True, blank=True)
    receipt_status = models.CharField(max_length=10, blank=True)  # the AppRec's Status V
    receipt_errors = models.JSONField(default=list, blank=True)  # [{"code", "text"}]
    overdue_at = models.DateTimeField(_("flagged without receipt"), null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["status", "send_after"])]
        ordering = ["-created_at", "-pk"]
        verbose_name = _("electronic message")
        verbose_name_plural = _("electronic messages")

    def __str__(self) -> str:
        return self.msg_id


class AcuteService(models.TextChoices):
    LEGEVAKT = "legevakt", _("Emergency clinic (legevakt)")
    ACUTE_TEAM = "acute_team", _("Acute mental health team")
    POLICE = "police", _("Police / emergency number 112")


class AcuteContact(models.Model):
    """Acute needs: the emergency service was contacted now, recorded before any letter."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "intake.Client", on_delete=models.PROTECT, related_name="acute_contacts"
    )
    service = models.CharField(_("service contacted"), max_length=12, choices=AcuteService.choices)
    contacted_at = models.DateTimeField(_("contacted"))
    contacted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(_("what was agreed"), max_length=1000)
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-contacted_at"]
        verbose_name = _("acute contact")
        verbose_name_plural = _("acute contacts")

    def __str__(self) -> str:
        return f"{self.service} {self.contacted_at:%Y-%m-%d %H:%M}"


class WorkAction(models.TextChoices):
    GRADED_SICK_LEAVE = "graded_sick_leave", _("Graded sick leave discussed")
    DIALOGUE_MEETING = "dialogue_meeting", _("Dialogue meeting with the employer")
    WORKPLACE_ADJUSTMENT = "workplace_adjustment", _("Workplace adjustment")
    RETURN_TO_WORK_PLAN = "return_to_work_plan", _("Return-to-work plan")
    NAV_MEASURE = "nav_measure", _("NAV measure")


class CollaborationEntry(models.Model):
    """A meeting or contact with a partner, allowed by the consent register (or anonymous)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="+")
    client = models.ForeignKey(
        "intake.Client", on_delete=models.PROTECT, related_name="collaboration_entries"
    )
    episode = models.ForeignKey(
        "treatment.Episode", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    party = models.CharField(_("with"), max_length=20, choices=Party.choices)
    anonymous = models.BooleanField(
        _("anonymous case discussion"),
        default=False,
        help_text=_("The client was not named; no consent needed."),
    )
    consent = models.ForeignKey(
        Consent, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    held_on = models.DateField(_("date"))
    participants = models.CharField(_("participants"), max_length=500)
    agreed = models.TextField(_("what was agreed"), max_length=3000)
    work_actions = models.JSONField(_("work-related actions"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(anonymous=True) | Q(consent__isnull=False),
                name="collaboration_needs_consent_or_anonymity",
            ),
        ]
        ordering = ["-held_on", "-pk"]
        verbose_name = _("collaboration entry")
        verbose_name_plural = _("collaboration entries")

    def __str__(self) -> str:
        return f"{self.party} {self.held_on}"
