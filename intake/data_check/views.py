"""The team lead's data check: clients with more than one open contact, consent conflicts,
and resolving them (intake.data_check.services)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake.access import get_client_for_user
from intake.data_check.queries import clients_with_open_duplicates, consent_conflicts
from intake.data_check.services import flagged_consent_settle, open_contacts_merge
from intake.models import Consent
from rph.accounts.access import Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import LEAD_ROLES


@team_role_required(LEAD_ROLES)
def data_check(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    context = {
        "duplicates": clients_with_open_duplicates([team]),
        "conflicts": consent_conflicts([team]),
    }
    return render(request, "intake/data_check.html", context)


@require_POST
@team_role_required(LEAD_ROLES)
def data_check_merge(request: HttpRequest, pk: int) -> HttpResponse:
    client, _access = get_client_for_user(request, pk, Need.OVERSIGHT)
    try:
        open_contacts_merge(client=client, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The open contacts have been merged into the oldest."))
    return redirect("intake:data_check")


@require_POST
@team_role_required(LEAD_ROLES)
def data_check_settle(request: HttpRequest, pk: int) -> HttpResponse:
    team = require_membership(request).team
    line = Consent.objects.filter(pk=pk, team=team).select_related("client").first()
    if line is None:
        raise Http404
    get_client_for_user(request, line.client_id, Need.OVERSIGHT)
    answer = request.POST.get("given")
    if answer not in ("yes", "no"):
        messages.error(request, _("Choose whether the consent is given or withdrawn."))
        return redirect("intake:data_check")
    try:
        flagged_consent_settle(line=line, by=request.user, given=answer == "yes")
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The consent has been recorded."))
    return redirect("intake:data_check")
