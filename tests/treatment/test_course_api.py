"""The course API: the same rules as the pages, 400 with a message for bad input, nothing
half-saved."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from tests.treatment.course_data import course_type, enrol, episode, run_with_meetings
from treatment.models import CourseMeeting, CourseRun, Enrolment, EnrolmentStatus


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def _days(n: int) -> datetime:
    return timezone.now() + timedelta(days=n)


def _leaders(personas) -> list:
    return [personas.therapist, personas.psychologist]


def _new_run(personas, kid, **changes) -> dict:
    return {
        "course_type": kid.pk,
        "title": "KiD høsten",
        "location": "Rådhuset",
        "time_of_day": "evening",
        "leaders": [p.pk for p in _leaders(personas)],
        "capacity": 10,
        "municipality": None,
        "first_day": "2026-10-22",
        "start_time": "18:00",
        "count": 2,
    } | changes


def test_runs_come_with_their_meetings_and_fill_rate(personas):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(-1), _days(6)], capacity=4)
    enrol(run, [episode(personas.team, personas.therapist)])
    run_with_meetings(personas.other_team, [personas.outsider], [_days(1)], drop_in=True)

    body = _api(personas.clerical).get(reverse("api-course-run-list")).json()

    (row,) = body["results"]
    assert row["id"] == run.pk and len(row["meetings"]) == 2
    assert (row["enrolled"], row["meetings_held"], row["fill_rate"]) == (1, 1, 25.0)
    assert sorted(row["leaders"]) == sorted(p.pk for p in _leaders(personas))


def test_a_run_is_created_with_its_meetings_at_18_oslo_time(personas):
    kid = course_type(personas.team)

    response = _api(personas.therapist).post(
        reverse("api-course-run-list"), _new_run(personas, kid), format="json"
    )

    assert response.status_code == 201
    starts = [m["starts_at"] for m in response.json()["meetings"]]
    # 22 October is summer time (+02:00), 29 October winter time (+01:00): 18:00 both.
    assert starts == ["2026-10-22T18:00:00+02:00", "2026-10-29T18:00:00+01:00"]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        (lambda p: {"leaders": [p.therapist.pk]}, "leaders"),
        (lambda p: {"leaders": ["to"]}, "leaders"),
        (lambda p: {"capacity": 0}, "capacity"),
        (lambda p: {"count": 99}, "count"),
        (lambda p: {"first_day": "22.10"}, "first_day"),
        (lambda p: {"time_of_day": "night"}, "time_of_day"),
    ],
)
def test_a_bad_run_is_refused_and_nothing_is_made(personas, changes, field):
    kid = course_type(personas.team)

    response = _api(personas.therapist).post(
        reverse("api-course-run-list"), _new_run(personas, kid, **changes(personas)), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()
    assert not CourseRun.objects.exists() and not CourseMeeting.objects.exists()


def test_a_body_that_is_not_an_object_gets_400(personas):
    response = _api(personas.therapist).post(reverse("api-course-run-list"), ["nei"], format="json")

    assert response.status_code == 400


def test_attendance_is_read_and_recorded(personas):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(-1)])
    came, away = enrol(run, [episode(personas.team, personas.therapist) for _ in range(2)])
    url = reverse("api-course-meeting-attendance", args=[run.course_meetings.get().pk])
    api = _api(personas.psychologist)

    before = api.get(url).json()
    response = api.put(
        url,
        {
            "attendance": [
                {"episode": came.episode_id, "attended": True},
                {"episode": away.episode_id, "attended": False},
            ],
            "relatives": 2,
        },
        format="json",
    )

    assert {row["attended"] for row in before["participants"]} == {None}
    assert response.status_code == 200
    marks = {row["episode"]: row["attended"] for row in response.json()["participants"]}
    assert marks == {came.episode_id: True, away.episode_id: False}
    assert response.json()["relatives"] == 2


def test_a_drop_in_takes_a_known_client_through_the_api(personas):
    run = run_with_meetings(personas.team, [personas.therapist], [_days(-1)], drop_in=True)
    walk_in = episode(personas.team, personas.therapist)
    url = reverse("api-course-meeting-attendance", args=[run.course_meetings.get().pk])

    response = _api(personas.therapist).put(
        url,
        {"attendance": [{"episode": walk_in.pk, "attended": True}], "unregistered_attendees": 6},
        format="json",
    )

    assert response.status_code == 200
    (row,) = response.json()["participants"]
    assert (row["episode"], row["enrolment"], row["attended"]) == (walk_in.pk, None, True)
    assert response.json()["unregistered_attendees"] == 6


@pytest.mark.parametrize("case", ["not drop-in", "other team", "did not come"])
def test_an_addition_that_does_not_fit_is_refused(personas, case):
    drop_in = case != "not drop-in"
    leaders = [personas.therapist] if drop_in else _leaders(personas)
    run = run_with_meetings(personas.team, leaders, [_days(-1)], drop_in=drop_in)
    team = personas.other_team if case == "other team" else personas.team
    therapist = personas.outsider if case == "other team" else personas.therapist
    stranger = episode(team, therapist)
    meeting = run.course_meetings.get()

    response = _api(personas.therapist).put(
        reverse("api-course-meeting-attendance", args=[meeting.pk]),
        {"attendance": [{"episode": stranger.pk, "attended": case != "did not come"}]},
        format="json",
    )

    assert response.status_code == 400
    assert not meeting.attendances.exists()


def test_enrolling_through_the_api_puts_the_client_on_the_waitlist(personas):
    ep = episode(personas.team, personas.therapist)
    kid = course_type(personas.team)

    response = _api(personas.therapist).post(
        reverse("api-course-enrolment-list"),
        {"episode": ep.pk, "course_type": kid.pk},
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["run"]) == ("waiting", None)
    listed = _api(personas.colleague).get(
        reverse("api-course-enrolment-list"), {"status": "waiting"}
    )
    assert [row["client"] for row in listed.json()["results"]] == [ep.client_id]


def test_a_full_run_is_refused_with_the_reason(personas):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(7)], capacity=1)
    enrol(run, [episode(personas.team, personas.therapist)])
    ep = episode(personas.team, personas.therapist)

    response = _api(personas.therapist).post(
        reverse("api-course-enrolment-list"),
        {"episode": ep.pk, "course_type": run.course_type_id, "run": run.pk},
        format="json",
    )

    assert response.status_code == 400
    assert response.json() == {"run": ["Kursrekka er full: alle 1 plassene er tatt."]}
    assert not ep.enrolments.exists()
    assert not ep.offers.exists()


def test_an_enrolment_is_placed_then_completed_with_an_evaluation(personas):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(-1), _days(6)])
    waiting = Enrolment.objects.create(
        episode=episode(personas.team, personas.therapist),
        course_type=run.course_type,
        created_by=personas.therapist,
    )
    url = reverse("api-course-enrolment-detail", args=[waiting.pk])
    api = _api(personas.team_lead)

    placed = api.patch(url, {"run": run.pk}, format="json")
    done = api.patch(url, {"status": "completed", "evaluation": 4}, format="json")
    wrong = api.patch(url, {"evaluation": 9}, format="json")

    assert (placed.json()["status"], placed.json()["run"]) == ("enrolled", run.pk)
    assert (done.json()["status"], done.json()["evaluation"]) == ("completed", 4)
    assert wrong.status_code == 400
    waiting.refresh_from_db()
    assert (waiting.status, waiting.evaluation) == (EnrolmentStatus.COMPLETED, 4)


def test_a_cancelled_meeting_through_the_api(personas):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(3)])
    meeting = run.course_meetings.get()

    response = _api(personas.therapist).patch(
        reverse("api-course-meeting-detail", args=[meeting.pk]), {"cancelled": True}, format="json"
    )

    assert response.status_code == 200 and response.json()["cancelled"] is True
    meeting.refresh_from_db()
    assert meeting.cancelled


def test_two_course_types_cannot_share_a_name_in_the_api(personas):
    course_type(personas.team, name="Søvnkurs")
    other = course_type(personas.team, name="KiD")

    response = _api(personas.therapist).patch(
        reverse("api-course-type-detail", args=[other.pk]), {"name": "Søvnkurs"}, format="json"
    )

    assert response.status_code == 400 and "name" in response.json()
    other.refresh_from_db()
    assert other.name == "KiD"


def test_the_schema_describes_the_course_endpoints(personas):
    response = _api(personas.therapist).get(reverse("api-schema"), {"format": "json"})

    paths = response.json()["paths"]
    for path in (
        "/api/v1/course-types/",
        "/api/v1/course-runs/",
        "/api/v1/course-meetings/{id}/attendance/",
        "/api/v1/course-enrolments/{id}/",
    ):
        assert path in paths
