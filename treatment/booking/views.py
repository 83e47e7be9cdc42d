"""Booking links: staff send and expire them (clerical staff too); the client books by one.

The public page needs no login and names nobody but by first name, like the questionnaire
link, and shares its rate limit: a wrong, used or expired link gets the same 404 page.
"""

from datetime import datetime
from itertools import groupby

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from intake.self_referral.ratelimit import exceeded, hit
from questionnaires.link_views import (
    LINK_LIMIT,
    LINK_SCOPE,
    LINK_WINDOW,
    invalid_link,
    link_limited,
    query_language,
)
from rph.accounts.access import Access, Need
from rph.forms import add_service_errors
from treatment.booking.access import get_booking_link_for_user
from treatment.booking.forms import ChooseForm, SendForm
from treatment.booking.services import (
    SlotTaken,
    booking_link_book,
    booking_link_expire,
    booking_link_for_token,
    booking_link_opened,
    booking_link_send,
    open_slots,
)
from treatment.episodes.access import get_episode_for_user
from treatment.models import BookingLink, Episode

NEW_URL_KEY = "rph_booking_link_url"
BOOKED_KEY = "rph_booking_done"


@require_http_methods(["GET", "POST"])
def booking_links(request: HttpRequest, pk: int) -> HttpResponse:
    need = Need.CONTACT_WRITE if request.method == "POST" else Need.CONTACT_READ
    episode, _access = get_episode_for_user(request, pk, need)
    form = SendForm(request.POST or None, episode=episode)
    if request.method == "POST" and form.is_valid():
        try:
            sent = booking_link_send(episode=episode, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if sent.message is None:
                messages.warning(
                    request,
                    _("The client has not agreed to SMS or e-mail: give them the link yourself."),
                )
            else:
                messages.success(request, _("The booking link is on its way to the client."))
            request.session[NEW_URL_KEY] = {"link": sent.link.pk, "url": sent.url}
            return redirect("treatment:booking_links", pk=episode.pk)
    new = request.session.pop(NEW_URL_KEY, None)
    context = {
        "episode": episode,
        "form": form,
        "links": BookingLink.objects.filter(episode=episode).select_related(
            "therapist", "created_by", "expired_by", "session"
        ),
        "new_url": new["url"] if new else "",
    }
    return render(request, "treatment/booking_links.html", context)


@require_POST
def booking_link_expire_view(request: HttpRequest, pk: int) -> HttpResponse:
    link, _access = get_booking_link_for_user(request, pk, Need.CONTACT_WRITE)
    try:
        booking_link_expire(link=link, by=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The booking link has expired."))
    return redirect("treatment:booking_links", pk=link.episode_id)


def booking_section(request: HttpRequest, episode: Episode, access: Access) -> str:
    links = list(BookingLink.objects.filter(episode=episode).select_related("therapist")[:5])
    context = {"episode": episode, "links": links}
    return render_to_string("treatment/booking_section.html", context, request=request)


# -- The client's page --------------------------------------------------------------------


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@query_language
def booking_link_page(request: HttpRequest, token: str) -> HttpResponse:
    if exceeded(LINK_SCOPE, request, LINK_LIMIT, LINK_WINDOW):
        return link_limited(request)
    link = booking_link_for_token(token)
    if link is None:
        hit(LINK_SCOPE, request, LINK_LIMIT, LINK_WINDOW)
        return invalid_link(request)
    if request.method == "GET":
        booking_link_opened(link=link)
        return _choose_page(request, link, ChooseForm())
    form = ChooseForm(request.POST)
    if not form.is_valid():
        return _choose_page(request, link, form, status=400)
    try:
        session = booking_link_book(link=link, slot=form.cleaned_data["slot"])
    except SlotTaken as exc:
        return _choose_page(request, link, ChooseForm(), status=409, taken=exc.messages[0])
    except ValidationError as exc:
        form.add_error("slot", exc.messages[0])
        return _choose_page(request, link, form, status=400)
    request.session[BOOKED_KEY] = {
        "starts_at": session.starts_at.isoformat(),
        "minutes": session.duration_minutes,
        "mode": session.get_mode_display(),
        "location": session.location,
    }
    return redirect("booking_done")


def _choose_page(
    request: HttpRequest, link: BookingLink, form: ChooseForm, *, status: int = 200, taken: str = ""
) -> HttpResponse:
    slots = [timezone.localtime(slot) for slot in open_slots(link)]
    days = [(day, list(times)) for day, times in groupby(slots, key=lambda s: s.date())]
    context = {
        "first_name": link.episode.client.first_name,
        "link": link,
        "days": days,
        "form": form,
        "taken": taken,
    }
    return render(request, "treatment/booking_choose.html", context, status=status)


@login_not_required
@never_cache
@query_language
def booking_done(request: HttpRequest) -> HttpResponse:
    booked = request.session.get(BOOKED_KEY)
    if not booked:
        return invalid_link(request)
    starts_at = timezone.localtime(datetime.fromisoformat(booked["starts_at"]))
    return render(request, "treatment/booking_done.html", {**booked, "starts_at": starts_at})
