"""The attendance page of a course meeting: a checklist of the enrolled, drop-in additions,
read-only for clerical staff, and a query count that does not grow with the participants."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.treatment.course_data import enrol, episode, run_with_meetings
from treatment.models import MeetingAttendance


def _past_meeting(personas, *, drop_in: bool = False):
    leaders = [personas.therapist] if drop_in else [personas.therapist, personas.psychologist]
    yesterday = timezone.now() - timedelta(days=1)
    run = run_with_meetings(personas.team, leaders, [yesterday], drop_in=drop_in, capacity=200)
    return run, run.course_meetings.get()


def _url(meeting) -> str:
    return reverse("treatment:meeting_attendance", args=[meeting.pk])


def test_the_leader_ticks_off_who_came(personas, login):
    run, meeting = _past_meeting(personas)
    came, away = enrol(
        run,
        [
            episode(personas.team, personas.therapist, last_name="Aasen"),
            episode(personas.team, personas.therapist, last_name="Berg"),
        ],
    )
    http = login(personas.psychologist)

    response = http.post(
        _url(meeting),
        {f"p{came.episode_id}": "yes", f"p{away.episode_id}": "no", "relatives": 2},
        follow=True,
    )

    assert "Oppmøtet er lagret." in response.content.decode()
    marks = dict(meeting.attendances.values_list("episode_id", "attended"))
    assert marks == {came.episode_id: True, away.episode_id: False}
    meeting.refresh_from_db()
    assert meeting.relatives == 2
    page = http.get(_url(meeting)).content.decode()
    assert re.search(rf'name="p{came.episode_id}" value="yes"[^>]*checked', page)
    assert re.search(rf'name="p{away.episode_id}" value="no"[^>]*checked', page)


def test_a_drop_in_adds_a_known_client_and_counts_the_others(personas, login):
    _run, meeting = _past_meeting(personas, drop_in=True)
    walk_in = episode(personas.team, personas.therapist, last_name="Drop-Innsen")
    http = login(personas.therapist)
    form = http.get(_url(meeting)).content.decode()

    http.post(
        _url(meeting), {"add_episode": walk_in.pk, "unregistered": 4, "relatives": 1}, follow=True
    )

    assert "Legg til en kjent klient som kom" in form and "Drop-Innsen" in form
    attendance = MeetingAttendance.objects.get(meeting=meeting)
    assert (attendance.episode, attendance.enrolment, attendance.attended) == (walk_in, None, True)
    meeting.refresh_from_db()
    assert (meeting.unregistered_attendees, meeting.relatives) == (4, 1)
    listed = http.get(_url(meeting)).content.decode()
    assert "Drop-Innsen" in listed


def test_a_course_that_is_not_drop_in_takes_nobody_without_enrolment(personas, login):
    run, meeting = _past_meeting(personas)
    enrol(run, [episode(personas.team, personas.therapist)])

    page = login(personas.therapist).get(_url(meeting)).content.decode()

    assert "Legg til en kjent klient som kom" not in page
    assert "Deltakere som ikke er registrert med navn" not in page


def test_clerical_staff_see_the_list_without_a_form(personas, login):
    run, meeting = _past_meeting(personas)
    (came,) = enrol(run, [episode(personas.team, personas.therapist, last_name="Listesen")])
    MeetingAttendance.objects.create(
        meeting=meeting,
        episode=came.episode,
        enrolment=came,
        attended=True,
        recorded_by=personas.therapist,
    )

    page = login(personas.clerical).get(_url(meeting)).content.decode()

    assert "Listesen" in page and "Møtte" in page
    assert "Lagre oppmøte" not in page


def test_attendance_for_a_meeting_not_begun_is_not_taken(personas, login):
    run = run_with_meetings(
        personas.team,
        [personas.therapist, personas.psychologist],
        [timezone.now() + timedelta(days=2)],
    )
    meeting = run.course_meetings.get()
    (enrolment,) = enrol(run, [episode(personas.team, personas.therapist)])
    http = login(personas.therapist)

    page = http.get(_url(meeting)).content.decode()
    refused = http.post(_url(meeting), {f"p{enrolment.episode_id}": "yes", "relatives": 0})

    assert "Oppmøte registreres når samlingen har begynt." in page
    assert refused.status_code == 200
    assert "Oppmøte registreres når samlingen har begynt." in refused.content.decode()
    assert not meeting.attendances.exists()


def test_a_tampered_number_is_refused_with_a_message(personas, login):
    _run, meeting = _past_meeting(personas, drop_in=True)

    response = login(personas.therapist).post(
        _url(meeting), {"unregistered": -3, "relatives": "mange"}
    )

    assert response.status_code == 200
    assert "Ingenting ble lagret" in response.content.decode()
    meeting.refresh_from_db()
    assert (meeting.unregistered_attendees, meeting.relatives) == (0, 0)


def _count_queries(http, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = http.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.mark.parametrize("drop_in", [False, True], ids=["course", "drop-in"])
def test_the_page_needs_as_many_queries_for_200_participants_as_for_5(
    personas, login, django_assert_num_queries, drop_in
):
    run, meeting = _past_meeting(personas, drop_in=drop_in)
    http = login(personas.therapist)

    def add(n: int) -> None:
        episodes = [episode(personas.team, personas.therapist) for _ in range(n)]
        if drop_in:
            for one in episodes:
                MeetingAttendance.objects.create(
                    meeting=meeting, episode=one, attended=True, recorded_by=personas.therapist
                )
        else:
            enrol(run, episodes)

    add(5)
    few = _count_queries(http, _url(meeting))
    add(195)

    with django_assert_num_queries(few):
        response = http.get(_url(meeting))

    assert response.content.decode().count('data-testid="attendance-row"') == 200
