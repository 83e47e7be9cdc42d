"""Acute contacts: legevakt or the acute team was contacted now, by whom and when."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intake.access import get_client_for_user
from referrals.acute.forms import AcuteContactForm
from referrals.acute.services import acute_contact_record, acute_contacts
from referrals.consents.access import get_client_for_clinical_read
from rph.accounts.access import Basis, Need
from rph.forms import add_service_errors


def acute_contact(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        client, access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
    else:
        client, access = get_client_for_clinical_read(request, pk)
    form = AcuteContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            acute_contact_record(client=client, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The acute contact has been recorded."))
            return redirect("referrals:acute_contact", pk=client.pk)
    context = {
        "client": client,
        "access": access,
        "may_write": access.basis == Basis.CARE_TEAM,
        "acute_contacts": acute_contacts(client),
        "form": form,
    }
    return render(request, "referrals/acute_contact.html", context)
