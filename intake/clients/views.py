import copy

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.access import get_client_for_user
from intake.clients.forms import BreakGlassForm, CareTeamForm, ClientContactForm
from intake.clients.page import client_page_context, client_sections
from intake.clients.services import client_set_care_team, client_update_contact
from intake.consents.services import reach_now
from intake.models import Client
from rph.accounts.access import Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLIENT_ROLES
from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open
from rph.forms import keep_after_conflict
from rph.versioning import StaleVersion


@team_role_required(CLIENT_ROLES)
def client_list(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    clients = Client.objects.for_team_list(team)
    mine = request.GET.get("mine") == "1"
    if mine:
        clients = clients.in_care_of(request.user)
    page = Paginator(clients, 50).get_page(request.GET.get("page"))
    return render(request, "intake/client_list.html", {"page": page, "mine": mine})


def client_detail(request: HttpRequest, pk: int) -> HttpResponse:
    client, access = get_client_for_user(request, pk, Need.CONTACT_READ)
    context = {
        "client": client,
        "access": access,
        "care_team": client.care_team.all(),
        "reach": reach_now(client),
        **client_page_context(client, clinical=access.clinical, now=timezone.now()),
        "sections": client_sections(request, client, access),
    }
    return render(request, "intake/client_detail.html", context)


def client_edit(request: HttpRequest, pk: int) -> HttpResponse:
    client, _access = get_client_for_user(request, pk, Need.CONTACT_WRITE)
    # The form validates a copy, so a rejected edit never shows up as the client's name.
    form = ClientContactForm(request.POST or None, instance=copy.copy(client), team=client.team)
    changed: list[tuple[str, object]] = []
    if request.method == "POST" and form.is_valid():
        changes = dict(form.cleaned_data)
        version = changes.pop("version")
        try:
            client_update_contact(client=client, changes=changes, version=version)
        except StaleVersion as exc:
            changed = [
                (str(Client._meta.get_field(name).verbose_name), saved or "–")
                for name, (saved, _sent) in exc.changed.items()
            ]
            form = keep_after_conflict(
                ClientContactForm,
                request.POST,
                exc,
                instance=copy.copy(exc.current),
                team=client.team,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The contact details have been saved."))
            return redirect(client)
    context = {"client": client, "form": form, "changed": changed}
    return render(request, "intake/client_edit.html", context)


def client_break_glass(request: HttpRequest, pk: int) -> HttpResponse:
    client, access = get_client_for_user(request, pk, Need.CONTACT_READ)
    if access.clinical:
        return redirect(client)
    if not access.can_break_glass:
        raise PermissionDenied
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        break_glass_open(
            user=request.user, team=client.team, subject=client, reason=form.cleaned_data["reason"]
        )
        messages.warning(
            request, _("Emergency access granted and logged. The team lead is notified.")
        )
        return redirect(client)
    return render(request, "intake/client_break_glass.html", {"client": client, "form": form})


def client_access_log(request: HttpRequest, pk: int) -> HttpResponse:
    client, _access = get_client_for_user(request, pk, Need.OVERSIGHT)
    page = Paginator(AccessEvent.objects.for_subject(client), 100).get_page(request.GET.get("page"))
    return render(request, "intake/client_access_log.html", {"client": client, "page": page})


def client_care_team(request: HttpRequest, pk: int) -> HttpResponse:
    client, _access = get_client_for_user(request, pk, Need.OVERSIGHT)
    form = CareTeamForm(
        request.POST or None, team=client.team, initial={"members": client.care_team.all()}
    )
    if request.method == "POST" and form.is_valid():
        client_set_care_team(client=client, members=form.cleaned_data["members"])
        messages.success(request, _("The care team has been updated."))
        return redirect(client)
    return render(request, "intake/client_care_team.html", {"client": client, "form": form})
