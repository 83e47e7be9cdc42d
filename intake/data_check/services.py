"""Resolving what the data check found: merging open contacts, settling a flagged consent."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.consents.services import consent_record
from intake.models import Client, Consent, ConsentMethod, Contact
from intake.queue.closing import CloseReason
from rph.accounts.models import User


@transaction.atomic
def open_contacts_merge(*, client: Client, by: User) -> Contact:
    """Keep the client's oldest open contact; the newer ones are closed as duplicates and
    what they held (what it is about, notes, best time to call) is added to the oldest.
    The clock stays the oldest one's. Returns the contact kept."""
    contacts = list(
        Contact.objects.open()
        .select_for_update()
        .filter(client=client)
        .order_by("registered_at", "pk")
    )
    if len(contacts) < 2:
        raise ValidationError(_("The client has no second open contact any more."), code="conflict")
    kept, *others = contacts
    for other in others:
        kept.concerns = list(dict.fromkeys([*kept.concerns, *other.concerns]))
        if other.free_text:
            kept.free_text = "\n\n".join(p for p in (kept.free_text, other.free_text) if p)[:5000]
        if other.best_time_to_call and not kept.best_time_to_call:
            kept.best_time_to_call = other.best_time_to_call
        # Attempts to reach the person count for the contact that stays.
        other.attempts.update(contact=kept)
    kept.save(update_fields=["concerns", "free_text", "best_time_to_call"])
    now = timezone.now()
    Contact.objects.filter(pk__in=[o.pk for o in others]).update(
        status=Contact.Status.CLOSED,
        closed_at=now,
        closed_by=by,
        close_reason=CloseReason.DUPLICATE,
    )
    return kept


def flagged_consent_settle(*, line: Consent, by: User, given: bool, note: str = "") -> Consent:
    """The team lead checked a flagged line with the client: a new line, not flagged."""
    if not line.needs_review:
        raise ValidationError(_("This consent has been settled already."), code="conflict")
    newest = Consent.objects.current().filter(pk=line.pk).exists()
    if not newest:
        raise ValidationError(
            _("A newer line has been recorded: nothing to settle."), code="conflict"
        )
    return consent_record(
        client=line.client,
        by=by,
        party=line.party,
        given=given,
        method=ConsentMethod.FORM,
        note=note or _("Checked in the data check"),
    )
