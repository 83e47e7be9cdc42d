from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reporting.models import Staffing
from rph.accounts.models import Municipality, Team
from rph.forms import submit_helper

FIRST_YEAR = 2012  # the first RPH pilots


def last_year() -> int:
    return timezone.localdate().year - 1


class GrantReportForm(forms.Form):
    year = forms.IntegerField(
        label=_("Year"),
        min_value=FIRST_YEAR,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )
    municipality = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All the team's municipalities"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.team = team
        self.fields["municipality"].queryset = team.municipalities.all()

    def clean_year(self) -> int:
        year = self.cleaned_data["year"]
        if year > timezone.localdate().year:
            raise forms.ValidationError(_("The year has not begun yet."))
        return year


class StaffingForm(forms.ModelForm):
    class Meta:
        model = Staffing
        fields = [
            "year",
            "municipality",
            "full_time_equivalents",
            "staff_total",
            "staff_in_cbt_training",
            "note",
        ]

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        municipality = self.fields["municipality"]
        municipality.queryset = team.municipalities.all()
        municipality.empty_label = _("All the team's municipalities")
        self.helper = submit_helper(_("Save staffing"))
