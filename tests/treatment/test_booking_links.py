"""Booking links: the team sends one (clerical staff too), the client books a time on a phone,
once; a time taken meanwhile, a tampered or used link and staff expiry are handled."""

from datetime import datetime, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from questionnaires.link_views import LINK_LIMIT
from questionnaires.models import Invitation, Message
from rph.audit.models import AccessEvent
from tests.personas import CLIENT_STAFF, Page, cases, expect
from tests.treatment.booking_data import NOW, send, working_hours
from tests.treatment.session_data import book, consent_to_links, open_episode
from treatment.models import BookingLink, Session


@pytest.fixture(autouse=True)
def _monday_morning():
    with time_machine.travel(NOW, tick=False):
        yield


def path_of(sent) -> str:
    return reverse("booking_link", args=[sent.url.rstrip("/").rsplit("/", 1)[-1]])


def local(value: str) -> str:
    return f"{timezone.localtime(datetime.fromisoformat(value)):%d.%m %H:%M}"


def test_the_link_offers_the_therapists_free_times_of_that_kind(personas):
    working_hours(personas.team, personas.colleague)  # someone else's hours are not offered
    episode = open_episode(personas)
    book(episode, datetime.fromisoformat("2026-03-02T11:00:00+01:00"))  # Monday 11-11:45

    sent = send(personas)

    # Two hours' notice from 08:00; Monday 11:00 is booked, 11:45 leaves no full hour.
    assert [local(s) for s in sent.link.slots] == [
        "02.03 10:00",
        "03.03 09:00",
        "03.03 10:00",
        "03.03 11:00",
        "04.03 09:00",
        "04.03 10:00",
        "04.03 11:00",
    ]
    assert sent.link.created_by == personas.clerical
    assert sent.link.token_hash not in sent.url and len(sent.link.token_hash) == 64
    assert sent.message is None  # no consent to SMS: staff give the link themselves


def test_a_client_who_agreed_gets_the_link_by_sms(personas):
    consent_to_links(personas.client)

    sent = send(personas)

    message = Message.objects.get(kind=Message.Kind.BOOKING)
    assert sent.message == message and message.recipient == "+4741234567"
    assert sent.url in message.body and personas.client.first_name in message.body


def test_the_client_books_on_the_phone_and_the_session_is_in_the_calendar(personas, client):
    consent_to_links(personas.client)
    sent = send(personas)
    chosen = sent.link.slots[2]  # Tuesday 09:00

    page = client.get(path_of(sent))
    booked = client.post(path_of(sent), {"slot": chosen})
    done = client.get(booked.url)

    assert page.status_code == 200 and personas.client.first_name in page.text
    assert personas.client.last_name not in page.text
    assert "10:00" in page.text and 'name="slot"' in page.text
    assert booked.status_code == 302 and done.status_code == 200
    assert "tirsdag 3. mars 2026" in done.text and "09:00" in done.text
    session = Session.objects.get()
    assert session.starts_at == datetime.fromisoformat(chosen)
    assert (session.therapist, session.duration_minutes, session.location) == (
        personas.therapist,
        60,
        "Rom 2",
    )
    link = BookingLink.objects.get()
    assert link.session == session and link.status == BookingLink.Status.BOOKED
    assert link.first_opened_at == NOW and link.times_opened == 1
    # The usual questionnaire link before the session.
    assert Invitation.objects.get(client=personas.client).occasion_at == session.starts_at
    calendar = _staff(personas.clerical).get(
        reverse("treatment:calendar"), {"day": "2026-03-03", "therapist": personas.therapist.pk}
    )
    assert reverse("treatment:session_detail", args=[session.pk]) in calendar.text


def test_the_link_works_once(personas, client):
    sent = send(personas)
    client.post(path_of(sent), {"slot": sent.link.slots[0]})

    again = client.get(path_of(sent))
    second = client.post(path_of(sent), {"slot": sent.link.slots[1]})

    assert again.status_code == 404 and second.status_code == 404
    assert "ikke lenger gyldig" in again.text
    assert Session.objects.count() == 1


def test_a_time_taken_meanwhile_gets_a_clear_message_and_the_other_times(personas, client):
    sent = send(personas)
    taken = sent.link.slots[0]
    book(sent.link.episode, datetime.fromisoformat(taken), by=personas.clerical)

    response = client.post(path_of(sent), {"slot": taken})

    assert response.status_code == 409
    assert "akkurat blitt tatt" in response.text
    assert f'value="{taken}"' not in response.text
    assert f'value="{sent.link.slots[1]}"' in response.text
    assert BookingLink.objects.get().is_open and Session.objects.count() == 1


