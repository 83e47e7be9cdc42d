"""Course services: standard types, runs and their meetings, leaders, places, the waitlist,
the step-2 offer, drop-in attendance, the end of a run, and fill rates."""

import threading
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from intake.assessments.choices import Step
from rph.accounts.roles import Role
from tests.accounts.factories import member
from tests.treatment.course_data import course_type, enrol, episode, run_with_meetings
from tests.treatment.factories import MeetingAttendanceFactory, OfferFactory
from treatment.courses import attendance, enrolments
from treatment.courses import services as courses
from treatment.courses.schedule import MeetingPlan
from treatment.models import (
    CourseKind,
    CourseRun,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    Episode,
    OfferEnd,
    OfferStart,
    TimeOfDay,
)
from treatment.outcomes import episode_outcome

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return NOW


def _days(n: int) -> datetime:
    return NOW + timedelta(days=n)


def _create_run(personas, leaders, *, of_type=None, plan=None, **fields) -> CourseRun:
    values = {
        "team": personas.team,
        "course_type": of_type or course_type(personas.team),
        "title": "KiD våren 2026",
        "location": "Rådhuset",
        "time_of_day": TimeOfDay.EVENING,
        "leaders": leaders,
        "capacity": 10,
        "municipality": None,
        "plan": plan or MeetingPlan(date(2026, 3, 19), time(18, 0), 3, 7),
        "duration_minutes": 120,
        "created_by": personas.therapist,
    }
    return courses.course_run_create(**(values | fields))


# -- Course types --------------------------------------------------------------------------


def test_a_team_gets_the_standard_course_types_once(personas):
    created = courses.course_types_ensure(personas.team)
    again = courses.course_types_ensure(personas.team)

    types = CourseType.objects.filter(team=personas.team)
    assert len(created) == 5 and again == []
    assert {t.kind for t in types} == {
        CourseKind.KID,
        CourseKind.KIB,
        CourseKind.INTRODUCTION,
        CourseKind.SLEEP,
        CourseKind.DROP_IN_PANIC,
    }
    assert types.get(kind=CourseKind.SLEEP).name == "Søvnkurs"
    assert types.get(kind=CourseKind.SLEEP).meetings == 7
    assert [t.kind for t in types.filter(drop_in=True)] == [CourseKind.DROP_IN_PANIC]


def test_a_renamed_standard_type_is_not_made_again(personas):
    courses.course_types_ensure(personas.team)
    CourseType.objects.filter(team=personas.team, kind=CourseKind.KID).update(name="KiD Fosen")

    assert courses.course_types_ensure(personas.team) == []
    assert CourseType.objects.filter(team=personas.team, kind=CourseKind.KID).count() == 1


def test_two_course_types_in_a_team_cannot_share_a_name(personas):
    course_type(personas.team, name="Tankens kraft")

    with pytest.raises(ValidationError) as error:
        courses.course_type_save(
            course_type=CourseType(team=personas.team, kind=CourseKind.OTHER, name="tankens kraft")
        )

    assert "name" in error.value.message_dict


# -- Runs ----------------------------------------------------------------------------------


def test_a_run_gets_its_meetings_at_the_same_oslo_time_across_summer_time(personas, now):
    run = _create_run(personas, [personas.therapist, personas.psychologist])

    local = [m.starts_at.astimezone(OSLO) for m in run.course_meetings.order_by("starts_at")]
    # 02.04.2026 is skjærtorsdag: the third meeting moves past Easter to Tuesday 07.04.
    assert [(t.day, t.month, t.hour) for t in local] == [(19, 3, 18), (26, 3, 18), (7, 4, 18)]
    assert {m.duration_minutes for m in run.course_meetings.all()} == {120}
    assert set(run.leaders.all()) == {personas.therapist, personas.psychologist}


def test_the_number_of_meetings_must_be_sensible(personas, now):
    plan = MeetingPlan(date(2026, 3, 19), time(18, 0), 60, 7)

    with pytest.raises(ValidationError) as error:
        _create_run(personas, [personas.therapist, personas.psychologist], plan=plan)

    assert "meetings" in error.value.message_dict
    assert not CourseRun.objects.exists()


