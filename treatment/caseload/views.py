"""My caseload (a clinician's open episodes) and supervision (the team's flagged clients).

Clinical content (scores, flags): clinical roles for their own caseload, the psychologist
and the team lead for the whole team. Lists do not open a record: each row links to the
episode, whose page checks access and logs the look.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLINICAL_ROLES
from treatment.caseload.rows import (
    HIDDEN_WAIT_DAYS,
    SUPERVISION_ROLES,
    caseload_rows,
    supervision_rows,
)


@team_role_required(CLINICAL_ROLES)
def caseload(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    rows = caseload_rows(team=team, user=request.user, today=timezone.localdate())
    context = {"rows": rows, "team": team, "hidden_wait_days": HIDDEN_WAIT_DAYS}
    return render(request, "treatment/caseload.html", context)


@team_role_required(SUPERVISION_ROLES)
def supervision(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    rows = supervision_rows(team=team, today=timezone.localdate())
    context = {"rows": rows, "team": team, "hidden_wait_days": HIDDEN_WAIT_DAYS}
    return render(request, "treatment/caseload_supervision.html", context)
