"""Every course page and endpoint, every persona: who gets in, who is refused, who is told
it does not exist. Clerical staff see the schedule (runs, meetings, participants, the
attendance list); team leads and clinicians plan, enrol and record; enrolling from an
episode is the care team's (and logged). tests/personas.py says how a row reads."""

from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from rph.audit.models import AccessEvent
from tests.personas import CLIENT_STAFF, NOT_CARE_TEAM, Page, cases, expect
from tests.treatment.course_data import course_type, enrol, episode, run_with_meetings
from tests.treatment.factories import EpisodeFactory
from treatment.models import CourseKind, CourseMeeting, CourseRun, CourseType, Enrolment

CLINICAL = "therapist colleague psychologist team_lead"


@dataclass
class Course:
    kid: CourseType
    sleep: CourseType
    run: CourseRun
    held: CourseMeeting  # began yesterday
    next: CourseMeeting  # in three days
    enrolment: Enrolment  # the personas' client, on the run
    waiting: Enrolment  # another client, on the waitlist


def _course(p) -> Course:
    """Made once per test, on first use by a row's url or data."""
    if "course" not in p.__dict__:
        now = timezone.now()
        kid = course_type(p.team)
        run = run_with_meetings(
            p.team,
            [p.therapist, p.psychologist],
            [now - timedelta(days=1), now + timedelta(days=3)],
            of_type=kid,
        )
        held, upcoming = run.course_meetings.order_by("starts_at")
        mine = EpisodeFactory(team=p.team, primary_therapist=p.therapist, client=p.client)
        (enrolment,) = enrol(run, [mine])
        waiting = Enrolment.objects.create(
            episode=episode(p.team, p.colleague), course_type=kid, created_by=p.colleague
        )
        p.course = Course(
            kid=kid,
            sleep=course_type(p.team, kind=CourseKind.SLEEP, name="Søvnkurs"),
            run=run,
            held=held,
            next=upcoming,
            enrolment=enrolment,
            waiting=waiting,
        )
    return p.course


def _url(name: str, of: str) -> object:
    return lambda p: reverse(name, args=[getattr(_course(p), of).pk])


def _episode_url(name: str) -> object:
    return lambda p: reverse(name, args=[_course(p).enrolment.episode_id])


def _run_form(p) -> dict:
    return {
        "course_type": _course(p).kid.pk,
        "title": "KiD høsten",
        "location": "Rådhuset",
        "time_of_day": "evening",
        "capacity": 10,
        "municipality": "",
        "leaders": [p.therapist.pk, p.psychologist.pk],
        "first_day": "01.09.2031",
        "start_time": "18:00",
        "duration_minutes": 120,
        "count": 4,
        "interval_days": 7,
    }


def _run_edit_form(p) -> dict:
    form = _run_form(p)
    return {key: form[key] for key in ("title", "location", "leaders", "capacity")} | {
        "time_of_day": "day",
        "municipality": "",
    }


def _meeting_form(p) -> dict:
    when = timezone.localtime(_course(p).next.starts_at) + timedelta(days=1)
    return {"starts_at": when.strftime("%d.%m.%Y %H:%M"), "duration_minutes": 90}


