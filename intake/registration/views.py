"""Staff register a contact (henvendelse) in one form.

A second step appears before anything is saved when the person may already be a client
(the user picks the client or "new") or is younger than the service's age (the user
confirms). The second step is the same form, re-rendered with the candidates.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.access import get_client_for_user
from intake.age import MINIMUM_AGE, age_on, under_minimum_age
from intake.models import Client
from intake.registration.forms import ContactRegisterForm
from intake.registration.services import contact_register
from rph.accounts.access import Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLIENT_ROLES
from rph.forms import add_service_errors

NEW_CLIENT = "new"
CONFIRM_STEP = "confirm"


def _age(data: dict[str, Any]) -> int | None:
    if data.get("birth_date"):
        return age_on(data["birth_date"], timezone.localdate())
    return data.get("age")


def _render(
    request: HttpRequest, form: ContactRegisterForm, status: int = 200, **extra: Any
) -> HttpResponse:
    context = {"form": form, "minimum_age": MINIMUM_AGE, "candidates": [], **extra}
    context["second_step"] = bool(context["candidates"] or context.get("under_age"))
    return render(request, "intake/contact_register.html", context, status=status)


@team_role_required(CLIENT_ROLES)
def contact_register_view(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    try:
        data = request.POST if request.method == "POST" else None
    except (RequestDataTooBig, TooManyFieldsSent):
        form = ContactRegisterForm(team=team)
        form_error = _("The form was too large to be received. Shorten the notes and try again.")
        return _render(request, form, status=413, form_error=form_error)
    form = ContactRegisterForm(data, team=team)
    if data is None or not form.is_valid():
        return _render(request, form)

    cleaned = form.cleaned_data
    candidates = list(
        Client.objects.possible_duplicates(
            team,
            fodselsnummer=cleaned["fodselsnummer"],
            birth_date=cleaned["birth_date"],
            first_name=cleaned["first_name"],
            last_name=cleaned["last_name"],
            phone=str(cleaned["phone"] or ""),
        )
    )
    under_age = under_minimum_age(_age(cleaned))
    second_step = data.get("step") == CONFIRM_STEP
    choice = data.get("client_choice", "")
    chosen = next((c for c in candidates if str(c.pk) == choice), None)
    if (candidates and chosen is None and choice != NEW_CLIENT) or (under_age and not second_step):
        choice_error = _("Choose one of the clients, or register a new client.")
        return _render(
            request,
            form,
            candidates=candidates,
            under_age=under_age,
            choice_error=choice_error if second_step and candidates else "",
        )

    client = None
    if chosen is not None:
        client, _access = get_client_for_user(request, chosen.pk, Need.CONTACT_WRITE)
    try:
        contact = contact_register(
            team=team, registered_by=request.user, client=client, **form.register_kwargs()
        )
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render(request, form, candidates=candidates, under_age=under_age)
    messages.success(request, _("The contact has been registered."))
    if contact.under_minimum_age:
        messages.warning(
            request,
            _(
                "The person is younger than %(age)d. Help them onward, for example to the "
                "school health service, the health centre for young people or the GP."
            )
            % {"age": MINIMUM_AGE},
        )
    return redirect(contact.client)
