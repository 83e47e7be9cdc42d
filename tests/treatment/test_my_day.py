"""My day: a clinician's whole day on one date (sessions, follow-up calls, assessment calls,
course meetings), with the questionnaire highlighted once the client has answered it, the open
risk alerts and the sessions whose attendance is overdue."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import AssessmentOffer, ReachKind
from questionnaires import outbox
from questionnaires.models import Invitation
from tests.intake.factories import give_consents
from tests.questionnaires.outbox_data import Recorder, book, consenting_contact, health_team
from tests.questionnaires.risk_data import raise_alert
from tests.treatment.factories import (
    CourseMeetingFactory,
    CourseRunFactory,
    CourseTypeFactory,
    EpisodeFactory,
    SessionFactory,
)

MY_DAY = reverse("treatment:my_day")
MONDAY = "2026-03-02T10:00:00+01:00"
THURSDAY = "05.03.2026"
THURSDAY_AT = datetime.fromisoformat("2026-03-05T09:00:00+01:00")
ANSWERED_BADGE = 'data-testid="answered"'
MODE = "Oppmøte"  # Mode.FACE_TO_FACE, as book() sets it


@pytest.fixture(autouse=True)
def setup(time_machine, settings, monkeypatch):
    time_machine.move_to(MONDAY, tick=False)
    settings.SITE_URL = "https://rph.example.no"
    monkeypatch.setattr(outbox, "backend_for", lambda channel: Recorder())


def booked(p, at=THURSDAY_AT, therapist=None, digital=True, **client) -> AssessmentOffer:
    contact = consenting_contact(health_team(p.team), sms=digital, **client)
    if not digital:
        give_consents(contact.client, ReachKind.DIGITAL_QUESTIONNAIRES, given=False)
    book(contact, p.clerical, therapist or p.therapist, at)
    return contact.offer


def invitation_for(offer: AssessmentOffer) -> Invitation:
    return Invitation.objects.get(occasion_id=offer.pk, client=offer.contact.client)


def rows(body: str) -> list[str]:
    return [part.split("</tr>")[0] for part in body.split('data-testid="my-day-row"')[1:]]


def test_a_completed_questionnaire_is_highlighted_and_the_others_are_not(personas, login):
    answered = booked(personas, last_name="Besvartsen")
    waiting = booked(personas, at=THURSDAY_AT + timedelta(hours=1), last_name="Ventesen")
    none = booked(personas, at=THURSDAY_AT + timedelta(hours=2), digital=False, last_name="Utensen")
    Invitation.objects.filter(pk=invitation_for(answered).pk).update(completed_at=timezone.now())
    assert invitation_for(waiting).completed_at is None
    assert not Invitation.objects.filter(occasion_id=none.pk, client=none.contact.client).exists()

    body = login(personas.therapist).get(MY_DAY, {"dato": THURSDAY}).content.decode()

    first, second, third = rows(body)
    assert "Besvartsen" in first and "Skjema besvart" in first
    assert ANSWERED_BADGE in first and 'class="table-success"' in first
    assert "Ventesen" in second and "Sendt, ikke besvart" in second
    assert "Utensen" in third and "Ingen skjema" in third
    for row in (second, third):
        assert ANSWERED_BADGE not in row and "table-success" not in row
    assert body.count(ANSWERED_BADGE) == 1


def test_it_lists_by_time_with_mode_and_a_link_to_the_client(personas, login):
    late = booked(personas, at=THURSDAY_AT + timedelta(hours=5), last_name="Sentsen")
    early = booked(personas, at=THURSDAY_AT, last_name="Tidligsen")

    body = login(personas.therapist).get(MY_DAY, {"dato": THURSDAY}).content.decode()

    first, second = rows(body)
    assert "09:00" in first and "Tidligsen" in first and MODE in first
    assert "14:00" in second and "Sentsen" in second
    assert reverse("intake:client_detail", args=[early.contact.client_id]) in first
    assert reverse("intake:client_detail", args=[late.contact.client_id]) in second


def test_it_shows_today_by_default_and_another_date_when_asked(personas, login, time_machine):
    booked(personas, last_name="Torsdagsen")
    booked(personas, at=THURSDAY_AT + timedelta(days=1), last_name="Fredagsen")

    monday = login(personas.therapist).get(MY_DAY).content.decode()
    time_machine.move_to("2026-03-05T07:00:00+01:00", tick=False)
    http = login(personas.therapist)
    today = http.get(MY_DAY).content.decode()
    friday = http.get(MY_DAY, {"dato": "06.03.2026"}).content.decode()

    assert "02.03.2026" in monday and "Torsdagsen" not in monday
    assert "Torsdagsen" in today and "Fredagsen" not in today
    assert "Fredagsen" in friday and "Torsdagsen" not in friday


def test_the_day_follows_oslo_time_not_utc(personas, login):
    booked(personas, at=datetime.fromisoformat("2026-03-05T00:30:00+01:00"), last_name="Nattsen")

    http = login(personas.therapist)

    assert "Nattsen" in http.get(MY_DAY, {"dato": THURSDAY}).content.decode()
    assert "Nattsen" not in http.get(MY_DAY, {"dato": "04.03.2026"}).content.decode()


@pytest.mark.parametrize("typed", ["31.02.2026", "2026-03-05", "i morgen"])
def test_an_unreadable_date_says_so_in_norwegian_and_shows_today(personas, login, typed):
    booked(personas, last_name="Torsdagsen")

    response = login(personas.therapist).get(MY_DAY, {"dato": typed})

    assert response.status_code == 200
    body = response.content.decode()
    assert "Datoen kunne ikke leses" in body
    assert "02.03.2026" in body and "Torsdagsen" not in body


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("therapist", 200),
        ("psychologist", 200),
        ("team_lead", 200),
        ("clerical", 403),
        ("admin", 403),
    ],
)
def test_who_may_open_my_day(personas, login, persona, status):
    assert login(getattr(personas, persona)).get(MY_DAY).status_code == status


def test_a_clinician_sees_only_their_own_assessments(personas, login):
    booked(personas, last_name="Egensen")

    body = login(personas.colleague).get(MY_DAY, {"dato": THURSDAY}).content.decode()

    assert "Egensen" not in body
    assert "Ingenting i kalenderen din denne dagen." in body


def test_another_team_sees_none_of_the_teams_assessments(personas, login):
    booked(personas, last_name="Egensen")
    theirs = consenting_contact(health_team(personas.other_team), last_name="Andresen")
    book(theirs, personas.outsider, personas.outsider, THURSDAY_AT)

    body = login(personas.outsider).get(MY_DAY, {"dato": THURSDAY}).content.decode()

    assert "Andresen" in body, "their own assessment is listed"
    assert "Egensen" not in body


@pytest.mark.parametrize("count", [2, 10])
def test_the_page_takes_the_same_number_of_queries_for_2_and_10_assessments(personas, login, count):
    http = login(personas.therapist)
    http.get(MY_DAY, {"dato": THURSDAY})  # warm the session and caches
    with CaptureQueriesContext(connection) as empty:
        http.get(MY_DAY, {"dato": THURSDAY})
    for n in range(count):
        offer = booked(personas, at=THURSDAY_AT + timedelta(minutes=30 * n))
        if n % 2:
            Invitation.objects.filter(occasion_id=offer.pk).update(completed_at=timezone.now())

    with CaptureQueriesContext(connection) as full:
        body = http.get(MY_DAY, {"dato": THURSDAY}).content.decode()

    assert len(rows(body)) == count
    assert len(full) == len(empty)


# The whole day ------------------------------------------------------------------------------


def test_sessions_follow_up_calls_course_meetings_and_assessments_in_time_order(personas, login):
    episode = EpisodeFactory(team=personas.team, primary_therapist=personas.therapist)
    episode.client.last_name = "Timesen"
    episode.client.save()
    SessionFactory(episode=episode, starts_at=THURSDAY_AT + timedelta(hours=4))
    SessionFactory(episode=episode, starts_at=THURSDAY_AT + timedelta(hours=1), purpose="follow_up")
    run = CourseRunFactory(
        course_type=CourseTypeFactory(team=personas.team),
        created_by=personas.therapist,
        leaders=[personas.therapist],
        title="KiD høst",
    )
    CourseMeetingFactory(run=run, starts_at=THURSDAY_AT + timedelta(hours=8))
    booked(personas, last_name="Kartleggesen")

    body = login(personas.therapist).get(MY_DAY, {"dato": THURSDAY}).content.decode()

    kinds = [row.split('data-kind="')[1].split('"')[0] for row in body.split("<tr")[2:]]
    assert kinds == ["assessment", "session", "session", "course"]
    first, second, third, fourth = rows(body)
    assert "09:00" in first and "Kartleggesen" in first
    assert "10:00" in second and "Oppfølgingssamtale" in second and "Timesen" in second
    assert "13:00" in third and "Behandling" in third
    assert "17:00" in fourth and "KiD høst" in fourth
    assert reverse("treatment:course_run_detail", args=[run.pk]) in fourth


def test_open_risk_alerts_and_overdue_attendance_are_shown(
    personas, login, django_capture_on_commit_callbacks
):
    episode = EpisodeFactory(
        team=personas.team, primary_therapist=personas.therapist, client=personas.client
    )
    SessionFactory(episode=episode, starts_at=THURSDAY_AT)
    overdue = SessionFactory(episode=episode, starts_at=THURSDAY_AT - timedelta(days=7))
    alert = raise_alert(django_capture_on_commit_callbacks, personas.client)

    mine = login(personas.therapist).get(MY_DAY, {"dato": THURSDAY}).content.decode()
    colleague = login(personas.colleague).get(MY_DAY, {"dato": THURSDAY}).content.decode()

    alerts = mine.split('data-testid="my-alerts"')[1].split("</section>")[0]
    late = mine.split('data-testid="my-overdue"')[1].split("</section>")[0]
    assert reverse("questionnaires:risk_alert", args=[alert.pk]) in alerts
    assert 'data-testid="risk-badge"' in rows(mine)[0]
    assert reverse("treatment:session_detail", args=[overdue.pk]) in late
    assert personas.client.last_name not in colleague
