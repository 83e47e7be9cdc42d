"""The intake queue, the contact page and its forms, notifications: every persona.

Same table as tests/intake/test_page_access.py: who is let in (200, or the redirect after a
successful POST), who is refused (403), who is told it does not exist (404).
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from intake.models import AssessmentOffer, Contact, ContactAttempt, Mode
from rph.audit.models import AccessEvent
from rph.notifications.models import Notification
from tests.intake.factories import ContactAttemptFactory, ContactFactory
from tests.personas import CLIENT_STAFF, Page, cases, expect


def _contact(p, **fields) -> Contact:
    return ContactFactory(team=p.team, client=p.client, **fields)


def _contact_url(name: str, setup: Callable = _contact) -> Callable:
    return lambda p: reverse(name, args=[setup(p).pk])


def _reached(p) -> Contact:
    contact = _contact(p)
    ContactAttemptFactory(contact=contact, by=p.clerical, outcome=ContactAttempt.Outcome.REACHED)
    return contact


def _offered(p) -> Contact:
    contact = _reached(p)
    AssessmentOffer.objects.create(
        contact=contact,
        offered_by=p.clerical,
        scheduled_for=timezone.now() - timedelta(hours=1),
        therapist=p.therapist,
        mode=Mode.PHONE,
    )
    Contact.objects.filter(pk=contact.pk).update(status=Contact.Status.OFFERED)
    return contact


def _closed(p) -> Contact:
    return _contact(
        p, status=Contact.Status.CLOSED, closed_at=timezone.now(), close_reason="declined"
    )


def _notification(p) -> Notification:
    return Notification.objects.create(team=p.team, kind="contact_due_soon", title="Kari", url="/")


PAGES = [
    Page(
        "intake queue",
        lambda p: reverse("intake:queue"),
        # The outsider sees their own team's queue: see test_queue.py.
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "contact page",
        _contact_url("intake:contact_detail"),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "attempt recorded",
        _contact_url("intake:contact_attempt"),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: {"method": "phone", "outcome": "no_answer", "note": ""},
        logs_a_view=True,
    ),
    Page(
        "assessment offered",
        _contact_url("intake:contact_offer", _reached),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: {
            "scheduled_for": (timezone.localtime() + timedelta(days=2)).strftime("%d.%m.%Y %H:%M"),
            "therapist": p.colleague.pk,
            "mode": "video",
        },
        logs_a_view=True,
    ),
    Page(
        "assessment held",
        _contact_url("intake:contact_held", _offered),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: {"held_at": timezone.localtime().strftime("%d.%m.%Y %H:%M")},
        logs_a_view=True,
    ),
    Page(
        "contact closed",
        _contact_url("intake:contact_close"),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
        data=lambda p: {"reason": "duplicate"},
        logs_a_view=True,
    ),
    Page(
        "close confirmation",
        _contact_url("intake:contact_closed", _closed),
        expect(CLIENT_STAFF, denied="admin", missing="outsider"),
        logs_a_view=True,
    ),
    Page(
        "notifications",
        lambda p: reverse("notifications:list"),
        expect(f"{CLIENT_STAFF} outsider", denied="admin"),
    ),
    Page(
        "notification marked read",
        lambda p: reverse("notifications:mark_read", args=[_notification(p).pk]),
        expect(CLIENT_STAFF, 302, denied="admin", missing="outsider"),
        method="post",
    ),
    Page(
        "all notifications marked read",
        lambda p: reverse("notifications:mark_all_read"),
        expect(f"{CLIENT_STAFF} outsider", 302, denied="admin"),
        method="post",
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


@pytest.mark.parametrize(
    "name", ["contact_attempt", "contact_offer", "contact_held", "contact_close"]
)
def test_the_form_addresses_take_no_get(personas, login, name):
    response = login(personas.clerical).get(reverse(f"intake:{name}", args=[_contact(personas).pk]))

    assert response.status_code == 405
