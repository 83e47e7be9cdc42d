"""The course pages as a person uses them: the course list, a new run and its meetings, the
waitlist, enrolling from the episode, the end of a run, fill rates and the episode section."""

import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import timezone

from intake.assessments.choices import Step
from tests.treatment.course_data import course_type, enrol, episode, run_with_meetings
from tests.treatment.factories import MeetingAttendanceFactory, OfferFactory
from treatment.models import (
    CourseKind,
    CourseMeeting,
    CourseRun,
    CourseType,
    Enrolment,
    EnrolmentStatus,
    OfferStart,
)

OSLO = ZoneInfo("Europe/Oslo")


def _days(n: int) -> datetime:
    return timezone.now() + timedelta(days=n)


def _leaders(personas) -> list:
    return [personas.therapist, personas.psychologist]


def _text(response) -> str:
    return response.content.decode()


# -- The course list and course types ------------------------------------------------------


def test_the_first_visit_gives_the_team_the_standard_course_types(personas, login):
    page = _text(login(personas.therapist).get(reverse("treatment:course_list")))

    assert CourseType.objects.filter(team=personas.team).count() == 5
    for name in ("KiD – kurs i depresjonsmestring", "Søvnkurs", "Introduksjonskurs"):
        assert name in page
    assert "Ny kursrekke" in page
    assert not CourseType.objects.filter(team=personas.other_team).exists()


def test_clerical_staff_see_the_runs_but_not_the_planning(personas, login):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(3)])
    CourseRun.objects.filter(pk=run.pk).update(title="KiD våren")

    page = _text(login(personas.clerical).get(reverse("treatment:course_list")))

    assert "KiD våren" in page
    assert "Ny kursrekke" not in page and "venter" not in page


def test_the_menu_has_courses_for_those_who_work_with_clients(personas, login):
    clerical = _text(login(personas.clerical).get(reverse("home")))
    admin = _text(login(personas.admin).get(reverse("home")))

    link = f'href="{reverse("treatment:course_list")}"'
    assert link in clerical and link not in admin


def test_a_team_adds_its_own_course_type(personas, login):
    http = login(personas.team_lead)

    http.post(
        reverse("treatment:course_type_create"),
        {"name": "Tankens kraft", "kind": "introduction", "meetings": 4, "active": "on"},
    )
    duplicate = http.post(
        reverse("treatment:course_type_create"),
        {"name": "tankens kraft", "kind": "other", "meetings": 4, "active": "on"},
    )

    created = CourseType.objects.get(team=personas.team, name="Tankens kraft")
    assert (created.kind, created.meetings, created.drop_in) == (CourseKind.INTRODUCTION, 4, False)
    assert "Teamet har allerede en kurstype med dette navnet." in _text(duplicate)


# -- A new run and its meetings ------------------------------------------------------------


def _run_form(personas, kid, **changes) -> dict:
    return {
        "course_type": kid.pk,
        "title": "KiD våren",
        "location": "Rådhuset",
        "time_of_day": "evening",
        "capacity": 10,
        "municipality": "",
        "leaders": [p.pk for p in _leaders(personas)],
        "first_day": "19.03.2026",
        "start_time": "18:00",
        "duration_minutes": 150,
        "count": "",
        "interval_days": 7,
    } | changes


def test_a_new_run_gets_its_meetings_at_18_before_and_after_summer_time(personas, login):
    kid = course_type(personas.team, meetings=3)

    response = login(personas.therapist).post(
        reverse("treatment:course_run_create"), _run_form(personas, kid), follow=True
    )

    run = CourseRun.objects.get()
    assert run.municipality is None and set(run.leaders.all()) == set(_leaders(personas))
    page = _text(response)
    assert "Kursrekka og samlingene er opprettet." in page
    for shown in ("19.03.2026 18:00", "26.03.2026 18:00", "07.04.2026 18:00"):  # not skjærtorsdag
        assert shown in page
    assert {m.duration_minutes for m in CourseMeeting.objects.all()} == {150}


def test_a_run_with_one_leader_is_refused_with_a_message(personas, login):
    kid = course_type(personas.team)

    response = login(personas.therapist).post(
        reverse("treatment:course_run_create"),
        _run_form(personas, kid, leaders=[personas.therapist.pk]),
    )

    assert response.status_code == 200
    assert "Et kurs har to kursledere." in _text(response)
    assert not CourseRun.objects.exists()


def test_an_unreadable_date_is_refused_and_nothing_is_made(personas, login):
    kid = course_type(personas.team)

    response = login(personas.therapist).post(
        reverse("treatment:course_run_create"), _run_form(personas, kid, first_day="i morgen")
    )

    assert response.status_code == 200
    assert not CourseRun.objects.exists() and not CourseMeeting.objects.exists()


def test_a_meeting_is_moved_on_its_own(personas, login):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(3), _days(10)])
    first, second = run.course_meetings.order_by("starts_at")
    new_time = timezone.localtime(first.starts_at + timedelta(days=1)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )

    login(personas.psychologist).post(
        reverse("treatment:course_meeting_edit", args=[first.pk]),
        {"starts_at": new_time.strftime("%d.%m.%Y %H:%M"), "duration_minutes": 90},
    )

    first.refresh_from_db()
    assert (first.starts_at, first.duration_minutes) == (new_time, 90)
    assert CourseMeeting.objects.get(pk=second.pk).starts_at == second.starts_at


# -- Waitlist and enrolment ----------------------------------------------------------------


