"""Guided self-help pages: who gets in, and what the therapist sees and can do."""

import datetime

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from rph.audit.models import AccessEvent
from rph.audit.services import break_glass_open
from tests.personas import NOT_CARE_TEAM, Page, cases, expect
from tests.treatment.factories import EpisodeFactory, GuidedSelfHelpFactory, SessionFactory
from treatment.models import Attendance, Episode, GuidedSelfHelp, Programme, SessionPurpose

DAY = datetime.timedelta(days=1)
CLINICIANS = "therapist colleague psychologist team_lead"


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


def _start_form(p=None) -> dict:
    return {
        "programme": Programme.EMEISTRING,
        "material_given_on": (timezone.localdate() - DAY).strftime("%d.%m.%Y"),
        "follow_up_every_days": 14,
        "planned_calls": 0,
        "call_mode": "phone",
    }


def _call_form(p=None) -> dict:
    yesterday = timezone.localtime() - DAY
    return {
        "starts_at": yesterday.strftime("%d.%m.%Y %H:%M"),
        "mode": "phone",
        "attendance": Attendance.ATTENDED,
        "modules_done": 2,
        "next_step": "Fortsett med modul 3.",
    }


def _url(name: str, make):
    return lambda p: reverse(name, args=[make(p).pk])


PAGES = [
    Page(
        "self-help start",
        _url("treatment:self_help_start", _episode),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "self-help started",
        _url("treatment:self_help_start", _episode),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=_start_form,
        logs_a_view=True,
    ),
    Page(
        "self-help detail",
        _url("treatment:self_help_detail", _self_help),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "self-help call",
        _url("treatment:self_help_call", _self_help),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "self-help call recorded",
        _url("treatment:self_help_call", _self_help),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=_call_form,
        logs_a_view=True,
    ),
    Page(
        "self-help end",
        _url("treatment:self_help_end", _self_help),
        expect("therapist", denied=NOT_CARE_TEAM, missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "self-help ended",
        _url("treatment:self_help_end", _self_help),
        expect("therapist", 302, denied=NOT_CARE_TEAM, missing="outsider"),
        method="post",
        data=lambda p: {"ended_on": timezone.localdate().strftime("%d.%m.%Y")},
        logs_a_view=True,
    ),
    Page(
        "self-help overdue",
        lambda p: reverse("treatment:self_help_overdue"),
        # The outsider sees their own team's (empty) list.
        expect(f"{CLINICIANS} outsider", denied="clerical admin"),
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    http = login(getattr(personas, persona))
    before = AccessEvent.objects.count()

    response = getattr(http, page.method)(url, page.data(personas))

    assert response.status_code == status
    logged = 1 if status in (200, 302) and page.logs_a_view else 0
    assert AccessEvent.objects.count() - before == logged


@pytest.mark.parametrize("page", PAGES, ids=lambda page: page.label)
def test_anonymous_visitors_are_sent_to_the_login_page(personas, client, page):
    url = page.url(personas)

    response = getattr(client, page.method)(url, page.data(personas))

    assert response.status_code == 302
    assert response["Location"] == f"{reverse(settings.LOGIN_URL)}?next={url}"


def test_starting_from_the_episode_books_the_first_calls_and_shows_them(personas, login):
    episode = _episode(personas)
    first = timezone.localtime() + 2 * DAY
    form = _start_form() | {
        "planned_calls": 2,
        "first_call_at": first.strftime("%d.%m.%Y 09:00"),
        "modules_total": 8,
    }

    response = login(personas.therapist).post(
        reverse("treatment:self_help_start", args=[episode.pk]), form, follow=True
    )

    page = response.content.decode()
    assert "Veiledet selvhjelp er startet." in page
    assert page.count('data-testid="call"') == 2
    assert f"Neste samtale avtalt {first:%d.%m.%Y} 09:00" in page


def test_a_start_form_with_a_problem_says_what_is_wrong_and_saves_nothing(personas, login):
    episode = _episode(personas)
    form = _start_form() | {"programme": Programme.BOOK, "programme_detail": ""}

    response = login(personas.therapist).post(
        reverse("treatment:self_help_start", args=[episode.pk]), form
    )

    assert response.status_code == 200
    assert "Oppgi tittelen eller beskriv materiellet." in response.content.decode()
    assert not GuidedSelfHelp.objects.exists()


def test_a_recorded_call_shows_progress_and_the_next_step(personas, login):
    self_help = _self_help(personas, modules_total=6)
    http = login(personas.therapist)

    response = http.post(
        reverse("treatment:self_help_call", args=[self_help.pk]), _call_form(), follow=True
    )

    page = response.content.decode()
    assert "Oppfølgingssamtalen er registrert." in page
    assert "2 / 6" in page
    assert "Fortsett med modul 3." in page


def test_a_booked_call_can_be_chosen_when_recording(personas, login):
    self_help = _self_help(personas)
    booked = SessionFactory(
        episode=self_help.episode,
        guided_self_help=self_help,
        purpose=SessionPurpose.FOLLOW_UP,
        starts_at=timezone.now() - datetime.timedelta(hours=1),
    )

    login(personas.therapist).post(
        reverse("treatment:self_help_call", args=[self_help.pk]),
        {"session": booked.pk, "mode": "phone", "attendance": Attendance.DID_NOT_ATTEND},
    )

    booked.refresh_from_db()
    assert booked.attendance == Attendance.DID_NOT_ATTEND
    assert self_help.follow_ups.count() == 1


def test_the_overdue_list_names_the_client_and_how_long_it_is_overdue(personas, login):
    self_help = _self_help(personas)  # given 20 days ago, every 14 days: 6 days overdue

    response = login(personas.colleague).get(reverse("treatment:self_help_overdue"))

    page = response.content.decode()
    assert personas.client.last_name in page
    assert "6 dager forfalt" in page
    assert reverse("treatment:self_help_detail", args=[self_help.pk]) in page


def test_the_episode_page_shows_the_guided_self_help_to_the_care_team(personas, login):
    self_help = _self_help(personas, programme=Programme.ASSISTED_SLEEP)

    page = (
        login(personas.therapist)
        .get(reverse("treatment:episode_detail", args=[self_help.episode.pk]))
        .content.decode()
    )

    assert 'data-testid="self-help-section"' in page
    assert reverse("treatment:self_help_detail", args=[self_help.pk]) in page
    assert "Oppfølging forfalt siden" in page


def test_guided_self_help_ends_with_the_episode_on_both_pages(personas, login):
    self_help = _self_help(personas)  # a follow-up overdue while the episode was open
    ended = timezone.now() - DAY
    Episode.objects.filter(pk=self_help.episode.pk).update(ended_at=ended, end_reason="completed")
    session = login(personas.therapist)
    urls = [
        reverse("treatment:episode_detail", args=[self_help.episode.pk]),
        reverse("treatment:self_help_detail", args=[self_help.pk]),
    ]

    for url in urls:
        page = session.get(url).content.decode()
        assert f"Avsluttet med forløpet {timezone.localtime(ended):%d.%m.%Y}" in page
        assert "Oppfølging forfalt siden" not in page
        assert "Neste samtale forfaller" not in page


def test_the_episode_page_offers_to_start_guided_self_help_when_there_is_none(personas, login):
    episode = _episode(personas)

    page = (
        login(personas.therapist)
        .get(reverse("treatment:episode_detail", args=[episode.pk]))
        .content.decode()
    )

    assert reverse("treatment:self_help_start", args=[episode.pk]) in page


def test_clerical_staff_never_see_guided_self_help(personas, login):
    self_help = _self_help(personas)

    response = login(personas.clerical).get(
        reverse("treatment:self_help_detail", args=[self_help.pk])
    )

    assert response.status_code == 403
    assert personas.client.last_name not in response.content.decode()


def test_a_colleague_with_emergency_access_reads_but_cannot_record(personas, login):
    self_help = _self_help(personas)
    break_glass_open(
        user=personas.colleague, team=personas.team, subject=personas.client, reason="x" * 30
    )
    http = login(personas.colleague)

    detail = http.get(reverse("treatment:self_help_detail", args=[self_help.pk]))
    call = http.get(reverse("treatment:self_help_call", args=[self_help.pk]))

    assert detail.status_code == 200
    assert reverse("treatment:self_help_call", args=[self_help.pk]) not in detail.content.decode()
    assert call.status_code == 403
