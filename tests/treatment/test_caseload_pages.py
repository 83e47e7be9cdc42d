"""My caseload and supervision pages: who gets in, what a row shows, fixed query counts."""

import datetime

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.personas import Page, cases, expect
from tests.treatment.test_caseload import _attended, _episode, _self_help, scores

DAY = datetime.timedelta(days=1)

PAGES = [
    Page(
        "caseload",
        lambda p: reverse("treatment:caseload"),
        # The outsider sees their own team's caseload (empty).
        expect("therapist colleague psychologist team_lead outsider", denied="clerical admin"),
    ),
    Page(
        "supervision",
        lambda p: reverse("treatment:supervision"),
        expect("psychologist team_lead", denied="clerical therapist colleague admin outsider"),
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    _episode(personas, client=personas.client)

    response = login(getattr(personas, persona)).get(page.url(personas))

    assert response.status_code == status
    if status == 403:
        assert personas.client.last_name not in response.content.decode()


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = client.get(url)

    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


def test_a_row_links_to_the_episode_and_reads_its_trend_and_flags_aloud(personas, login):
    episode = _episode(personas, client=personas.client, days_ago=40)
    _attended(episode, 35)
    scores(episode.client, timezone.now() - 30 * DAY, 16, 9, personas.therapist)
    scores(episode.client, timezone.now() - 29 * DAY, 12, 11, personas.therapist)

    page = login(personas.therapist).get(reverse("treatment:caseload")).content.decode()

    assert reverse("treatment:episode_detail", args=[episode.pk]) in page
    assert personas.client.last_name in page
    assert "ned fra 16" in page  # PHQ-9, for screen readers
    assert "opp fra 9" in page  # GAD-7
    assert "Ikke sett på mer enn 28 dager" in page


def test_the_therapist_sees_no_flag_where_there_is_none(personas, login):
    episode = _episode(personas, client=personas.client)
    _attended(episode, 2)

    page = login(personas.therapist).get(reverse("treatment:caseload")).content.decode()

    assert "Ingen flagg" in page


def test_supervision_shows_a_colleagues_flagged_client_with_the_therapist(personas, login):
    episode = _episode(personas, therapist=personas.colleague, days_ago=10)
    _self_help(episode, 20)

    page = login(personas.psychologist).get(reverse("treatment:supervision")).content.decode()

    assert episode.client.last_name in page
    assert personas.colleague.get_full_name() in page
    assert "Oppfølging av selvhjelp forfalt" in page


def test_the_menu_shows_my_caseload_to_clinicians_and_supervision_to_psychologists(personas, login):
    therapist = login(personas.therapist).get(reverse("home")).content.decode()
    psychologist = login(personas.psychologist).get(reverse("home")).content.decode()
    clerical = login(personas.clerical).get(reverse("home")).content.decode()

    assert reverse("treatment:caseload") in therapist
    assert reverse("treatment:supervision") not in therapist
    assert reverse("treatment:supervision") in psychologist
    assert reverse("treatment:caseload") not in clerical


@pytest.mark.parametrize("name", ["treatment:caseload", "treatment:supervision"])
def test_the_pages_take_the_same_number_of_queries_for_5_and_60_clients(personas, login, name):
    http = login(personas.team_lead)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert http.get(reverse(name)).status_code == 200
        return len(queries)

    def add(n: int) -> None:
        for _ in range(n):
            episode = _episode(personas, therapist=personas.team_lead, days_ago=40)
            _self_help(episode, 30)
            scores(episode.client, timezone.now() - DAY, 12, 9, personas.team_lead)

    add(5)
    few = count()
    add(55)
    assert count() == few
