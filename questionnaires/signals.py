"""Questionnaires listen to intake (which must not know about them): a booked session
gets its link and reminder in the booking's own transaction, and a completed assessment's
baseline answers become responses."""

import logging

from django.core.exceptions import ValidationError
from django.db import transaction

from intake.models import Assessment, AssessmentOffer
from questionnaires.outbox import offer_invitation_schedule
from questionnaires.responses import assessment_scores_record

logger = logging.getLogger(__name__)


def offer_booked(
    sender: type[AssessmentOffer], instance: AssessmentOffer, created: bool, raw: bool, **kw: object
) -> None:
    if not created or raw:
        return
    try:
        with transaction.atomic():  # a savepoint: the booking matters more than the link
            offer_invitation_schedule(offer=instance)
    except ValidationError:
        # E.g. the team has switched PHQ-9 or GAD-7 off; the booking stands without a link.
        logger.warning("assessment offer %s: no questionnaire link created", instance.pk)


def assessment_saved(
    sender: type[Assessment], instance: Assessment, raw: bool, **kw: object
) -> None:
    """A completed assessment's baseline answers become the client's first responses."""
    if not raw and instance.is_complete:
        assessment_scores_record(instance)
