"""The team lead's satisfaction page: the survey per period, without names."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import get_language

from reporting.dashboard.views import filters_from_request
from reporting.figures.follow_up import follow_up_rates
from reporting.figures.satisfaction import MIN_RESPONSES, satisfaction_summary
from reporting.satisfaction.queries import follow_up_facts, satisfaction_rows
from rph.accounts.decorators import team_role_required
from rph.accounts.roles import LEAD_ROLES


@team_role_required(LEAD_ROLES)
def satisfaction(request: HttpRequest) -> HttpResponse:
    filters, form = filters_from_request(request)
    definition, answers, totals = satisfaction_rows(filters)
    language = (get_language() or "nb").split("-")[0]
    summary = satisfaction_summary(definition, answers, totals, language)
    context = {
        "filters": filters,
        "form": form,
        "summary": summary,
        "minimum": MIN_RESPONSES,
        "follow_ups": follow_up_rates(follow_up_facts(filters)),
    }
    return render(request, "reporting/satisfaction.html", context)
