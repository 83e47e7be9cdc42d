"""The episode pages as a clinician sees them: the list, the episode, offers, therapists,
starting an episode by hand, the discharge with its final questionnaire, the client page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.assessments.choices import Decision, Step
from intake.models import ReachKind
from questionnaires.models import Invitation, Message
from tests.intake.assessment_data import completed
from tests.intake.factories import ContactFactory, give_consents
from tests.treatment.episode_data import episode_of, scores
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EpisodeFactory,
    MeetingAttendanceFactory,
    OfferFactory,
    SessionFactory,
)
from treatment.episodes import page as episode_page
from treatment.episodes.services import co_therapist_add, episode_end, therapist_change
from treatment.models import Attendance, EndReason, Episode, OfferEnd, OfferStart

MONDAY_10 = "2026-03-02T10:00:00+01:00"


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MONDAY_10, tick=False)
    return timezone.now()


def _days_ago(days: int) -> datetime.datetime:
    return timezone.now() - datetime.timedelta(days=days)


def _page(http, name: str, pk: int) -> str:
    response = http.get(reverse(name, args=[pk]))
    assert response.status_code == 200
    return response.content.decode()


# The episode page -----------------------------------------------------------------------


def test_the_episode_page_shows_therapists_offers_and_the_outcome_so_far(personas, login):
    p = personas
    episode = episode_of(p, days_ago=30)
    therapist_change(episode=episode, therapist=p.colleague, reason="Permisjon", by=p.therapist)
    therapist_change(episode=episode, therapist=p.therapist, reason="Tilbake", by=p.therapist)
    co_therapist_add(episode=episode, therapist=p.psychologist)
    OfferFactory(episode=episode, step=Step.COURSE, start_reason=OfferStart.PARALLEL, note="KiD")
    scores(p.client, _days_ago(29), phq9=16, gad7=12, by=p.therapist)
    scores(p.client, _days_ago(1), phq9=5, gad7=4, by=p.therapist)

    html = _page(login(p.therapist), "treatment:episode_detail", episode.pk)

    assert p.client.last_name in html
    assert "Åpen" in html
    assert str(p.colleague) in html and "Permisjon" in html and "Tilbake" in html
    assert str(p.psychologist) in html
    assert "Trinn 3: individuell behandling" in html
    assert "Samtidig tilbud" in html and "KiD" in html
    assert "Pålitelig bedring (reliable recovery) (så langt)" in html
    assert "PHQ-9 16 → 5, GAD-7 12 → 4" in html


def test_an_ended_episode_shows_why_and_offers_no_changes(personas, login):
    episode = episode_of(personas)
    episode_end(episode=episode, reason=EndReason.MOVED, note="", by=personas.therapist)

    html = _page(login(personas.therapist), "treatment:episode_detail", episode.pk)

    assert "Flyttet" in html
    assert "Forløpet ble avsluttet" in html  # the offer's end reason
    assert reverse("treatment:episode_end", args=[episode.pk]) not in html
    assert reverse("treatment:offer_add", args=[episode.pk]) not in html


def test_the_episode_page_shows_the_sections_other_parts_register(personas, login, monkeypatch):
    monkeypatch.setattr(episode_page, "_sections", [])
    episode_page.register_episode_section(
        lambda request, episode, access: f"<p>Timer for forløp {episode.pk}</p>"
    )
    episode = episode_of(personas)

    html = _page(login(personas.therapist), "treatment:episode_detail", episode.pk)

    assert f"Timer for forløp {episode.pk}" in html


# The list -------------------------------------------------------------------------------


def test_the_list_has_the_teams_open_episodes_only(personas, login):
    mine = episode_of(personas)
    ended = episode_of(personas)
    episode_end(episode=ended, reason=EndReason.COMPLETED, note="", by=personas.therapist)
    other = EpisodeFactory(
        team=personas.other_team,
        primary_therapist=personas.outsider,
        client__last_name="Annetteam-Østby",  # a name no generated person here can share
    )

    response = login(personas.team_lead).get(reverse("treatment:episode_list"))

    episodes = list(response.context["page"])
    assert episodes == [mine]
    assert other.client.last_name not in response.content.decode()


def test_my_episodes_are_those_i_am_primary_or_co_therapist_of(personas, login):
    primary = episode_of(personas)
    co = EpisodeFactory(team=personas.team, primary_therapist=personas.colleague)
    co_therapist_add(episode=co, therapist=personas.therapist)
    EpisodeFactory(team=personas.team, primary_therapist=personas.colleague)

    response = login(personas.therapist).get(reverse("treatment:episode_list") + "?mine=1")

    assert set(response.context["page"]) == {primary, co}


def _queries(http, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert http.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_list_reads_in_the_same_number_of_queries_however_many(
    personas, login, django_assert_num_queries
):
    http = login(personas.therapist)
    url = reverse("treatment:episode_list")
    episode_of(personas)
    few = _queries(http, url)
    for _ in range(5):
        OfferFactory(
            episode=EpisodeFactory(team=personas.team, primary_therapist=personas.colleague),
            step=Step.COURSE,
        )

    with django_assert_num_queries(few):
        http.get(url)


# Offers and therapists ------------------------------------------------------------------


def test_a_step_down_from_the_form_ends_the_replaced_offer(personas, login):
    episode = episode_of(personas)
    current = episode.offers.get()

    response = login(personas.therapist).post(
        reverse("treatment:offer_add", args=[episode.pk]),
        {
            "start_reason": OfferStart.STEP_DOWN,
            "step": Step.COURSE,
            "end_current": current.pk,
            "started_on": timezone.localdate().strftime("%d.%m.%Y"),
            "note": "Kurs i mestring av belastning",
        },
        follow=True,
    )

    assert "Tilbudet er lagt til." in response.content.decode()
    current.refresh_from_db()
    assert current.end_reason == OfferEnd.STEPPED
    assert episode.offers.get(ended_on__isnull=True).step == Step.COURSE


def test_a_step_up_to_a_lower_step_is_refused_on_the_page_and_nothing_changes(personas, login):
    episode = episode_of(personas)

    response = login(personas.therapist).post(
        reverse("treatment:offer_add", args=[episode.pk]),
        {
            "start_reason": OfferStart.STEP_UP,
            "step": Step.GUIDED_SELF_HELP,
            "end_current": episode.offers.get().pk,
            "started_on": timezone.localdate().strftime("%d.%m.%Y"),
        },
    )

    assert response.status_code == 200
    assert "Trinn opp må være til et høyere trinn" in response.content.decode()
    assert episode.offers.get().ended_on is None


def test_the_offer_end_form_ends_one_offer_and_the_episode_goes_on(personas, login):
    episode = episode_of(personas)
    offer = episode.offers.get()

    login(personas.therapist).post(
        reverse("treatment:offer_end", args=[offer.pk]),
        {"reason": OfferEnd.DROPPED_OUT, "ended_on": timezone.localdate().strftime("%d.%m.%Y")},
    )

    offer.refresh_from_db()
    assert offer.end_reason == OfferEnd.DROPPED_OUT
    assert Episode.objects.get().is_open


def test_changing_the_therapist_on_the_page_keeps_the_history(personas, login):
    episode = episode_of(personas)

    response = login(personas.therapist).post(
        reverse("treatment:episode_therapist", args=[episode.pk]),
        {"therapist": personas.colleague.pk, "reason": "Sykemelding"},
        follow=True,
    )

    assert "Hovedbehandleren er byttet." in response.content.decode()
    assert Episode.objects.get().primary_therapist == personas.colleague
    assert episode.therapist_history.count() == 2
    assert personas.colleague in personas.client.care_team.all()


def test_the_therapist_form_offers_only_the_teams_clinicians(personas, login):
    episode = episode_of(personas)

    form = (
        login(personas.therapist)
        .get(reverse("treatment:episode_therapist", args=[episode.pk]))
        .context["form"]
    )

    choices = set(form.fields["therapist"].queryset)
    assert choices == {personas.colleague, personas.psychologist, personas.team_lead}


def test_co_therapists_are_set_from_one_form(personas, login):
    episode = episode_of(personas)
    co_therapist_add(episode=episode, therapist=personas.colleague)

    login(personas.therapist).post(
        reverse("treatment:episode_co_therapists", args=[episode.pk]),
        {"therapists": [personas.psychologist.pk]},
    )

    assert list(episode.co_therapists.all()) == [personas.psychologist]


# Starting an episode by hand ------------------------------------------------------------


def test_an_assessment_with_an_episode_leads_to_it(personas, login):
    episode = episode_of(personas)
    contact = ContactFactory(team=personas.team, client=personas.client)
    assessment = completed(contact=contact, therapist=personas.therapist)
    Episode.objects.filter(pk=episode.pk).update(assessment=assessment)

    response = login(personas.therapist).get(
        reverse("treatment:episode_create", args=[assessment.pk])
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("treatment:episode_detail", args=[episode.pk])


def test_an_assessment_that_placed_nobody_cannot_start_an_episode(personas, login):
    contact = ContactFactory(team=personas.team, client=personas.client)
    assessment = completed(
        contact=contact,
        therapist=personas.therapist,
        decision=Decision.OUTSIDE,
        decision_reason="Trenger spesialisthelsetjenesten",
    )

    response = login(personas.therapist).post(
        reverse("treatment:episode_create", args=[assessment.pk])
    )

    assert response.status_code == 200
    assert "Bare en fullført kartlegging" in response.content.decode()
    assert not Episode.objects.exists()


# The discharge --------------------------------------------------------------------------


def _attended(episode, days_ago: int):
    return SessionFactory(
        episode=episode, starts_at=_days_ago(days_ago), attendance=Attendance.ATTENDED
    )


def test_the_discharge_shows_sessions_first_and_last_scores_and_the_outcome(personas, login, now):
    p = personas
    episode = episode_of(p, days_ago=40)
    scores(p.client, _days_ago(39), phq9=10, gad7=9, by=p.therapist)
    for days in (30, 20, 10):
        _attended(episode, days)
    scores(p.client, _days_ago(10) - datetime.timedelta(hours=2), phq9=7, gad7=6, by=p.therapist)

    response = login(p.therapist).get(reverse("treatment:episode_end", args=[episode.pk]))

    html = response.content.decode()
    assert "3 behandlingstimer med oppmøte" in html
    assert "Bedring (recovery) (så langt)" in html
    table = response.context["facts"]
    assert (table.first.phq9, table.first.gad7, table.last.phq9, table.last.gad7) == (10, 9, 7, 6)
    assert 'data-testid="final-scores-missing"' not in html


def test_the_discharge_warns_when_no_scores_came_after_the_last_session(personas, login, now):
    p = personas
    episode = episode_of(p, days_ago=40)
    scores(p.client, _days_ago(39), phq9=14, gad7=9, by=p.therapist)
    _attended(episode, 20)
    scores(p.client, _days_ago(20), phq9=10, gad7=8, by=p.therapist)
    course_type = CourseTypeFactory(team=p.team)
    run = CourseRunFactory(course_type=course_type, created_by=p.therapist)
    meeting = CourseMeetingFactory(run=run, starts_at=_days_ago(5))
    MeetingAttendanceFactory(meeting=meeting, episode=episode)  # the course meeting is later

    html = _page(login(p.therapist), "treatment:episode_end", episode.pk)

    assert 'data-testid="final-scores-missing"' in html
    assert "Send sluttskjema nå" in html
    assert "2 behandlingstimer med oppmøte" in html


def test_the_discharge_warns_when_there_are_no_paired_scores_at_all(personas, login, now):
    episode = episode_of(personas)
    scores(personas.client, _days_ago(0), phq9=12, gad7=None, by=personas.therapist)

    html = _page(login(personas.therapist), "treatment:episode_end", episode.pk)

    assert "ingen PHQ-9 og GAD-7 besvart sammen" in html
    assert "Pågår" in html


def test_the_final_questionnaire_goes_now_with_the_episode_as_occasion(personas, login, now):
    episode = episode_of(personas)
    give_consents(personas.client, ReachKind.SMS, ReachKind.DIGITAL_QUESTIONNAIRES)
    ContactFactory(team=personas.team, client=personas.client)

    response = login(personas.therapist).post(
        reverse("treatment:episode_final_questionnaire", args=[episode.pk]), follow=True
    )

    assert "Sluttskjemaet sendes til klienten nå." in response.content.decode()
    invitation = Invitation.objects.get()
    assert invitation.occasion == episode
    assert invitation.instrument_codes == ["phq9", "gad7", "wsas", "satisfaction"]
    message = Message.objects.get()
    assert message.invitation == invitation
    assert message.send_after == timezone.now()
    assert 'data-testid="final-scores-missing"' not in response.content.decode()
    assert "er ikke besvart ennå" in response.content.decode()


def test_without_consent_the_final_questionnaire_is_refused_and_the_end_still_works(
    personas, login, now
):
    episode = episode_of(personas)
    http = login(personas.therapist)

    refused = http.post(
        reverse("treatment:episode_final_questionnaire", args=[episode.pk]), follow=True
    )
    ended = http.post(
        reverse("treatment:episode_end", args=[episode.pk]),
        {"reason": EndReason.COMPLETED, "note": "Avsluttet uten sluttskjema"},
        follow=True,
    )

    assert "Klienten har ikke samtykket til å få spørreskjemaer" in refused.content.decode()
    assert not Invitation.objects.exists()
    assert "Forløpet er avsluttet." in ended.content.decode()
    assert not Episode.objects.get().is_open


def test_the_discharge_of_an_ended_episode_leads_back_to_it(personas, login):
    episode = episode_of(personas)
    episode_end(episode=episode, reason=EndReason.COMPLETED, note="", by=personas.therapist)

    response = login(personas.therapist).get(reverse("treatment:episode_end", args=[episode.pk]))

    assert response.status_code == 302
    assert Episode.objects.get().end_reason == EndReason.COMPLETED


# The client page ------------------------------------------------------------------------


def test_the_client_page_lists_the_episodes_with_steps_status_and_outcome(personas, login):
    episode = episode_of(personas, step=Step.COURSE)
    _attended(episode, 0)
    episode_end(episode=episode, reason=EndReason.COMPLETED, note="", by=personas.therapist)

    html = _page(login(personas.therapist), "intake:client_detail", personas.client.pk)

    assert 'data-testid="episode-section"' in html
    assert reverse("treatment:episode_detail", args=[episode.pk]) in html
    assert "Trinn 2: kurs eller gruppe" in html
    assert "Færre enn to behandlingstimer" in html


def test_clerical_staff_see_no_episodes_on_the_client_page(personas, login):
    episode_of(personas)

    html = _page(login(personas.clerical), "intake:client_detail", personas.client.pk)

    assert 'data-testid="episode-section"' not in html


def test_the_client_section_reads_in_the_same_number_of_queries_however_many(
    personas, login, django_assert_num_queries
):
    http = login(personas.therapist)
    url = reverse("intake:client_detail", args=[personas.client.pk])
    episode_of(personas)
    few = _queries(http, url)
    for _ in range(4):
        episode = episode_of(personas)
        _attended(episode, 0)

    with django_assert_num_queries(few):
        http.get(url)


def test_the_client_page_offers_to_start_an_episode_an_assessment_did_not_start(personas, login):
    contact = ContactFactory(team=personas.team, client=personas.client)
    assessment = completed(  # completed before episodes were started automatically
        contact=contact, therapist=personas.therapist
    )
    type(assessment).objects.filter(pk=assessment.pk).update(
        decision=Decision.IN_TARGET_GROUP, step=Step.INDIVIDUAL
    )

    html = _page(login(personas.therapist), "intake:client_detail", personas.client.pk)

    assert 'data-testid="episode-not-started"' in html
    assert reverse("treatment:episode_create", args=[assessment.pk]) in html