PAGES = [
    Page(
        "course list",
        lambda p: reverse("treatment:course_list"),
        # The outsider sees their own team's courses.
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "course type new",
        lambda p: reverse("treatment:course_type_create"),
        expect(f"{CLINICAL} outsider", denied="clerical admin"),
    ),
    Page(
        "course type saved",
        lambda p: reverse("treatment:course_type_create"),
        expect(f"{CLINICAL} outsider", 302, denied="clerical admin"),
        method="post",
        data=lambda p: {"name": "Tankens kraft", "kind": "other", "meetings": 4, "active": "on"},
    ),
    Page(
        "course type edit",
        _url("treatment:course_type_edit", "kid"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
    ),
    Page(
        "course type edited",
        _url("treatment:course_type_edit", "kid"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
        data=lambda p: {"name": "KiD Fosen", "kind": "kid", "meetings": 8, "active": "on"},
    ),
    Page(
        "waitlist",
        _url("treatment:waitlist", "kid"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
    ),
    Page(
        "waitlist place",
        _url("treatment:waitlist_place", "waiting"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
        data=lambda p: {"run": _course(p).run.pk},
    ),
    Page(
        "waitlist withdraw",
        _url("treatment:waitlist_withdraw", "waiting"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
    ),
    Page(
        "run new",
        lambda p: reverse("treatment:course_run_create"),
        expect(f"{CLINICAL} outsider", denied="clerical admin"),
    ),
    Page(
        "run created",
        lambda p: reverse("treatment:course_run_create"),
        # Not a course type of the outsider's team: the form refuses it (200).
        expect(CLINICAL, 302, denied="clerical admin", outsider=200),
        method="post",
        data=_run_form,
    ),
    Page(
        "run detail",
        _url("treatment:course_run_detail", "run"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
    ),
    Page(
        "run edit",
        _url("treatment:course_run_edit", "run"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
    ),
    Page(
        "run edited",
        _url("treatment:course_run_edit", "run"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
        data=_run_edit_form,
    ),
    Page(
        "run end",
        _url("treatment:course_run_complete", "run"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
    ),
    Page(
        "run ended",
        _url("treatment:course_run_complete", "run"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
        data=lambda p: {
            f"s{_course(p).enrolment.pk}": "completed",
            f"e{_course(p).enrolment.pk}": "5",
        },
    ),
    Page(
        "meeting new",
        _url("treatment:course_meeting_add", "run"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
    ),
    Page(
        "meeting added",
        _url("treatment:course_meeting_add", "run"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
        data=_meeting_form,
    ),
    Page(
        "meeting edit",
        _url("treatment:course_meeting_edit", "next"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
    ),
    Page(
        "meeting moved",
        _url("treatment:course_meeting_edit", "next"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
        data=_meeting_form,
    ),
    Page(
        "meeting links",
        _url("treatment:meeting_invitations", "next"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
    ),
    Page(
        "attendance",
        _url("treatment:meeting_attendance", "held"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
    ),
    Page(
        "attendance saved",
        _url("treatment:meeting_attendance", "held"),
        expect(CLINICAL, 302, denied="clerical admin", missing="outsider"),
        method="post",
        data=lambda p: {f"p{_course(p).enrolment.episode_id}": "yes", "relatives": 1},
    ),
    Page(
        "enrol",
        _episode_url("treatment:enrol"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "enrolled",
        _episode_url("treatment:enrol"),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"course_type": _course(p).sleep.pk, "run": ""},
        logs_a_view=True,
    ),
    Page(
        "fill rates",
        lambda p: reverse("treatment:fill_rates"),
        expect(f"{CLINICAL} outsider", denied="clerical admin"),
    ),
]


def _api_url(name: str, of: str | None = None) -> object:
    if of is None:
        return lambda p: reverse(name)
    return lambda p: reverse(name, args=[getattr(_course(p), of).pk])


ENDPOINTS = [
    Page(
        "types",
        _api_url("api-course-type-list"),
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "type added",
        _api_url("api-course-type-list"),
        expect(f"{CLINICAL} outsider", 201, denied="clerical admin"),
        method="post",
        data=lambda p: {"name": "Tankens kraft", "kind": "other", "meetings": 4},
    ),
    Page(
        "type",
        _api_url("api-course-type-detail", "kid"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
    ),
    Page(
        "type changed",
        _api_url("api-course-type-detail", "kid"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
        method="patch",
        data=lambda p: {"meetings": 10},
    ),
    Page(
        "runs",
        _api_url("api-course-run-list"),
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "run created",
        _api_url("api-course-run-list"),
        # Not a course type of the outsider's team: 400.
        expect(CLINICAL, 201, denied="clerical admin", outsider=400),
        method="post",
        data=lambda p: _run_form(p) | {"first_day": "2031-09-01", "municipality": None},
    ),
    Page(
        "run",
        _api_url("api-course-run-detail", "run"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
    ),
    Page(
        "meeting",
        _api_url("api-course-meeting-detail", "next"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
    ),
    Page(
        "meeting moved",
        _api_url("api-course-meeting-detail", "next"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
        method="patch",
        data=lambda p: {"duration_minutes": 90},
    ),
    Page(
        "attendance",
        _api_url("api-course-meeting-attendance", "held"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
    ),
    Page(
        "attendance recorded",
        _api_url("api-course-meeting-attendance", "held"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
        method="put",
        data=lambda p: {
            "attendance": [{"episode": _course(p).enrolment.episode_id, "attended": True}],
            "relatives": 1,
        },
    ),
    Page(
        "enrolments",
        _api_url("api-course-enrolment-list"),
        # The outsider sees their own team's (none).
        expect(f"{CLINICAL} outsider", denied="clerical admin"),
    ),
    Page(
        "enrolment made",
        _api_url("api-course-enrolment-list"),
        expect("therapist", 201, denied=f"{NOT_CARE_TEAM}", missing="outsider"),
        method="post",
        data=lambda p: {
            "episode": _course(p).enrolment.episode_id,
            "course_type": _course(p).sleep.pk,
        },
        logs_a_view=True,
    ),
    Page(
        "enrolment",
        _api_url("api-course-enrolment-detail", "waiting"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
    ),
    Page(
        "enrolment withdrawn",
        _api_url("api-course-enrolment-detail", "waiting"),
        expect(CLINICAL, denied="clerical admin", missing="outsider"),
        method="patch",
        data=lambda p: {"status": "withdrawn"},
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_the_page_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    allowed = status in (200, 302)
    assert AccessEvent.objects.count() - before == (1 if allowed and page.logs_a_view else 0)


@pytest.mark.parametrize(("page", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_the_endpoint_the_table_says(personas, page, persona, status):
    api = APIClient()
    api.force_login(getattr(personas, persona))
    url = page.url(personas)
    before = AccessEvent.objects.count()

    response = getattr(api, page.method)(url, page.data(personas), format="json")

    assert response.status_code == status, response.content
    allowed = status in (200, 201)
    assert AccessEvent.objects.count() - before == (1 if allowed and page.logs_a_view else 0)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


@pytest.mark.parametrize("page", ENDPOINTS, ids=lambda page: page.label)
def test_anonymous_callers_get_401(personas, page):
    api = APIClient()

    response = getattr(api, page.method)(page.url(personas), page.data(personas), format="json")

    assert response.status_code == 401
