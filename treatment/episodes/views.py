"""Episode pages: the team's open episodes, one episode, starting it from the assessment,
offers, therapists, and the end (discharge). Clinical content: the care team only."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from questionnaires.outbox import invitation_send_now
from rph.accounts.access import Basis, Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLINICAL_ROLES
from rph.forms import add_service_errors
from treatment.episodes import services
from treatment.episodes.access import (
    get_assessment_for_user,
    get_episode_for_user,
    get_offer_for_user,
)
from treatment.episodes.badges import outcome_badge
from treatment.episodes.discharge import discharge_facts
from treatment.episodes.forms import (
    CoTherapistsForm,
    EpisodeEndForm,
    OfferAddForm,
    OfferEndForm,
    TherapistChangeForm,
)
from treatment.episodes.page import episode_sections
from treatment.models import FINAL_SCORE_GRACE, Episode
from treatment.outcomes import episode_outcome


def _to_episode(episode: Episode) -> HttpResponse:
    return redirect("treatment:episode_detail", pk=episode.pk)


@team_role_required(CLINICAL_ROLES)
def episode_list(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    mine = request.GET.get("mine") == "1"
    episodes = Episode.objects.for_episode_list(team, request.user if mine else None)
    page = Paginator(episodes, 50).get_page(request.GET.get("page"))
    return render(request, "treatment/episode_list.html", {"page": page, "mine": mine})


def episode_detail(request: HttpRequest, pk: int) -> HttpResponse:
    episode, access = get_episode_for_user(request, pk, Need.CLINICAL_READ)
    facts = Episode.objects.with_outcome_facts().get(pk=episode.pk)
    result = episode_outcome(facts)
    context = {
        "episode": episode,
        "access": access,
        "may_write": access.basis == Basis.CARE_TEAM and episode.is_open,
        "history": episode.therapist_history.select_related("therapist", "changed_by"),
        "co_therapists": episode.co_therapists.order_by("first_name", "last_name"),
        "offers": episode.offers.select_related("created_by"),
        "result": result,
        "badge": outcome_badge(result),
        "sections": episode_sections(request, episode, access),
    }
    return render(request, "treatment/episode_detail.html", context)


def episode_create(request: HttpRequest, pk: int) -> HttpResponse:
    """Start the episode of an assessment completed before episodes were made automatically
    (or when that failed, e.g. the assessing therapist had left the team)."""
    assessment, _access = get_assessment_for_user(request, pk, Need.CLINICAL_WRITE)
    existing = Episode.objects.filter(assessment=assessment).first()
    if existing is not None:
        return _to_episode(existing)
    error = None
    if request.method == "POST":
        try:
            episode = services.episode_create_from_assessment(
                assessment=assessment, by=request.user
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("The episode has started."))
            return _to_episode(episode)
    context = {"assessment": assessment, "client": assessment.contact.client, "error": error}
    return render(request, "treatment/episode_create.html", context)


def offer_add(request: HttpRequest, pk: int) -> HttpResponse:
    episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
    form = OfferAddForm(request.POST or None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_add(episode=episode, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The offer has been added."))
            return _to_episode(episode)
    return render(request, "treatment/episode_offer_add.html", {"episode": episode, "form": form})


def offer_end(request: HttpRequest, pk: int) -> HttpResponse:
    offer, _access = get_offer_for_user(request, pk, Need.CLINICAL_WRITE)
    form = OfferEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.offer_end(offer=offer, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The offer has ended."))
            return _to_episode(offer.episode)
    context = {"episode": offer.episode, "offer": offer, "form": form}
    return render(request, "treatment/episode_offer_end.html", context)


def episode_therapist(request: HttpRequest, pk: int) -> HttpResponse:
    episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
    form = TherapistChangeForm(request.POST or None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            services.therapist_change(episode=episode, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The primary therapist has been changed."))
            return _to_episode(episode)
    return render(request, "treatment/episode_therapist.html", {"episode": episode, "form": form})


def episode_co_therapists(request: HttpRequest, pk: int) -> HttpResponse:
    episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
    current = set(episode.co_therapists.all())
    form = CoTherapistsForm(request.POST or None, episode=episode, initial={"therapists": current})
    if request.method == "POST" and form.is_valid():
        chosen = set(form.cleaned_data["therapists"])
        try:
            with transaction.atomic():  # all or nothing
                for therapist in chosen - current:
                    services.co_therapist_add(episode=episode, therapist=therapist)
                for therapist in current - chosen:
                    services.co_therapist_remove(episode=episode, therapist=therapist)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The co-therapists have been saved."))
            return _to_episode(episode)
    context = {"episode": episode, "form": form}
    return render(request, "treatment/episode_co_therapists.html", context)


def episode_end(request: HttpRequest, pk: int) -> HttpResponse:
    """Discharge: the outcome so far and the final scores, then the end itself."""
    episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
    if not episode.is_open:
        messages.info(request, _("The episode has already ended."))
        return _to_episode(episode)
    form = EpisodeEndForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.episode_end(episode=episode, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The episode has ended."))
            return _to_episode(episode)
    facts = discharge_facts(Episode.objects.with_outcome_facts().get(pk=episode.pk))
    context = {
        "episode": episode,
        "form": form,
        "facts": facts,
        "badge": outcome_badge(facts.result),
        "grace_days": FINAL_SCORE_GRACE.days,
    }
    return render(request, "treatment/episode_end.html", context)


@require_POST
def episode_final_questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    """Send the PHQ-9 + GAD-7 link now, before the episode ends."""
    episode, _access = get_episode_for_user(request, pk, Need.CLINICAL_WRITE)
    if not episode.is_open:
        messages.error(request, _("The episode has ended; it cannot be changed."))
        return _to_episode(episode)
    try:
        invitation = invitation_send_now(
            client=episode.client, occasion=episode, created_by=request.user
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        send_after = invitation.messages.get().send_after
        if send_after > timezone.now():
            when = formats.date_format(timezone.localtime(send_after), "SHORT_DATETIME_FORMAT")
            messages.success(
                request, _("The final questionnaire will be sent at %(when)s.") % {"when": when}
            )
        else:
            messages.success(request, _("The final questionnaire is being sent to the client."))
    return redirect("treatment:episode_end", pk=episode.pk)
