"""My day (/min-dag/): the logged-in clinician's assessments on one date, and whether the
client has answered the questionnaire before it."""

from datetime import date, timedelta

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from questionnaires.my_day.queries import offers_for_my_day
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLINICAL_ROLES

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
    offers = offers_for_my_day().for_my_day(team=team, therapist=request.user, day=day)
    context = {
        "day": day,
        "day_input": day.strftime(DATE_FORMAT),
        "previous_day": (day - timedelta(days=1)).strftime(DATE_FORMAT),
        "next_day": (day + timedelta(days=1)).strftime(DATE_FORMAT),
        "is_today": day == timezone.localdate(),
        "invalid_date": invalid,
        "offers": offers,
    }
    return render(request, "questionnaires/my_day.html", context)
