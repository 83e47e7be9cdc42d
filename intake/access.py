"""The one way to fetch a client, or anything of one client: first line of every view and
API view."""

from collections.abc import Callable
from operator import attrgetter
from typing import TypeVar

from django.db import models
from django.http import Http404, HttpRequest
from django.urls import reverse

from intake.models import Client, Contact
from rph.accounts.access import Access, BreakGlassRequired, Need, decide
from rph.accounts.roles import CLINICAL_ROLES
from rph.accounts.teams import role_in_team
from rph.audit.services import access_log_record, break_glass_active

Owned = TypeVar("Owned", bound=models.Model)


def client_access(request: HttpRequest, client: Client, need: Need) -> Access:
    user = request.user
    role = role_in_team(user, client.team_id)
    in_care = client.care_team.filter(pk=user.pk).exists()
    glass = role in CLINICAL_ROLES and not in_care and break_glass_active(user, client)
    return decide(role, need, in_care_team=in_care, break_glass=glass)


def get_client_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Client, Access]:
    """404 for anyone outside the client's team, 403 for a role too weak for `need`.

    Every successful fetch is written to the access log.
    """
    client = Client.objects.select_related("team", "home_municipality").filter(pk=pk).first()
    if client is None:
        raise Http404
    return client, _check_and_log(request, client, need)


def get_contact_for_user(
    request: HttpRequest, pk: int, need: Need = Need.CLINICAL_READ
) -> tuple[Contact, Access]:
    """The same check as `get_client_for_user`, for a contact: the client's rules decide."""
    contact = (
        Contact.objects.select_related("client__team", "client__home_municipality")
        .filter(pk=pk)
        .first()
    )
    if contact is None:
        raise Http404
    return contact, _check_and_log(request, contact.client, need)


def get_owned_for_user(
    request: HttpRequest,
    queryset: models.QuerySet[Owned],
    pk: int,
    need: Need | Callable[[Owned], Need],
    client_field: str = "client_id",
) -> tuple[Owned, Access]:
    """The same check as `get_client_for_user`, on an object that belongs to one client.

    `client_field` names the client id on the object, e.g. "episode__client_id" for a
    session (select_related("episode") in the queryset keeps that one query). `need` may
    depend on the object (a letter's status).
    """
    obj = queryset.filter(pk=pk).first()
    if obj is None:
        raise Http404
    if not isinstance(need, Need):
        need = need(obj)
    client, access = get_client_for_user(
        request, attrgetter(client_field.replace("__", "."))(obj), need
    )
    if client_field == "client_id":
        obj.client = client  # type: ignore[attr-defined]
    return obj, access


def _check_and_log(request: HttpRequest, client: Client, need: Need) -> Access:
    try:
        access = client_access(request, client, need)
    except BreakGlassRequired as exc:
        exc.break_glass_url = reverse("intake:client_break_glass", args=[client.pk])
        raise
    access_log_record(request=request, subject=client, team=client.team, access=access)
    return access
