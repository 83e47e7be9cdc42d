"""The client's consents to be reached (calls, SMS, e-mail, digital questionnaires): what
holds now, the history, and recording a change. Clerical staff and clinicians."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intake.access import get_client_for_user
from intake.consents.forms import ReachConsentForm
from intake.consents.services import (
    reach_changes_since,
    reach_consents_change,
    reach_now,
    reach_version,
)
from intake.models import Consent, ReachKind
from rph.accounts.access import Need
from rph.forms import add_service_errors


def reach_consents(request: HttpRequest, pk: int) -> HttpResponse:
    need = Need.CONTACT_WRITE if request.method == "POST" else Need.CONTACT_READ
    client, _access = get_client_for_user(request, pk, need)
    reach = reach_now(client)
    version = reach_version(client)
    form = ReachConsentForm(request.POST or None, reach=reach, seen=version)
    changed: list[Consent] = []
    if request.method == "POST" and form.is_valid():
        try:
            lines = reach_consents_change(
                client=client,
                by=request.user,
                wanted=form.wanted(),
                method=form.cleaned_data["method"],
                note=form.cleaned_data["note"],
                version=form.cleaned_data["seen"],
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) != "conflict":
                add_service_errors(form, exc)
            else:
                changed = reach_changes_since(client, form.cleaned_data["seen"])
                # Keep what the user chose; the next save is checked against what holds now.
                data = request.POST.copy()
                data["seen"] = str(version)
                form = ReachConsentForm(data, reach=reach, seen=version)
                form.is_valid()
                add_service_errors(form, exc)
        else:
            if lines:
                messages.success(request, _("The client's consents have been saved."))
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect(client)
    history = (
        Consent.objects.filter(client=client, party__in=ReachKind.values)
        .select_related("recorded_by")
        .order_by("-recorded_at", "-pk")
    )
    context = {
        "client": client,
        "reach": reach,
        "form": form,
        "history": history,
        "changed": changed,
    }
    return render(request, "intake/reach_consents.html", context)
