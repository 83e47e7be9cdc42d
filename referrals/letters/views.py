"""Letter pages: the team's list, writing a draft, reading, editing, approving, sending, PDF.

Every view of one letter fetches it through referrals.letters.access (the client's access
rules, logged): drafts are for clinical eyes only; clerical staff see approved letters'
metadata, print the PDF and record that it was posted.
"""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from intake.access import get_client_for_user
from referrals.consents.services import objects_to_epikrise
from referrals.letters.access import get_letter_for_user, send_need
from referrals.letters.display import letter_context, letter_title
from referrals.letters.drafting import letter_draft
from referrals.letters.forms import (
    LetterCreateForm,
    LetterEditForm,
    LetterSendForm,
    TeamMessagingForm,
)
from referrals.letters.messaging import electronic_problem, messaging_for, team_messaging_save
from referrals.letters.pdf import letter_pdf as render_pdf
from referrals.letters.pdf import pdf_filename
from referrals.letters.services import (
    letter_approve,
    letter_discard,
    letter_send,
    letter_send_electronically,
    letter_update,
)
from referrals.models import Letter, LetterStatus, SentVia
from rph.accounts.access import Basis, Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLIENT_ROLES, CLINICAL_ROLES, LEAD_ROLES
from treatment.models import Episode

DESPITE_OBJECTION = "despite_objection"
SAVED_TEXT_FIELDS = (
    "reason_for_contact",
    "assessment_summary",
    "risk_summary",
    "treatment_summary",
    "advice",
)


@team_role_required(CLIENT_ROLES)
def letter_list(request: HttpRequest) -> HttpResponse:
    membership = require_membership(request)
    team = membership.team
    lead = membership.role in LEAD_ROLES
    if lead and request.GET.get("filter") == DESPITE_OBJECTION:
        page = Paginator(Letter.objects.sent_despite_objection(team), 50)
        context = {"page": page.get_page(request.GET.get("page")), "filter": DESPITE_OBJECTION}
        return render(request, "referrals/letter_list_despite_objection.html", context)
    drafts = (
        Letter.objects.drafts_in_care_of(team, request.user)
        if membership.role in CLINICAL_ROLES
        else None
    )
    context = {
        "waiting": Letter.objects.waiting_to_be_sent(team),
        "drafts": drafts,
        "lead": lead,
        "filter": DESPITE_OBJECTION,
    }
    return render(request, "referrals/letter_list.html", context)


@require_http_methods(["GET", "POST"])
def letter_create(request: HttpRequest, pk: int) -> HttpResponse:
    client, _access = get_client_for_user(request, pk, Need.CLINICAL_WRITE)
    initial = {key: request.GET.get(key, "") for key in ("kind", "episode", "referral_to")}
    form = LetterCreateForm(request.POST or None, client=client, initial=initial)
    acute_missing = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        episode: Episode | None = data["episode"]
        try:
            letter = letter_draft(
                client=client,
                kind=data["kind"],
                episode=episode,
                assessment=episode.assessment if episode else None,
                by=request.user,
                referral_to=data["referral_to"],
            )
        except ValidationError as exc:
            acute_missing = getattr(exc, "code", None) == "acute_contact_missing"
            form.add_error(None, exc)
        else:
            messages.success(request, _("The draft has been written. Check and complete it."))
            return redirect("referrals:letter_edit", letter.pk)
    context = {"client": client, "form": form, "acute_missing": acute_missing}
    return render(request, "referrals/letter_create.html", context)


def letter_detail(request: HttpRequest, pk: int) -> HttpResponse:
    letter, access = get_letter_for_user(request, pk)
    context = {
        **(letter_context(letter) if access.clinical else {"letter": letter}),
        "title": letter_title(letter),
        "access": access,
        "can_write": access.basis == Basis.CARE_TEAM and letter.status == LetterStatus.DRAFT,
        "can_send": letter.status == LetterStatus.APPROVED,
        "objection": objects_to_epikrise(letter.client),
        "electronic_messages": letter.messages.all(),
    }
    return render(request, "referrals/letter_detail.html", context)


