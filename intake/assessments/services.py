"""Writes for the assessment conversation (kartleggingssamtale)."""

from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.assessments.choices import AssessmentStatus, Decision
from intake.assessments.rules import field_problems
from intake.models import Assessment, AssessmentOffer, Contact
from rph.accounts.models import User
from rph.versioning import check_version, differences

# What a form (or an API) may set; the rest is set here: who, status, when completed.
ASSESSMENT_FIELDS = frozenset(
    field.name
    for field in Assessment._meta.concrete_fields
    if field.editable
    and field.name
    not in {
        "id",
        "contact",
        "therapist",
        "status",
        "completed_at",
        "created_at",
        "updated_at",
        "urgent_action_by",
    }
)


@transaction.atomic
def assessment_save(
    *,
    contact: Contact,
    therapist: User,
    data: dict[str, Any],
    complete: bool,
    version: int | None = None,
) -> Assessment:
    """Save the contact's assessment as a draft, or complete it.

    A draft may be incomplete. `complete=True` enforces `intake.assessments.rules` and raises
    ValidationError (saving nothing) when a rule is broken. A completed assessment is
    read-only: saving it again raises ValidationError. `therapist` is who held the
    conversation when the record is created, and who recorded an acute action. With
    `version` (what the form read), a save after someone else's raises
    rph.versioning.StaleVersion with the draft as saved now, and saves nothing.
    """
    unknown = set(data) - ASSESSMENT_FIELDS
    if unknown:
        raise ValueError(f"not assessment fields: {sorted(unknown)}")
    assessment = Assessment.objects.select_for_update().filter(contact=contact).first()
    if assessment is None:
        assessment = Assessment(contact=contact, therapist=therapist)
    elif assessment.is_complete:
        raise ValidationError(_("A completed assessment cannot be changed."), code="locked")
    if version is not None and assessment.pk is not None:
        saved = Assessment.objects.get(pk=assessment.pk)
        check_version(assessment.version, version, current=saved, changed=differences(saved, data))
    _apply(assessment, data, therapist)
    assessment.full_clean()
    if complete:
        _complete(assessment)
    assessment.version += 1  # under the row lock taken above
    assessment.save()
    if complete:
        AssessmentOffer.objects.filter(contact=contact, held_at=None).update(
            held_at=assessment.held_at
        )
    return assessment


def _apply(assessment: Assessment, data: dict[str, Any], therapist: User) -> None:
    recorded_action = assessment.urgent_action
    for field, value in data.items():
        setattr(assessment, field, value)
    if not assessment.urgent_action.strip():
        assessment.urgent_action_by = None
    elif assessment.urgent_action != recorded_action or assessment.urgent_action_by is None:
        assessment.urgent_action_by = therapist


def _complete(assessment: Assessment) -> None:
    problems: dict[str, list[str]] = defaultdict(list)
    for field, message in field_problems(assessment.facts()):
        problems[field].append(message)
    if assessment.held_at and assessment.held_at > timezone.now():
        problems["held_at"].append(_("An assessment cannot be completed before it is held."))
    if problems:
        raise ValidationError(dict(problems), code="incomplete")
    # Only the chosen branch of the outcome is kept.
    if assessment.decision != Decision.IN_TARGET_GROUP:
        assessment.step = None
    if assessment.decision != Decision.OUTSIDE:
        assessment.route = ""
    assessment.status = AssessmentStatus.COMPLETE
    assessment.completed_at = timezone.now()