@pytest.mark.parametrize(
    ("who", "drop_in", "ok"),
    [
        ("therapist psychologist", False, True),
        ("therapist", False, False),
        ("therapist", True, True),
        ("therapist psychologist", True, True),
        ("therapist clerical", False, False),
        ("therapist outsider", False, False),
        ("therapist therapist", False, False),
    ],
)
def test_a_course_has_two_clinical_leaders_and_a_drop_in_one_or_two(
    personas, now, who, drop_in, ok
):
    leaders = [getattr(personas, name) for name in who.split()]
    of_type = course_type(personas.team, drop_in=drop_in)

    if ok:
        _create_run(personas, leaders, of_type=of_type)
        assert CourseRun.objects.count() == 1
    else:
        with pytest.raises(ValidationError) as error:
            _create_run(personas, leaders, of_type=of_type)
        assert "leaders" in error.value.message_dict
        assert not CourseRun.objects.exists()


def test_a_run_is_for_one_of_the_teams_municipalities_or_all(personas, now):
    other = personas.other_team.municipalities.first()
    mine = personas.team.municipalities.first()
    leaders = [personas.therapist, personas.psychologist]

    with pytest.raises(ValidationError) as error:
        _create_run(personas, leaders, municipality=other)
    run = _create_run(personas, leaders, municipality=mine)

    assert "municipality" in error.value.message_dict
    assert run.municipality == mine


def test_places_cannot_be_cut_below_the_clients_enrolled(personas, now):
    run = run_with_meetings(
        personas.team, [personas.therapist, personas.psychologist], [_days(7)], capacity=3
    )
    enrol(run, [episode(personas.team, personas.therapist) for _ in range(2)])
    fields = {
        "title": run.title,
        "location": run.location,
        "time_of_day": run.time_of_day,
        "municipality": None,
        "leaders": [personas.therapist, personas.psychologist],
    }

    with pytest.raises(ValidationError) as error:
        courses.course_run_update(run=run, capacity=1, **fields)
    courses.course_run_update(run=run, capacity=2, **fields)

    assert "capacity" in error.value.message_dict
    run.refresh_from_db()
    assert run.capacity == 2


# -- Enrolment, places and the waitlist ----------------------------------------------------


def test_without_a_run_the_client_goes_on_the_waitlist(personas, now):
    kid = course_type(personas.team)
    ep = episode(personas.team, personas.therapist)

    enrolment = enrolments.enrolment_create(
        episode=ep, course_type=kid, run=None, by=personas.therapist
    )

    assert enrolment.status == EnrolmentStatus.WAITING
    assert enrolment.run is None and enrolment.waiting_since == NOW


def test_a_full_run_takes_nobody_more_and_says_so(personas, now):
    run = run_with_meetings(
        personas.team, [personas.therapist, personas.psychologist], [_days(7)], capacity=2
    )
    kid = run.course_type
    first, second, third = (episode(personas.team, personas.therapist) for _ in range(3))
    for ep in (first, second):
        enrolments.enrolment_create(episode=ep, course_type=kid, run=run, by=personas.therapist)

    with pytest.raises(ValidationError) as error:
        enrolments.enrolment_create(episode=third, course_type=kid, run=run, by=personas.therapist)

    assert error.value.message_dict["run"] == ["Kursrekka er full: alle 2 plassene er tatt."]
    assert Enrolment.objects.filter(run=run, status=EnrolmentStatus.ENROLLED).count() == 2
    assert not Enrolment.objects.filter(episode=third).exists()


def test_a_client_who_dropped_out_frees_the_place(personas, now):
    run = run_with_meetings(
        personas.team, [personas.therapist, personas.psychologist], [_days(7)], capacity=1
    )
    (gone,) = enrol(run, [episode(personas.team, personas.therapist)])
    Enrolment.objects.filter(pk=gone.pk).update(status=EnrolmentStatus.DROPPED_OUT)
    newcomer = episode(personas.team, personas.therapist)

    enrolments.enrolment_create(
        episode=newcomer, course_type=run.course_type, run=run, by=personas.therapist
    )

    assert newcomer.enrolments.get().status == EnrolmentStatus.ENROLLED


def test_a_run_whose_last_meeting_has_begun_takes_nobody(personas, now):
    run = run_with_meetings(
        personas.team, [personas.therapist, personas.psychologist], [_days(-7), _days(-1)]
    )
    ep = episode(personas.team, personas.therapist)

    with pytest.raises(ValidationError) as error:
        enrolments.enrolment_create(
            episode=ep, course_type=run.course_type, run=run, by=personas.therapist
        )

    assert "run" in error.value.message_dict
    assert enrolments.runs_with_places(CourseRun.objects.all()) == []


