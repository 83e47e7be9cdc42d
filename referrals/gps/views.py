"""The GP registry: everyone in the team looks GPs up; the team lead and the administrator
import the list and correct a GP."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from intake.models import GeneralPractitioner
from referrals.gps.address_register import her_ids_import, looks_like_xml
from referrals.gps.forms import GpForm, GpImportForm
from referrals.gps.services import gp_save, gps_import
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import LEAD_ROLES, Role

TEAM_STAFF = frozenset(Role)
REGISTRY_KEEPERS = LEAD_ROLES | {Role.ADMIN}


@team_role_required(TEAM_STAFF)
def gp_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    query = request.GET.get("q", "").strip()[:100]
    gps = (
        GeneralPractitioner.objects.serving(membership.team)
        .matching(query)
        .prefetch_related("municipalities")
        .order_by("name", "practice", "pk")
    )
    page = Paginator(gps, 50).get_page(request.GET.get("page"))
    context = {"page": page, "query": query, "may_edit": membership.role in REGISTRY_KEEPERS}
    return render(request, "referrals/gp_list.html", context)


@team_role_required(REGISTRY_KEEPERS)
def gp_import(request: HttpRequest) -> HttpResponse:
    form = GpImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data["file"]
        report = her_ids_import(data=data) if looks_like_xml(data) else gps_import(data=data)
    return render(request, "referrals/gp_import.html", {"form": form, "report": report})


@team_role_required(REGISTRY_KEEPERS)
def gp_edit(request: HttpRequest, pk: int) -> HttpResponse:
    gp = get_object_or_404(GeneralPractitioner, pk=pk)
    # The form checks a copy, so a rejected edit never shows up as the GP's name.
    form = GpForm(request.POST or None, instance=copy.copy(gp))
    if request.method == "POST" and form.is_valid():
        try:
            gp_save(gp=form.instance, municipalities=form.cleaned_data["municipalities"])
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The GP has been saved."))
            return redirect("referrals:gp_list")
    return render(request, "referrals/gp_edit.html", {"gp": gp, "form": form})