@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, pk: int) -> HttpResponse:
    letter, _access = get_letter_for_user(request, pk, Need.CLINICAL_WRITE)
    if letter.status != LetterStatus.DRAFT:
        messages.info(request, _("An approved letter cannot be changed."))
        return redirect("referrals:letter_detail", letter.pk)
    form = LetterEditForm(
        request.POST or None, letter=letter, initial=LetterEditForm.initial_for(letter)
    )
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            letter_update(
                letter=letter,
                version=form.cleaned_data["version"],
                changes=form.changes(),
            )
        except ValidationError as exc:
            if getattr(exc, "code", None) == "not_draft":
                messages.error(request, " ".join(exc.messages))
                return redirect("referrals:letter_detail", letter.pk)
            if getattr(exc, "code", None) == "conflict":
                # Keep the writer's text; the next save is based on what is saved now.
                saved = Letter.objects.defer("pdf").get(pk=letter.pk)
                data = request.POST.copy()
                data["version"] = str(saved.version)
                form = LetterEditForm(data, letter=saved)
            form.add_error(None, exc)
        else:
            messages.success(request, _("The letter has been saved."))
            return redirect("referrals:letter_detail", letter.pk)
    context = {
        "letter": letter,
        "title": letter_title(letter),
        "form": form,
        "saved": saved,
        "saved_texts": [
            (form.fields[name].label, getattr(saved, name)) for name in SAVED_TEXT_FIELDS
        ]
        if saved
        else [],
        "objection": objects_to_epikrise(letter.client),
    }
    return render(request, "referrals/letter_edit.html", context)


def _posted_version(request: HttpRequest) -> int:
    try:
        return int(request.POST.get("version", ""))
    except ValueError:
        return -1


@require_POST
def letter_approve_view(request: HttpRequest, pk: int) -> HttpResponse:
    letter, _access = get_letter_for_user(request, pk, Need.CLINICAL_WRITE)
    version = _posted_version(request)
    try:
        letter_approve(letter=letter, by=request.user, version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("referrals:letter_detail", letter.pk)
    try:
        sent = letter_send_electronically(letter=letter, by=request.user)
    except ValidationError as exc:
        messages.warning(
            request,
            _("The letter has been approved but not sent electronically: %(reason)s")
            % {"reason": " ".join(exc.messages)},
        )
    else:
        if sent is None:
            messages.success(request, _("The letter has been approved. It is ready to be sent."))
        else:
            messages.success(
                request,
                _("The letter has been approved and sent to the GP as an electronic message."),
            )
    return redirect("referrals:letter_detail", letter.pk)


@require_POST
def letter_discard_view(request: HttpRequest, pk: int) -> HttpResponse:
    letter, _access = get_letter_for_user(request, pk, Need.CLINICAL_WRITE)
    try:
        letter_discard(letter=letter, version=_posted_version(request))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("referrals:letter_detail", letter.pk)
    messages.success(request, _("The draft has been discarded."))
    return redirect(letter.client.get_absolute_url())


@require_http_methods(["GET", "POST"])
def letter_send_view(request: HttpRequest, pk: int) -> HttpResponse:
    letter, access = get_letter_for_user(request, pk, send_need)
    if letter.status != LetterStatus.APPROVED:
        messages.info(request, _("Only an approved letter that has not been sent can be sent."))
        return redirect("referrals:letter_detail", letter.pk)
    objection = letter.gp_id is not None and objects_to_epikrise(letter.client)
    may_override = objection and access.basis == Basis.CARE_TEAM
    electronic = not electronic_problem(letter)
    form = LetterSendForm(request.POST or None, may_override=may_override, electronic=electronic)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            letter_send(
                letter=letter,
                by=request.user,
                via=data["sent_via"],
                sent_on=data["sent_on"],
                override_reason=data.get("override_reason", ""),
                may_override=may_override,
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if data["sent_via"] == SentVia.MESSAGE:
                messages.success(
                    request, _("The letter is sent to the GP as an electronic message.")
                )
            else:
                messages.success(request, _("The letter has been recorded as sent."))
            return redirect("referrals:letter_detail", letter.pk)
    context = {
        "letter": letter,
        "title": letter_title(letter),
        "form": form,
        "objection": objection,
        "may_override": may_override,
    }
    return render(request, "referrals/letter_send.html", context)


def letter_pdf_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The approved letter's frozen PDF; a draft's PDF is made now and marked as a draft."""
    letter, _access = get_letter_for_user(request, pk)
    pdf = render_pdf(letter) if letter.status == LetterStatus.DRAFT else bytes(letter.pdf or b"")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{pdf_filename(letter)}"'
    response["Cache-Control"] = "no-store"
    return response


@team_role_required(LEAD_ROLES)
@require_http_methods(["GET", "POST"])
def letter_settings(request: HttpRequest) -> HttpResponse:
    """The team lead's choice of how letters to GPs leave, the team's HER-id, the receipt wait."""
    membership = require_membership(request)
    current = messaging_for(membership.team)
    form = TeamMessagingForm(request.POST or None, instance=copy.copy(current))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            team_messaging_save(
                team=membership.team,
                version=data["version"],
                **{name: data[name] for name in ("her_id", "transport", "receipt_wait_hours")},
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The letter settings have been saved."))
            return redirect("referrals:letter_settings")
    return render(request, "referrals/letter_settings.html", {"form": form})
