"""Treatment for the demo team: episodes from completed assessments, sessions in the past and
ahead (today and this week for "behandler"), PHQ-9/GAD-7 over time, finished episodes with
each kind of outcome, a KiD course run, and guided self-help (one follow-up overdue).

Dates are relative to today. Past records are made through the services where they allow
a past date, and moved back in time with an update where they do not (as intake.demo does).
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from intake.assessments.choices import (
    Decision,
    Education,
    ImmigrantBackground,
    Sex,
    Step,
    WorkStatus,
)
from intake.assessments.services import assessment_save
from intake.deadlines import deadline_for
from intake.models import (
    Assessment,
    AssessmentOffer,
    Channel,
    Client,
    Concern,
    Contact,
    Mode,
    ReachKind,
    Referrer,
)
from intake.registration.services import contact_register
from questionnaires.models import Capture, Instrument
from questionnaires.outbox import occasion_invitation_schedule
from questionnaires.responses import response_submit
from rph.accounts.models import Team, User
from treatment.courses.services import course_types_ensure
from treatment.episodes.services import episode_create_from_assessment
from treatment.models import (
    Attendance,
    CourseKind,
    CourseMeeting,
    CourseRun,
    CourseType,
    EndReason,
    Enrolment,
    EnrolmentStatus,
    Episode,
    GuidedSelfHelp,
    MeetingAttendance,
    Offer,
    OfferEnd,
    OfferStart,
    Programme,
    Session,
    SessionMode,
    SessionPurpose,
    TherapistChange,
    TimeOfDay,
    WorkingHours,
)


@dataclass(frozen=True)
class Case:
    """One demo client's episode. Days are counted back from today (ahead for `booked`)."""

    therapist: str  # a demo username
    step: int
    placed: int  # the assessment, and the start of the episode
    baseline: tuple[int, int]  # PHQ-9, GAD-7 at the assessment
    final: tuple[int, int] | None = None  # at the last attended session, scores in between
    attended: tuple[int, ...] = ()
    missed: tuple[int, ...] = ()
    booked: tuple[int, ...] = ()  # days ahead; 0 is today
    ended: tuple[int, str] | None = None  # days ago, EndReason
    risk: bool = False  # a PHQ-9 yesterday with item 9 answered: an open risk alert
    parallel_step: int | None = None  # a second offer, alongside; the sessions are on it
    course: bool = False  # a participant of the KiD run
    self_help: tuple[int, tuple[int, ...], int | None] | None = None
    # ^ material given (days ago), attended follow-up calls (days ago), next call (days ahead)


CASES = (
    # Finished, one of each outcome.
    Case(
        "behandler",
        3,
        120,
        (16, 12),
        (5, 4),
        attended=(110, 100, 90, 80, 70, 62),
        ended=(60, EndReason.COMPLETED),
    ),  # reliable recovery
    Case(
        "psykolog",
        3,
        100,
        (11, 8),
        (8, 6),
        attended=(90, 80, 70, 60),
        ended=(55, EndReason.COMPLETED),
    ),  # recovery
    Case(
        "behandler",
        3,
        110,
        (22, 16),
        (14, 11),
        attended=(100, 93, 79, 72, 65),
        missed=(86,),
        ended=(60, EndReason.COMPLETED),
    ),  # reliable improvement
    Case(
        "teamleder",
        3,
        90,
        (14, 10),
        (13, 11),
        attended=(80, 73, 66, 59),
        ended=(50, EndReason.COMPLETED),
    ),  # no reliable change
    Case(
        "psykolog",
        3,
        95,
        (10, 8),
        (17, 12),
        attended=(85, 78, 71),
        ended=(65, EndReason.REFERRED_ON),
    ),  # reliable deterioration
    Case(
        "behandler",
        3,
        70,
        (15, 11),
        attended=(60,),
        missed=(53,),
        ended=(40, EndReason.DROPPED_OUT),
    ),  # treated once
    # Open.
    Case("behandler", 1, 45, (9, 9), self_help=(44, (35,), None)),  # follow-up overdue
    Case("behandler", 1, 20, (8, 10), self_help=(19, (5,), 9)),
    Case(
        "behandler",
        3,
        50,
        (18, 13),
        (12, 9),
        attended=(45, 38, 24, 17, 10),
        missed=(31,),
        booked=(0, 3),
    ),
    Case("behandler", 3, 30, (13, 9), attended=(21, 14), booked=(0, 1), risk=True),
    Case("behandler", 3, 60, (12, 10), attended=(55, 35), booked=(4,)),  # not seen for 5 weeks
    Case(
        "psykolog",
        3,
        70,
        (15, 12),
        (15, 13),
        attended=(62, 55, 48, 41, 34, 27, 20, 13, 6),
        booked=(2,),
    ),  # review
    Case(
        "teamleder",
        2,
        45,
        (14, 9),
        (10, 7),
        attended=(30, 16),
        booked=(1,),
        parallel_step=3,
        course=True,
    ),
    Case("psykolog", 2, 42, (11, 10), course=True),
)
# The KiD run: weekly meetings, days from today (negative: held).
COURSE_MEETINGS = (-35, -28, -21, -14, -7, 0, 7, 14)


