"""The questionnaire before an occasion (a session, an assessment): answered, sent or none.

Invitations point at their occasion generically, so the occasion's app (intake, treatment)
gets the status annotated from here. `day_bounds` is the one Oslo day used by the calendar,
My day and the API's date filters.
"""

from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone

from questionnaires.models import Invitation


class QuestionnaireStatus(models.TextChoices):
    ANSWERED = "answered"
    SENT = "sent"
    NONE = "none"


def day_bounds(day: date) -> tuple[datetime, datetime]:
    """Local midnight to the next local midnight (23 or 25 hours across a DST change)."""
    tz = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=tz)
    end = datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)
    return start, end


def questionnaire_status(model: type[models.Model]) -> models.Case:
    """The pre-occasion questionnaire's status for each row of `model` (an occasion)."""
    invitations = Invitation.objects.filter(
        occasion_type__app_label=model._meta.app_label,
        occasion_type__model=model._meta.model_name,
        occasion_id=models.OuterRef("pk"),
    )
    return models.Case(
        models.When(
            models.Exists(invitations.filter(completed_at__isnull=False)),
            then=models.Value(QuestionnaireStatus.ANSWERED),
        ),
        models.When(models.Exists(invitations), then=models.Value(QuestionnaireStatus.SENT)),
        default=models.Value(QuestionnaireStatus.NONE),
        output_field=models.CharField(),
    )
