"""The episode API: the same rules as the pages, JSON errors per field, nothing half-saved."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from intake.assessments.choices import Step
from rph.audit.models import AccessEvent
from tests.intake.factories import ClientFactory
from tests.treatment.episode_data import episode_of, scores
from tests.treatment.factories import EpisodeFactory, OfferFactory, SessionFactory
from treatment.episodes.services import episode_end
from treatment.models import Attendance, EndReason, Episode, OfferEnd

pytestmark = pytest.mark.django_db


def _api(user) -> APIClient:
    api = APIClient()
    api.force_login(user)
    return api


def _ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_the_list_has_my_teams_episodes_newest_first(personas):
    older = episode_of(personas, days_ago=10)
    newer = episode_of(personas, days_ago=1)
    EpisodeFactory(team=personas.other_team, primary_therapist=personas.outsider)

    response = _api(personas.psychologist).get(reverse("api-episode-list"))

    assert _ids(response) == [newer.pk, older.pk]
    row = response.json()["results"][0]
    assert row["steps"] == [Step.INDIVIDUAL]
    assert row["client_name"] == str(personas.client)
    assert "outcome" not in row


def test_the_list_filters_open_or_ended_episodes(personas):
    open_one = episode_of(personas)
    ended = episode_of(personas)
    episode_end(episode=ended, reason=EndReason.COMPLETED, note="", by=personas.therapist)
    api = _api(personas.therapist)

    assert _ids(api.get(reverse("api-episode-list"), {"open": "true"})) == [open_one.pk]
    assert _ids(api.get(reverse("api-episode-list"), {"open": "false"})) == [ended.pk]


def test_the_list_of_one_client_is_a_logged_look_at_the_record(personas):
    mine = episode_of(personas)
    other = ClientFactory(team=personas.team, care_team=[personas.therapist])
    EpisodeFactory(team=personas.team, client=other, primary_therapist=personas.therapist)

    response = _api(personas.therapist).get(
        reverse("api-episode-list"), {"client": personas.client.pk}
    )

    assert _ids(response) == [mine.pk]
    assert AccessEvent.objects.count() == 1


@pytest.mark.parametrize(
    ("params", "field"), [({"open": "maybe"}, "open"), ({"client": "x"}, "client")]
)
def test_bad_list_filters_get_400(personas, params, field):
    response = _api(personas.therapist).get(reverse("api-episode-list"), params)

    assert response.status_code == 400
    assert field in response.json()


def test_the_detail_has_offers_history_and_the_outcome(personas):
    p = personas
    episode = episode_of(p, days_ago=30)
    scores(p.client, timezone.now() - datetime.timedelta(days=29), phq9=18, gad7=12, by=p.therapist)
    for days in (20, 10):
        SessionFactory(
            episode=episode,
            starts_at=timezone.now() - datetime.timedelta(days=days),
            attendance=Attendance.ATTENDED,
        )
    scores(p.client, timezone.now() - datetime.timedelta(days=9), phq9=6, gad7=5, by=p.therapist)
    episode_end(episode=episode, reason=EndReason.COMPLETED, note="", by=p.therapist)

    data = _api(p.therapist).get(reverse("api-episode-detail", args=[episode.pk])).json()

    assert [offer["end_reason"] for offer in data["offers"]] == [OfferEnd.EPISODE_ENDED]
    assert data["therapist_history"][0]["therapist"] == p.therapist.pk
    outcome = data["outcome"]
    assert outcome["headline"] == "reliable_recovery"
    assert outcome["reason"] is None and outcome["counts"] and outcome["finished"]
    assert outcome["treatment_sessions"] == 2
    assert (outcome["first"]["phq9"], outcome["last"]["gad7"]) == (18, 5)
    assert outcome["recovered"] and outcome["reliable_improvement"]
    assert outcome["rule_version"] == "IAPT 1"


def test_an_open_episode_without_scores_says_why_it_has_no_outcome(personas):
    episode = episode_of(personas)

    outcome = (
        _api(personas.therapist)
        .get(reverse("api-episode-detail", args=[episode.pk]))
        .json()["outcome"]
    )

    assert outcome["headline"] is None and outcome["recovered"] is None
    assert outcome["reason"] == "still_open"
    assert outcome["first"] is None


def test_a_step_down_through_the_api(personas):
    episode = episode_of(personas)
    current = episode.offers.get()

    response = _api(personas.therapist).post(
        reverse("api-episode-offers", args=[episode.pk]),
        {"step": Step.COURSE, "start_reason": "step_down", "end_current": current.pk},
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["step"] == Step.COURSE
    current.refresh_from_db()
    assert current.end_reason == OfferEnd.STEPPED


def test_a_wrong_step_gets_400_in_norwegian_nothing_changes_and_the_look_is_logged(personas):
    episode = episode_of(personas)

    response = _api(personas.therapist).post(
        reverse("api-episode-offers", args=[episode.pk]),
        {
            "step": Step.GUIDED_SELF_HELP,
            "start_reason": "step_up",
            "end_current": episode.offers.get().pk,
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="nb",
    )

    assert response.status_code == 400
    assert "Trinn opp må være til et høyere trinn" in response.json()["step"][0]
    assert episode.offers.count() == 1
    assert AccessEvent.objects.count() == 1


@pytest.mark.parametrize(
    "body",
    [
        {"step": 7, "start_reason": "parallel"},
        {"step": 2, "start_reason": "placement"},
        {"step": 2, "start_reason": "parallel", "started_on": "i morgen"},
        {"step": 2, "start_reason": "parallel", "note": "x" * 501},
        ["not", "an", "object"],
    ],
)
def test_bad_offer_input_gets_400(personas, body):
    episode = episode_of(personas)

    response = _api(personas.therapist).post(
        reverse("api-episode-offers", args=[episode.pk]), body, format="json"
    )

    assert response.status_code == 400
    assert episode.offers.count() == 1


def test_an_offer_of_another_episode_cannot_be_replaced(personas):
    episode = episode_of(personas)
    other = OfferFactory(
        episode=EpisodeFactory(team=personas.team, primary_therapist=personas.therapist)
    )

    response = _api(personas.therapist).post(
        reverse("api-episode-offers", args=[episode.pk]),
        {"step": Step.COURSE, "start_reason": "step_down", "end_current": other.pk},
        format="json",
    )

    assert response.status_code == 400
    assert "end_current" in response.json()
    other.refresh_from_db()
    assert other.ended_on is None


def test_ending_through_the_api_and_not_twice(personas):
    episode = episode_of(personas)
    api = _api(personas.therapist)
    url = reverse("api-episode-end", args=[episode.pk])

    first = api.post(url, {"reason": "moved", "note": "Flyttet til Bergen"}, format="json")
    second = api.post(url, {"reason": "completed"}, format="json")

    assert first.status_code == 200
    assert first.json()["end_reason"] == "moved"
    assert first.json()["outcome"]["reason"] == "treated_once"
    assert second.status_code == 400
    assert Episode.objects.get().end_reason == EndReason.MOVED


def test_an_unknown_end_reason_gets_400(personas):
    episode = episode_of(personas)

    response = _api(personas.therapist).post(
        reverse("api-episode-end", args=[episode.pk]), {"reason": "bored"}, format="json"
    )

    assert response.status_code == 400
    assert "reason" in response.json()
    assert Episode.objects.get().is_open
