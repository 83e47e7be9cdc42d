from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from phonenumber_field.modelfields import PhoneNumberField

from intake.fodselsnummer import validate_fodselsnummer
from rph.accounts.models import Municipality, Team, User


class ClientQuerySet(models.QuerySet["Client"]):
    def for_team_list(self, team: Team) -> "ClientQuerySet":
        return (
            self.filter(team=team)
            .select_related("home_municipality")
            .order_by("last_name", "first_name", "pk")
        )

    def in_care_of(self, user: User) -> "ClientQuerySet":
        return self.filter(care_team=user)


class Client(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="clients")
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    fodselsnummer = models.CharField(
        _("national identity number"),
        max_length=11,
        blank=True,
        validators=[validate_fodselsnummer],
        help_text=_("11 digits. D-numbers are accepted."),
    )
    birth_date = models.DateField(_("birth date"), null=True, blank=True)
    phone = PhoneNumberField(_("phone"), blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    home_municipality = models.ForeignKey(
        Municipality,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("home municipality"),
    )
    care_team = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="care_clients",
        blank=True,
        verbose_name=_("therapists"),
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ClientQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["team", "fodselsnummer"],
                condition=~Q(fodselsnummer=""),
                name="unique_fodselsnummer_per_team",
            )
        ]
        verbose_name = _("client")
        verbose_name_plural = _("clients")

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self) -> str:
        return reverse("intake:client_detail", args=[self.pk])

    def clean(self) -> None:
        if (
            self.team_id
            and self.home_municipality_id
            and not self.team.municipalities.filter(pk=self.home_municipality_id).exists()
        ):
            raise ValidationError(
                {"home_municipality": _("The municipality is not in the team's area.")}
            )


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    WEB_FORM = "web_form", _("Web form")
    DROP_IN = "drop_in", _("Drop-in")
    GP_REFERRAL = "gp_referral", _("GP referral")
    OTHER_REFERRAL = "other_referral", _("Other referral")
    RELATIVE = "relative", _("Relative")


class Referrer(models.TextChoices):
    SELF = "self", _("Self")
    GP = "gp", _("GP")
    NAV = "nav", _("NAV")
    HELSESTASJON = "helsestasjon", _("Health centre (helsestasjon)")
    LEGEVAKT = "legevakt", _("Emergency clinic (legevakt)")
    OTHER = "other", _("Other")


class Concern(models.TextChoices):
    ANXIETY = "anxiety", _("Anxiety")
    DEPRESSION = "depression", _("Depression")
    SLEEP = "sleep", _("Sleep problems")
    SUBSTANCE = "substance", _("Substance use")
    STRESS = "stress", _("Stress / life crisis")
    OTHER = "other", _("Other")


class ContactQuerySet(models.QuerySet["Contact"]):
    def open(self) -> "ContactQuerySet":
        return self.filter(status=Contact.Status.OPEN)

    def for_queue(self, team: Team) -> "ContactQuerySet":
        return (
            self.open()
            .filter(team=team)
            .select_related("client", "client__home_municipality")
            .order_by("deadline", "pk")
        )


class Contact(models.Model):
    """A henvendelse: one person reaching out, through one channel, at one time.

    The 48-hour clock runs from `registered_at` to `deadline` and stops at `offered_at`,
    when the person has been reached and offered an assessment.
    """

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        OFFERED = "offered", _("Assessment offered")
        CLOSED = "closed", _("Closed")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="contacts")
    client = models.ForeignKey(Client, on_delete=models.PROTECT, related_name="contacts")
    registered_at = models.DateTimeField(_("registered"), default=timezone.now)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Empty for self-referrals through the public form."),
    )
    channel = models.CharField(_("channel"), max_length=20, choices=Channel.choices)
    referrer = models.CharField(_("referrer"), max_length=20, choices=Referrer.choices)
    referrer_name = models.CharField(_("referrer's name"), max_length=200, blank=True)
    concerns = models.JSONField(_("what it is about"), default=list)
    free_text = models.TextField(_("notes"), blank=True, max_length=5000)
    age_at_contact = models.PositiveSmallIntegerField(_("age"), null=True, blank=True)
    best_time_to_call = models.CharField(_("best time to call"), max_length=200, blank=True)
    consent_call = models.BooleanField(_("may call"), default=False)
    consent_sms = models.BooleanField(_("may send SMS"), default=False)
    consent_email = models.BooleanField(_("may send e-mail"), default=False)
    consent_digital_questionnaires = models.BooleanField(
        _("may send questionnaires digitally"), default=False
    )
    deadline = models.DateTimeField(_("deadline"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN
    )
    offered_at = models.DateTimeField(_("assessment offered"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    close_reason = models.CharField(_("reason for closing"), max_length=500, blank=True)
    due_soon_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)
    overdue_alerted_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ContactQuerySet.as_manager()

    class Meta:
        indexes = [models.Index(fields=["team", "status", "deadline"])]
        verbose_name = _("contact")
        verbose_name_plural = _("contacts")

    def __str__(self) -> str:
        return f"{self.client} {self.registered_at:%Y-%m-%d}"


class ContactAttempt(models.Model):
    class Method(models.TextChoices):
        PHONE = "phone", _("Phone")
        SMS = "sms", _("SMS")
        EMAIL = "email", _("E-mail")
        LETTER = "letter", _("Letter")

    class Outcome(models.TextChoices):
        REACHED = "reached", _("Reached")
        NO_ANSWER = "no_answer", _("No answer")
        MESSAGE_LEFT = "message_left", _("Message left")
        WRONG_NUMBER = "wrong_number", _("Wrong number")

    contact = models.ForeignKey(Contact, on_delete=models.PROTECT, related_name="attempts")
    at = models.DateTimeField(_("time"), default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    method = models.CharField(_("channel"), max_length=10, choices=Method.choices)
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("contact attempt")
        verbose_name_plural = _("contact attempts")

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.outcome}"


class Mode(models.TextChoices):
    FACE_TO_FACE = "face_to_face", _("Face to face")
    PHONE = "phone", _("Phone")
    VIDEO = "video", _("Video")


class AssessmentOffer(models.Model):
    """The assessment time offered when the person was reached; stops the clock."""

    contact = models.OneToOneField(Contact, on_delete=models.PROTECT, related_name="offer")
    offered_at = models.DateTimeField(_("offered"), default=timezone.now)
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    scheduled_for = models.DateTimeField(_("assessment time"))
    therapist = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="assessment_offers",
        verbose_name=_("therapist"),
    )
    mode = models.CharField(_("mode"), max_length=20, choices=Mode.choices)
    held_at = models.DateTimeField(_("assessment held"), null=True, blank=True)

    class Meta:
        verbose_name = _("assessment offer")
        verbose_name_plural = _("assessment offers")

    def __str__(self) -> str:
        return f"{self.contact} → {self.scheduled_for:%Y-%m-%d %H:%M}"