@pytest.mark.parametrize("slot", ["2026-03-02T09:30:00+01:00", "ikke-en-tid", ""])
def test_a_time_never_offered_books_nothing(personas, client, slot):
    sent = send(personas)

    response = client.post(path_of(sent), {"slot": slot})

    assert response.status_code == 400
    assert not Session.objects.exists() and BookingLink.objects.get().is_open


def test_a_tampered_link_is_404_and_many_wrong_links_are_turned_away(personas, client):
    sent = send(personas)
    good = path_of(sent)
    tampered = good[:-3] + ("aaa" if not good.endswith("aaa/") else "bbb") + "/"

    assert client.get(tampered).status_code == 404
    assert client.get(reverse("booking_link", args=["x" * 300])).status_code == 404
    for _ in range(LINK_LIMIT):
        client.get(tampered)
    assert client.get(good).status_code == 429
    assert BookingLink.objects.get().first_opened_at is None


def test_staff_expire_a_link_and_see_its_history(personas, client):
    sent = send(personas)
    client.get(path_of(sent))
    staff = _staff(personas.clerical)

    expired = staff.post(reverse("treatment:booking_link_expire", args=[sent.link.pk]))
    history = staff.get(reverse("treatment:booking_links", args=[sent.link.episode_id]))

    assert expired.status_code == 302
    assert client.get(path_of(sent)).status_code == 404
    link = BookingLink.objects.get()
    assert link.status == BookingLink.Status.EXPIRED and link.expired_by == personas.clerical
    assert "Utløpt" in history.text and "1 gang" in history.text
    again = staff.post(reverse("treatment:booking_link_expire", args=[sent.link.pk]))
    assert again.status_code == 302 and BookingLink.objects.get().expired_at == link.expired_at


def test_a_link_past_its_last_time_has_expired(personas, client):
    sent = send(personas, days_ahead=1)

    with time_machine.travel(datetime.fromisoformat(sent.link.slots[-1]) + timedelta(minutes=1)):
        assert client.get(path_of(sent)).status_code == 404
        assert BookingLink.objects.get().status == BookingLink.Status.EXPIRED


def test_sending_shows_the_link_once_and_refuses_without_free_time(personas):
    staff = _staff(personas.clerical)
    episode = open_episode(personas)
    url = reverse("treatment:booking_links", args=[episode.pk])
    form = _form(personas)

    refused = staff.post(url, form)
    working_hours(personas.team, personas.therapist)
    sent = staff.post(url, form, follow=True)
    reload = staff.get(url)

    assert refused.status_code == 200 and "ingen ledig tid" in refused.text
    assert "/time/" in sent.text and 'data-testid="new-link-url"' in sent.text
    assert 'data-testid="new-link-url"' not in reload.text
    assert BookingLink.objects.count() == 1


@pytest.mark.parametrize(
    "changes", [{"days_ahead": 0}, {"days_ahead": 400}, {"duration_minutes": 5}, {"therapist": 0}]
)
def test_bad_form_input_sends_nothing(personas, changes):
    working_hours(personas.team, personas.therapist)
    url = reverse("treatment:booking_links", args=[open_episode(personas).pk])

    response = _staff(personas.clerical).post(url, _form(personas) | changes)

    assert response.status_code == 200 and "is-invalid" in response.text
    assert not BookingLink.objects.exists()


def _form(p) -> dict:
    return {
        "therapist": p.therapist.pk,
        "purpose": "treatment",
        "mode": "face_to_face",
        "duration_minutes": 60,
        "location": "",
        "days_ahead": 3,
    }


def _staff(user):
    from django.test import Client

    http = Client()
    http.force_login(user)
    return http


PAGES = [
    Page(
        "booking links",
        lambda p: reverse("treatment:booking_links", args=[open_episode(p).pk]),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "booking link sent",
        lambda p: (
            working_hours(p.team, p.therapist),
            reverse("treatment:booking_links", args=[open_episode(p).pk]),
        )[1],
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=_form,
        logs_a_view=True,
    ),
    Page(
        "booking link expired",
        lambda p: reverse("treatment:booking_link_expire", args=[send(p).link.pk]),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        logs_a_view=True,
    ),
]


@pytest.mark.parametrize(("page", "persona", "status"), cases(PAGES))
def test_each_persona_gets_what_the_table_says(personas, login, page, persona, status):
    url = page.url(personas)
    before = AccessEvent.objects.count(), BookingLink.objects.count()

    response = getattr(login(getattr(personas, persona)), page.method)(url, page.data(personas))

    assert response.status_code == status
    assert AccessEvent.objects.count() - before[0] == (1 if status < 400 else 0)
    if status >= 400:
        assert BookingLink.objects.count() == before[1]
        assert not BookingLink.objects.filter(expired_at__isnull=False).exists()
