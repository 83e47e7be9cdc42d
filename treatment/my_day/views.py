"""My day (/min-dag/): the logged-in clinician's whole day on one date."""

from datetime import date, timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLINICAL_ROLES
from treatment.my_day.queries import my_day as my_day_rows

DATE_FORMAT = "%d.%m.%Y"


class DayForm(forms.Form):
    dato = forms.DateField(label=_("Date"), input_formats=[DATE_FORMAT], required=False)


def chosen_day(request: HttpRequest) -> tuple[date, bool]:
    """The date in `?dato=dd.mm.yyyy`, or today (Oslo); the flag says the input was unreadable."""
    form = DayForm(request.GET)
    if not form.is_valid():
        return timezone.localdate(), True
    return form.cleaned_data["dato"] or timezone.localdate(), False


@team_role_required(CLINICAL_ROLES)
def my_day(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    day, invalid = chosen_day(request)
    context = {
        "day": day,
        "day_input": day.strftime(DATE_FORMAT),
        "previous_day": (day - timedelta(days=1)).strftime(DATE_FORMAT),
        "next_day": (day + timedelta(days=1)).strftime(DATE_FORMAT),
        "is_today": day == timezone.localdate(),
        "invalid_date": invalid,
        "my_day": my_day_rows(team=team, user=request.user, day=day),
    }
    return render(request, "treatment/my_day.html", context)
