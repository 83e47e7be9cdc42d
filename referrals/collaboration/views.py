"""The client's collaboration log: meetings and contacts with partners, and a new entry."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intake.access import get_client_for_user
from referrals.collaboration.forms import CollaborationForm
from referrals.collaboration.services import (
    collaboration_record,
    collaboration_rows,
    consents_for_collaboration,
)
from referrals.consents.access import get_client_for_clinical_read
from rph.accounts.access import Basis, Need
from rph.forms import add_service_errors


def collaboration(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        client, access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
    else:
        client, access = get_client_for_clinical_read(request, pk)
    consents = consents_for_collaboration(client)
    form = CollaborationForm(request.POST or None, consents=consents)
    if request.method == "POST" and form.is_valid():
        try:
            collaboration_record(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The meeting or contact has been recorded."))
            return redirect("referrals:collaboration", pk=client.pk)
    context = {
        "client": client,
        "access": access,
        "may_write": access.basis == Basis.CARE_TEAM,
        "collaboration_rows": collaboration_rows(client),
        "consents": consents,
        "form": form,
    }
    return render(request, "referrals/collaboration.html", context)
