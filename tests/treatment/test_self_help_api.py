"""The guided self-help and caseload API: the same rules as the pages, JSON errors, nothing
half-saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from rph.audit.models import AccessEvent
from tests.personas import NOT_CARE_TEAM, Page, cases, expect
from tests.treatment.factories import EpisodeFactory, GuidedSelfHelpFactory, SessionFactory
from tests.treatment.test_caseload import scores
from treatment.models import Attendance, GuidedSelfHelp, Programme, Session, SessionPurpose

DAY = datetime.timedelta(days=1)
CLINICIANS = "therapist colleague psychologist team_lead"


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def _episode(p):
    return EpisodeFactory(
        team=p.team,
        client=p.client,
        primary_therapist=p.therapist,
        started_at=timezone.now() - 60 * DAY,
    )


def _self_help(p, **fields) -> GuidedSelfHelp:
    return GuidedSelfHelpFactory(
        episode=_episode(p), material_given_on=timezone.localdate() - 20 * DAY, **fields
    )


def _url(name: str):
    return lambda p: reverse(name, args=[_self_help(p).pk])


def _start(p) -> dict:
    return {
        "episode": _episode(p).pk,
        "programme": Programme.ASSISTED_ANXIETY,
        "material_given_on": (timezone.localdate() - DAY).isoformat(),
    }


def _call(p=None) -> dict:
    return {"starts_at": (timezone.now() - DAY).isoformat(), "attendance": Attendance.ATTENDED}


ENDPOINTS = [
    Page(
        "self-help list",
        lambda p: reverse("api-self-help-list"),
        expect(f"{CLINICIANS} outsider", denied="clerical admin"),
    ),
    Page(
        "self-help started",
        lambda p: reverse("api-self-help-list"),
        expect("therapist", 201, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=_start,
        logs_a_view=True,
    ),
    Page(
        "self-help detail",
        _url("api-self-help-detail"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "self-help calls",
        _url("api-self-help-calls"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "self-help call recorded",
        _url("api-self-help-calls"),
        expect("therapist", 201, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=_call,
        logs_a_view=True,
    ),
    Page(
        "self-help ended",
        _url("api-self-help-end"),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        logs_a_view=True,
    ),
    Page(
        "caseload",
        lambda p: reverse("api-caseload"),
        expect(f"{CLINICIANS} outsider", denied="clerical admin"),
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(ENDPOINTS))
def test_each_persona_gets_what_the_table_says(personas, page, persona, status):
    url = page.url(personas)
    data = page.data(personas)
    before = AccessEvent.objects.count(), GuidedSelfHelp.objects.count(), Session.objects.count()

    response = getattr(_api(getattr(personas, persona)), page.method)(url, data, format="json")

    assert response.status_code == status
    allowed = status < 300
    logged = 1 if allowed and page.logs_a_view else 0
    assert AccessEvent.objects.count() - before[0] == logged
    if not allowed:
        assert (GuidedSelfHelp.objects.count(), Session.objects.count()) == before[1:]
        assert "detail" in response.json()


@pytest.mark.parametrize("page", ENDPOINTS, ids=lambda page: page.label)
def test_without_a_login_every_endpoint_answers_401(personas, page):
    response = getattr(APIClient(), page.method)(page.url(personas), page.data(personas))

    assert response.status_code == 401


def test_starting_returns_the_self_help_with_its_first_due_date(personas):
    data = _start(personas) | {"planned_calls": 1, "first_call_at": _soon().isoformat()}

    response = _api(personas.therapist).post(reverse("api-self-help-list"), data, format="json")

    body = response.json()
    assert response.status_code == 201
    assert body["follow_up"]["overdue"] is False
    assert body["follow_up"]["due_on"] == (timezone.localdate() + 13 * DAY).isoformat()
    assert body["follow_up"]["next_booked_at"] is not None


def _soon() -> datetime.datetime:
    return (timezone.localtime() + 2 * DAY).replace(hour=9, minute=0, second=0, microsecond=0)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"programme": "website"}, "programme"),
        ({"programme": Programme.OTHER}, "programme_detail"),
        ({"material_given_on": "2999-01-01"}, "material_given_on"),
        ({"planned_calls": 2}, "first_call_at"),
    ],
)
def test_bad_input_is_a_400_naming_the_field_and_nothing_is_saved(personas, changes, field):
    data = _start(personas) | changes

    response = _api(personas.therapist).post(reverse("api-self-help-list"), data, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert not GuidedSelfHelp.objects.exists()


def test_a_booked_call_is_recorded_with_progress(personas):
    self_help = _self_help(personas, modules_total=5)
    booked = SessionFactory(
        episode=self_help.episode,
        guided_self_help=self_help,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    url = reverse("api-self-help-calls", args=[self_help.pk])
    data = {"session": booked.pk, "attendance": "attended", "modules_done": 2, "next_step": "M3"}

    response = _api(personas.therapist).post(url, data, format="json")
    calls = _api(personas.therapist).get(url).json()

    assert response.status_code == 201
    assert [(c["id"], c["modules_done"], c["next_step"]) for c in calls] == [(booked.pk, 2, "M3")]


def test_a_call_of_another_self_help_is_refused(personas):
    self_help = _self_help(personas)
    other = _self_help(personas)
    theirs = SessionFactory(
        episode=other.episode,
        guided_self_help=other,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )
    url = reverse("api-self-help-calls", args=[self_help.pk])

    response = _api(personas.therapist).post(
        url, {"session": theirs.pk, "attendance": "attended"}, format="json"
    )

    assert response.status_code == 400
    assert "session" in response.json()
    theirs.refresh_from_db()
    assert theirs.attendance == Attendance.BOOKED


def test_the_list_can_be_narrowed_to_the_overdue(personas):
    overdue = _self_help(personas)
    on_time = GuidedSelfHelpFactory(episode=_episode(personas))
    api = _api(personas.colleague)

    everything = api.get(reverse("api-self-help-list")).json()
    late = api.get(reverse("api-self-help-list"), {"overdue": "1"}).json()

    assert {row["id"] for row in everything} == {overdue.pk, on_time.pk}
    assert [row["id"] for row in late] == [overdue.pk]


def test_the_caseload_endpoint_gives_my_rows_with_scores_and_flags(personas):
    episode = _episode(personas)
    scores(personas.client, timezone.now() - 20 * DAY, 14, 10, personas.therapist)
    scores(personas.client, timezone.now() - DAY, 11, 12, personas.therapist)

    rows = _api(personas.therapist).get(reverse("api-caseload")).json()

    assert rows == [
        {
            "episode": episode.pk,
            "client": {
                "id": personas.client.pk,
                "first_name": personas.client.first_name,
                "last_name": personas.client.last_name,
            },
            "steps": [],
            "next_session_at": None,
            "phq9": {"total": 11, "previous": 14, "trend": "down"},
            "gad7": {"total": 12, "previous": 10, "trend": "up"},
            "flags": [{"code": "hidden_wait", "label": "Ikke sett på mer enn 28 dager"}],
        }
    ]