def test_a_client_waits_for_a_course_once(personas, now):
    kid = course_type(personas.team)
    ep = episode(personas.team, personas.therapist)
    enrolments.enrolment_create(episode=ep, course_type=kid, run=None, by=personas.therapist)

    with pytest.raises(ValidationError):
        enrolments.enrolment_create(episode=ep, course_type=kid, run=None, by=personas.therapist)

    assert ep.enrolments.count() == 1


def test_a_drop_in_course_takes_no_sign_up(personas, now):
    drop_in = course_type(personas.team, drop_in=True)
    ep = episode(personas.team, personas.therapist)

    with pytest.raises(ValidationError) as error:
        enrolments.enrolment_create(
            episode=ep, course_type=drop_in, run=None, by=personas.therapist
        )

    assert "course_type" in error.value.message_dict


def test_an_ended_episode_cannot_be_enrolled(personas, now):
    ep = episode(personas.team, personas.therapist)
    Episode.objects.filter(pk=ep.pk).update(ended_at=NOW, end_reason="completed")

    with pytest.raises(ValidationError):
        enrolments.enrolment_create(
            episode=ep, course_type=course_type(personas.team), run=None, by=personas.therapist
        )


def test_the_waitlist_places_a_client_on_a_run_and_takes_one_off(personas, now):
    run = run_with_meetings(personas.team, [personas.therapist, personas.psychologist], [_days(7)])
    kid = run.course_type
    placed, leaving = (
        enrolments.enrolment_create(
            episode=episode(personas.team, personas.therapist),
            course_type=kid,
            run=None,
            by=personas.therapist,
        )
        for _ in range(2)
    )

    enrolments.enrolment_place(enrolment=placed, run=run)
    enrolments.enrolment_withdraw(enrolment=leaving)

    placed.refresh_from_db()
    leaving.refresh_from_db()
    assert (placed.status, placed.run, placed.enrolled_at) == (EnrolmentStatus.ENROLLED, run, NOW)
    assert (leaving.status, leaving.ended_at) == (EnrolmentStatus.WITHDRAWN, NOW)
    with pytest.raises(ValidationError):
        enrolments.enrolment_place(enrolment=leaving, run=run)


def test_a_run_of_another_course_type_is_refused(personas, now):
    run = run_with_meetings(personas.team, [personas.therapist, personas.psychologist], [_days(7)])
    sleep = course_type(personas.team, kind=CourseKind.SLEEP)
    waiting = enrolments.enrolment_create(
        episode=episode(personas.team, personas.therapist),
        course_type=sleep,
        run=None,
        by=personas.therapist,
    )

    with pytest.raises(ValidationError):
        enrolments.enrolment_place(enrolment=waiting, run=run)

    waiting.refresh_from_db()
    assert waiting.status == EnrolmentStatus.WAITING


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_two_clinicians_cannot_take_the_last_place_at_once():
    from tests.accounts.factories import TeamFactory

    team = TeamFactory()
    leaders = [member(team, Role.THERAPIST), member(team, Role.PSYCHOLOGIST)]
    run = run_with_meetings(team, leaders, [datetime.now(OSLO) + timedelta(days=7)], capacity=1)
    episodes = [episode(team, leaders[0]) for _ in range(2)]
    start = threading.Barrier(2)
    outcomes: list[str] = []

    def take(ep: Episode) -> None:
        try:
            start.wait()
            enrolments.enrolment_create(
                episode=ep, course_type=run.course_type, run=run, by=leaders[0]
            )
            outcomes.append("placed")
        except ValidationError:
            outcomes.append("full")
        finally:
            connection.close()

    workers = [threading.Thread(target=take, args=(ep,)) for ep in episodes]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert sorted(outcomes) == ["full", "placed"]
    assert Enrolment.objects.filter(run=run).count() == 1


# -- The step-2 offer ----------------------------------------------------------------------


def test_enrolling_starts_a_step_2_offer_alongside_the_open_one(personas, now):
    ep = episode(personas.team, personas.therapist)
    OfferFactory(episode=ep, step=Step.INDIVIDUAL)

    enrolment = enrolments.enrolment_create(
        episode=ep, course_type=course_type(personas.team), run=None, by=personas.therapist
    )

    offer = enrolment.offer
    assert (offer.step, offer.start_reason, offer.ended_on) == (
        Step.COURSE,
        OfferStart.PARALLEL,
        None,
    )


