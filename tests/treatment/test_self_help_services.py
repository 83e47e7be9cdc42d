"""Guided self-help: start (on a step-1 offer), follow-up calls, the end, the overdue list."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.assessments.choices import Step
from tests.accounts.factories import TeamFactory, member
from tests.treatment.factories import (
    EpisodeFactory,
    GuidedSelfHelpFactory,
    OfferFactory,
    SessionFactory,
)
from treatment.models import (
    Attendance,
    GuidedSelfHelp,
    Offer,
    OfferEnd,
    OfferStart,
    Programme,
    Session,
    SessionPurpose,
)
from treatment.self_help.services import (
    follow_up,
    self_help_call_log,
    self_help_end,
    self_help_queryset,
    self_help_start,
)

pytestmark = pytest.mark.django_db
DAY = datetime.timedelta(days=1)


def _today() -> datetime.date:
    return timezone.localdate()


def _at(days: int, hour: int = 10) -> datetime.datetime:
    """A time `days` from today (negative: in the past), at `hour` Oslo time."""
    day = _today() + datetime.timedelta(days=days)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


@pytest.fixture
def episode(personas):
    return EpisodeFactory(
        team=personas.team,
        client=personas.client,
        primary_therapist=personas.therapist,
        started_at=timezone.now() - 60 * DAY,
    )


def _start(episode, by, **changes) -> GuidedSelfHelp:
    data = {
        "programme": Programme.ASSISTED_DEPRESSION,
        "material_given_on": _today() - 7 * DAY,
        "follow_up_every_days": 14,
    } | changes
    return self_help_start(episode=episode, by=by, **data)


def _status(self_help: GuidedSelfHelp, today=None):
    today = today or _today()
    fresh = self_help_queryset().with_follow_up_facts(today).get(pk=self_help.pk)
    return follow_up(fresh, today)


# Start ---------------------------------------------------------------------------------------


def test_it_joins_the_open_step_one_offer(personas, episode):
    offer = OfferFactory(episode=episode, step=Step.GUIDED_SELF_HELP)

    self_help = _start(episode, personas.therapist)

    assert self_help.offer == offer
    assert episode.offers.count() == 1


def test_without_any_offer_it_places_the_client_on_step_one(personas, episode):
    self_help = _start(episode, personas.therapist)

    assert (self_help.offer.step, self_help.offer.start_reason) == (1, OfferStart.PLACEMENT)
    assert self_help.offer.started_on == self_help.material_given_on


def test_beside_an_open_step_three_offer_it_adds_step_one_alongside(personas, episode):
    individual = OfferFactory(episode=episode, step=Step.INDIVIDUAL)

    self_help = _start(episode, personas.therapist)

    assert (self_help.offer.step, self_help.offer.start_reason) == (1, OfferStart.PARALLEL)
    individual.refresh_from_db()
    assert individual.ended_on is None


def test_after_an_ended_step_three_offer_it_steps_down(personas, episode):
    OfferFactory(
        episode=episode,
        step=Step.INDIVIDUAL,
        ended_on=_today() - 10 * DAY,
        end_reason=OfferEnd.COMPLETED,
    )

    self_help = _start(episode, personas.therapist)

    assert self_help.offer.start_reason == OfferStart.STEP_DOWN


def test_it_books_the_planned_follow_up_calls_at_the_interval(personas, episode):
    personas.team.schedule_on_working_days = False  # every day counts: the plain interval
    personas.team.save()
    episode.team.refresh_from_db()
    first = _at(2, 9)

    self_help = _start(episode, personas.therapist, planned_calls=3, first_call_at=first)

    calls = list(self_help.follow_ups.order_by("starts_at"))
    assert [call.starts_at for call in calls] == [first, first + 14 * DAY, first + 28 * DAY]
    assert {(c.purpose, c.attendance) for c in calls} == {
        (SessionPurpose.FOLLOW_UP, Attendance.BOOKED)
    }
    assert {call.offer_id for call in calls} == {self_help.offer_id}


@pytest.mark.parametrize(
    ("working_days", "expected"), [(True, "2026-12-28"), (False, "2026-12-24")]
)
def test_follow_up_calls_skip_christmas_when_the_team_plans_on_working_days(
    personas, episode, time_machine, working_days, expected
):
    time_machine.move_to("2026-12-01T12:00:00+01:00", tick=False)
    personas.team.schedule_on_working_days = working_days
    personas.team.save()
    episode.team.refresh_from_db()
    first = timezone.make_aware(datetime.datetime(2026, 12, 10, 9, 0))  # a Thursday

    self_help = _start(episode, personas.therapist, planned_calls=3, first_call_at=first)

    calls = [timezone.localtime(c.starts_at) for c in self_help.follow_ups.order_by("starts_at")]
    assert calls[0] == first
    assert calls[1].date().isoformat() == expected and calls[1].hour == 9
    # 07.01.2027 is a Thursday, a working day either way.
    assert calls[2].date() == datetime.date(2027, 1, 7)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"programme": Programme.BOOK}, "programme_detail"),
        ({"material_given_on": datetime.date(2999, 1, 1)}, "material_given_on"),
        ({"planned_calls": 2}, "first_call_at"),
        ({"planned_calls": 13, "first_call_at": None}, "planned_calls"),
        ({"follow_up_every_days": 0}, "follow_up_every_days"),
        ({"modules_total": 0}, "modules_total"),
    ],
)
def test_it_refuses_bad_input_and_saves_nothing(personas, episode, changes, field):
    with pytest.raises(ValidationError) as refused:
        _start(episode, personas.therapist, **changes)

    assert field in refused.value.message_dict
    assert not GuidedSelfHelp.objects.exists()
    assert not Offer.objects.exists()


def test_material_cannot_be_given_before_the_episode_started(personas, episode):
    with pytest.raises(ValidationError, match="før forløpet startet"):
        _start(episode, personas.therapist, material_given_on=_today() - 90 * DAY)


def test_a_second_guided_self_help_waits_until_the_first_has_ended(personas, episode):
    first = _start(episode, personas.therapist)

    with pytest.raises(ValidationError, match="allerede veiledet selvhjelp"):
        _start(episode, personas.therapist)

    self_help_end(self_help=first, by=personas.therapist)
    assert _start(episode, personas.therapist).offer == first.offer


def test_an_ended_episode_gets_no_guided_self_help(personas, episode):
    episode.ended_at, episode.end_reason = timezone.now(), "completed"
    episode.save()

    with pytest.raises(ValidationError, match="Forløpet er avsluttet"):
        _start(episode, personas.therapist)


# Follow-up calls -----------------------------------------------------------------------------


def test_an_attended_booked_call_records_progress_and_restarts_the_clock(personas, episode):
    self_help = _start(episode, personas.therapist, modules_total=8)
    booked = SessionFactory(
        episode=episode,
        guided_self_help=self_help,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=_at(-1),
    )

    call = self_help_call_log(
        self_help=self_help,
        by=personas.therapist,
        session=booked,
        attendance=Attendance.ATTENDED,
        modules_done=3,
        next_step="Modul 4 før neste samtale.",
    )

    booked.refresh_from_db()
    assert call.pk == booked.pk
    assert (booked.attendance, booked.modules_done, booked.next_step) == (
        Attendance.ATTENDED,
        3,
        "Modul 4 før neste samtale.",
    )
    assert _status(self_help).due_on == _today() - DAY + 14 * DAY


def test_a_call_that_was_not_booked_can_be_recorded_afterwards(personas, episode):
    self_help = _start(episode, personas.therapist)

    call = self_help_call_log(
        self_help=self_help,
        by=personas.therapist,
        starts_at=_at(-2),
        mode="phone",
        attendance=Attendance.DID_NOT_ATTEND,
    )

    assert (call.attendance, call.purpose, call.guided_self_help) == (
        Attendance.DID_NOT_ATTEND,
        SessionPurpose.FOLLOW_UP,
        self_help,
    )
    # A call the client missed does not restart the clock.
    assert _status(self_help).due_on == self_help.material_given_on + 14 * DAY


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"attendance": Attendance.DID_NOT_ATTEND, "modules_done": 2}, "modules_done"),
        ({"modules_done": 9}, "modules_done"),
        ({"starts_at": None}, "starts_at"),
        ({"attendance": Attendance.BOOKED}, "attendance"),
    ],
)
def test_a_call_with_bad_input_is_refused(personas, episode, changes, field):
    self_help = _start(episode, personas.therapist, modules_total=8)
    data = {"starts_at": _at(-1), "attendance": Attendance.ATTENDED} | changes

    with pytest.raises(ValidationError) as refused:
        self_help_call_log(self_help=self_help, by=personas.therapist, **data)

    assert field in refused.value.message_dict
    assert not Session.objects.exists()


def test_a_call_in_the_future_cannot_be_recorded(personas, episode):
    self_help = _start(episode, personas.therapist)

    with pytest.raises(ValidationError, match="fram i tid"):
        self_help_call_log(
            self_help=self_help,
            by=personas.therapist,
            starts_at=timezone.now() + datetime.timedelta(hours=2),
            attendance=Attendance.ATTENDED,
        )


def test_recording_a_call_can_book_the_next_one(personas, episode):
    self_help = _start(episode, personas.therapist)

    self_help_call_log(
        self_help=self_help,
        by=personas.therapist,
        starts_at=_at(-1),
        attendance=Attendance.ATTENDED,
        next_call_at=_at(13),
    )

    assert _status(self_help).next_booked_at == _at(13)


# End -----------------------------------------------------------------------------------------


def test_ending_cancels_the_calls_still_booked_and_stops_further_calls(personas, episode):
    self_help = _start(episode, personas.therapist, planned_calls=2, first_call_at=_at(3))

    self_help_end(self_help=self_help, by=personas.therapist)

    assert set(self_help.follow_ups.values_list("attendance", flat=True)) == {
        Attendance.CANCELLED_BY_SERVICE
    }
    assert GuidedSelfHelp.objects.get(pk=self_help.pk).ended_on == _today()
    with pytest.raises(ValidationError, match="selvhjelpen er avsluttet"):
        self_help_call_log(
            self_help=self_help,
            by=personas.therapist,
            starts_at=_at(-1),
            attendance=Attendance.ATTENDED,
        )


def test_it_cannot_end_before_the_material_was_given(personas, episode):
    self_help = _start(episode, personas.therapist)

    with pytest.raises(ValidationError, match="før materiellet ble gitt"):
        self_help_end(self_help=self_help, by=personas.therapist, ended_on=_today() - 30 * DAY)


# The overdue list ----------------------------------------------------------------------------


def _given(personas, days_ago: int, **fields) -> GuidedSelfHelp:
    episode = EpisodeFactory(
        team=fields.pop("team", personas.team),
        primary_therapist=fields.pop("therapist", personas.therapist),
        started_at=timezone.now() - 100 * DAY,
    )
    return GuidedSelfHelpFactory(
        episode=episode,
        material_given_on=_today() - datetime.timedelta(days=days_ago),
        follow_up_every_days=14,
        **fields,
    )


def test_the_overdue_list_holds_only_active_self_help_past_due_with_nothing_booked(personas):
    overdue = _given(personas, 20)
    _given(personas, 14)  # due today: not yet overdue
    booked = _given(personas, 30)
    SessionFactory(
        episode=booked.episode,
        guided_self_help=booked,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=_at(2),
    )
    called = _given(personas, 30)
    SessionFactory(
        episode=called.episode,
        guided_self_help=called,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=_at(-5),
        attendance=Attendance.ATTENDED,
    )
    _given(personas, 30, ended_on=_today())
    elsewhere = TeamFactory()
    _given(personas, 30, team=elsewhere, therapist=member(elsewhere, "therapist"))

    rows = self_help_queryset().for_overdue_list(personas.team, _today())

    assert [(self_help, status.days_overdue) for self_help, status in rows] == [(overdue, 6)]


def test_a_missed_call_does_not_take_it_off_the_overdue_list(personas):
    missed = _given(personas, 30)
    SessionFactory(
        episode=missed.episode,
        guided_self_help=missed,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=_at(-3),
        attendance=Attendance.DID_NOT_ATTEND,
    )
    forgotten = _given(personas, 30)
    SessionFactory(  # booked yesterday, attendance never recorded
        episode=forgotten.episode,
        guided_self_help=forgotten,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=_at(-1),
    )

    rows = self_help_queryset().for_overdue_list(personas.team, _today())

    assert {self_help for self_help, _status in rows} == {missed, forgotten}


def test_the_overdue_list_takes_the_same_queries_for_many_clients(
    personas, django_assert_num_queries
):
    for _ in range(3):
        _given(personas, 30)
    with django_assert_num_queries(1):
        few = self_help_queryset().for_overdue_list(personas.team, _today())
    for _ in range(20):
        _given(personas, 30)
    with django_assert_num_queries(1):
        many = self_help_queryset().for_overdue_list(personas.team, _today())
    assert (len(few), len(many)) == (3, 23)
