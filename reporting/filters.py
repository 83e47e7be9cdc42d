"""The dashboard's filters: period, municipality and therapist, read from the query string.

The same parameters serve the page, every drill-down list and the API, so a number and the
list behind it are always counted the same way:
`?fra=dd.mm.åååå&til=dd.mm.åååå&kommune=<id>&behandler=<id>` (ISO dates are read too).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rph.accounts.models import Municipality, Team, User
from rph.accounts.roles import CLINICAL_ROLES, LEAD_ROLES, Role

# Who sees the team's figures: the team lead and the team's administrator.
DASHBOARD_ROLES = LEAD_ROLES | {Role.ADMIN}
DATE_FORMAT = "%d.%m.%Y"
INPUT_FORMATS = [DATE_FORMAT, "%Y-%m-%d"]


@dataclass(frozen=True)
class Period:
    """Whole days from `first` to `last`, both included, in Norwegian time."""

    first: date
    last: date

    @property
    def starts_at(self) -> datetime:
        return _midnight(self.first)

    @property
    def ends_before(self) -> datetime:
        return _midnight(self.last + timedelta(days=1))

    def has_day(self, day: date | None) -> bool:
        return day is not None and self.first <= day <= self.last

    def has_moment(self, moment: datetime | None) -> bool:
        return moment is not None and self.starts_at <= moment < self.ends_before


def _midnight(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


def last_twelve_months(today: date) -> Period:
    """The default: the twelve months up to and including today."""
    try:
        year_ago = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        year_ago = today.replace(year=today.year - 1, day=28)
    return Period(year_ago + timedelta(days=1), today)


@dataclass(frozen=True)
class Filters:
    team: Team
    period: Period
    municipality: Municipality | None = None
    therapist: User | None = None

    def params(self) -> dict[str, str]:
        params = {
            "fra": self.period.first.strftime(DATE_FORMAT),
            "til": self.period.last.strftime(DATE_FORMAT),
        }
        if self.municipality is not None:
            params["kommune"] = str(self.municipality.pk)
        if self.therapist is not None:
            params["behandler"] = str(self.therapist.pk)
        return params

    def query_string(self) -> str:
        return urlencode(self.params())


def team_therapists(team: Team):  # type: ignore[no-untyped-def]
    """Clinicians of the team, former ones too: their episodes stay in the figures."""
    return (
        User.objects.filter(memberships__team=team, memberships__role__in=CLINICAL_ROLES)
        .distinct()
        .order_by("first_name", "last_name", "pk")
    )


class FilterForm(forms.Form):
    fra = forms.DateField(
        label=_("From (dd.mm.yyyy)"),
        input_formats=INPUT_FORMATS,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    til = forms.DateField(
        label=_("To (dd.mm.yyyy)"),
        input_formats=INPUT_FORMATS,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    kommune = forms.ModelChoiceField(
        label=_("Municipality"),
        queryset=Municipality.objects.none(),
        required=False,
        empty_label=_("All the team's municipalities"),
    )
    behandler = forms.ModelChoiceField(
        label=_("Therapist"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("All therapists"),
    )

    def __init__(self, *args: object, team: Team, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["kommune"].queryset = team.municipalities.all()  # type: ignore[attr-defined]
        self.fields["behandler"].queryset = team_therapists(team)  # type: ignore[attr-defined]
        for field in self.fields.values():
            css = "form-select" if isinstance(field, forms.ModelChoiceField) else "form-control"
            field.widget.attrs["class"] = css

    def clean(self) -> dict[str, object]:
        cleaned = super().clean() or {}
        first, last = cleaned.get("fra"), cleaned.get("til")
        if first and last and first > last:
            raise forms.ValidationError(_("The start date must be on or before the end date."))
        return cleaned


def read_filters(data: object, *, team: Team, today: date) -> tuple[Filters | None, FilterForm]:
    """The filters in `data` (a query dict), defaults for what is left out; None if invalid."""
    form = FilterForm(data, team=team)  # type: ignore[arg-type]
    if not form.is_valid():
        return None, form
    return filters_with(form.cleaned_data, team=team, today=today), form


def filters_with(cleaned: dict, *, team: Team, today: date) -> Filters:
    """Left out: the end is today (or the start, if later); the start is 12 months before."""
    last = cleaned.get("til") or max(today, cleaned.get("fra") or today)
    first = cleaned.get("fra") or last_twelve_months(last).first
    return Filters(
        team=team,
        period=Period(first, last),
        municipality=cleaned.get("kommune"),
        therapist=cleaned.get("behandler"),
    )


def default_filters(team: Team, today: date) -> Filters:
    return Filters(team=team, period=last_twelve_months(today))
