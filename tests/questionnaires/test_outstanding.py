"""Outstanding questionnaires: every persona, what the list shows, resending; the read-only
outbox in the admin."""

from datetime import datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from questionnaires import outbox
from questionnaires.models import Invitation, Message
from questionnaires.outbox import MAX_ATTEMPTS
from tests.questionnaires.outbox_data import Recorder, book, consenting_contact, health_team

Status = Message.Status
LIST = reverse("questionnaires:outstanding")
MONDAY = "2026-03-02T10:00:00+01:00"
THURSDAY_13 = datetime.fromisoformat("2026-03-05T13:00:00+01:00")
PERSONAS = ("clerical", "therapist", "colleague", "psychologist", "team_lead", "admin", "outsider")


@pytest.fixture(autouse=True)
def setup(time_machine, settings, monkeypatch):
    time_machine.move_to(MONDAY, tick=False)
    settings.SITE_URL = "https://rph.example.no"
    monkeypatch.setattr(outbox, "backend_for", lambda channel: Recorder())


def booked(p, at=THURSDAY_13, **client):
    contact = consenting_contact(health_team(p.team), **client)
    book(contact, p.clerical, p.therapist, at)
    return Invitation.objects.get(occasion_id=contact.offer.pk)


def resend_url(invitation: Invitation) -> str:
    return reverse("questionnaires:resend", args=[invitation.pk])


@pytest.mark.parametrize(
    ("persona", "status"),
    [(name, 403 if name == "admin" else 200) for name in PERSONAS],
)
def test_who_may_see_the_outstanding_list(personas, login, persona, status):
    booked(personas, last_name="Utestående")

    response = login(getattr(personas, persona)).get(LIST)

    assert response.status_code == status
    if status == 200:
        shown = "Utestående" in response.content.decode()
        assert shown == (persona != "outsider"), "another team sees nothing"


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("clerical", 302),
        ("therapist", 302),
        ("colleague", 302),
        ("psychologist", 302),
        ("team_lead", 302),
        ("admin", 403),
        ("outsider", 404),
    ],
)
def test_who_may_send_a_link_again(personas, login, persona, status):
    invitation = booked(personas)

    response = login(getattr(personas, persona)).post(resend_url(invitation))

    assert response.status_code == status
    assert Invitation.objects.count() == (2 if status == 302 else 1)


def test_sending_again_needs_a_login_and_a_post(personas, client, login):
    invitation = booked(personas)

    assert client.post(resend_url(invitation)).status_code == 302  # to the login page
    assert login(personas.clerical).get(resend_url(invitation)).status_code == 405
    assert Invitation.objects.count() == 1


def test_a_missing_invitation_is_404(personas, login):
    assert (
        login(personas.clerical).post(reverse("questionnaires:resend", args=[999])).status_code
        == 404
    )


def test_the_list_shows_names_times_and_message_status_but_no_answers(personas, login):
    invitation = booked(personas, first_name="Kari", last_name="Nordmann")
    Invitation.objects.filter(pk=invitation.pk).update(draft_answers={"phq9": [3, 3, 3]})

    page = login(personas.clerical).get(LIST).content.decode()

    assert "Kari Nordmann" in page
    assert "05.03.2026 13:00" in page  # the session
    assert "Invitasjon (SMS): venter, sendes 04.03.2026 13:00" in " ".join(page.split())
    assert "Påminnelse (SMS): venter, sendes 05.03.2026 10:00" in " ".join(page.split())
    assert "høyst 2 meldinger per time" in page
    assert "mellom 21:00 og 08:00" in page
    assert "PHQ" not in page and "skår" not in page.lower()
    assert reverse("intake:client_detail", args=[invitation.client_id]) in page


def test_answered_expired_and_other_teams_links_are_not_listed(personas, login):
    answered = booked(personas, last_name="Besvart")
    Invitation.objects.filter(pk=answered.pk).update(completed_at=timezone.now())
    expired = booked(personas, last_name="Utløpt")
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now())
    elsewhere = consenting_contact(personas.other_team, last_name="Annetsted")
    other_therapist = personas.outsider
    book(elsewhere, other_therapist, other_therapist, THURSDAY_13)

    page = login(personas.therapist).get(LIST).content.decode()

    assert "Ingen ubesvarte skjemaer." in page
    for name in ("Besvart", "Utløpt", "Annetsted"):
        assert name not in page


def test_a_failed_message_shows_as_failed_and_can_be_sent_again(personas, login):
    invitation = booked(personas)
    Message.objects.filter(kind="invitation").update(
        status=Status.FAILED, attempts=MAX_ATTEMPTS, last_error="SMS gateway answered 503"
    )
    Message.objects.filter(kind="reminder").update(status=Status.SENT, sent_at=timezone.now())

    page = login(personas.clerical).get(LIST).content.decode()

    assert f"feilet etter {MAX_ATTEMPTS} forsøk" in page
    assert resend_url(invitation) in page