def test_enrolling_uses_the_open_step_2_offer(personas, now):
    ep = episode(personas.team, personas.therapist)
    placement = OfferFactory(episode=ep, step=Step.COURSE)

    enrolment = enrolments.enrolment_create(
        episode=ep, course_type=course_type(personas.team), run=None, by=personas.therapist
    )

    assert enrolment.offer == placement
    assert ep.offers.count() == 1


def test_enrolling_after_guided_self_help_ended_is_a_step_up(personas, now):
    ep = episode(personas.team, personas.therapist)
    OfferFactory(
        episode=ep,
        step=Step.GUIDED_SELF_HELP,
        ended_on=NOW.date(),
        end_reason=OfferEnd.COMPLETED,
    )

    enrolment = enrolments.enrolment_create(
        episode=ep, course_type=course_type(personas.team), run=None, by=personas.therapist
    )

    assert (enrolment.offer.step, enrolment.offer.start_reason) == (Step.COURSE, OfferStart.STEP_UP)


# -- Attendance ----------------------------------------------------------------------------


def test_a_known_client_at_a_drop_in_counts_as_a_treatment_session(personas, now):
    run = run_with_meetings(
        personas.team, [personas.therapist], [_days(-14), _days(-7)], drop_in=True
    )
    first, second = run.course_meetings.order_by("starts_at")
    ep = episode(personas.team, personas.therapist)

    for meeting in (first, second):
        attendance.meeting_attendance_record(
            meeting=meeting,
            marks={},
            unregistered=3,
            relatives=1,
            add_episodes=[ep],
            by=personas.therapist,
        )

    facts = Episode.objects.with_outcome_facts().get(pk=ep.pk)
    assert episode_outcome(facts).treatment_sessions == 2
    assert not ep.enrolments.exists()
    first.refresh_from_db()
    assert (first.unregistered_attendees, first.relatives) == (3, 1)


def test_attendance_is_recorded_and_corrected_for_the_enrolled(personas, now):
    run = run_with_meetings(personas.team, [personas.therapist, personas.psychologist], [_days(-1)])
    came, away = enrol(run, [episode(personas.team, personas.therapist) for _ in range(2)])
    meeting = run.course_meetings.get()
    marks = {came.episode_id: True, away.episode_id: False}

    attendance.meeting_attendance_record(
        meeting=meeting, marks=marks, unregistered=0, relatives=0, by=personas.therapist
    )
    attendance.meeting_attendance_record(
        meeting=meeting,
        marks={away.episode_id: True},
        unregistered=0,
        relatives=2,
        by=personas.psychologist,
    )

    rows = {a.episode_id: a for a in meeting.attendances.all()}
    assert rows[came.episode_id].attended and rows[away.episode_id].attended
    assert rows[away.episode_id].recorded_by == personas.psychologist
    assert rows[came.episode_id].enrolment == came


@pytest.mark.parametrize(
    ("starts", "cancelled", "message"),
    [
        (7, False, "Oppmøte registreres når samlingen har begynt."),
        (-1, True, "Samlingen ble avlyst."),
    ],
)
def test_attendance_waits_for_the_meeting_and_not_for_a_cancelled_one(
    personas, now, starts, cancelled, message
):
    run = run_with_meetings(
        personas.team, [personas.therapist, personas.psychologist], [_days(starts)]
    )
    (enrolment,) = enrol(run, [episode(personas.team, personas.therapist)])
    meeting = run.course_meetings.get()
    meeting.cancelled = cancelled
    meeting.save()

    with pytest.raises(ValidationError) as error:
        attendance.meeting_attendance_record(
            meeting=meeting,
            marks={enrolment.episode_id: True},
            unregistered=0,
            relatives=0,
            by=personas.therapist,
        )

    assert error.value.messages == [message]
    assert not meeting.attendances.exists()


def test_only_a_drop_in_takes_clients_without_enrolment(personas, now):
    run = run_with_meetings(personas.team, [personas.therapist, personas.psychologist], [_days(-1)])
    stranger = episode(personas.team, personas.therapist)

    with pytest.raises(ValidationError):
        attendance.meeting_attendance_record(
            meeting=run.course_meetings.get(),
            marks={},
            unregistered=0,
            relatives=0,
            add_episodes=[stranger],
            by=personas.therapist,
        )
    with pytest.raises(ValidationError):
        attendance.meeting_attendance_record(
            meeting=run.course_meetings.get(),
            marks={stranger.pk: True},
            unregistered=0,
            relatives=0,
            by=personas.therapist,
        )

    assert not stranger.meeting_attendances.exists()