def load_treatment(team: Team) -> int:
    """The demo episodes, once: nothing is added when the team has episodes already."""
    if Episode.objects.filter(team=team).exists():
        return 0
    users = {user.username: user for user in User.objects.filter(memberships__team=team)}
    clients = list(team.clients.filter(contacts__isnull=True).order_by("pk")[: len(CASES)])
    episodes = [
        _case_load(team, client, case, users, index)
        for index, (client, case) in enumerate(zip(clients, CASES, strict=False))
    ]
    course = [episode for episode, case in zip(episodes, CASES, strict=False) if case.course]
    _course_load(team, course, users)
    _working_hours_load(team, {case.therapist for case in CASES}, users)
    return len(episodes)


def _working_hours_load(team: Team, usernames: set[str], users: dict) -> None:
    """Weekdays 08:30-15:30 for the demo therapists, so booking links have times to offer."""
    WorkingHours.objects.bulk_create(
        WorkingHours(team=team, therapist=users[name], weekday=weekday, starts=time(8, 30),
                     ends=time(15, 30))
        for name in sorted(usernames) if name in users
        for weekday in range(5)
    )  # fmt: skip


def _day(days_ago: int) -> date:
    return timezone.localdate() - timedelta(days=days_ago)


def _at(days_ago: int, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(_day(days_ago), time(hour)))


def _items(total: int, count: int) -> list[int]:
    """`count` answers (0-3) adding up to `total`, highest first."""
    return [min(3, max(0, total - 3 * n)) for n in range(count)]


def _phq9(total: int, *, risk: bool = False) -> list[int]:
    """Eight items, then item 9 (self-harm: 0 unless `risk`), then item 10 (not scored)."""
    return [*_items(total - risk, 8), int(risk), 1]


def _case_load(team: Team, client: Client, case: Case, users: dict, index: int) -> Episode:
    therapist = users[case.therapist]
    hour = 9 + index % 6  # the therapists' sessions in one day do not collide
    episode = _placed(team, client, case, therapist)
    offer = episode.offers.get()
    if case.parallel_step:
        offer = Offer.objects.create(
            episode=episode,
            step=case.parallel_step,
            started_on=_day(case.placed - 7),
            start_reason=OfferStart.PARALLEL,
            created_by=therapist,
        )
    held = sorted(case.attended, reverse=True)  # oldest first
    for number, days_ago in enumerate(held, start=1):
        session = _session(episode, offer, therapist, _at(days_ago, hour), Attendance.ATTENDED)
        if case.final:
            phq9, gad7 = (
                round(start + (end - start) * number / len(held))
                for start, end in zip(case.baseline, case.final, strict=True)
            )
            _scores(client, therapist, session.starts_at, phq9, gad7, occasion=session)
    for days_ago in case.missed:
        _session(episode, offer, therapist, _at(days_ago, hour), Attendance.DID_NOT_ATTEND)
    for days_ahead in case.booked:
        _session(episode, offer, therapist, _at(-days_ahead, hour + 1), Attendance.BOOKED)
    if case.risk:
        _scores(client, therapist, _at(1, 12), case.baseline[0], case.baseline[1], risk=True)
    if case.self_help:
        _self_help_load(episode, offer, therapist, case.self_help, hour)
    if case.ended:
        _end(episode, therapist, *case.ended)
    return episode


