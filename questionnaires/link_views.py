"""The client's link: answer an invitation's questionnaires on a phone, without logging in.

Opening the link changes nothing (SMS and e-mail scanners open links too); each instrument
sent is kept as a draft on the invitation, so the client can stop and come back while the
link is valid; the last one stores every response in one transaction and uses the link up.
A wrong, used or expired link gets the same page and status, and an address that tries many
wrong links is turned away for a while. The page names nobody but by first name.

Kiosk mode is the same page on a tablet in the clinic: a therapist starts it from the
client's page (questionnaires.staff_views.kiosk_start), which signs the tablet out first.
"""

import logging
from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, ValidationError
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from intake.self_referral.ratelimit import exceeded, hit, seconds_to_next_window
from intake.self_referral.views import body_too_large
from questionnaires.forms import LinkAnswersForm, initial_answers
from questionnaires.models import Capture, Instrument, Invitation
from questionnaires.responses import instruments_for_codes, response_submit
from questionnaires.services import invitation_for_token

logger = logging.getLogger(__name__)

# Decision: 20 wrong, used or expired links per address in 10 minutes, then 429 for the rest
# of the window, right links included. A person mistypes a few times; a guesser needs 2^256.
LINK_SCOPE = "questionnaire-link"
LINK_LIMIT = 20
LINK_WINDOW = 600

KIOSK_SESSION_KEY = "rph_questionnaire_kiosk"
DONE_SESSION_KEY = "rph_questionnaire_done"


@dataclass(frozen=True)
class Step:
    """Where the client is in the invitation: the instrument to answer now."""

    invitation: Invitation
    instruments: list[Instrument]
    position: int
    kiosk: bool

    @property
    def instrument(self) -> Instrument:
        return self.instruments[self.position]

    @property
    def is_last(self) -> bool:
        return self.position == len(self.instruments) - 1


