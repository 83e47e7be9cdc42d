import datetime

import factory
from django.utils import timezone

from intake.assessments.choices import Step
from tests.intake.factories import ClientFactory
from treatment.models import (
    Attendance,
    CourseKind,
    CourseMeeting,
    CourseRun,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    Episode,
    GuidedSelfHelp,
    MeetingAttendance,
    Offer,
    OfferStart,
    Programme,
    Session,
    SessionMode,
    SessionPurpose,
    TimeOfDay,
)


class EpisodeFactory(factory.django.DjangoModelFactory):
    """An open episode. Pass `team` and `primary_therapist` (a member of the team)."""

    class Meta:
        model = Episode

    client = factory.SubFactory(ClientFactory, team=factory.SelfAttribute("..team"))
    created_by = factory.SelfAttribute("primary_therapist")
    started_at = factory.LazyFunction(timezone.now)


class OfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Offer

    episode = factory.SubFactory(EpisodeFactory)
    step = Step.INDIVIDUAL
    start_reason = OfferStart.PLACEMENT
    started_on = factory.LazyAttribute(lambda o: timezone.localdate(o.episode.started_at))
    created_by = factory.SelfAttribute("episode.primary_therapist")


class SessionFactory(factory.django.DjangoModelFactory):
    """A booked treatment session in the episode, by its primary therapist."""

    class Meta:
        model = Session

    episode = factory.SubFactory(EpisodeFactory)
    team = factory.SelfAttribute("episode.team")
    therapist = factory.SelfAttribute("episode.primary_therapist")
    created_by = factory.SelfAttribute("therapist")
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=1))
    purpose = SessionPurpose.TREATMENT
    mode = SessionMode.FACE_TO_FACE
    attendance = Attendance.BOOKED


class CourseTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseType

    kind = CourseKind.KID
    name = factory.Sequence(lambda n: f"KiD {n}")
    meetings = 8


class CourseRunFactory(factory.django.DjangoModelFactory):
    """Pass `course_type` (its team is the run's) and `created_by`."""

    class Meta:
        model = CourseRun
        skip_postgeneration_save = True

    team = factory.SelfAttribute("course_type.team")
    title = factory.Sequence(lambda n: f"Kurs {n}")
    location = "Rådhuset, møterom 2"
    time_of_day = TimeOfDay.EVENING
    capacity = 12

    @factory.post_generation
    def leaders(self, create: bool, extracted: list | None) -> None:
        if create and extracted:
            self.leaders.set(extracted)


class CourseMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CourseMeeting

    run = factory.SubFactory(CourseRunFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


class EnrolmentFactory(factory.django.DjangoModelFactory):
    """Enrolled on `run` (pass `run` and `episode`)."""

    class Meta:
        model = Enrolment

    course_type = factory.SelfAttribute("run.course_type")
    status = EnrolmentStatus.ENROLLED
    enrolled_at = factory.LazyFunction(timezone.now)
    created_by = factory.SelfAttribute("episode.primary_therapist")


class MeetingAttendanceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MeetingAttendance

    attended = True
    recorded_by = factory.SelfAttribute("episode.primary_therapist")


class GuidedSelfHelpFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GuidedSelfHelp

    episode = factory.SubFactory(EpisodeFactory)
    programme = Programme.ASSISTED_ANXIETY
    material_given_on = factory.LazyFunction(timezone.localdate)
    created_by = factory.SelfAttribute("episode.primary_therapist")
