"""The client's link: valid once, within its window; a wrong, used or expired link tells
nothing; opening is not using; many wrong links from one address are turned away."""

import re
from datetime import datetime, timedelta

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from questionnaires import link_views
from questionnaires.link_views import LINK_LIMIT
from questionnaires.models import Invitation, Response
from tests.questionnaires.response_data import PHQ9, answers_post, new_link

NOW = datetime.fromisoformat("2026-03-02T10:00:00+01:00")
INVALID = "Lenken er ikke lenger gyldig."
CONTACT = "Ta kontakt med behandleren din."


@pytest.fixture
def now(time_machine):
    time_machine.move_to(NOW, tick=False)
    return time_machine


def without_csrf(page: bytes) -> str:
    """The page without what differs by request: the CSRF token and the address itself."""
    page_text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page.decode())
    return re.sub(r'name="next" type="hidden" value="[^"]+"', "", page_text)


def wrong_path(path: str) -> str:
    return path[:-2] + ("A/" if path[-2] != "A" else "B/")


def test_a_valid_link_opens_the_questionnaire(personas, client):
    _invitation, path = new_link(personas.client)

    response = client.get(path)

    assert response.status_code == 200
    assert "Skjema 1 av 2" in response.content.decode()


@pytest.mark.parametrize("case", ["wrong", "expired", "used", "garbage"])
def test_a_wrong_expired_or_used_link_gets_the_same_page_and_status(personas, client, now, case):
    invitation, path = new_link(personas.client, occasion_at=NOW + timedelta(hours=3))
    wrong = client.get(wrong_path(path))
    if case == "expired":
        now.shift(timedelta(hours=5, seconds=1))  # the session + 2 hours' grace has passed
        response = client.get(path)
    elif case == "used":
        Invitation.objects.filter(pk=invitation.pk).update(completed_at=NOW)
        response = client.get(path)
    elif case == "garbage":
        response = client.get(reverse("questionnaires:link", args=["x" * 2000]))
    else:
        response = wrong

    assert response.status_code == wrong.status_code == 404
    assert without_csrf(response.content) == without_csrf(wrong.content)
    page = response.content.decode()
    assert INVALID in page and CONTACT in page
    assert personas.client.first_name not in page


def test_the_link_works_until_its_last_second(personas, client, now):
    _invitation, path = new_link(personas.client, occasion_at=NOW + timedelta(hours=3))

    now.shift(timedelta(hours=5) - timedelta(seconds=1))

    assert client.get(path).status_code == 200


def test_opening_the_link_changes_nothing(personas, client):
    invitation, path = new_link(personas.client)
    before = Invitation.objects.filter(pk=invitation.pk).values().get()

    client.get(path)
    HttpClient().get(path)  # a link scanner, on another machine

    assert Invitation.objects.filter(pk=invitation.pk).values().get() == before


def test_a_link_opened_twice_is_used_once_by_the_submission(personas, client):
    invitation, path = new_link(personas.client, codes=["phq9"])
    client.get(path)
    client.get(path)

    first = client.post(path, answers_post("phq9", PHQ9))
    second = client.post(path, answers_post("phq9", PHQ9))

    assert first.status_code == 302 and first["Location"] == reverse("questionnaires:link_done")
    assert second.status_code == 404 and INVALID in second.content.decode()
    assert Response.objects.filter(invitation=invitation).count() == 1
    assert client.get(path).status_code == 404


def test_a_double_submit_of_the_last_questionnaire_stores_one_set(personas, client):
    invitation, path = new_link(personas.client)
    client.post(path, answers_post("phq9", PHQ9))
    gad7 = answers_post("gad7", [1] * 7)

    client.post(path, gad7)
    client.post(path, gad7)

    assert sorted(Response.objects.values_list("instrument_code", flat=True)) == ["gad7", "phq9"]
    invitation.refresh_from_db()
    assert invitation.completed_at is not None and invitation.draft_answers == {}


def test_a_submission_that_finds_the_link_used_meanwhile_stores_nothing(personas, client):
    invitation, path = new_link(personas.client, codes=["phq9"])
    page = client.get(path)
    assert page.status_code == 200
    Invitation.objects.filter(pk=invitation.pk).update(completed_at=NOW)  # another tab won

    response = client.post(path, answers_post("phq9", PHQ9))

    assert response.status_code == 404
    assert not Response.objects.exists()


def test_two_submissions_that_both_found_the_link_open_store_one_set(personas, client, monkeypatch):
    invitation, path = new_link(personas.client, codes=["phq9"])
    # Both requests looked the link up before either had used it (two taps, two tabs).
    seen_open = Invitation.objects.select_related("client", "team").get(pk=invitation.pk)
    monkeypatch.setattr(link_views, "invitation_for_token", lambda token: seen_open)

    first = client.post(path, answers_post("phq9", PHQ9))
    second = client.post(path, answers_post("phq9", PHQ9))

    assert first.status_code == 302
    assert second.status_code == 404 and INVALID in second.content.decode()
    assert Response.objects.count() == 1


class TestBruteForce:
    def test_after_20_wrong_links_the_address_gets_429(self, personas, client):
        _invitation, path = new_link(personas.client)
        for _ in range(LINK_LIMIT):
            assert client.get(wrong_path(path)).status_code == 404

        response = client.get(wrong_path(path))

        assert response.status_code == 429
        assert "For mange forsøk" in response.content.decode()
        assert int(response["Retry-After"]) > 0

    def test_posts_with_wrong_links_count_too(self, personas, client):
        _invitation, path = new_link(personas.client)
        for _ in range(LINK_LIMIT):
            client.post(wrong_path(path), answers_post("phq9", PHQ9))

        assert client.get(wrong_path(path)).status_code == 429

    def test_once_limited_even_a_right_link_waits(self, personas, client):
        _invitation, path = new_link(personas.client)
        for _ in range(LINK_LIMIT + 1):
            client.get(wrong_path(path))

        assert client.get(path).status_code == 429
        assert client.post(path, answers_post("phq9", PHQ9)).status_code == 429
        assert not Response.objects.exists()

    def test_right_links_are_not_counted(self, personas, client):
        _invitation, path = new_link(personas.client)

        for _ in range(LINK_LIMIT + 5):
            assert client.get(path).status_code == 200

    def test_another_address_is_not_limited(self, personas, client):
        _invitation, path = new_link(personas.client)
        for _ in range(LINK_LIMIT + 1):
            client.get(wrong_path(path))

        assert HttpClient(REMOTE_ADDR="203.0.113.9").get(path).status_code == 200

    def test_the_limit_lifts_after_ten_minutes(self, personas, client, now):
        _invitation, path = new_link(personas.client)
        for _ in range(LINK_LIMIT + 1):
            client.get(wrong_path(path))

        now.shift(timedelta(minutes=10))

        assert client.get(path).status_code == 200
