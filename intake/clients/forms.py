from django import forms
from django.utils.translation import gettext_lazy as _

from intake.fodselsnummer import normalize
from intake.models import Client, GeneralPractitioner
from rph.accounts.models import Team, User
from rph.accounts.roles import CLINICAL_ROLES
from rph.audit.services import BREAK_GLASS_MIN_REASON
from rph.forms import VersionField, submit_helper


def gp_picker(field: forms.ModelChoiceField, team: Team, keep: int | None = None) -> None:
    """The client's GP (fastlege), picked by name and practice among the team's area's GPs."""
    field.queryset = GeneralPractitioner.objects.for_picker(team, keep=keep)
    field.required = False
    field.empty_label = _("No GP chosen")
    field.help_text = _("GPs serving the team's municipalities, by name and practice.")


class ClientContactForm(forms.ModelForm):
    version = VersionField()
    # Wider than the 11 stored digits so "DDMMYY NNNNN" reaches the number's own check.
    fodselsnummer = forms.CharField(
        label=_("National identity number"),
        required=False,
        max_length=20,
        help_text=_("11 digits. D-numbers are accepted."),
    )

    class Meta:
        model = Client
        fields = ["first_name", "last_name", "fodselsnummer", "phone", "email", "home_municipality"]
        fields += ["gp"]

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["version"].initial = self.instance.version
        self.fields["home_municipality"].queryset = team.municipalities.all()
        gp_picker(self.fields["gp"], team, keep=self.instance.gp_id)
        self.helper = submit_helper(_("Save"))

    def clean_fodselsnummer(self) -> str:
        value = self.cleaned_data["fodselsnummer"]
        return normalize(value) if value else ""


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        min_length=BREAK_GLASS_MIN_REASON,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Why do you need to see the record now? The team lead sees the reason."),
    )

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.helper = submit_helper(_("Open the record"))


class CareTeamForm(forms.Form):
    members = forms.ModelMultipleChoiceField(
        label=_("Therapists"),
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["members"].queryset = User.objects.filter(
            is_active=True, memberships__team=team, memberships__role__in=CLINICAL_ROLES
        ).order_by("first_name", "last_name")
        self.helper = submit_helper(_("Save care team"))