def test_the_waitlist_shows_the_longest_wait_first_and_places_a_client(personas, login):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(5)], capacity=1)
    kid = run.course_type
    names = ["Sist", "Først", "Midt"]
    waited = [3, 20, 10]
    for name, days in zip(names, waited, strict=True):
        Enrolment.objects.create(
            episode=episode(personas.team, personas.therapist, last_name=name),
            course_type=kid,
            waiting_since=_days(-days),
            created_by=personas.therapist,
        )
    http = login(personas.colleague)

    page = _text(http.get(reverse("treatment:waitlist", args=[kid.pk])))
    first = Enrolment.objects.get(episode__client__last_name="Først")
    http.post(reverse("treatment:waitlist_place", args=[first.pk]), {"run": run.pk})
    second = Enrolment.objects.get(episode__client__last_name="Midt")
    full = http.post(
        reverse("treatment:waitlist_place", args=[second.pk]), {"run": run.pk}, follow=True
    )

    assert [page.index(n) for n in ("Først", "Midt", "Sist")] == sorted(
        page.index(n) for n in ("Først", "Midt", "Sist")
    )
    first.refresh_from_db()
    assert (first.status, first.run) == (EnrolmentStatus.ENROLLED, run)
    assert "Velg en kursrekke med ledige plasser." in _text(full)
    second.refresh_from_db()
    assert second.status == EnrolmentStatus.WAITING


def test_enrolling_from_the_episode_starts_a_step_2_offer_and_shows_on_the_episode(personas, login):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(-7), _days(7)])
    ep = episode(personas.team, personas.therapist)
    OfferFactory(episode=ep, step=Step.INDIVIDUAL)
    http = login(personas.therapist)
    form = _text(http.get(reverse("treatment:enrol", args=[ep.pk])))

    response = http.post(
        reverse("treatment:enrol", args=[ep.pk]),
        {"course_type": run.course_type.pk, "run": run.pk},
        follow=True,
    )

    enrolment = ep.enrolments.get()
    assert run.title in form
    assert (enrolment.status, enrolment.run) == (EnrolmentStatus.ENROLLED, run)
    assert (enrolment.offer.step, enrolment.offer.start_reason) == (
        Step.COURSE,
        OfferStart.PARALLEL,
    )
    page = _text(response)
    assert f"Klienten er påmeldt {run.title}." in page
    section = page[page.index('data-testid="course-section"') :]
    assert run.title in section and "0 av 1 samlinger som er holdt" in section
    assert "Meld på kurs" in section


def test_a_run_of_another_course_is_refused_on_the_enrol_page(personas, login):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(7)])
    sleep = course_type(personas.team, kind=CourseKind.SLEEP, name="Søvnkurs")
    ep = episode(personas.team, personas.therapist)

    response = login(personas.therapist).post(
        reverse("treatment:enrol", args=[ep.pk]), {"course_type": sleep.pk, "run": run.pk}
    )

    assert "Velg en kursrekke av det valgte kurset." in _text(response)
    assert not ep.enrolments.exists()


def test_the_episode_section_shows_waiting_and_drop_in_attendance(personas, login):
    ep = episode(personas.team, personas.therapist)
    kid = course_type(personas.team, name="KiD Fosen")
    Enrolment.objects.create(episode=ep, course_type=kid, created_by=personas.therapist)
    drop_in = run_with_meetings(personas.team, [personas.therapist], [_days(-2)], drop_in=True)
    MeetingAttendanceFactory(meeting=drop_in.course_meetings.get(), episode=ep)

    page = _text(login(personas.therapist).get(reverse("treatment:episode_detail", args=[ep.pk])))

    section = page[page.index('data-testid="course-section"') :]
    assert "KiD Fosen" in section and "På venteliste" in section
    assert "Drop-in-samlinger" in section and "møtte" in section


# -- The end of a run and fill rates -------------------------------------------------------


def test_the_end_of_a_run_records_evaluations_and_the_run_shows_the_average(personas, login):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(-1)])
    done, gone = enrol(run, [episode(personas.team, personas.therapist) for _ in range(2)])
    http = login(personas.therapist)

    http.post(
        reverse("treatment:course_run_complete", args=[run.pk]),
        {f"s{done.pk}": "completed", f"e{done.pk}": "6", f"s{gone.pk}": "dropped_out"},
    )
    page = _text(http.get(reverse("treatment:course_run_detail", args=[run.pk])))

    done.refresh_from_db()
    gone.refresh_from_db()
    assert (done.status, done.evaluation) == (EnrolmentStatus.COMPLETED, 6)
    assert (gone.status, gone.evaluation) == (EnrolmentStatus.DROPPED_OUT, None)
    assert "6,0 i snitt (1–6)" in page


def test_fill_rates_show_the_share_of_places_and_attendance(personas, login):
    run = run_with_meetings(personas.team, _leaders(personas), [_days(-7), _days(7)], capacity=8)
    enrolments = enrol(run, [episode(personas.team, personas.therapist) for _ in range(2)])
    held = run.course_meetings.order_by("starts_at").first()
    MeetingAttendanceFactory(meeting=held, episode=enrolments[0].episode, enrolment=enrolments[0])

    page = _text(login(personas.team_lead).get(reverse("treatment:fill_rates")))

    row = re.search(r'data-testid="fill-rate-row">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
    assert cells[1:] == ["8", "2", "1", "1,0", "25 %", "–"]


@pytest.mark.parametrize("page", ["course_list", "fill_rates"])
def test_another_teams_runs_are_not_listed(personas, login, page):
    run_with_meetings(personas.team, _leaders(personas), [_days(3)])
    CourseRun.objects.update(title="Bare for Fosen")

    response = login(personas.outsider).get(reverse(f"treatment:{page}"))

    assert "Bare for Fosen" not in _text(response)
