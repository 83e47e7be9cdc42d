"""The intake queue and the contact page: the response-promise clock, attempts, offer, close."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import Form
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from intake.access import get_contact_for_user
from intake.consents.services import reach_now
from intake.deadlines import ClockState, clock_state, time_left
from intake.models import AssessmentOffer, Concern, Contact, ContactAttempt, ReachKind
from intake.queue import services
from intake.queue.closing import LETTER_REASONS, CloseReason, failed_attempts, health_words_in
from intake.queue.forms import AttemptForm, CloseForm, HeldForm, OfferForm, QueueFilterForm
from rph.accounts.access import Access, Need
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.models import Team
from rph.accounts.roles import CLIENT_ROLES
from rph.forms import add_service_errors


@dataclass(frozen=True)
class Clock:
    state: ClockState
    left: timedelta

    @property
    def running(self) -> bool:
        return self.state in {ClockState.ON_TIME, ClockState.DUE_SOON, ClockState.OVERDUE}


def _clock(contact: Contact, team: Team, now: datetime) -> Clock:
    state = clock_state(now, contact.deadline, team.due_soon_hours, contact.offered_at)
    return Clock(state=state, left=time_left(contact.offered_at or now, contact.deadline))


@dataclass(frozen=True)
class QueueRow:
    contact: Contact
    clock: Clock
    last_outcome: str
    form: AttemptForm
    saved: bool = False


def _row(contact: Contact, team: Team, now: datetime, form: Form | None = None, **kw) -> QueueRow:
    outcome = contact.last_attempt_outcome  # type: ignore[attr-defined]
    return QueueRow(
        contact=contact,
        clock=_clock(contact, team, now),
        last_outcome=ContactAttempt.Outcome(outcome).label if outcome else "",
        form=form or AttemptForm(auto_id=f"id_c{contact.pk}_%s"),
        **kw,
    )


@team_role_required(CLIENT_ROLES)
def queue(request: HttpRequest) -> HttpResponse:
    team = require_membership(request).team
    contacts = Contact.objects.for_queue(team)
    filters = QueueFilterForm(request.GET or None, team=team)
    if filters.is_bound and not filters.is_valid():
        messages.warning(request, _("The filter was not recognised and has been cleared."))
        filters = QueueFilterForm(team=team)
    elif filters.is_bound:
        if municipality := filters.cleaned_data["municipality"]:
            contacts = contacts.filter(client__home_municipality=municipality)
        if channel := filters.cleaned_data["channel"]:
            contacts = contacts.filter(channel=channel)
    now = timezone.now()
    rows = [_row(contact, team, now) for contact in contacts]
    context = {
        "rows": rows,
        "filters": filters,
        "overdue": sum(r.clock.state == ClockState.OVERDUE for r in rows),
        "due_soon": sum(r.clock.state == ClockState.DUE_SOON for r in rows),
        "team": team,
    }
    return render(request, "intake/queue.html", context)


def contact_detail(request: HttpRequest, pk: int) -> HttpResponse:
    contact, access = get_contact_for_user(request, pk, Need.CONTACT_READ)
    return _contact_page(request, contact, access)


def _contact_page(
    request: HttpRequest, contact: Contact, access: Access, **forms: Form
) -> HttpResponse:
    team = contact.client.team
    attempts = list(contact.attempts.select_related("by"))
    offer = (
        AssessmentOffer.objects.select_related("therapist", "offered_by")
        .filter(contact=contact)
        .first()
    )
    is_open = contact.status == Contact.Status.OPEN
    closed = contact.status == Contact.Status.CLOSED
    reached = any(a.outcome == ContactAttempt.Outcome.REACHED for a in attempts)
    context = {
        "contact": contact,
        "client": contact.client,
        "team": team,
        "clock": _clock(contact, team, timezone.now()),
        "attempts": attempts,
        "failed": failed_attempts(a.outcome for a in attempts),
        "offer": offer,
        # Clinicians reach the assessment (outside the care team, through break-glass).
        "may_open_assessment": access.clinical or access.can_break_glass,
        "close_reason": CloseReason(contact.close_reason).label if contact.close_reason else "",
        "concerns": [Concern(c).label for c in contact.concerns if c in Concern.values],
        "needs_reached": is_open and not reached,
        "reach": reach_now(contact.client),
        # A form that came back with errors is shown whatever the state, so is its message.
        "attempt_form": forms.get("attempt_form") or (AttemptForm() if not closed else None),
        "offer_form": forms.get("offer_form")
        or (OfferForm(team=team, user=request.user) if is_open and reached else None),
        "close_form": forms.get("close_form") or (CloseForm() if is_open else None),
        "held_form": forms.get("held_form") or (HeldForm() if offer is not None else None),
    }
    return render(request, "intake/contact_page.html", context)


@require_POST
def contact_attempt(request: HttpRequest, pk: int) -> HttpResponse:
    contact, access = get_contact_for_user(request, pk, Need.CONTACT_WRITE)
    from_queue = request.POST.get("return_to") == "queue"
    form = AttemptForm(request.POST)
    saved = False
    if form.is_valid():
        try:
            services.attempt_record(contact=contact, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            saved = True
    if from_queue and request.htmx:  # type: ignore[attr-defined]
        return _queue_row(request, contact, None if saved else form, saved=saved)
    if not saved:
        return _contact_page(request, contact, access, attempt_form=form)
    messages.success(request, _("The attempt has been recorded."))
    if from_queue:
        return redirect("intake:queue")
    return redirect("intake:contact_detail", pk=contact.pk)


def _queue_row(
    request: HttpRequest, contact: Contact, form: AttemptForm | None, *, saved: bool
) -> HttpResponse:
    """One queue row for htmx; empty when the contact has left the queue."""
    team = contact.client.team
    fresh = Contact.objects.for_queue(team).filter(pk=contact.pk).first()
    if fresh is None:
        return HttpResponse("")
    if form is not None:
        form.auto_id = f"id_c{contact.pk}_%s"
    row = _row(fresh, team, timezone.now(), form, saved=saved)
    return render(request, "intake/_queue_row.html", {"row": row})


@require_POST
def contact_offer(request: HttpRequest, pk: int) -> HttpResponse:
    contact, access = get_contact_for_user(request, pk, Need.CONTACT_WRITE)
    form = OfferForm(request.POST, team=contact.client.team)
    if form.is_valid():
        try:
            services.assessment_offer(contact=contact, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The assessment has been offered. The clock has stopped."))
            return redirect("intake:contact_detail", pk=contact.pk)
    return _contact_page(request, contact, access, offer_form=form)


@require_POST
def contact_held(request: HttpRequest, pk: int) -> HttpResponse:
    contact, access = get_contact_for_user(request, pk, Need.CONTACT_WRITE)
    form = HeldForm(request.POST)
    offer = AssessmentOffer.objects.filter(contact=contact).first()
    if offer is None:
        messages.error(request, _("No assessment has been offered yet."))
        return redirect("intake:contact_detail", pk=contact.pk)
    if form.is_valid():
        try:
            services.assessment_mark_held(offer=offer, held_at=form.cleaned_data["held_at"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The time of the assessment has been saved."))
            return redirect("intake:contact_detail", pk=contact.pk)
    return _contact_page(request, contact, access, held_form=form)


@require_POST
def contact_close(request: HttpRequest, pk: int) -> HttpResponse:
    contact, access = get_contact_for_user(request, pk, Need.CONTACT_WRITE)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.contact_close(
                contact=contact, by=request.user, reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The contact has been closed."))
            return redirect("intake:contact_closed", pk=contact.pk)
    return _contact_page(request, contact, access, close_form=form)


def contact_closed(request: HttpRequest, pk: int) -> HttpResponse:
    """The close confirmation, with the letter and SMS telling how to get back in touch."""
    contact, _access = get_contact_for_user(request, pk, Need.CONTACT_READ)
    if contact.status != Contact.Status.CLOSED:
        return redirect("intake:contact_detail", pk=contact.pk)
    context: dict[str, object] = {
        "contact": contact,
        "close_reason": CloseReason(contact.close_reason).label,
        "may_sms": reach_now(contact.client).allows(ReachKind.SMS),
    }
    if contact.close_reason in LETTER_REASONS:
        texts = {
            "client": contact.client,
            "team": contact.client.team,
            "unreachable": contact.close_reason == CloseReason.UNREACHABLE,
            "reach": _reach(contact.client.team),
        }
        sms = render_to_string("intake/close_sms.txt", texts).strip()
        context |= {
            "letter": render_to_string("intake/close_letter.txt", texts).strip(),
            "sms": sms,
            "sms_health_words": health_words_in(sms),
        }
    return render(request, "intake/contact_closed.html", context)


def _reach(team: Team) -> str:
    """How a client reaches the team: phone and/or e-mail; a placeholder staff must fill in."""
    ways = [way for way in (team.phone, team.intake_email) if way]
    return " / ".join(ways) or _("[the team's phone number]")
