"""The public self-referral form: anyone may ask the team to call them. No login.

The answer never shows back what was sent (a phone may be borrowed or shared), each address
may send a few requests an hour, and a honeypot field turns robots away without telling them.
"""

import logging
import uuid

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from intake.registration.forms import SelfReferralForm
from intake.registration.services import self_referral_submit
from intake.self_referral.ratelimit import seconds_to_next_window, self_referral_allowed
from rph.accounts.models import Team
from rph.forms import add_service_errors

logger = logging.getLogger(__name__)

# A real request is well under 2 kB; anything this large is not a person typing.
MAX_BODY_BYTES = 20_000
DEFAULT_PROMISE_HOURS = 48
PROMISE_KEY = "self_referral_promise_hours"


def body_too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_BODY_BYTES
    except ValueError:
        return True


def _form_page(
    request: HttpRequest, form: SelfReferralForm, status: int = 200, form_error: str = ""
) -> HttpResponse:
    context = {"form": form, "form_error": form_error}
    return render(request, "intake/self_referral.html", context, status=status)


def _done(request: HttpRequest, team: Team | None) -> HttpResponse:
    """Post/redirect/get: the receipt is a page of its own, so a reload sends nothing again.
    The session keeps the promise's hours only, never what was sent."""
    hours = team.response_promise_hours if team else DEFAULT_PROMISE_HOURS
    request.session[PROMISE_KEY] = hours
    return redirect("intake:self_referral_done")


@login_not_required
def self_referral_done(request: HttpRequest) -> HttpResponse:
    hours = request.session.get(PROMISE_KEY, DEFAULT_PROMISE_HOURS)
    if not isinstance(hours, int):
        hours = DEFAULT_PROMISE_HOURS
    return render(request, "intake/self_referral_done.html", {"promise_hours": hours})


def _fresh_form() -> SelfReferralForm:
    """The form with a new key for this one submission (see self_referral_submit)."""
    return SelfReferralForm(initial={"idempotency_key": uuid.uuid4().hex})


@login_not_required
def self_referral(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _form_page(request, _fresh_form())
    if not self_referral_allowed(request):
        response = render(request, "intake/self_referral_limited.html", status=429)
        response["Retry-After"] = str(seconds_to_next_window())
        return response
    too_large = _("The form was too large to be received. Shorten what you wrote and try again.")
    if body_too_large(request):
        return _form_page(request, _fresh_form(), status=413, form_error=too_large)
    try:
        form = SelfReferralForm(request.POST)
    except (RequestDataTooBig, TooManyFieldsSent):
        return _form_page(request, _fresh_form(), status=413, form_error=too_large)
    if form.is_robot:
        logger.info("self-referral honeypot filled; nothing saved")
        return _done(request, None)
    if not form.is_valid():
        return _form_page(request, form)
    try:
        contact = self_referral_submit(**form.submit_kwargs())
    except ValidationError as exc:
        add_service_errors(form, exc)
        return _form_page(request, form)
    logger.info("self-referral contact %s registered for team %s", contact.pk, contact.team_id)
    return _done(request, contact.team)
