from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import LEAD_ROLES
from rph.audit.models import BreakGlassGrant
from rph.audit.services import break_glass_review


@team_role_required(LEAD_ROLES)
def break_glass_list(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    grants = BreakGlassGrant.objects.for_review(team)
    return render(request, "audit/break_glass_list.html", {"grants": grants})


@require_POST
@team_role_required(LEAD_ROLES)
def break_glass_mark_reviewed(request: HttpRequest, pk: int) -> HttpResponse:
    team = require_membership(request).team
    grant = get_object_or_404(BreakGlassGrant, pk=pk, team=team)
    try:
        break_glass_review(grant=grant, reviewer=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect("audit:break_glass_review")
