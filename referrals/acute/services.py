"""Acute needs (seed 000 §5.1.3, §9.2): suicide plans, psychosis or severe agitation go to
legevakt or the acute team now, in cooperation with the client. RPH records that the contact
was made, by whom and when; the letter to the GP comes after."""

from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from intake.models import Client
from referrals.models import AcuteContact, AcuteService
from rph.accounts.models import User

MAX_OUTCOME = 1000
# Recorded afterwards is fine; a contact from long ago belongs in the record system.
MAX_AGE = timedelta(days=7)
CLOCK_SKEW = timedelta(minutes=1)  # a time typed to the minute, from a watch a little ahead


def acute_contacts(client: Client) -> list[AcuteContact]:
    return list(AcuteContact.objects.filter(client=client).select_related("contacted_by"))


@transaction.atomic
def acute_contact_record(
    *, client: Client, by: User, service: str, contacted_at: datetime, outcome: str
) -> AcuteContact:
    """Record that the acute service was contacted; raises ValidationError on bad input."""
    outcome = outcome.strip()
    now = timezone.now()
    errors: dict[str, list[str]] = {}
    if service not in AcuteService.values:
        errors["service"] = [_("Choose the service that was contacted.")]
    if contacted_at > now + CLOCK_SKEW:
        errors["contacted_at"] = [_("The time cannot be in the future.")]
    elif contacted_at < now - MAX_AGE:
        errors["contacted_at"] = [_("Record acute contacts within a week.")]
    if not outcome:
        errors["outcome"] = [_("Write what was agreed.")]
    elif len(outcome) > MAX_OUTCOME:
        errors["outcome"] = [
            _("The text is too long: at most %(max)d characters.") % {"max": MAX_OUTCOME}
        ]
    if errors:
        raise ValidationError(errors)
    return AcuteContact.objects.create(
        team_id=client.team_id,
        client=client,
        service=service,
        contacted_at=contacted_at,
        contacted_by=by,
        outcome=outcome,
    )
