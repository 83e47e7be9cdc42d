"""The one way to fetch a client: first line of every view and API view."""

from django.http import Http404, HttpRequest
from django.urls import reverse

from intake.models import Client, Contact
from rph.accounts.access import Access, BreakGlassRequired, Need, decide
from rph.accounts.roles import CLINICAL_ROLES
from rph.accounts.teams import role_in_team
from rph.audit.services import access_log_record, break_glass_active


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


def _check_and_log(request: HttpRequest, client: Client, need: Need) -> Access:
    try:
        access = client_access(request, client, need)
    except BreakGlassRequired as exc:
        exc.break_glass_url = reverse("intake:client_break_glass", args=[client.pk])
        raise
    access_log_record(request=request, subject=client, team=client.team, access=access)
    return access