def _placed(team: Team, client: Client, case: Case, therapist: User) -> Episode:
    """Contact, assessment offer and a completed assessment; the episode it starts."""
    contact = contact_register(
        team=team,
        registered_by=therapist,
        client=client,
        channel=Channel.PHONE,
        referrer=Referrer.SELF,
        concerns=[Concern.DEPRESSION if case.baseline[0] >= case.baseline[1] else Concern.ANXIETY],
        consents_given=[ReachKind.CALL, ReachKind.SMS, ReachKind.DIGITAL_QUESTIONNAIRES],
    )
    held_at = _at(case.placed, 13)
    registered_at = held_at - timedelta(days=3)
    Contact.objects.filter(pk=contact.pk).update(
        registered_at=registered_at,
        deadline=deadline_for(registered_at, team.response_promise_hours),
        status=Contact.Status.OFFERED,
        offered_at=registered_at + timedelta(hours=5),
    )
    AssessmentOffer.objects.create(
        contact=contact,
        offered_at=registered_at + timedelta(hours=5),
        offered_by=therapist,
        scheduled_for=held_at,
        therapist=therapist,
        mode=Mode.FACE_TO_FACE,
        held_at=held_at,
    )
    contact.refresh_from_db()
    data = {
        "held_at": held_at,
        "mode": Mode.FACE_TO_FACE,
        "sex": Sex.FEMALE if client.pk % 2 else Sex.MALE,
        "education": Education.UPPER_SECONDARY if client.pk % 3 else Education.HIGHER_SHORT,
        "immigrant_background": ImmigrantBackground.NO,
        "work_statuses": [WorkStatus.IN_WORK],
        "work_percentage": 100,
        "phq9_answers": _phq9(case.baseline[0]),
        "gad7_answers": _items(case.baseline[1], 7),
        "suicidal_thoughts": False,
        "suicide_plans": False,
        "earlier_suicide_attempts": False,
        "has_minor_children": False,
        "decision": Decision.IN_TARGET_GROUP,
        "step": Step(case.step),
    }
    assessment = assessment_save(contact=contact, therapist=therapist, data=data, complete=True)
    episode = episode_create_from_assessment(assessment=assessment, by=therapist)
    Assessment.objects.filter(pk=assessment.pk).update(completed_at=held_at)
    Episode.objects.filter(pk=episode.pk).update(started_at=held_at)
    TherapistChange.objects.filter(episode=episode).update(started_at=held_at)
    Offer.objects.filter(episode=episode).update(started_on=_day(case.placed))
    episode.refresh_from_db()
    return episode


def _session(
    episode: Episode, offer: Offer, therapist: User, at: datetime, attendance: str, **fields
) -> Session:
    recorded = attendance != Attendance.BOOKED
    fields.setdefault("purpose", SessionPurpose.TREATMENT)
    session = Session.objects.create(
        team=episode.team,
        episode=episode,
        offer=offer,
        therapist=therapist,
        starts_at=at,
        mode=SessionMode.FACE_TO_FACE if at.day % 3 else SessionMode.VIDEO,
        location="Helsehuset, rom 2",
        attendance=attendance,
        attendance_recorded_at=at + timedelta(hours=1) if recorded else None,
        attendance_recorded_by=therapist if recorded else None,
        created_by=therapist,
        **fields,
    )
    if not recorded and at > timezone.now():
        # The link before the session, as booking one does (the demo clients agreed to it).
        occasion_invitation_schedule(
            client=episode.client, occasion=session, occasion_at=at, created_by=therapist
        )
    return session