def test_the_button_gives_way_to_a_notice_when_the_limit_is_reached(personas, login):
    invitation = booked(personas)
    Message.objects.update(status=Status.SENT, sent_at=timezone.now())

    page = login(personas.clerical).get(LIST).content.decode()

    assert "Grensen for meldinger er nådd" in page
    assert resend_url(invitation) not in page


def test_sending_again_confirms_and_the_new_link_replaces_the_old_one(personas, login):
    invitation = booked(personas, first_name="Kari")
    http = login(personas.clerical)

    response = http.post(resend_url(invitation), follow=True)

    assert response.redirect_chain == [(LIST, 302)]
    assert "En ny lenke sendes nå til Kari." in response.content.decode()
    new = Invitation.objects.exclude(pk=invitation.pk).get()
    assert new.created_by == personas.clerical
    assert resend_url(new) in response.content.decode()
    assert resend_url(invitation) not in response.content.decode()


def test_sending_again_in_the_evening_says_when_it_goes(personas, login, time_machine):
    invitation = booked(personas, first_name="Kari")
    time_machine.move_to("2026-03-02T22:00:00+01:00", tick=False)

    response = login(personas.clerical).post(resend_url(invitation), follow=True)

    assert "En ny lenke til Kari sendes 03.03.2026 08:00." in response.content.decode()


def test_a_refused_resend_says_why_on_the_list(personas, login):
    invitation = booked(personas)
    Message.objects.update(status=Status.SENT, sent_at=timezone.now())

    response = login(personas.clerical).post(resend_url(invitation), follow=True)

    assert "Klienten har fått 2 meldinger før denne timen" in response.content.decode()
    assert Invitation.objects.count() == 1


def test_the_list_costs_the_same_queries_for_one_row_or_many(personas, login):
    booked(personas)
    http = login(personas.clerical)
    http.get(LIST)  # warm up the session and the language
    with CaptureQueriesContext(connection) as one:
        http.get(LIST)
    for _ in range(3):
        booked(personas)
    with CaptureQueriesContext(connection) as four:
        page = http.get(LIST)

    assert page.content.decode().count('data-testid="outstanding-row"') == 4
    assert len(four) == len(one)


def test_the_menu_links_to_the_list_for_client_staff(personas, login):
    link = f'href="{LIST}"'

    assert link in login(personas.clerical).get(reverse("home")).content.decode()
    assert link not in login(personas.admin).get(reverse("home")).content.decode()


# -- The outbox in the admin ----------------------------------------------------------------

OUTBOX = "/admin/questionnaires/message/"


@pytest.fixture
def team_admin(personas):
    personas.admin.is_staff = True
    personas.admin.save()
    return personas.admin


def test_a_team_administrator_reads_the_teams_outbox_only(personas, team_admin, login):
    booked(personas)
    elsewhere = consenting_contact(personas.other_team, last_name="Annetsted")
    book(elsewhere, personas.outsider, personas.outsider, THURSDAY_13)
    mine = Message.objects.filter(team=personas.team).first()
    theirs = Message.objects.filter(team=personas.other_team).first()
    http = login(team_admin)

    listing = http.get(OUTBOX)
    detail = http.get(f"{OUTBOX}{mine.pk}/change/")

    assert listing.status_code == 200
    assert listing.context["cl"].result_count == 2
    assert detail.status_code == 200
    assert mine.body in detail.content.decode()
    assert http.get(f"{OUTBOX}{theirs.pk}/change/").status_code in (302, 404)


def test_nobody_adds_changes_or_deletes_outbox_rows(personas, team_admin, login):
    booked(personas)
    message = Message.objects.first()
    http = login(team_admin)

    assert http.get(f"{OUTBOX}add/").status_code == 403
    assert http.post(f"{OUTBOX}{message.pk}/change/", {"body": "x"}).status_code == 403
    assert http.post(f"{OUTBOX}{message.pk}/delete/", {"post": "yes"}).status_code == 403
    message.refresh_from_db()
    assert message.body != "x"


def test_staff_who_are_not_administrators_do_not_see_the_outbox(personas, login):
    booked(personas)
    personas.team_lead.is_staff = True
    personas.team_lead.save()

    assert login(personas.team_lead).get(OUTBOX).status_code == 403


def test_the_outbox_shows_when_a_message_is_due_and_how_it_ended(personas, team_admin, login):
    booked(personas, at=timezone.now() + timedelta(hours=6))
    message = Message.objects.get(kind="invitation")
    Message.objects.filter(pk=message.pk).update(
        status=Status.FAILED, last_error="SMS gateway answered 503"
    )

    page = login(team_admin).get(f"{OUTBOX}{message.pk}/change/").content.decode()

    assert "SMS gateway answered 503" in page
    assert "Feilet" in page


def test_a_second_click_on_an_old_row_sends_nothing_more(personas, login):
    invitation = booked(personas)
    http = login(personas.clerical)
    http.post(resend_url(invitation))

    response = http.post(resend_url(invitation), follow=True)

    assert "Denne lenken virker ikke lenger" in response.content.decode()
    assert Invitation.objects.count() == 2
