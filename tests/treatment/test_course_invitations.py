"""Questionnaire links before a course meeting: one per enrolled participant and meeting,
however often the button is pressed; a moved meeting gets new links."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.urls import reverse

from questionnaires.models import Invitation, Message
from tests.questionnaires.outbox_data import consenting_contact
from tests.treatment.course_data import enrol, episode, run_with_meetings
from tests.treatment.factories import EpisodeFactory
from treatment.courses import attendance
from treatment.courses import services as courses
from treatment.models import CourseMeeting, EnrolmentStatus

OSLO = ZoneInfo("Europe/Oslo")
NOW = datetime(2026, 3, 2, 10, 0, tzinfo=OSLO)
MEETING_AT = datetime(2026, 3, 5, 18, 0, tzinfo=OSLO)


@pytest.fixture(autouse=True)
def _now(time_machine):
    time_machine.move_to(NOW, tick=False)


def _links(meeting: CourseMeeting) -> list[Invitation]:
    return list(
        Invitation.objects.filter(
            occasion_type=ContentType.objects.get_for_model(CourseMeeting), occasion_id=meeting.pk
        )
    )


@pytest.fixture
def course(personas):
    """A run with a meeting in three days, two consenting participants and one who is not."""
    run = run_with_meetings(
        personas.team, [personas.therapist, personas.psychologist], [MEETING_AT]
    )
    consenting = [
        EpisodeFactory(
            team=personas.team,
            primary_therapist=personas.therapist,
            client=consenting_contact(personas.team, first_name=name).client,
        )
        for name in ("Kari", "Ola")
    ]
    silent = episode(personas.team, personas.therapist)
    enrol(run, [*consenting, silent])
    return run


def test_every_enrolled_participant_who_agreed_gets_one_link(personas, course):
    meeting = course.course_meetings.get()

    sent = attendance.meeting_invitations_send(meeting=meeting, by=personas.therapist)

    assert (sent.scheduled, sent.already, sent.not_sent) == (2, 0, 1)
    links = _links(meeting)
    assert sorted(link.client.first_name for link in links) == ["Kari", "Ola"]
    assert {link.occasion_at for link in links} == {MEETING_AT}
    assert {tuple(link.instrument_codes) for link in links} == {("phq9", "gad7")}
    meeting.refresh_from_db()
    assert meeting.invitations_sent_at == NOW


def test_pressing_again_sends_nobody_a_second_link(personas, course):
    meeting = course.course_meetings.get()
    attendance.meeting_invitations_send(meeting=meeting, by=personas.therapist)
    messages_before = Message.objects.count()

    again = attendance.meeting_invitations_send(meeting=meeting, by=personas.psychologist)

    assert (again.scheduled, again.already) == (0, 2)
    assert len(_links(meeting)) == 2
    assert Message.objects.count() == messages_before


def test_a_client_enrolled_later_gets_a_link_and_the_others_no_new_one(personas, course):
    meeting = course.course_meetings.get()
    attendance.meeting_invitations_send(meeting=meeting, by=personas.therapist)
    late = EpisodeFactory(
        team=personas.team,
        primary_therapist=personas.therapist,
        client=consenting_contact(personas.team, first_name="Siri").client,
    )
    enrol(course, [late])

    sent = attendance.meeting_invitations_send(meeting=meeting, by=personas.therapist)

    assert (sent.scheduled, sent.already) == (1, 2)
    assert sorted(link.client.first_name for link in _links(meeting)) == ["Kari", "Ola", "Siri"]


def test_participants_who_dropped_out_get_no_link(personas, course):
    meeting = course.course_meetings.get()
    course.enrolments.filter(episode__client__first_name="Ola").update(
        status=EnrolmentStatus.DROPPED_OUT
    )

    attendance.meeting_invitations_send(meeting=meeting, by=personas.therapist)

    assert [link.client.first_name for link in _links(meeting)] == ["Kari"]


def test_a_moved_meeting_gets_new_links_for_the_new_time(personas, course):
    meeting = course.course_meetings.get()
    attendance.meeting_invitations_send(meeting=meeting, by=personas.therapist)
    later = MEETING_AT + timedelta(days=1)

    courses.course_meeting_save(
        meeting=meeting, starts_at=later, duration_minutes=120, cancelled=False
    )
    meeting.refresh_from_db()
    sent_at_after_move = meeting.invitations_sent_at
    sent = attendance.meeting_invitations_send(meeting=meeting, by=personas.therapist)

    assert sent_at_after_move is None and sent.scheduled == 2
    working = [link for link in _links(meeting) if link.expires_at > NOW]
    assert {link.occasion_at for link in working} == {later}
    assert len(working) == 2


def test_no_links_for_a_cancelled_meeting(personas, course):
    meeting = course.course_meetings.get()
    courses.course_meeting_save(
        meeting=meeting, starts_at=MEETING_AT, duration_minutes=120, cancelled=True
    )

    with pytest.raises(ValidationError):
        attendance.meeting_invitations_send(meeting=meeting, by=personas.therapist)

    assert _links(meeting) == []


def test_the_button_on_the_run_page_sends_links_for_the_next_meeting(personas, course, login):
    http = login(personas.therapist)
    page = http.get(reverse("treatment:course_run_detail", args=[course.pk])).content.decode()
    meeting = course.course_meetings.get()

    response = http.post(reverse("treatment:meeting_invitations", args=[meeting.pk]), follow=True)

    assert "Send skjemalenker for neste samling (05.03.2026 18:00)" in page
    text = response.content.decode()
    assert "Skjemalenker laget for 2 deltakere." in text
    assert "1 fikk ingen" in text
    assert len(_links(meeting)) == 2
