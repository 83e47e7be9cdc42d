"""The consent register listens to intake (which must not know about it): a completed
assessment's agreement about the epikrise becomes lines in the register."""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from intake.models import Assessment
from referrals.consents.services import consents_seed_from_assessment

logger = logging.getLogger(__name__)


def assessment_saved(
    sender: type[Assessment], instance: Assessment, raw: bool, **kw: object
) -> None:
    if raw or not instance.is_complete:
        return
    try:
        with transaction.atomic():  # a savepoint: the assessment matters more than the seed
            consents_seed_from_assessment(assessment=instance)
    except (ValidationError, DatabaseError) as exc:
        # The class name only: a database error's text may quote personal data.
        logger.warning(
            "assessment %s: consent register not seeded (%s)", instance.pk, type(exc).__name__
        )
