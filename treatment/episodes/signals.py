"""Treatment listens to intake (which must not know about it): a completed assessment that
placed the client on a step starts the episode."""

import logging

from django.core.exceptions import ValidationError
from django.db import DatabaseError, transaction

from intake.assessments.choices import Decision
from intake.models import Assessment
from treatment.episodes.services import episode_create_from_assessment
from treatment.models import Episode

logger = logging.getLogger(__name__)


def assessment_saved(
    sender: type[Assessment], instance: Assessment, raw: bool, **kw: object
) -> None:
    placed = instance.decision == Decision.IN_TARGET_GROUP and instance.step is not None
    if raw or not (instance.is_complete and placed):
        return
    if Episode.objects.filter(assessment=instance).exists():
        return
    try:
        with transaction.atomic():  # a savepoint: the assessment matters more than the episode
            episode_create_from_assessment(assessment=instance, by=instance.therapist)
    except (ValidationError, DatabaseError):
        # E.g. the assessing therapist has left the team: start it from the assessment page.
        logger.warning("assessment %s: no episode created", instance.pk)
