"""Staff pages for a client's questionnaires: the responses, paper entry, corrections, and
handing a tablet over in the clinic (kiosk mode)."""

from django.contrib import messages
from django.contrib.auth import logout
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from intake.access import get_client_for_user
from intake.models import Client
from questionnaires.definitions import Definition
from questionnaires.forms import CorrectionForm, KioskStartForm, PaperEntryForm, initial_answers
from questionnaires.link_views import KIOSK_SESSION_KEY, current_language
from questionnaires.models import Capture, Instrument, Invitation, Response
from questionnaires.responses import response_correct, response_submit
from questionnaires.services import invitation_create
from rph.accounts.access import Need
from rph.forms import add_service_errors

# Filled in before a session, in this order, unless the therapist chooses otherwise.
KIOSK_DEFAULT_CODES = ("phq9", "gad7")


def response_list(request: HttpRequest, pk: int) -> HttpResponse:
    client, access = get_client_for_user(request, pk, Need.CLINICAL_READ)
    parsed: dict[int, Definition] = {}
    responses = Response.objects.for_client_page(client)
    context = {
        "client": client,
        "access": access,
        "responses": [_row(response, parsed) for response in responses],
        "invitations": Invitation.objects.filter(client=client).order_by("-created_at")[:20],
    }
    return render(request, "questionnaires/response_list.html", context)


def response_detail(request: HttpRequest, pk: int, response_id: int) -> HttpResponse:
    client, access = get_client_for_user(request, pk, Need.CLINICAL_READ)
    response = _response_of(client, response_id)
    context = {
        "client": client,
        "access": access,
        **_row(response, {}),
        "lines": _lines(response),
    }
    return render(request, "questionnaires/response_detail.html", context)


@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, pk: int) -> HttpResponse:
    client, _access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
    instruments = list(Instrument.objects.available_to(client.team))
    chosen = next(
        (item for item in instruments if str(item.pk) == request.GET.get("instrument")), None
    )
    if chosen is None:
        context = {"client": client, "instruments": instruments}
        return render(request, "questionnaires/paper_choose.html", context)
    form = PaperEntryForm(_posted(request), definition=chosen.parsed(), language=current_language())
    if request.method == "POST" and form.is_valid():
        try:
            response = response_submit(
                client=client,
                instrument=chosen,
                answers=form.answers(),
                capture=Capture.PAPER,
                entered_by=request.user,
                answered_at=form.answered_at(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The response has been saved."))
            return redirect("questionnaires:response_detail", client.pk, response.pk)
    context = {"client": client, "instrument": chosen, "form": form}
    return render(request, "questionnaires/paper_entry.html", context)


@require_http_methods(["GET", "POST"])
def response_correct_view(request: HttpRequest, pk: int, response_id: int) -> HttpResponse:
    client, _access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
    original = _response_of(client, response_id)
    definition = original.instrument.parsed()
    form = CorrectionForm(
        _posted(request),
        definition=definition,
        language=current_language(),
        initial=initial_answers(definition, original.answers),
    )
    if request.method == "POST" and form.is_valid():
        try:
            response = response_correct(
                original=original,
                answers=form.answers(),
                by=request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The correction has been saved."))
            return redirect("questionnaires:response_detail", client.pk, response.pk)
    context = {"client": client, "original": original, "form": form}
    return render(request, "questionnaires/response_correct.html", context)


@require_http_methods(["GET", "POST"])
def kiosk_start(request: HttpRequest, pk: int) -> HttpResponse:
    client, _access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
    available = Instrument.objects.available_to(client.team).order_by("code", "created_at", "pk")
    names = {instrument.code: instrument.name for instrument in available}  # newest name wins
    default = [code for code in KIOSK_DEFAULT_CODES if code in names]
    form = KioskStartForm(
        _posted(request), choices=list(names.items()), initial={"instruments": default}
    )
    if request.method == "POST" and form.is_valid():
        chosen = form.cleaned_data["instruments"]
        codes = [code for code in KIOSK_DEFAULT_CODES if code in chosen]
        codes += [code for code in chosen if code not in codes]
        try:
            invitation, token = invitation_create(
                client=client, instrument_codes=codes, created_by=request.user
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            # The tablet goes to the client: nothing of the staff login may stay on it.
            logout(request)
            request.session[KIOSK_SESSION_KEY] = invitation.pk
            return redirect(reverse("questionnaires:link", args=[token]))
    return render(request, "questionnaires/kiosk_start.html", {"client": client, "form": form})


def _response_of(client: Client, response_id: int) -> Response:
    response = (
        Response.objects.for_client_page(client).select_related("instrument").filter(pk=response_id)
    ).first()
    if response is None:
        raise Http404
    return response


def _row(response: Response, parsed: dict[int, Definition]) -> dict[str, object]:
    definition = _definition(response.instrument, parsed)
    band = next((b for b in definition.scoring.bands if b.code == response.band), None)
    return {
        "response": response,
        "band_label": band.label.get(current_language()) if band else "",
        "superseded_by": getattr(response, "superseded_by", None),
    }


def _lines(response: Response) -> list[dict[str, object]]:
    """Each item with the answer given, in the language of the page."""
    definition = response.instrument.parsed()
    language = current_language()
    lines = []
    for item, value in zip(definition.items, response.answers, strict=True):
        lines.append(
            {
                "item": item,
                "text": item.text.get(language),
                "value": value,
                "answer": item.answer_text(value, language),
            }
        )
    return lines


def _definition(instrument: Instrument, parsed: dict[int, Definition]) -> Definition:
    # A page lists many responses to a few instruments: parse each instrument once.
    if instrument.pk not in parsed:
        parsed[instrument.pk] = instrument.parsed()
    return parsed[instrument.pk]


def _posted(request: HttpRequest) -> QueryDict | None:
    # Not `request.POST or None`: a POST with every box unticked is empty, and still a POST.
    return request.POST if request.method == "POST" else None
