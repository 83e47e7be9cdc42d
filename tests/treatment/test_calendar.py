"""The therapist's calendar: sessions, assessments and course meetings by Oslo time, a day or a
week, the same number of queries however many clients, and no clinical content for clerical
staff."""

from datetime import date, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import AssessmentOffer, Mode
from questionnaires.models import Invitation
from tests.intake.factories import ClientFactory, ContactFactory
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EpisodeFactory,
    SessionFactory,
)
from tests.treatment.session_data import MONDAY_10, open_episode
from treatment.models import Attendance
from treatment.sessions.calendar import View, calendar_days, period

MONDAY = date(2026, 3, 2)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MONDAY_10, tick=False)
    return time_machine


def _assessment(p, when: datetime, therapist=None) -> AssessmentOffer:
    contact = ContactFactory(team=p.team, client=ClientFactory(team=p.team, last_name="Vurdering"))
    return AssessmentOffer.objects.create(
        contact=contact,
        offered_by=p.clerical,
        scheduled_for=when,
        therapist=therapist or p.therapist,
        mode=Mode.PHONE,
    )


def _meeting(p, when: datetime, leader=None):
    run = CourseRunFactory(
        course_type=CourseTypeFactory(team=p.team),
        created_by=p.psychologist,
        leaders=[leader or p.therapist, p.psychologist],
        title="KiD høst",
    )
    return CourseMeetingFactory(run=run, starts_at=when)


def _rows(page) -> list[str]:
    html = page.content.decode()
    return [part.split("</tr>")[0] for part in html.split('data-testid="calendar-row"')[1:]]


def test_a_week_runs_monday_to_sunday():
    assert period(date(2026, 3, 5), View.WEEK) == [MONDAY + timedelta(days=n) for n in range(7)]
    assert period(date(2026, 3, 5), View.DAY) == [date(2026, 3, 5)]


def test_the_calendar_holds_sessions_assessments_and_course_meetings_by_time(personas, now):
    episode = open_episode(personas)
    SessionFactory(episode=episode, starts_at=at("2026-03-02T13:00+01:00"))
    _assessment(personas, at("2026-03-02T09:00+01:00"))
    _meeting(personas, at("2026-03-02T18:00+01:00"))
    SessionFactory(episode=episode, starts_at=at("2026-03-03T09:00+01:00"))
    # Not theirs: a colleague's session, and a session in the next week.
    SessionFactory(
        episode=episode, therapist=personas.colleague, starts_at=at("2026-03-02T11:00+01:00")
    )
    SessionFactory(episode=episode, starts_at=at("2026-03-09T09:00+01:00"))

    (monday,) = calendar_days(team=personas.team, therapist=personas.therapist, days=[MONDAY])
    week = calendar_days(
        team=personas.team, therapist=personas.therapist, days=period(MONDAY, View.WEEK)
    )

    assert [(e.kind, timezone.localtime(e.starts_at).hour) for e in monday.entries] == [
        ("assessment", 9),
        ("session", 13),
        ("course", 18),
    ]
    assert monday.entries[1].who == str(personas.client)
    assert monday.entries[2].place == "Rådhuset, møterom 2"
    assert [len(day.entries) for day in week] == [3, 1, 0, 0, 0, 0, 0]


@pytest.mark.parametrize(
    ("day", "late_evening"),
    [
        (date(2026, 3, 29), "2026-03-29T23:30+02:00"),  # 23 hours: the clocks go forward
        (date(2026, 10, 25), "2026-10-25T23:30+01:00"),  # 25 hours: the clocks go back
    ],
)
def test_a_day_across_a_clock_change_is_the_local_day(personas, day, late_evening):
    episode = open_episode(personas)
    SessionFactory(episode=episode, starts_at=at(f"{day.isoformat()}T00:15+01:00"))
    SessionFactory(episode=episode, starts_at=at(late_evening))
    SessionFactory(episode=episode, starts_at=at(late_evening) + timedelta(hours=1))

    (one,) = calendar_days(team=personas.team, therapist=personas.therapist, days=[day])

    assert [e.starts_at for e in one.entries] == [
        at(f"{day.isoformat()}T00:15+01:00"),
        at(late_evening),
    ]


@pytest.mark.parametrize("clients", [5, 200])
def test_the_calendar_takes_the_same_queries_for_5_and_200_clients(personas, now, clients):
    start = at("2026-03-02T08:00+01:00")
    for n in range(clients):
        client = ClientFactory(team=personas.team, care_team=[personas.therapist])
        episode = EpisodeFactory(
            team=personas.team, client=client, primary_therapist=personas.therapist
        )
        SessionFactory(episode=episode, starts_at=start + timedelta(minutes=30 * n))
    _assessment(personas, at("2026-03-03T08:00+01:00"))
    _meeting(personas, at("2026-03-04T18:00+01:00"))
    days = period(MONDAY, View.WEEK)

    with CaptureQueriesContext(connection) as queries:
        week = calendar_days(team=personas.team, therapist=personas.therapist, days=days)
        rows = [(e.who, e.purpose, e.mode, e.attendance, e.url) for d in week for e in d.entries]

    assert len(queries) == 3  # sessions, assessments, course meetings
    assert len(rows) == clients + 2  # every session, the assessment and the meeting


