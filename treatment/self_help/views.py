"""Guided self-help pages: start it from the episode, its follow-up calls, the end, and the
team's overdue list. Clinical content: the care team writes, clinicians read."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from rph.accounts.access import Access, Basis, Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLINICAL_ROLES
from rph.forms import add_service_errors
from treatment.episodes.access import get_episode_for_user
from treatment.models import Episode, GuidedSelfHelp
from treatment.self_help.access import get_self_help_for_user
from treatment.self_help.forms import (
    FollowUpCallForm,
    SelfHelpEndForm,
    SelfHelpStartForm,
)
from treatment.self_help.services import (
    calls_of,
    follow_up,
    self_help_call_log,
    self_help_end,
    self_help_queryset,
    self_help_start,
)


def _to_detail(self_help: GuidedSelfHelp) -> HttpResponse:
    return redirect("treatment:self_help_detail", pk=self_help.pk)


def self_help_start_view(request: HttpRequest, pk: int) -> HttpResponse:
    episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
    form = SelfHelpStartForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            self_help = self_help_start(episode=episode, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Guided self-help has started."))
            return _to_detail(self_help)
    context = {"episode": episode, "form": form}
    return render(request, "treatment/self_help_start.html", context)


def self_help_detail(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    self_help, access = get_self_help_for_user(request, pk, Need.CLINICAL_READ, today)
    context = {
        "self_help": self_help,
        "episode": self_help.episode,
        "access": access,
        "status": follow_up(self_help, today),
        "calls": calls_of(self_help),
        "may_write": _may_write(self_help, access),
    }
    return render(request, "treatment/self_help_detail.html", context)


def _may_write(self_help: GuidedSelfHelp, access: Access) -> bool:
    active = self_help.ended_on is None and self_help.episode.is_open
    return access.basis == Basis.CARE_TEAM and active


def self_help_call(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    self_help, _access = get_self_help_for_user(request, pk, Need.CLINICAL_WRITE, today)
    form = FollowUpCallForm(request.POST or None, self_help=self_help)
    if request.method == "POST" and form.is_valid():
        try:
            self_help_call_log(self_help=self_help, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The follow-up call has been recorded."))
            return _to_detail(self_help)
    context = {"self_help": self_help, "episode": self_help.episode, "form": form}
    return render(request, "treatment/self_help_call.html", context)


def self_help_end_view(request: HttpRequest, pk: int) -> HttpResponse:
    today = timezone.localdate()
    self_help, _access = get_self_help_for_user(request, pk, Need.CLINICAL_WRITE, today)
    form = SelfHelpEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            self_help_end(self_help=self_help, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Guided self-help has ended."))
            return _to_detail(self_help)
    context = {"self_help": self_help, "episode": self_help.episode, "form": form}
    return render(request, "treatment/self_help_end.html", context)


@team_role_required(CLINICAL_ROLES)
def self_help_overdue(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    today = timezone.localdate()
    rows = self_help_queryset().for_overdue_list(team, today)
    return render(request, "treatment/self_help_overdue.html", {"rows": rows, "today": today})


def self_help_section(request: HttpRequest, episode: Episode, access: Access) -> str | None:
    """The episode page's guided self-help: each one with where its follow-up stands."""
    if not access.clinical:
        return None
    today = timezone.localdate()
    items = list(
        self_help_queryset()
        .filter(episode=episode)
        .with_follow_up_facts(today)
        .order_by("-material_given_on", "-pk")
    )
    for item in items:
        item.episode = episode
    rows = [(item, follow_up(item, today)) for item in items]
    context = {
        "episode": episode,
        "rows": rows,
        "may_start": access.basis == Basis.CARE_TEAM
        and episode.is_open
        and not any(item.ended_on is None for item in items),
    }
    return render_to_string("treatment/self_help_section.html", context, request=request)
