"""The clinician's "My day": their own assessments on one date, with the questionnaire status.

Invitations point at their occasion generically, so intake (which must not know about
questionnaires) gets the status annotated from here.
"""

from datetime import date, datetime, time, timedelta

from django.db import models
from django.utils import timezone

from intake.models import AssessmentOffer
from questionnaires.models import Invitation
from rph.accounts.models import Team, User


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


class MyDayQuerySet(models.QuerySet[AssessmentOffer]):
    def for_my_day(self, *, team: Team, therapist: User, day: date) -> "MyDayQuerySet":
        """The therapist's own assessments in `team` on `day`, by time, with
        `questionnaire_status` (a QuestionnaireStatus value)."""
        start, end = day_bounds(day)
        invitations = Invitation.objects.filter(
            occasion_type__app_label=AssessmentOffer._meta.app_label,
            occasion_type__model=AssessmentOffer._meta.model_name,
            occasion_id=models.OuterRef("pk"),
        )
        return (
            self.filter(
                contact__team=team,
                therapist=therapist,
                scheduled_for__gte=start,
                scheduled_for__lt=end,
            )
            .annotate(
                questionnaire_status=models.Case(
                    models.When(
                        models.Exists(invitations.filter(completed_at__isnull=False)),
                        then=models.Value(QuestionnaireStatus.ANSWERED),
                    ),
                    models.When(
                        models.Exists(invitations), then=models.Value(QuestionnaireStatus.SENT)
                    ),
                    default=models.Value(QuestionnaireStatus.NONE),
                    output_field=models.CharField(),
                )
            )
            .select_related("contact__client")
            .order_by("scheduled_for", "pk")
        )


def offers_for_my_day() -> MyDayQuerySet:
    return MyDayQuerySet(model=AssessmentOffer)
