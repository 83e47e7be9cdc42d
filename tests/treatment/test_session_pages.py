"""Session pages: every persona, and what each sees. Clerical staff book, move, cancel and
record attendance, but never see notes or scores; only the care team writes the note."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import Capture
from questionnaires.responses import response_submit
from rph.audit.models import AccessEvent
from tests.personas import CLIENT_STAFF, NOT_CARE_TEAM, Page, cases, expect
from tests.questionnaires.response_data import GAD7, PHQ9, shipped
from tests.treatment.factories import SessionFactory
from tests.treatment.session_data import consent_to_links, open_episode
from treatment.models import Attendance, Session

NOTE = "Klienten fortalte om søvnvansker og bekymring for jobben."


def _later(days: int = 3, hour: int = 13):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=hour, minute=0, second=0, microsecond=0)


def _typed(moment) -> str:
    return timezone.localtime(moment).strftime("%d.%m.%Y %H:%M")


def _session(p, **fields) -> Session:
    return SessionFactory(episode=open_episode(p), **({"starts_at": _later()} | fields))


def _past_session(p) -> Session:
    return _session(p, starts_at=timezone.now() - timedelta(hours=1))


def _session_url(name: str, make=_session):
    return lambda p: reverse(name, args=[make(p).pk])


def _booking(p) -> dict:
    return {
        "starts_at": _typed(_later()),
        "duration_minutes": 45,
        "purpose": "treatment",
        "mode": "face_to_face",
        "location": "Rom 2",
        "therapist": p.therapist.pk,
    }


PAGES = [
    Page(
        "calendar",
        lambda p: reverse("treatment:calendar"),
        # The outsider sees their own team's calendar.
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "book session",
        lambda p: reverse("treatment:session_book", args=[open_episode(p).pk]),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "session booked",
        lambda p: reverse("treatment:session_book", args=[open_episode(p).pk]),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=_booking,
        logs_a_view=True,
    ),
    Page(
        "session",
        _session_url("treatment:session_detail"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "move session",
        _session_url("treatment:session_move"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "session moved",
        _session_url("treatment:session_move"),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: _booking(p) | {"starts_at": _typed(_later(days=4))},
        logs_a_view=True,
    ),
    Page(
        "cancel session",
        _session_url("treatment:session_cancel"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "session cancelled",
        _session_url("treatment:session_cancel"),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: {"by": "client", "reason": "Syk"},
        logs_a_view=True,
    ),
    Page(
        "attendance recorded",
        _session_url("treatment:session_attendance", make=_past_session),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: {"attendance": "attended"},
        logs_a_view=True,
    ),
    Page(
        "note",
        _session_url("treatment:session_note"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "note saved",
        _session_url("treatment:session_note"),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"note": NOTE, "homework": "", "version": 0},
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    allowed = status in (200, 302)
    assert AccessEvent.objects.count() - before == (1 if allowed and page.logs_a_view else 0)


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


# What each sees ---------------------------------------------------------------------------


@pytest.fixture
def answered(personas):
    """A session with a note, homework and the client's PHQ-9 and GAD-7 before it."""
    session = _session(
        personas, note=NOTE, homework="Pusteøvelse", note_version=1, location="Rom 2"
    )
    for code, answers in (("phq9", PHQ9), ("gad7", GAD7)):
        response_submit(
            client=personas.client,
            instrument=shipped(code),
            answers=answers,
            capture=Capture.PAPER,
            entered_by=personas.therapist,
            occasion=session,
        )
    return session


def test_the_care_team_sees_the_note_and_the_scores(personas, login, answered):
    page = login(personas.therapist).get(reverse("treatment:session_detail", args=[answered.pk]))

    html = page.content.decode()
    assert NOTE in html and "Pusteøvelse" in html
    assert 'data-testid="scores"' in html
    assert "PHQ9" in html and ">8<" in html and ">6<" in html
    assert reverse("treatment:session_note", args=[answered.pk]) in html