def _scores(
    client: Client,
    therapist: User,
    at: datetime,
    phq9: int,
    gad7: int,
    *,
    occasion: Session | None = None,
    risk: bool = False,
) -> None:
    for code, answers in (("phq9", _phq9(phq9, risk=risk)), ("gad7", _items(gad7, 7))):
        response_submit(
            client=client,
            instrument=Instrument.objects.get(code=code, team=None),
            answers=answers,
            capture=Capture.PAPER,
            occasion=occasion,
            entered_by=therapist,
            answered_at=at,
        )


def _self_help_load(
    episode: Episode,
    offer: Offer,
    therapist: User,
    plan: tuple[int, tuple[int, ...], int | None],
    hour: int,
) -> None:
    given, calls, next_call = plan
    self_help = GuidedSelfHelp.objects.create(
        episode=episode,
        offer=offer,
        programme=Programme.ASSISTED_DEPRESSION,
        modules_total=8,
        material_given_on=_day(given),
        follow_up_every_days=14,
        created_by=therapist,
    )
    for number, days_ago in enumerate(sorted(calls, reverse=True), start=1):
        _session(
            episode,
            offer,
            therapist,
            _at(days_ago, hour),
            Attendance.ATTENDED,
            purpose=SessionPurpose.FOLLOW_UP,
            guided_self_help=self_help,
            duration_minutes=20,
            modules_done=2 * number,
            next_step="Neste to moduler før neste samtale.",
        )
    if next_call is not None:
        _session(
            episode,
            offer,
            therapist,
            _at(-next_call, hour),
            Attendance.BOOKED,
            purpose=SessionPurpose.FOLLOW_UP,
            guided_self_help=self_help,
            duration_minutes=20,
        )


def _end(episode: Episode, therapist: User, days_ago: int, reason: str) -> None:
    ended_at = _at(days_ago, 15)
    Episode.objects.filter(pk=episode.pk).update(
        ended_at=ended_at, end_reason=reason, ended_by=therapist
    )
    episode.offers.filter(ended_on__isnull=True).update(
        ended_on=_day(days_ago), end_reason=OfferEnd.EPISODE_ENDED
    )
    TherapistChange.objects.filter(episode=episode, ended_at__isnull=True).update(ended_at=ended_at)


def _course_load(team: Team, episodes: list[Episode], users: dict) -> None:
    """A KiD run led by the team lead and the therapist, half-way through."""
    course_types_ensure(team)
    kid = CourseType.objects.filter(team=team, kind=CourseKind.KID).order_by("pk").first()
    lead, therapist = users["teamleder"], users["behandler"]
    run = CourseRun.objects.create(
        team=team,
        course_type=kid,
        title="KiD Fosen, kveld",
        location="Helsehuset, kurssalen",
        time_of_day=TimeOfDay.EVENING,
        capacity=12,
        created_by=lead,
    )
    run.leaders.set([lead, therapist])
    meetings = [
        CourseMeeting.objects.create(
            run=run, starts_at=_at(-days, 18), relatives=1 if days == -21 else 0
        )
        for days in COURSE_MEETINGS
    ]
    now = timezone.now()
    for index, episode in enumerate(episodes):
        enrolment = Enrolment.objects.create(
            episode=episode,
            offer=episode.offers.get(step=Step.COURSE),
            course_type=kid,
            run=run,
            status=EnrolmentStatus.ENROLLED,
            waiting_since=episode.started_at,
            enrolled_at=episode.started_at + timedelta(days=3),
            created_by=lead,
        )
        for number, meeting in enumerate(meetings):
            if meeting.starts_at > now:
                continue
            MeetingAttendance.objects.create(
                meeting=meeting,
                episode=episode,
                enrolment=enrolment,
                attended=(number + index) % 4 != 3,  # now and then someone is away
                recorded_by=lead,
                recorded_at=meeting.starts_at + timedelta(hours=2),
            )
        episode.co_therapists.add(therapist)
        episode.client.care_team.add(therapist)