# -- The end of a run, and fill rates ------------------------------------------------------


def test_completing_a_run_records_endings_and_evaluations_and_ends_the_offer(personas, now):
    leaders = [personas.therapist, personas.psychologist]
    run = run_with_meetings(personas.team, leaders, [_days(-1), _days(7)])
    done, gone = (
        enrolments.enrolment_create(
            episode=episode(personas.team, personas.therapist),
            course_type=run.course_type,
            run=run,
            by=personas.therapist,
        )
        for _ in range(2)
    )

    changed = enrolments.course_run_complete(
        run=run,
        endings=[
            enrolments.RunEnding(done.pk, EnrolmentStatus.COMPLETED, 5),
            enrolments.RunEnding(gone.pk, EnrolmentStatus.DROPPED_OUT, None),
        ],
    )

    done.refresh_from_db()
    gone.refresh_from_db()
    assert changed == 2
    assert (done.status, done.evaluation, done.ended_at) == (EnrolmentStatus.COMPLETED, 5, NOW)
    assert (done.offer.end_reason, gone.offer.end_reason) == (
        OfferEnd.COMPLETED,
        OfferEnd.DROPPED_OUT,
    )
    facts = CourseRun.objects.with_fill_rate().get(pk=run.pk)
    assert facts.average_evaluation == 5.0


def test_an_evaluation_outside_1_to_6_is_refused(personas, now):
    run = run_with_meetings(personas.team, [personas.therapist, personas.psychologist], [_days(-1)])
    (enrolment,) = enrol(run, [episode(personas.team, personas.therapist)])

    with pytest.raises(ValidationError):
        enrolments.course_run_complete(
            run=run, endings=[enrolments.RunEnding(enrolment.pk, EnrolmentStatus.COMPLETED, 7)]
        )

    enrolment.refresh_from_db()
    assert (enrolment.status, enrolment.evaluation) == (EnrolmentStatus.ENROLLED, None)


def test_the_fill_rate_counts_places_taken_and_attendance_at_meetings_held(personas, now):
    leaders = [personas.therapist, personas.psychologist]
    run = run_with_meetings(
        personas.team, leaders, [_days(-14), _days(-7), _days(-3), _days(7)], capacity=10
    )
    held_1, held_2, cancelled, _future = run.course_meetings.order_by("starts_at")
    cancelled.cancelled = True
    cancelled.save()
    enrolments = enrol(run, [episode(personas.team, personas.therapist) for _ in range(5)])
    Enrolment.objects.filter(pk=enrolments[4].pk).update(status=EnrolmentStatus.DROPPED_OUT)
    for enrolment in enrolments[:3]:
        MeetingAttendanceFactory(meeting=held_1, episode=enrolment.episode, enrolment=enrolment)
    for enrolment in enrolments[:4]:
        MeetingAttendanceFactory(meeting=held_2, episode=enrolment.episode, enrolment=enrolment)
    MeetingAttendanceFactory(meeting=cancelled, episode=enrolments[0].episode)
    held_1.unregistered_attendees = 2
    held_1.save()
    drop_in = run_with_meetings(personas.team, leaders[:1], [_days(-7)], capacity=20, drop_in=True)
    drop_in.course_meetings.update(unregistered_attendees=5, relatives=3)

    facts = {r.pk: r for r in CourseRun.objects.with_fill_rate()}

    course = facts[run.pk]
    assert (course.enrolled, course.meetings_held, course.attended_total) == (4, 2, 9)
    assert course.average_attendance == pytest.approx(4.5)
    assert course.fill_rate == pytest.approx(40.0)
    assert course.average_evaluation is None
    walk_in = facts[drop_in.pk]
    assert (walk_in.average_attendance, walk_in.relatives_total) == (5.0, 3)
    assert walk_in.fill_rate == pytest.approx(25.0)


def test_a_run_with_no_meeting_held_has_no_average(personas, now):
    run = run_with_meetings(personas.team, [personas.therapist, personas.psychologist], [_days(7)])

    facts = CourseRun.objects.with_fill_rate().get(pk=run.pk)

    assert (facts.meetings_held, facts.average_attendance, facts.fill_rate) == (0, None, 0.0)
