"""Booking, moving and cancelling sessions, attendance: the rules and the questionnaire link."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from questionnaires.models import Capture, Invitation, Message, Response
from questionnaires.responses import response_submit
from tests.questionnaires.outbox_data import TOKEN
from tests.questionnaires.response_data import PHQ9, shipped
from tests.treatment.factories import GuidedSelfHelpFactory, SessionFactory
from tests.treatment.session_data import (
    MONDAY_10,
    THURSDAY_13,
    book,
    consent_to_links,
    open_episode,
)
from treatment.models import Attendance, SessionPurpose
from treatment.sessions import services as sessions
from treatment.sessions.services import (
    overlaps,
    session_attendance_record,
    session_cancel,
    session_move,
)

Status = Message.Status


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MONDAY_10, tick=False)
    return time_machine


@pytest.fixture
def episode(personas, now):
    return open_episode(personas)


def _links(session) -> list[Invitation]:
    return list(Invitation.objects.filter(occasion_id=session.pk, occasion_type__model="session"))


def _message_statuses(invitation) -> list[str]:
    return list(invitation.messages.order_by("send_after").values_list("status", flat=True))


# Booking ----------------------------------------------------------------------------------


def test_booking_sends_the_client_a_questionnaire_link_and_a_reminder_before_the_session(
    personas, episode
):
    consent_to_links(personas.client)

    session = book(episode, THURSDAY_13)

    (link,) = _links(session)
    assert link.occasion == session
    assert link.occasion_at == THURSDAY_13
    assert sorted(link.instrument_codes) == ["gad7", "phq9"]
    kinds = list(link.messages.order_by("send_after").values_list("kind", "send_after"))
    assert kinds == [
        (Message.Kind.INVITATION, THURSDAY_13 - timedelta(hours=24)),
        (Message.Kind.REMINDER, THURSDAY_13 - timedelta(hours=3)),
    ]


def test_wsas_goes_before_every_nth_treatment_session_on_the_teams_schedule(personas, episode):
    consent_to_links(personas.client)
    personas.team.function_every_sessions = 2
    personas.team.save()

    first = book(episode, THURSDAY_13)
    second = book(episode, THURSDAY_13 + timedelta(days=7))
    third = book(episode, THURSDAY_13 + timedelta(days=14))
    fourth = book(episode, THURSDAY_13 + timedelta(days=21))

    codes = [_links(session)[0].instrument_codes for session in (first, second, third, fourth)]
    assert codes == [
        ["phq9", "gad7"],
        ["phq9", "gad7", "wsas"],
        ["phq9", "gad7"],
        ["phq9", "gad7", "wsas"],
    ]


def test_an_answer_to_the_link_belongs_to_the_session(personas, episode):
    consent_to_links(personas.client)
    session = book(episode, THURSDAY_13)
    (link,) = _links(session)

    response = response_submit(
        client=personas.client,
        instrument=shipped("phq9"),
        answers=PHQ9,
        capture=Capture.LINK,
        invitation=link,
    )

    assert Response.objects.get(pk=response.pk).occasion == session


def test_a_client_without_consent_is_booked_without_a_link(personas, episode):
    session = book(episode, THURSDAY_13)

    assert session.attendance == Attendance.BOOKED
    assert _links(session) == []


def test_a_link_that_cannot_be_made_does_not_stop_the_booking(personas, episode, monkeypatch):
    consent_to_links(personas.client)

    def refuse(**kwargs):
        raise ValidationError("PHQ-9 is switched off")

    monkeypatch.setattr(sessions, "occasion_invitation_schedule", refuse)

    session = book(episode, THURSDAY_13)

    assert session.pk is not None
    assert _links(session) == []


def test_the_booked_therapist_joins_the_clients_care_team(personas, episode):
    book(episode, THURSDAY_13, therapist=personas.colleague)

    assert personas.client.care_team.filter(pk=personas.colleague.pk).exists()


def test_a_therapist_cannot_be_booked_twice_at_the_same_time(personas, episode):
    book(episode, THURSDAY_13)
    other = open_episode(personas)

    with pytest.raises(ValidationError) as refused:
        book(other, THURSDAY_13 + timedelta(minutes=30))

    message = refused.value.message_dict["starts_at"][0]
    assert "05.03.2026 13:00" in message
    assert "overlapper dette tidspunktet" in message


def test_back_to_back_sessions_and_a_cancelled_slot_are_free(personas, episode):
    first = book(episode, THURSDAY_13)
    book(episode, THURSDAY_13 + timedelta(minutes=45))
    session_cancel(session=first, by_client=True, reason="", by=personas.clerical)

    again = book(episode, THURSDAY_13)

    assert again.starts_at == THURSDAY_13


def test_two_therapists_may_have_sessions_at_the_same_time(personas, episode):
    book(episode, THURSDAY_13)

    book(episode, THURSDAY_13, therapist=personas.colleague)


@pytest.mark.parametrize(
    ("a_start", "a_minutes", "b_start", "b_minutes", "expected"),
    [
        (0, 45, 30, 45, True),
        (30, 45, 0, 45, True),
        (0, 45, 45, 45, False),
        (45, 45, 0, 45, False),
        (0, 120, 30, 15, True),
    ],
)
def test_overlaps(a_start, a_minutes, b_start, b_minutes, expected):
    def at(minutes):
        return THURSDAY_13 + timedelta(minutes=minutes)

    assert overlaps(at(a_start), a_minutes, at(b_start), b_minutes) is expected


def test_a_session_cannot_be_booked_in_the_past(episode):
    with pytest.raises(ValidationError) as refused:
        book(episode, timezone.now() - timedelta(hours=1))

    assert "starts_at" in refused.value.message_dict


def test_an_ended_episode_takes_no_bookings(personas, episode):
    episode.ended_at, episode.end_reason = timezone.now(), "completed"
    episode.save()

    with pytest.raises(ValidationError):
        book(episode, THURSDAY_13)


@pytest.mark.parametrize("who", ["clerical", "outsider"])
def test_only_a_clinician_in_the_team_can_be_the_therapist(personas, episode, who):
    with pytest.raises(ValidationError) as refused:
        book(episode, THURSDAY_13, therapist=getattr(personas, who))

    assert "therapist" in refused.value.message_dict


def test_guided_self_help_must_be_a_follow_up_in_the_same_episode(personas, episode):
    elsewhere = GuidedSelfHelpFactory(episode=open_episode(personas))
    here = GuidedSelfHelpFactory(episode=episode)

    with pytest.raises(ValidationError):
        book(episode, THURSDAY_13, guided_self_help=elsewhere, purpose=SessionPurpose.FOLLOW_UP)
    with pytest.raises(ValidationError):
        book(episode, THURSDAY_13, guided_self_help=here, purpose=SessionPurpose.TREATMENT)
    follow_up = book(episode, THURSDAY_13, guided_self_help=here, purpose=SessionPurpose.FOLLOW_UP)
    assert follow_up.guided_self_help == here


# Moving -----------------------------------------------------------------------------------


def _move(session, at, by, **changes):
    fields = {
        "duration_minutes": session.duration_minutes,
        "therapist": session.therapist,
        "mode": session.mode,
        "location": session.location,
    } | changes
    return session_move(session=session, starts_at=at, by=by, **fields)


def test_moving_a_session_moves_its_questionnaire_link(personas, episode):
    consent_to_links(personas.client)
    session = book(episode, THURSDAY_13)
    (old,) = _links(session)
    friday = THURSDAY_13 + timedelta(days=1)

    _move(session, friday, personas.clerical)

    old.refresh_from_db()
    assert old.expires_at <= timezone.now()
    assert _message_statuses(old) == [Status.CANCELLED, Status.CANCELLED]
    (new,) = [link for link in _links(session) if link.pk != old.pk]
    assert new.occasion_at == friday
    assert _message_statuses(new) == [Status.PENDING, Status.PENDING]
    assert "06.03. kl. 13:00" in new.messages.first().body


def test_a_new_place_keeps_the_link(personas, episode):
    consent_to_links(personas.client)
    session = book(episode, THURSDAY_13)

    _move(session, THURSDAY_13, personas.clerical, location="Rom 4")

    (link,) = _links(session)
    assert _message_statuses(link) == [Status.PENDING, Status.PENDING]


def test_a_session_can_move_a_little_within_its_own_slot(personas, episode):
    session = book(episode, THURSDAY_13)

    moved = _move(session, THURSDAY_13 + timedelta(minutes=15), personas.therapist)

    assert moved.starts_at == THURSDAY_13 + timedelta(minutes=15)


def test_a_session_cannot_move_onto_another(personas, episode):
    book(episode, THURSDAY_13)
    later = book(episode, THURSDAY_13 + timedelta(hours=2))

    with pytest.raises(ValidationError) as refused:
        _move(later, THURSDAY_13 + timedelta(minutes=15), personas.therapist)

    assert "starts_at" in refused.value.message_dict
    later.refresh_from_db()
    assert later.starts_at == THURSDAY_13 + timedelta(hours=2)


def test_a_cancelled_session_cannot_be_moved(personas, episode):
    session = book(episode, THURSDAY_13)
    session_cancel(session=session, by_client=False, reason="Behandler syk", by=personas.clerical)

    with pytest.raises(ValidationError):
        _move(session, THURSDAY_13 + timedelta(days=1), personas.clerical)


# Cancelling -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("by_client", "attendance"),
    [(True, Attendance.CANCELLED_BY_CLIENT), (False, Attendance.CANCELLED_BY_SERVICE)],
)
def test_cancelling_a_session_cancels_its_messages(personas, episode, by_client, attendance):
    consent_to_links(personas.client)
    session = book(episode, THURSDAY_13)

    cancelled = session_cancel(
        session=session, by_client=by_client, reason="Syk", by=personas.clerical
    )

    assert cancelled.attendance == attendance
    assert cancelled.cancel_reason == "Syk"
    assert cancelled.attendance_recorded_by == personas.clerical
    (link,) = _links(session)
    assert _message_statuses(link) == [Status.CANCELLED, Status.CANCELLED]
    # The links are cut out of the cancelled messages.
    assert not any(TOKEN.search(body) for body in link.messages.values_list("body", flat=True))


def test_a_session_is_cancelled_once(personas, episode):
    session = book(episode, THURSDAY_13)
    session_cancel(session=session, by_client=True, reason="", by=personas.clerical)

    with pytest.raises(ValidationError):
        session_cancel(session=session, by_client=False, reason="", by=personas.clerical)


# Attendance -------------------------------------------------------------------------------


def test_attendance_cannot_be_recorded_before_the_session_starts(personas, episode):
    session = book(episode, THURSDAY_13)

    with pytest.raises(ValidationError) as refused:
        session_attendance_record(
            session=session, attendance=Attendance.ATTENDED, by=personas.therapist
        )

    assert "05.03.2026 13:00" in refused.value.messages[0]
    session.refresh_from_db()
    assert session.attendance == Attendance.BOOKED


def test_attendance_is_recorded_from_the_start_and_can_be_corrected(personas, episode, now):
    session = book(episode, THURSDAY_13)
    now.move_to(THURSDAY_13)

    session_attendance_record(
        session=session, attendance=Attendance.DID_NOT_ATTEND, by=personas.clerical
    )
    session_attendance_record(
        session=session, attendance=Attendance.ATTENDED, by=personas.therapist
    )

    session.refresh_from_db()
    assert session.attendance == Attendance.ATTENDED
    assert session.attendance_recorded_by == personas.therapist
    assert session.attendance_recorded_at == THURSDAY_13


def test_a_cancelled_session_gets_no_attendance(personas, episode, now):
    session = book(episode, THURSDAY_13)
    session_cancel(session=session, by_client=True, reason="", by=personas.clerical)
    now.move_to(THURSDAY_13 + timedelta(hours=1))

    with pytest.raises(ValidationError):
        session_attendance_record(
            session=session, attendance=Attendance.ATTENDED, by=personas.therapist
        )


def test_attendance_is_attended_or_did_not_attend(personas, episode, now):
    session = SessionFactory(episode=episode, starts_at=timezone.now() - timedelta(hours=1))

    with pytest.raises(ValidationError):
        session_attendance_record(
            session=session, attendance=Attendance.CANCELLED_BY_CLIENT, by=personas.therapist
        )
