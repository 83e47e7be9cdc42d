"""Staff register a contact (henvendelse) in one form.

A second step appears before anything is saved when the person may already be a client
(the user picks the client or "new") or is younger than the service's age (the user
confirms). The second step is the same form, re-rendered with the candidates.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.access import get_client_for_user
from intake.age import MINIMUM_AGE, age_on, under_minimum_age
from intake.clients.services import client_update_contact
from intake.models import Client
from intake.registration.forms import ContactRegisterForm, consents_ticked
from intake.registration.services import contact_join, contact_register, open_contact_of
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
    # Each candidate with the open contact a new request would join (one per client).
    context["candidate_rows"] = [
        (candidate, open_contact_of(candidate)) for candidate in context["candidates"]
    ]
    return render(request, "intake/contact_register.html", context, status=status)


def _typed_updates(data: dict[str, Any], client: Client, post: Any) -> dict[str, Any]:
    """What was typed that differs from the chosen client, where the user ticked to update."""
    changes: dict[str, Any] = {}
    name = (data["first_name"], data["last_name"])
    if post.get("update_name") and all(name) and name != (client.first_name, client.last_name):
        changes |= {"first_name": name[0], "last_name": name[1]}
    municipality = data.get("home_municipality")
    if post.get("update_municipality") and municipality not in (None, client.home_municipality):
        changes["home_municipality"] = municipality
    return changes


@team_role_required(CLIENT_ROLES)
def contact_register_view(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    # A body over Django's limits never gets here: rph.inputs refuses it with a 400 first.
    data = request.POST if request.method == "POST" else None
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
    open_contact = open_contact_of(client) if client is not None else None
    try:
        with transaction.atomic():
            if open_contact is not None:
                contact = contact_join(
                    contact=open_contact,
                    by=request.user,
                    concerns=cleaned["concerns"],
                    free_text=cleaned["free_text"],
                    consents_given=consents_ticked(cleaned),
                )
            else:
                contact = contact_register(
                    team=team, registered_by=request.user, client=client, **form.register_kwargs()
                )
            updates = _typed_updates(cleaned, contact.client, data) if client else {}
            if updates:
                client_update_contact(client=contact.client, changes=updates)
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _render(request, form, candidates=candidates, under_age=under_age)
    if open_contact is not None:
        messages.success(
            request,
            _("The client already had an open contact: the new request was added to it."),
        )
        return redirect("intake:contact_detail", pk=contact.pk)
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
