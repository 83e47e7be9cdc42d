"""The course rules that are plain values: the standard course types and which enrolment
statuses hold a place, are in play, or end a run."""

from intake.assessments.choices import Step
from treatment.models import HOLDING_PLACE, CourseKind, EnrolmentStatus

STEP = Step.COURSE
# The standard course types: kind, meetings, drop-in (domain.md §2 step 4; 001).
STANDARD_TYPES = (
    (CourseKind.KID, 8, False),
    (CourseKind.KIB, 8, False),
    (CourseKind.INTRODUCTION, 4, False),
    (CourseKind.SLEEP, 7, False),
    (CourseKind.DROP_IN_PANIC, 1, True),
)
# Enrolments still in play for their course type: one of these per episode and type.
OPEN_STATUSES = (EnrolmentStatus.WAITING, EnrolmentStatus.ENROLLED)
# Everyone given a place on a run: the participants on the attendance list.
PLACED_STATUSES = (*HOLDING_PLACE, EnrolmentStatus.DROPPED_OUT)
RUN_ENDINGS = (EnrolmentStatus.COMPLETED, EnrolmentStatus.DROPPED_OUT)
