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
