"""Risk alerts: the acknowledgement page (/risiko/<id>/) and the team lead's list (/risiko/).

Who may acknowledge (decision): the client's care team (CLINICAL_WRITE), always. Once an
alert has escalated, or when it went to the psychologists and team leads at once because
nobody was in the care team, a psychologist or team lead may acknowledge it too; outside
the care team they first open the record with emergency access (break the glass), which is
logged and reviewed like any other. Everyone else: 403, with the break-glass link for a
clinician; another team: 404. The page shows the risk answer, so it needs clinical access
and every view of it is in the access log (get_client_for_user).
"""

from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from questionnaires.access import get_risk_alert_for_user
from questionnaires.definitions import Definition, Item
from questionnaires.models import RiskAlert
from questionnaires.risk.services import (
    ESCALATION_ROLES,
    MAX_NOTE,
    flag_label,
    risk_alert_acknowledge,
)
from rph.accounts.access import Access, Basis
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import LEAD_ROLES
from rph.accounts.teams import role_in_team


class AcknowledgeForm(forms.Form):
    action = forms.ChoiceField(
        label=gettext_lazy("Action taken"),
        choices=RiskAlert.Action.choices,
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        max_length=MAX_NOTE,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("Required when the action is Other."),
    )


@dataclass(frozen=True)
class RiskAnswer:
    """The risk item as the client saw it and what they answered (None: left unanswered)."""

    item: Item
    answer: str | None


def may_acknowledge(alert: RiskAlert, access: Access, role: str | None) -> bool:
    if alert.acknowledged_at is not None:
        return False
    if access.basis == Basis.CARE_TEAM:
        return True
    went_to_leads = alert.escalated_at is not None or alert.recipient_id is None
    return access.clinical and went_to_leads and role in ESCALATION_ROLES


def risk_alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    alert, access = get_risk_alert_for_user(request, pk)
    allowed = may_acknowledge(alert, access, role_in_team(request.user, alert.team_id))
    form = AcknowledgeForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if alert.acknowledged_at is not None:
            messages.warning(request, _("This alert has already been acknowledged."))
            return redirect("questionnaires:risk_alert", pk=alert.pk)
        if not allowed:
            raise PermissionDenied
        if form.is_valid():
            try:
                won = risk_alert_acknowledge(alert=alert, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                if won:
                    messages.success(request, _("The risk alert is acknowledged."))
                else:
                    messages.warning(request, _("Someone else acknowledged this alert first."))
                return redirect("questionnaires:risk_alert", pk=alert.pk)
    definition = alert.response.instrument.parsed()
    context = {
        "alert": alert,
        "client": alert.client,
        "access": access,
        "flag": flag_label(alert.flag),
        "definition": definition,
        "risk_answers": risk_answers(alert, definition),
        "may_acknowledge": allowed,
        "form": form,
    }
    return render(request, "questionnaires/risk_alert.html", context)


@team_role_required(LEAD_ROLES)
def risk_alert_list(request: HttpRequest) -> HttpResponse:
    """Oversight only: when, to whom, escalation and acknowledgement; no answers, no notes."""
    team = require_membership(request).team
    page = Paginator(RiskAlert.objects.for_team_list(team), 50).get_page(request.GET.get("page"))
    rows = [(alert, flag_label(alert.flag)) for alert in page]
    context = {"page": page, "rows": rows}
    return render(request, "questionnaires/risk_alert_list.html", context)


def risk_answers(alert: RiskAlert, definition: Definition) -> list[RiskAnswer]:
    """The risk items behind the alert's flag, with the option the client chose."""
    language = (get_language() or "nb").split("-")[0]
    answers = alert.response.answers
    found = []
    for risk in definition.risk_items:
        if alert.flag not in (risk.flag, risk.unanswered_flag):
            continue
        item = definition.items[risk.item - 1]
        value = answers[risk.item - 1] if risk.item <= len(answers) else None
        option = next((o for o in item.options if o.value == value), None)
        found.append(RiskAnswer(item=item, answer=option.text.get(language) if option else None))
    return found
