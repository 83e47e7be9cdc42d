"""The client's consent register: what holds now, the history, and recording a change."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intake.access import get_client_for_user
from intake.consents.services import consent_record
from intake.models import Consent, Party
from referrals.consents.access import get_client_for_register
from referrals.consents.forms import ConsentForm
from referrals.consents.services import current_consents
from rph.accounts.access import Basis, Need
from rph.forms import add_service_errors


def consents(request: HttpRequest, pk: int) -> HttpResponse:
    if request.method == "POST":
        client, access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
        form = ConsentForm(request.POST)
        if form.is_valid():
            try:
                consent_record(client=client, by=request.user, **form.cleaned_data)
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("The consent register has been updated."))
                return redirect("referrals:consents", pk=client.pk)
        full = True
    else:
        client, access, full = get_client_for_register(request, pk)
        form = ConsentForm()
    current = current_consents(client)
    history = Consent.objects.filter(client=client, party__in=Party.values).select_related(
        "recorded_by"
    )
    if not full:  # clerical staff: the GP line only, which they need to post letters
        current = [row for row in current if row.party == Party.GP]
        history = history.filter(party=Party.GP)
    context = {
        "client": client,
        "access": access,
        "full": full,
        "may_write": access.basis == Basis.CARE_TEAM,
        "consents_now": current,
        "objects_to_epikrise": any(row.party == Party.GP and not row.given for row in current),
        "history": history,
        "form": form,
    }
    return render(request, "referrals/consents.html", context)