def query_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """`?lang=en` in a link switches the page's language and keeps it (a cookie)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        language = request.GET.get("lang", "")
        if language not in dict(settings.LANGUAGES):
            return view(request, *args, **kwargs)
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = view(request, *args, **kwargs)
        response.set_cookie(  # as django.views.i18n.set_language sets it
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            path=settings.LANGUAGE_COOKIE_PATH,
            domain=settings.LANGUAGE_COOKIE_DOMAIN,
            secure=settings.LANGUAGE_COOKIE_SECURE,
            httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
            samesite=settings.LANGUAGE_COOKIE_SAMESITE,
        )
        return response

    return wrapper


def current_language() -> str:
    return (translation.get_language() or settings.LANGUAGE_CODE).split("-")[0]


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
@query_language
def link(request: HttpRequest, token: str) -> HttpResponse:
    if exceeded(LINK_SCOPE, request, LINK_LIMIT, LINK_WINDOW):
        return link_limited(request)
    invitation = invitation_for_token(token)
    instruments = (
        instruments_for_codes(invitation.team, invitation.instrument_codes) if invitation else []
    )
    if invitation is None or not instruments:
        hit(LINK_SCOPE, request, LINK_LIMIT, LINK_WINDOW)
        return invalid_link(request)
    step = Step(
        invitation=invitation,
        instruments=instruments,
        position=_position(invitation, instruments),
        kiosk=request.session.get(KIOSK_SESSION_KEY) == invitation.pk,
    )
    if request.method == "POST":
        return _answer(request, step)
    definition = step.instrument.parsed()
    draft = invitation.draft_answers.get(step.instrument.code)
    initial = {"instrument": step.instrument.code}
    if isinstance(draft, list) and len(draft) == len(definition.items):
        initial |= initial_answers(definition, draft)
    form = LinkAnswersForm(initial=initial, definition=definition, language=current_language())
    return _form_page(request, step, form)


@login_not_required
@never_cache
@query_language
def link_done(request: HttpRequest) -> HttpResponse:
    done = request.session.get(DONE_SESSION_KEY) or {}
    if done.get("kiosk"):
        return render(request, "questionnaires/link_kiosk_done.html")
    return render(request, "questionnaires/link_done.html", {"risk": bool(done.get("risk"))})


def invalid_link(request: HttpRequest) -> HttpResponse:
    return render(request, "questionnaires/link_invalid.html", status=404)


def link_limited(request: HttpRequest) -> HttpResponse:
    response = render(request, "questionnaires/link_limited.html", status=429)
    response["Retry-After"] = str(seconds_to_next_window(LINK_WINDOW))
    return response


def _position(invitation: Invitation, instruments: list[Instrument]) -> int:
    """The first instrument without a draft; the last one if all have one."""
    answered = invitation.draft_answers
    return next(
        (index for index, item in enumerate(instruments) if item.code not in answered),
        len(instruments) - 1,
    )


def _form_page(
    request: HttpRequest,
    step: Step,
    form: LinkAnswersForm,
    *,
    status: int = 200,
    form_error: str = "",
    missing: list[int] | None = None,
) -> HttpResponse:
    definition = step.instrument.parsed()
    language = current_language()
    context = {
        "step": step,
        "form": form,
        "first_name": step.invitation.client.first_name,
        "number": step.position + 1,
        "count": len(step.instruments),
        "title": definition.title.get(language),
        "instructions": definition.instructions.get(language),
        "attribution": definition.attribution.get(language) if definition.attribution else "",
        "answered": form.answered_count(),
        "items": len(definition.items),
        "form_error": form_error,
        "missing": missing or [],
    }
    return render(request, "questionnaires/link_form.html", context, status=status)


def _answer(request: HttpRequest, step: Step) -> HttpResponse:
    definition = step.instrument.parsed()
    language = current_language()
    too_large = _("The form was too large to be received. Try again.")
    empty = LinkAnswersForm(
        initial={"instrument": step.instrument.code}, definition=definition, language=language
    )
    if body_too_large(request):
        return _form_page(request, step, empty, status=413, form_error=too_large)
    try:
        form = LinkAnswersForm(request.POST, definition=definition, language=language)
    except (RequestDataTooBig, TooManyFieldsSent):
        return _form_page(request, step, empty, status=413, form_error=too_large)
    if not form.is_valid():
        return _form_page(request, step, form)
    if form.cleaned_data["instrument"] != step.instrument.code:
        # An earlier page sent again (the back button, a second tab): show where the client is.
        return redirect(request.get_full_path())
    missing = form.missing_numbers()
    if missing and not form.cleaned_data["confirm_missing"]:
        data = request.POST.copy()
        data["confirm_missing"] = "1"
        confirm = LinkAnswersForm(data, definition=definition, language=language)
        confirm.is_valid()
        return _form_page(request, step, confirm, missing=missing)
    draft = {**step.invitation.draft_answers, step.instrument.code: form.answers()}
    if not step.is_last:
        saved = Invitation.objects.filter(pk=step.invitation.pk, completed_at=None).update(
            draft_answers=draft
        )
        return redirect(request.get_full_path()) if saved == 1 else invalid_link(request)
    return _complete(request, step, draft)


def _complete(request: HttpRequest, step: Step, draft: dict[str, list[int | None]]) -> HttpResponse:
    invitation = step.invitation
    now = timezone.now()
    try:
        with transaction.atomic():
            # Only one submission can use the link up; a second (double click, two tabs)
            # finds it used and stores nothing.
            won = Invitation.objects.filter(pk=invitation.pk, completed_at=None).update(
                completed_at=now, draft_answers={}
            )
            if won != 1:
                return invalid_link(request)
            responses = [
                response_submit(
                    client=invitation.client,
                    instrument=instrument,
                    answers=draft[instrument.code],
                    capture=Capture.KIOSK if step.kiosk else Capture.LINK,
                    invitation=invitation,
                    answered_at=now,
                )
                for instrument in step.instruments
            ]
    except ValidationError:
        # A draft that no longer fits its instrument (a new version came meanwhile): the
        # client answers again rather than have answers stored against the wrong items.
        logger.warning("invitation %s: a draft did not fit; asking again", invitation.pk)
        Invitation.objects.filter(pk=invitation.pk, completed_at=None).update(draft_answers={})
        return redirect(request.get_full_path())
    request.session.pop(KIOSK_SESSION_KEY, None)
    request.session[DONE_SESSION_KEY] = {
        "kiosk": step.kiosk,
        "risk": any(response.flags for response in responses),
    }
    return redirect("questionnaires:link_done")
