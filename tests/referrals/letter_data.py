"""A known record to draft letters from: contact, assessment, episode, sessions, course, scores.

`known_episode(p)` gives the personas' client, renamed "Åse Ødegård-Bæk", with a GP:
- contact 70 days ago by phone, referred by the GP, about anxiety and depression;
- assessment 60 days ago: PHQ-9 16, GAD-7 12, in work 100 % and on 50 % sick leave, low risk,
  step 3 (individual therapy);
- episode from 60 days ago (started by the assessment), ended 3 days ago (completed): 4
  individual sessions attended, 1 not attended, 1 cancelled by the client, 1 course meeting
  attended (KiD) and 1 missed;
- last scores 5 days ago: PHQ-9 6, GAD-7 4 -> reliable recovery, 5 treatment sessions.
"""

import datetime
from dataclasses import dataclass

from django.utils import timezone

from intake.assessments.choices import Decision, RiskLevel, Step, WorkStatus
from intake.consents.services import consent_record
from intake.models import Assessment, Channel, Concern, Consent, Party, Referrer
from tests.intake.assessment_data import AssessmentFactory
from tests.intake.factories import ContactFactory
from tests.referrals.factories import GeneralPractitionerFactory
from tests.treatment.episode_data import scores
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EnrolmentFactory,
    MeetingAttendanceFactory,
    SessionFactory,
)
from treatment.models import Attendance, EndReason, Episode, SessionPurpose

NAME = ("Åse", "Ødegård-Bæk")


@dataclass
class Record:
    episode: Episode
    assessment: Assessment


def _ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def known_episode(p, *, ended: bool = True) -> Record:
    client = p.client
    client.first_name, client.last_name = NAME
    client.gp = GeneralPractitionerFactory(name="Dr. Kari Fastlege", practice="Rissa legesenter")
    client.birth_date = datetime.date(1984, 5, 17)
    client.save()
    contact = ContactFactory(
        team=p.team,
        client=client,
        registered_at=_ago(70),
        channel=Channel.PHONE,
        referrer=Referrer.GP,
        concerns=[Concern.ANXIETY, Concern.DEPRESSION],
    )
    assessment = AssessmentFactory(
        status="complete",
        completed_at=_ago(60),
        contact=contact,
        therapist=p.therapist,
        held_at=_ago(60),
        phq9_answers=[2, 2, 2, 2, 2, 2, 2, 2, 0, 1],  # 16
        gad7_answers=[2, 2, 2, 2, 2, 2, 0],  # 12
        suicidal_thoughts=False,
        suicide_plans=False,
        earlier_suicide_attempts=False,
        risk_level=RiskLevel.LOW,
        risk_actions="Kriseplan gjennomgått.",
        work_statuses=[WorkStatus.IN_WORK, WorkStatus.SICK_LEAVE],
        work_percentage=100,
        sick_leave_percentage=50,
        decision=Decision.IN_TARGET_GROUP,
        step=Step.INDIVIDUAL,
    )
    # Completing the assessment started the episode (placed on step 3) 60 days ago.
    episode = Episode.objects.get(assessment=assessment)
    for days, attendance in (
        (50, Attendance.ATTENDED),
        (43, Attendance.ATTENDED),
        (36, Attendance.DID_NOT_ATTEND),
        (29, Attendance.ATTENDED),
        (22, Attendance.CANCELLED_BY_CLIENT),
        (15, Attendance.ATTENDED),
    ):
        SessionFactory(episode=episode, starts_at=_ago(days), attendance=attendance)
    SessionFactory(  # the assessment is not a treatment session
        episode=episode,
        starts_at=_ago(60),
        purpose=SessionPurpose.ASSESSMENT,
        attendance=Attendance.ATTENDED,
    )
    course_type = CourseTypeFactory(team=p.team, name="KiD vår")
    run = CourseRunFactory(course_type=course_type, created_by=p.therapist)
    enrolment = EnrolmentFactory(run=run, episode=episode)
    for days, came in ((40, True), (33, False)):
        MeetingAttendanceFactory(
            meeting=CourseMeetingFactory(run=run, starts_at=_ago(days)),
            episode=episode,
            enrolment=enrolment,
            attended=came,
        )
    scores(client, _ago(5), phq9=6, gad7=4, by=p.therapist)
    if ended:
        Episode.objects.filter(pk=episode.pk).update(
            ended_at=_ago(3), end_reason=EndReason.COMPLETED, ended_by=p.therapist
        )
        episode.refresh_from_db()
    return Record(episode=episode, assessment=assessment)


def client_objects(p) -> Consent:
    """The client objects to the epikrise (a current GP line with given=False)."""
    return consent_record(client=p.client, by=p.therapist, party=Party.GP, given=False)
