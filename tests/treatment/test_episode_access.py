"""Every episode page and endpoint, every persona: who gets in, who is refused, who is told
it does not exist (tests/personas.py says how a row reads)."""

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from intake.assessments.choices import Decision, Step
from rph.accounts.roles import Role
from rph.audit.models import AccessEvent
from tests.accounts.factories import member
from tests.intake.assessment_data import completed
from tests.intake.factories import ContactFactory
from tests.personas import NOT_CARE_TEAM, Page, cases, expect
from tests.treatment.episode_data import episode_of

CLINICIANS = "therapist colleague psychologist team_lead"


def _assessment_without_episode(p):
    """Completed and placed, but its therapist has left the team: nobody started it yet."""
    gone = member(p.other_team, Role.THERAPIST)
    contact = ContactFactory(team=p.team, client=p.client)
    return completed(
        contact=contact, therapist=gone, decision=Decision.IN_TARGET_GROUP, step=Step.COURSE
    )


def _episode_url(name: str):
    return lambda p: reverse(name, args=[episode_of(p).pk])


def _offer_end_url(p) -> str:
    return reverse("treatment:offer_end", args=[episode_of(p).offers.get().pk])


def _today() -> str:
    return timezone.localdate().strftime("%d.%m.%Y")


ONE_CLIENT = {"denied": NOT_CARE_TEAM, "missing": "outsider"}

PAGES = [
    Page(
        "episode list",
        lambda p: reverse("treatment:episode_list"),
        # The outsider sees their own team's (empty) list.
        expect(f"{CLINICIANS} outsider", denied="clerical admin"),
    ),
    Page(
        "episode detail",
        _episode_url("treatment:episode_detail"),
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "start episode",
        lambda p: reverse("treatment:episode_create", args=[_assessment_without_episode(p).pk]),
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "start episode saved",
        lambda p: reverse("treatment:episode_create", args=[_assessment_without_episode(p).pk]),
        expect("therapist", 302, **ONE_CLIENT),
        method="post",
        logs_a_view=True,
    ),
    Page(
        "add offer",
        _episode_url("treatment:offer_add"),
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "add offer saved",
        _episode_url("treatment:offer_add"),
        expect("therapist", 302, **ONE_CLIENT),
        method="post",
        data=lambda p: {"start_reason": "parallel", "step": "2", "started_on": _today()},
        logs_a_view=True,
    ),
    Page(
        "end offer",
        _offer_end_url,
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "end offer saved",
        _offer_end_url,
        expect("therapist", 302, **ONE_CLIENT),
        method="post",
        data=lambda p: {"reason": "completed", "ended_on": _today()},
        logs_a_view=True,
    ),
    Page(
        "change therapist",
        _episode_url("treatment:episode_therapist"),
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "change therapist saved",
        _episode_url("treatment:episode_therapist"),
        expect("therapist", 302, **ONE_CLIENT),
        method="post",
        data=lambda p: {"therapist": p.colleague.pk, "reason": "Permisjon"},
        logs_a_view=True,
    ),
    Page(
        "co-therapists",
        _episode_url("treatment:episode_co_therapists"),
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "co-therapists saved",
        _episode_url("treatment:episode_co_therapists"),
        expect("therapist", 302, **ONE_CLIENT),
        method="post",
        data=lambda p: {"therapists": [p.psychologist.pk]},
        logs_a_view=True,
    ),
    Page(
        "end episode",
        _episode_url("treatment:episode_end"),
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "end episode saved",
        _episode_url("treatment:episode_end"),
        expect("therapist", 302, **ONE_CLIENT),
        method="post",
        data=lambda p: {"reason": "completed", "note": ""},
        logs_a_view=True,
    ),
    Page(
        "send final questionnaire",
        _episode_url("treatment:episode_final_questionnaire"),
        expect("therapist", 302, **ONE_CLIENT),
        method="post",
        logs_a_view=True,
    ),
]

ENDPOINTS = [
    Page(
        "api episode list",
        lambda p: reverse("api-episode-list"),
        expect(f"{CLINICIANS} outsider", denied="clerical admin"),
    ),
    Page(
        "api episode list of one client",
        lambda p: reverse("api-episode-list") + f"?client={p.client.pk}",
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "api episode detail",
        _episode_url("api-episode-detail"),
        expect("therapist", **ONE_CLIENT),
        logs_a_view=True,
    ),
    Page(
        "api add offer",
        _episode_url("api-episode-offers"),
        expect("therapist", 201, **ONE_CLIENT),
        method="post",
        data=lambda p: {"start_reason": "parallel", "step": 2},
        logs_a_view=True,
    ),
    Page(
        "api end episode",
        _episode_url("api-episode-end"),
        expect("therapist", **ONE_CLIENT),
        method="post",
        data=lambda p: {"reason": "completed"},
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES + ENDPOINTS))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    logged = 1 if status in (200, 201, 302) and page.logs_a_view else 0
    assert AccessEvent.objects.count() - before == logged


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


@pytest.mark.parametrize("page", ENDPOINTS, ids=lambda page: page.label)
def test_the_api_refuses_anonymous_callers(personas, client, page):
    response = getattr(client, page.method)(page.url(personas), page.data(personas))

    assert response.status_code == 401


def test_a_colleague_is_offered_emergency_access_not_the_episode(personas, login):
    url = reverse("treatment:episode_detail", args=[episode_of(personas).pk])

    response = login(personas.colleague).get(url)

    assert response.status_code == 403
    assert (
        reverse("intake:client_break_glass", args=[personas.client.pk]) in response.content.decode()
    )
    assert personas.client.last_name not in response.content.decode()


def test_another_teams_episode_looks_like_it_does_not_exist(personas, login):
    url = reverse("treatment:episode_detail", args=[episode_of(personas).pk])

    response = login(personas.outsider).get(url)

    assert response.status_code == 404
    assert personas.client.last_name not in response.content.decode()
