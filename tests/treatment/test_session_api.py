"""The session API: the same rules as the pages, JSON errors, no notes for clerical staff."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from rph.audit.models import AccessEvent
from tests.personas import CLIENT_STAFF, NOT_CARE_TEAM, Page, cases, expect
from tests.treatment.factories import EpisodeFactory, SessionFactory
from tests.treatment.session_data import open_episode
from treatment.models import Attendance, Session

NOTE = "Klienten fortalte om søvnvansker."


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def _later(days: int = 3):
    moment = timezone.localtime() + timedelta(days=days)
    return moment.replace(hour=13, minute=0, second=0, microsecond=0)


def _session(p, **fields) -> Session:
    return SessionFactory(episode=open_episode(p), **({"starts_at": _later()} | fields))


def _url(name: str, make=_session):
    return lambda p: reverse(name, args=[make(p).pk])


def _booking(p, episode=None) -> dict:
    return {
        "episode": (episode or open_episode(p)).pk,
        "starts_at": _later().isoformat(),
        "purpose": "treatment",
        "mode": "video",
        "therapist": p.therapist.pk,
    }


ENDPOINTS = [
    Page(
        "sessions",
        lambda p: reverse("api-session-list"),
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "sessions of an episode",
        lambda p: reverse("api-session-list") + f"?episode={open_episode(p).pk}",
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "session booked",
        lambda p: reverse("api-session-list"),
        expect(CLIENT_STAFF, 201, denied="admin", missing="outsider"),
        method="post",
        data=_booking,
        logs_a_view=True,
    ),
    Page(
        "session",
        _url("api-session-detail"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "session moved",
        _url("api-session-detail"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        method="patch",
        data=lambda p: {"starts_at": _later(days=4).isoformat()},
        logs_a_view=True,
    ),
    Page(
        "session cancelled",
        _url("api-session-cancel"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: {"by_client": True, "reason": "Syk"},
        logs_a_view=True,
    ),
    Page(
        "attendance",
        _url(
            "api-session-attendance",
            make=lambda p: _session(p, starts_at=timezone.now() - timedelta(hours=1)),
        ),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: {"attendance": "did_not_attend"},
        logs_a_view=True,
    ),
    Page(
        "note",
        _url("api-session-note"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "note saved",
        _url("api-session-note"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        method="put",
        data=lambda p: {"note": NOTE, "homework": "", "version": 0},
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_table_says(personas, page, persona, status):
    url = page.url(personas)
    api = _api(getattr(personas, persona))
    before = AccessEvent.objects.count(), Session.objects.count()

    response = getattr(api, page.method)(url, page.data(personas), format="json")

    assert response.status_code == status
    allowed = status < 300
    assert AccessEvent.objects.count() - before[0] == (1 if allowed and page.logs_a_view else 0)
    if not allowed:
        assert Session.objects.count() == before[1]
        assert "detail" in response.json()


@pytest.mark.parametrize("page", ENDPOINTS, ids=lambda page: page.label)
def test_without_a_login_every_endpoint_answers_401(personas, page):
    response = getattr(APIClient(), page.method)(page.url(personas), page.data(personas))

    assert response.status_code == 401


def test_clerical_staff_get_no_note_fields(personas):
    session = _session(personas, note=NOTE, homework="Pusteøvelse")
    url = reverse("api-session-detail", args=[session.pk])

    clerical = _api(personas.clerical).get(url).json()
    therapist = _api(personas.therapist).get(url).json()

    assert clerical["client_name"] == str(personas.client)
    assert not {"note", "homework", "note_version", "next_step"} & set(clerical)
    assert (therapist["note"], therapist["homework"], therapist["note_version"]) == (
        NOTE,
        "Pusteøvelse",
        0,
    )


def test_the_list_filters_by_therapist_and_dates_and_never_holds_notes(personas):
    episode = open_episode(personas)
    mine = SessionFactory(episode=episode, starts_at=_later(days=2), note=NOTE)
    SessionFactory(episode=episode, starts_at=_later(days=5))
    SessionFactory(episode=episode, starts_at=_later(days=2), therapist=personas.colleague)
    SessionFactory(
        episode=EpisodeFactory(team=personas.other_team, primary_therapist=personas.outsider)
    )
    day = timezone.localdate(mine.starts_at).isoformat()

    response = _api(personas.therapist).get(
        reverse("api-session-list"),
        {"therapist": personas.therapist.pk, "from": day, "to": day},
    )

    rows = response.json()["results"]
    assert [row["id"] for row in rows] == [mine.pk]
    assert "note" not in rows[0]


@pytest.mark.parametrize("query", [{"from": "31.02.2026"}, {"therapist": "x"}, {"episode": "x"}])
def test_an_unreadable_filter_is_400(personas, query):
    response = _api(personas.therapist).get(reverse("api-session-list"), query)

    assert response.status_code == 400
    assert list(response.json()) == [next(iter(query))]


def test_a_double_booking_is_400_and_books_nothing(personas):
    episode = open_episode(personas)
    SessionFactory(episode=episode, starts_at=_later())

    response = _api(personas.clerical).post(
        reverse("api-session-list"), _booking(personas, episode), format="json"
    )

    assert response.status_code == 400
    assert "overlapper" in response.json()["starts_at"][0]
    assert Session.objects.filter(episode=episode).count() == 1


@pytest.mark.parametrize(
    "body",
    [
        ["not", "an", "object"],
        {"episode": "abc"},
        {"starts_at": "i morgen"},
        {"mode": "telepathy"},
        {"therapist": 987654},
    ],
)
def test_bad_bookings_are_400(personas, body):
    data = body if isinstance(body, list) else _booking(personas) | body

    response = _api(personas.therapist).post(reverse("api-session-list"), data, format="json")

    assert response.status_code == 400
    assert Session.objects.count() == 0


def test_attendance_before_the_start_is_400(personas):
    session = _session(personas)

    response = _api(personas.therapist).post(
        reverse("api-session-attendance", args=[session.pk]),
        {"attendance": "attended"},
        format="json",
    )

    assert response.status_code == 400
    session.refresh_from_db()
    assert session.attendance == Attendance.BOOKED


def test_a_move_changes_only_what_is_sent(personas):
    session = _session(personas, location="Rom 2")

    response = _api(personas.clerical).patch(
        reverse("api-session-detail", args=[session.pk]), {"mode": "phone"}, format="json"
    )

    assert response.status_code == 200
    session.refresh_from_db()
    assert (session.mode, session.location, session.starts_at) == ("phone", "Rom 2", _later())