def test_clerical_staff_see_the_booking_but_no_note_or_scores(personas, login, answered):
    page = login(personas.clerical).get(reverse("treatment:session_detail", args=[answered.pk]))

    html = page.content.decode()
    assert personas.client.last_name in html
    assert "Rom 2" in html
    assert NOTE not in html and "Pusteøvelse" not in html
    assert 'data-testid="scores"' not in html
    assert reverse("treatment:session_note", args=[answered.pk]) not in html
    assert reverse("treatment:session_move", args=[answered.pk]) in html


def test_a_colleague_outside_the_care_team_is_pointed_to_emergency_access(
    personas, login, answered
):
    page = login(personas.colleague).get(reverse("treatment:session_detail", args=[answered.pk]))

    html = page.content.decode()
    assert NOTE not in html
    assert reverse("intake:client_break_glass", args=[personas.client.pk]) in html


def test_the_session_page_says_whether_the_questionnaire_was_sent(personas, login):
    consent_to_links(personas.client)
    episode = open_episode(personas)
    http = login(personas.clerical)
    http.post(reverse("treatment:session_book", args=[episode.pk]), _booking(personas))
    session = Session.objects.get(episode=episode)

    page = http.get(reverse("treatment:session_detail", args=[session.pk])).content.decode()

    assert 'data-status="sent"' in page
    assert "Sendt, ikke besvart" in page
    assert page.count("Venter") == 2  # the link and the reminder, both waiting


def test_a_double_booking_is_refused_on_the_page(personas, login):
    episode = open_episode(personas)
    SessionFactory(episode=episode, starts_at=_later())
    data = _booking(personas) | {"starts_at": _typed(_later() + timedelta(minutes=15))}

    page = login(personas.clerical).post(reverse("treatment:session_book", args=[episode.pk]), data)

    assert page.status_code == 200
    assert "overlapper dette tidspunktet" in page.content.decode()
    assert Session.objects.filter(episode=episode).count() == 1


def test_attendance_before_the_start_is_refused_with_a_message(personas, login):
    session = _session(personas)

    page = login(personas.clerical).post(
        reverse("treatment:session_attendance", args=[session.pk]), {"attendance": "attended"}
    )

    assert page.status_code == 200
    assert "Oppmøte kan registreres fra timen starter" in page.content.decode()
    session.refresh_from_db()
    assert session.attendance == Attendance.BOOKED


def test_moving_to_a_time_that_has_passed_is_refused(personas, login):
    session = _session(personas)
    data = _booking(personas) | {"starts_at": _typed(timezone.now() - timedelta(days=1))}

    page = login(personas.clerical).post(reverse("treatment:session_move", args=[session.pk]), data)

    assert page.status_code == 200
    assert "Tidspunktet har allerede passert." in page.content.decode()


def test_the_episode_page_lists_the_sessions_and_the_next_one(personas, login):
    episode = open_episode(personas)
    past = SessionFactory(
        episode=episode,
        starts_at=timezone.now() - timedelta(days=7),
        attendance=Attendance.ATTENDED,
    )
    upcoming = SessionFactory(episode=episode, starts_at=_later())

    page = login(personas.therapist).get(reverse("treatment:episode_detail", args=[episode.pk]))

    html = page.content.decode()
    section = html[html.index('data-testid="sessions-section"') :]
    assert section.count('data-testid="session-row"') == 2
    assert "Møtte" in section
    next_part = section[section.index('data-testid="next-session"') :]
    assert reverse("treatment:session_detail", args=[upcoming.pk]) in next_part.split("</p>")[0]
    assert reverse("treatment:session_detail", args=[past.pk]) in section
    assert reverse("treatment:session_book", args=[episode.pk]) in section


@pytest.mark.parametrize(
    ("persona", "shown"), [("clerical", True), ("therapist", True), ("admin", False)]
)
def test_the_calendar_is_in_the_menu_for_those_who_work_with_clients(
    personas, login, persona, shown
):
    page = login(getattr(personas, persona)).get(reverse("home"))

    assert (reverse("treatment:calendar") in page.content.decode()) is shown
