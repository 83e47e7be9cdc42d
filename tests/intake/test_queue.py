"""The intake queue: open contacts, least time left first, and what staff do from it."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from intake.models import Channel, Contact, ContactAttempt
from tests.accounts.factories import MunicipalityFactory
from tests.intake.factories import ClientFactory, ContactAttemptFactory, ContactFactory

QUEUE = reverse("intake:queue")
NOW = "2026-03-02T12:00:00+01:00"
Outcome = ContactAttempt.Outcome


@pytest.fixture(autouse=True)
def _pinned(time_machine):
    time_machine.move_to(NOW, tick=False)


def registered_ago(team, hours: float, **fields) -> Contact:
    when = timezone.now() - timedelta(hours=hours)
    client = fields.pop("client", None) or ClientFactory(team=team)
    return ContactFactory(team=team, client=client, registered_at=when, **fields)


def rows(response) -> list[str]:
    html = response.content.decode()
    return re.findall(r'<tr id="contact-\d+" data-testid="queue-row".*?</tr>', html, re.S)


def test_it_lists_open_contacts_with_the_least_time_left_first(personas, login):
    fresh = registered_ago(personas.team, 1)
    overdue = registered_ago(personas.team, 50)
    due_soon = registered_ago(personas.team, 40)
    registered_ago(personas.team, 45, status=Contact.Status.OFFERED)
    registered_ago(personas.team, 46, status=Contact.Status.CLOSED)

    response = login(personas.clerical).get(QUEUE)

    order = [int(re.search(r"contact-(\d+)", row).group(1)) for row in rows(response)]
    assert order == [overdue.pk, due_soon.pk, fresh.pk]


def test_due_soon_and_overdue_are_marked_in_words_with_hours_and_minutes(personas, login):
    registered_ago(personas.team, 36)  # exactly 12 hours left: due soon
    registered_ago(personas.team, 48.5)
    registered_ago(personas.team, 10.25)

    overdue, due_soon, on_time = rows(login(personas.therapist).get(QUEUE))

    assert "Over fristen" in overdue and "0 t 30 min over fristen" in overdue
    assert "Forfaller snart" in due_soon and "12 t 00 min igjen" in due_soon
    assert "I rute" in on_time and "37 t 45 min igjen" in on_time


def test_the_summary_counts_overdue_and_due_soon(personas, login):
    registered_ago(personas.team, 49)
    registered_ago(personas.team, 47)
    registered_ago(personas.team, 40)
    registered_ago(personas.team, 1)

    html = login(personas.clerical).get(QUEUE).content.decode()

    assert "4 åpne henvendelser" in html
    assert "over fristen: 1" in html
    assert "forfaller snart: 2" in html


def test_it_shows_the_number_of_attempts_and_the_last_outcome(personas, login, time_machine):
    contact = registered_ago(personas.team, 5)
    ContactAttemptFactory(contact=contact, by=personas.clerical, outcome=Outcome.NO_ANSWER)
    time_machine.move_to("2026-03-02T12:30:00+01:00", tick=False)
    ContactAttemptFactory(contact=contact, by=personas.clerical, outcome=Outcome.MESSAGE_LEFT)

    (row,) = rows(login(personas.clerical).get(QUEUE))

    assert re.search(r'data-testid="attempt-count">2<', row)
    assert "Lagt igjen beskjed" in row and "02.03.2026 12:30" in row


def test_a_person_under_16_is_flagged(personas, login):
    registered_ago(personas.team, 1, age_at_contact=15)
    registered_ago(personas.team, 2, age_at_contact=16)

    adult, under = rows(login(personas.clerical).get(QUEUE))  # least time left first

    assert "Under 16" in under
    assert "Under 16" not in adult


def test_it_filters_by_municipality_and_channel(personas, login):
    first, second = personas.team.municipalities.order_by("pk")
    here = registered_ago(
        personas.team,
        1,
        client=ClientFactory(team=personas.team, home_municipality=first),
        channel=Channel.WEB_FORM,
    )
    registered_ago(
        personas.team,
        2,
        client=ClientFactory(team=personas.team, home_municipality=first),
        channel=Channel.PHONE,
    )
    registered_ago(
        personas.team,
        3,
        client=ClientFactory(team=personas.team, home_municipality=second),
        channel=Channel.WEB_FORM,
    )

    response = login(personas.clerical).get(
        QUEUE, {"municipality": first.pk, "channel": "web_form"}
    )

    assert [f'id="contact-{here.pk}"' in row for row in rows(response)] == [True]


@pytest.mark.parametrize(
    "params",
    [{"channel": "carrier_pigeon"}, {"municipality": "abc"}, {"municipality": "other team"}],
)
def test_an_unknown_filter_says_so_and_shows_everything(personas, login, params):
    if params.get("municipality") == "other team":
        params = {"municipality": MunicipalityFactory().pk}
    registered_ago(personas.team, 1)
    registered_ago(personas.team, 2, channel=Channel.DROP_IN)

    response = login(personas.clerical).get(QUEUE, params)

    assert response.status_code == 200
    assert "Filteret ble ikke gjenkjent og er fjernet." in response.content.decode()
    assert len(rows(response)) == 2


def test_it_shows_only_the_current_teams_contacts(personas, login):
    distinct = ClientFactory(team=personas.team, last_name="Qvortrupsen")
    mine = registered_ago(personas.team, 1, client=distinct)
    theirs = registered_ago(personas.other_team, 1)

    ours = login(personas.clerical).get(QUEUE).content.decode()
    outsiders = login(personas.outsider).get(QUEUE).content.decode()

    assert f"contact-{mine.pk}" in ours and f"contact-{theirs.pk}" not in ours
    assert f"contact-{theirs.pk}" in outsiders and f"contact-{mine.pk}" not in outsiders
    assert mine.client.last_name not in outsiders


def test_the_navigation_has_the_queue_for_client_roles_only(personas, login):
    clerical = login(personas.clerical).get(reverse("home")).content.decode()
    admin = login(personas.admin).get(reverse("home")).content.decode()

    assert f'href="{QUEUE}"' in clerical and "Henvendelseskø" in clerical
    assert f'href="{QUEUE}"' not in admin


def test_the_queue_query_reads_everything_in_one_query(personas, django_assert_num_queries):
    for hours in range(5):
        contact = registered_ago(personas.team, hours)
        ContactAttemptFactory(contact=contact, by=personas.clerical)

    with django_assert_num_queries(1):
        shown = [
            (
                c.client.last_name,
                c.client.home_municipality.name,
                c.attempt_count,
                c.last_attempt_outcome,
            )
            for c in Contact.objects.for_queue(personas.team)
        ]

    assert len(shown) == 5
    assert {row[2:] for row in shown} == {(1, "no_answer")}


def test_the_page_makes_as_many_queries_for_50_contacts_as_for_5(personas, login):
    def add(n: int) -> None:
        for _ in range(n):
            contact = registered_ago(personas.team, 3)
            ContactAttemptFactory(contact=contact, by=personas.clerical)

    http = login(personas.clerical)
    add(5)
    http.get(QUEUE)  # the session and the login are settled on the first request
    with CaptureQueriesContext(connection) as five:
        assert len(rows(http.get(QUEUE))) == 5
    add(45)
    with CaptureQueriesContext(connection) as fifty:
        assert len(rows(http.get(QUEUE))) == 50

    assert len(fifty) == len(five)


class TestRecordingAnAttemptFromTheQueue:
    def test_without_javascript_it_goes_back_to_the_queue(self, personas, login):
        contact = registered_ago(personas.team, 1)
        url = reverse("intake:contact_attempt", args=[contact.pk])

        response = login(personas.clerical).post(
            url,
            {"method": "phone", "outcome": "no_answer", "note": "", "return_to": "queue"},
            follow=True,
        )

        assert response.redirect_chain == [(QUEUE, 302)]
        assert "Forsøket er registrert." in response.content.decode()
        (row,) = rows(response)
        assert re.search(r'data-testid="attempt-count">1<', row)

    def test_with_htmx_it_answers_with_the_updated_row(self, personas, login):
        contact = registered_ago(personas.team, 1)
        url = reverse("intake:contact_attempt", args=[contact.pk])

        response = login(personas.clerical).post(
            url,
            {"method": "sms", "outcome": "wrong_number", "return_to": "queue"},
            HTTP_HX_REQUEST="true",
        )

        html = response.content.decode()
        assert response.status_code == 200
        assert html.lstrip().startswith(f'<tr id="contact-{contact.pk}"')
        assert "Feil nummer" in html and 'role="status"' in html
        assert contact.attempts.get().method == "sms"

    def test_with_htmx_a_bad_value_comes_back_in_the_row_and_saves_nothing(self, personas, login):
        contact = registered_ago(personas.team, 1)
        url = reverse("intake:contact_attempt", args=[contact.pk])

        response = login(personas.clerical).post(
            url, {"method": "phone", "return_to": "queue"}, HTTP_HX_REQUEST="true"
        )

        html = response.content.decode()
        assert "<details open>" in html
        assert "Velg utfallet av forsøket." in html
        assert not contact.attempts.exists()

    def test_the_row_forms_have_their_own_field_ids(self, personas, login):
        first = registered_ago(personas.team, 1)
        second = registered_ago(personas.team, 2)

        html = login(personas.clerical).get(QUEUE).content.decode()

        assert f'id="id_c{first.pk}_outcome"' in html
        assert f'id="id_c{second.pk}_outcome"' in html
        assert 'id="id_outcome"' not in html
