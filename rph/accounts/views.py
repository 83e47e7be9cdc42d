from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rph.accounts.roles import CLINICAL_ROLES, LEAD_ROLES
from rph.accounts.teams import SESSION_KEY, current_membership, memberships
from rph.audit.models import BreakGlassGrant
from rph.notifications.models import Notification

HOME_RISK_ALERTS = 20


def home(request: HttpRequest) -> HttpResponse:
    membership = current_membership(request)
    unreviewed = 0
    if membership and membership.role in LEAD_ROLES:
        unreviewed = BreakGlassGrant.objects.filter(team=membership.team, reviewed_at=None).count()
    risk_alerts: list[Notification] = []
    if membership and membership.role in CLINICAL_ROLES:
        risk_alerts = list(
            Notification.objects.open_risk_for(membership.team, request.user)[:HOME_RISK_ALERTS]
        )
    return render(
        request,
        "accounts/home.html",
        {
            "membership": membership,
            "memberships": memberships(request),
            "unreviewed": unreviewed,
            "risk_alerts": risk_alerts,
        },
    )


@require_POST
def switch_team(request: HttpRequest) -> HttpResponse:
    team_id = request.POST.get("team", "")
    chosen = next((m for m in memberships(request) if str(m.team_id) == team_id), None)
    if chosen is None:
        messages.error(request, _("You are not a member of that team."))
    else:
        request.session[SESSION_KEY] = chosen.team_id
        messages.success(request, _("You are now working in %(team)s.") % {"team": chosen.team})
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "home"
    return redirect(target)
