"""The assessment conversation: the structured record, read and written by the care team."""

import copy

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.access import get_contact_for_user
from intake.assessments.forms import AssessmentForm
from intake.assessments.services import assessment_save
from intake.models import Assessment, AssessmentOffer, Contact
from rph.accounts.access import Basis, Need
from rph.forms import keep_after_conflict
from rph.versioning import StaleVersion


def assessment_detail(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact, access = get_contact_for_user(request, contact_id, Need.CLINICAL_READ)
    assessment = (
        Assessment.objects.select_related("therapist", "urgent_action_by")
        .filter(contact=contact)
        .first()
    )
    complete = assessment is not None and assessment.is_complete
    context = {
        "contact": contact,
        "access": access,
        "assessment": assessment,
        "can_edit": access.basis == Basis.CARE_TEAM and not complete,
    }
    return render(request, "intake/assessment_detail.html", context)


def assessment_edit(request: HttpRequest, contact_id: int) -> HttpResponse:
    contact, _access = get_contact_for_user(request, contact_id, Need.CLINICAL_WRITE)
    assessment = Assessment.objects.filter(contact=contact).first()
    if assessment is not None and assessment.is_complete:
        messages.info(request, _("A completed assessment cannot be changed."))
        return redirect(assessment)
    # The form works on a copy, so a rejected save never shows up as the stored record.
    instance = copy.copy(assessment) if assessment else _new_assessment(contact, request)
    form = AssessmentForm(request.POST or None, instance=instance)
    changed: list[tuple[str, object]] = []
    if request.method == "POST" and form.is_valid():
        complete = "complete" in request.POST
        data = dict(form.cleaned_data)
        version = data.pop("version")
        try:
            saved = assessment_save(
                contact=contact,
                therapist=request.user,
                data=data,
                complete=complete,
                version=version,
            )
        except StaleVersion as exc:
            changed = [
                (str(Assessment._meta.get_field(name).verbose_name), saved or "–")
                for name, (saved, _sent) in exc.changed.items()
            ]
            form = keep_after_conflict(
                AssessmentForm, request.POST, exc, instance=copy.copy(exc.current)
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if complete:
                messages.success(request, _("The assessment has been completed."))
                return redirect(saved)
            messages.success(request, _("The draft has been saved."))
            return redirect("intake:assessment_edit", contact.pk)
    context = {
        "contact": contact,
        "form": form,
        "urgent": form.instance.needs_urgent_action,
        "changed": changed,
    }
    return render(request, "intake/assessment_edit.html", context)


def _new_assessment(contact: Contact, request: HttpRequest) -> Assessment:
    """A blank record, held when and how the assessment was offered, if it was."""
    offer = AssessmentOffer.objects.filter(contact=contact).first()
    return Assessment(
        contact=contact,
        therapist=request.user,
        held_at=offer.scheduled_for if offer else timezone.now(),
        mode=offer.mode if offer else "",
    )
