from django.contrib.auth.models import AbstractUser
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from rph.accounts.roles import Role


class User(AbstractUser):
    title = models.CharField(_("title"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class Municipality(models.Model):
    number = models.CharField(
        _("municipality number"),
        max_length=4,
        unique=True,
        validators=[RegexValidator(r"^\d{4}$", _("The municipality number has four digits."))],
    )
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name


class Team(models.Model):
    name = models.CharField(_("name"), max_length=150, unique=True)
    municipalities = models.ManyToManyField(
        Municipality, related_name="teams", verbose_name=_("municipalities")
    )
    response_promise_hours = models.PositiveSmallIntegerField(
        _("response promise (hours)"),
        default=48,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 14)],
        help_text=_("Time from a contact until the person must have been reached."),
    )
    due_soon_hours = models.PositiveSmallIntegerField(
        _("due soon (hours left)"),
        default=12,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 7)],
        help_text=_("Open contacts with less time left than this are marked as due soon."),
    )
    max_contact_attempts = models.PositiveSmallIntegerField(
        _("attempts before closing as unreachable"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(20)],
    )
    phone = models.CharField(
        _("phone"), max_length=30, blank=True, help_text=_("Given to clients in letters and SMS.")
    )
    invitation_lead_hours = models.PositiveSmallIntegerField(
        _("send questionnaire links (hours before)"), default=24
    )
    reminder_lead_hours = models.PositiveSmallIntegerField(_("reminder (hours before)"), default=3)
    link_grace_hours = models.PositiveSmallIntegerField(
        _("links valid after the session starts (hours)"), default=2
    )
    max_messages_per_invitation = models.PositiveSmallIntegerField(
        _("most messages per invitation"), default=2
    )
    risk_escalation_working_hours = models.PositiveSmallIntegerField(
        _("risk alerts escalate after (working hours)"), default=4
    )
    intake_email = models.EmailField(_("intake e-mail"), blank=True)
    schedule_on_working_days = models.BooleanField(
        _("plan series on working days"),
        default=True,
        help_text=_(
            "Follow-up calls and course meetings planned as a series move from a weekend or a "
            "public holiday to the next working day."
        ),
    )
    review_after_sessions = models.PositiveSmallIntegerField(
        _("review prompt after (treatment sessions without reliable improvement)"),
        default=6,
        validators=[MinValueValidator(2), MaxValueValidator(30)],
    )
    function_every_sessions = models.PositiveSmallIntegerField(
        _("WSAS every (treatment sessions)"),
        default=0,
        validators=[MaxValueValidator(30)],
        help_text=_(
            "WSAS always goes with the first and the final questionnaire; here also before every "
            "so many treatment sessions in between (0: not in between)."
        ),
    )
    follow_up_months = models.CharField(
        _("follow-up after the end"),
        max_length=5,
        choices=[
            ("", _("No follow-up")),
            ("6", _("After 6 months")),
            ("12", _("After 12 months")),
            ("6,12", _("After 6 and 12 months")),
        ],
        default="12",
        blank=True,
        help_text=_("For clients who agreed to it when the episode ended."),
    )
    members = models.ManyToManyField(
        User, through="TeamMembership", related_name="teams", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("team")
        verbose_name_plural = _("team")

    def __str__(self) -> str:
        return self.name


class MembershipQuerySet(models.QuerySet["TeamMembership"]):
    def for_user(self, user: User) -> "MembershipQuerySet":
        return self.filter(user=user, user__is_active=True).select_related("team")


class TeamMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "team"], name="one_role_per_team"),
        ]
        verbose_name = _("team membership")
        verbose_name_plural = _("team membership")

    def __str__(self) -> str:
        return f"{self.user} – {self.team} ({self.get_role_display()})"