def test_the_calendar_page_takes_the_same_queries_for_5_and_200_clients(personas, login, now):
    def add_clients(count: int) -> None:
        for _n in range(count):
            episode = EpisodeFactory(team=personas.team, primary_therapist=personas.therapist)
            SessionFactory(episode=episode, starts_at=at("2026-03-03T08:00+01:00"))

    http = login(personas.therapist)
    url = reverse("treatment:calendar") + "?view=week&day=2026-03-02"
    add_clients(5)
    http.get(url)  # the first request loads what later ones find cached

    with CaptureQueriesContext(connection) as five:
        small = http.get(url)
    add_clients(195)
    with CaptureQueriesContext(connection) as two_hundred:
        large = http.get(url)

    assert (len(_rows(small)), len(_rows(large))) == (5, 200)
    assert len(two_hundred) == len(five)


def test_a_clinician_sees_their_own_calendar_and_may_pick_a_colleague(personas, login, now):
    episode = open_episode(personas)
    SessionFactory(episode=episode, starts_at=at("2026-03-02T13:00+01:00"))
    SessionFactory(
        episode=episode, therapist=personas.colleague, starts_at=at("2026-03-02T15:00+01:00")
    )
    http = login(personas.therapist)

    mine = http.get(reverse("treatment:calendar"))
    theirs = http.get(reverse("treatment:calendar"), {"therapist": personas.colleague.pk})

    assert ["13:00" in row for row in _rows(mine)] == [True]
    assert ["15:00" in row for row in _rows(theirs)] == [True]


def test_clerical_staff_see_the_schedule_but_no_clinical_content(personas, login, now):
    episode = open_episode(personas)
    session = SessionFactory(
        episode=episode, starts_at=at("2026-03-02T13:00+01:00"), location="Rom 2"
    )
    session.note = "Klienten fortalte om søvnvansker."
    session.save()
    Invitation.objects.create(
        team=personas.team,
        client=personas.client,
        occasion=session,
        token_hash="x" * 64,
        expires_at=at("2026-03-03T13:00+01:00"),
        completed_at=at("2026-03-02T09:00+01:00"),
    )

    clerical = login(personas.clerical).get(
        reverse("treatment:calendar"), {"therapist": personas.therapist.pk}
    )
    therapist = login(personas.therapist).get(reverse("treatment:calendar"))

    (row,) = _rows(clerical)
    assert personas.client.last_name in row
    assert "13:00" in row and "Rom 2" in row and "Behandling" in row and "Bestilt" in row
    html = clerical.content.decode()
    assert "Skjema besvart" not in html
    assert "søvnvansker" not in html
    assert "Skjema besvart" in therapist.content.decode()


def test_clerical_staff_see_a_therapists_calendar_without_choosing(personas, login, now):
    page = login(personas.clerical).get(reverse("treatment:calendar"))

    assert page.status_code == 200
    assert page.context["therapist"] is not None
    assert page.context["therapist"].pk != personas.clerical.pk


def test_previous_and_next_move_by_a_day_or_a_week(personas, login, now):
    http = login(personas.therapist)

    day = http.get(reverse("treatment:calendar"), {"day": "2026-03-04"}).content.decode()
    week = http.get(
        reverse("treatment:calendar"), {"day": "2026-03-04", "view": "week"}
    ).content.decode()

    assert "?day=2026-03-03&amp;view=day" in day and "?day=2026-03-05&amp;view=day" in day
    assert "?day=2026-02-25&amp;view=week" in week and "?day=2026-03-11&amp;view=week" in week
    assert week.count('data-testid="calendar-day"') == 7


@pytest.mark.parametrize("query", [{"day": "31.02.2026"}, {"view": "month"}, {"therapist": "abc"}])
def test_unreadable_choices_show_a_message_and_today(personas, login, now, query):
    page = login(personas.therapist).get(reverse("treatment:calendar"), query)

    assert page.status_code == 200
    assert "Valget kunne ikke leses" in page.content.decode()
    assert page.context["day"] == date(2026, 3, 2)


def test_another_teams_therapist_cannot_be_picked(personas, login, now):
    episode = EpisodeFactory(team=personas.other_team, primary_therapist=personas.outsider)
    SessionFactory(episode=episode, starts_at=at("2026-03-02T13:00+01:00"))

    page = login(personas.therapist).get(
        reverse("treatment:calendar"), {"therapist": personas.outsider.pk}
    )

    assert page.context["therapist"] == personas.therapist
    assert _rows(page) == []


def test_a_cancelled_session_is_marked_as_such(personas, login, now):
    SessionFactory(
        episode=open_episode(personas),
        starts_at=at("2026-03-02T13:00+01:00"),
        attendance=Attendance.CANCELLED_BY_CLIENT,
    )

    (row,) = _rows(login(personas.therapist).get(reverse("treatment:calendar")))

    assert "Avlyst av klient" in row
