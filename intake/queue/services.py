from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from intake.models import AssessmentOffer, Contact, ContactAttempt
from intake.queue.closing import CloseReason, failed_attempts, may_close
from rph.accounts.models import TeamMembership, User
from rph.accounts.roles import CLINICAL_ROLES


@transaction.atomic
def attempt_record(
    *, contact: Contact, by: User, method: str, outcome: str, note: str = ""
) -> ContactAttempt:
    """Log one try to reach the person; raises ValidationError (and saves nothing).

    Refused on a closed contact. Allowed after an offer (e.g. calling to move the time).
    """
    current = _lock_contact(contact)
    if current.status == Contact.Status.CLOSED:
        raise ValidationError(_("The contact is closed. No more attempts can be recorded."))
    attempt = ContactAttempt(
        contact=current, by=by, method=method, outcome=outcome, note=note.strip()
    )
    attempt.full_clean()
    attempt.save()
    return attempt


def _lock_contact(contact: Contact) -> Contact:
    """The contact's current row, locked until the transaction ends (one writer at a time)."""
    return Contact.objects.select_for_update().select_related("team", "client").get(pk=contact.pk)


@transaction.atomic
def assessment_offer(
    *,
    contact: Contact,
    by: User,
    scheduled_for: datetime,
    therapist: User,
    mode: str,
) -> AssessmentOffer:
    """Stop the clock: the person was reached and offered an assessment time.

    Requires a recorded 'reached' attempt (decision: the log shows how the person was
    reached, never an invented channel). The therapist joins the client's care team so
    they can do the assessment.
    """
    current = _lock_contact(contact)
    if current.status != Contact.Status.OPEN:
        raise ValidationError(_("An assessment can only be offered while the contact is open."))
    if not current.attempts.filter(outcome=ContactAttempt.Outcome.REACHED).exists():
        raise ValidationError(
            _("Record the attempt where the person was reached before offering a time.")
        )
    if not TeamMembership.objects.filter(
        team_id=current.team_id, user=therapist, user__is_active=True, role__in=CLINICAL_ROLES
    ).exists():
        raise ValidationError({"therapist": _("Choose a therapist in the team.")})
    now = timezone.now()
    if scheduled_for < now.replace(second=0, microsecond=0):
        raise ValidationError({"scheduled_for": _("The assessment time has already passed.")})
    offer = AssessmentOffer(
        contact=current,
        offered_at=now,
        offered_by=by,
        scheduled_for=scheduled_for,
        therapist=therapist,
        mode=mode,
    )
    offer.full_clean()
    offer.save()
    Contact.objects.filter(pk=current.pk).update(status=Contact.Status.OFFERED, offered_at=now)
    contact.status, contact.offered_at = Contact.Status.OFFERED, now
    current.client.care_team.add(therapist)
    return offer


@transaction.atomic
def assessment_mark_held(*, offer: AssessmentOffer, held_at: datetime) -> AssessmentOffer:
    """When the assessment actually took place; may be corrected later."""
    if held_at > timezone.now():
        raise ValidationError({"held_at": _("The time cannot be in the future.")})
    # Minutes, as typed: an assessment held in the minute of registration is fine.
    if held_at < offer.contact.registered_at.replace(second=0, microsecond=0):
        raise ValidationError(
            {"held_at": _("The time cannot be before the contact was registered.")}
        )
    AssessmentOffer.objects.filter(pk=offer.pk).update(held_at=held_at)
    offer.held_at = held_at
    return offer


@transaction.atomic
def contact_close(*, contact: Contact, by: User, reason: str) -> Contact:
    """Close an open contact. 'Unreachable' needs the team's number of failed attempts."""
    current = _lock_contact(contact)
    if current.status != Contact.Status.OPEN:
        raise ValidationError(_("Only an open contact can be closed."))
    if reason not in CloseReason.values:
        raise ValidationError({"reason": _("Choose a reason for closing.")})
    failed = failed_attempts(current.attempts.values_list("outcome", flat=True))
    limit = current.team.max_contact_attempts
    if not may_close(reason, failed, limit):
        raise ValidationError(
            {
                "reason": ngettext(
                    "A person can be closed as unreachable after %(limit)d failed attempt. "
                    "%(failed)d recorded so far.",
                    "A person can be closed as unreachable after %(limit)d failed attempts. "
                    "%(failed)d recorded so far.",
                    limit,
                )
                % {"limit": limit, "failed": failed}
            }
        )
    now = timezone.now()
    Contact.objects.filter(pk=current.pk).update(
        status=Contact.Status.CLOSED, closed_at=now, close_reason=reason, closed_by=by
    )
    contact.status, contact.closed_at, contact.close_reason = Contact.Status.CLOSED, now, reason
    contact.closed_by = by
    return contact
