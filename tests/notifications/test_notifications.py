"""The notifications page and the navbar badge: the current team's, counted in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from rph.notifications.models import Notification
from rph.notifications.services import notification_create

LIST = reverse("notifications:list")


def notify(team, title: str = "Forfaller snart: Kari", **fields) -> Notification:
    return notification_create(
        team=team,
        kind=Notification.Kind.CONTACT_DUE_SOON,
        title=title,
        url="/henvendelser/1/",
        **fields,
    )


def test_the_list_shows_the_current_teams_notifications_only(personas, login):
    notify(personas.team, "Forfaller snart: Kari")
    notify(personas.other_team, "Forfaller snart: Ola")

    html = login(personas.clerical).get(LIST).content.decode()

    assert "Forfaller snart: Kari" in html and "Henvendelse forfaller snart" in html
    assert "Forfaller snart: Ola" not in html  # Faker's staff may be called Olav


def test_a_personal_notification_is_shown_to_its_recipient_only(personas, login):
    notify(personas.team, "Til deg", recipient=personas.therapist)

    mine = login(personas.therapist).get(LIST).content.decode()
    theirs = login(personas.colleague).get(LIST).content.decode()

    assert "Til deg" in mine and "Til deg" not in theirs


def test_the_badge_counts_unread_notifications_in_one_query(personas, login):
    http = login(personas.clerical)
    for _ in range(3):
        notify(personas.team)
    notify(personas.other_team)
    http.get(reverse("home"))

    with CaptureQueriesContext(connection) as queries:
        html = http.get(reverse("home")).content.decode()

    badge = html.split('data-testid="notifications-link"', 1)[1].split("</a>", 1)[0]
    assert "Varsler" in badge and ">3<" in badge and "uleste" in badge
    assert sum("notifications_notification" in q["sql"] for q in queries.captured_queries) == 1


def test_no_badge_without_unread_notifications(personas, login):
    html = login(personas.clerical).get(reverse("home")).content.decode()

    badge = html.split('data-testid="notifications-link"', 1)[1].split("</a>", 1)[0]
    assert "badge" not in badge


def test_the_admin_has_no_notifications_link(personas, login):
    html = login(personas.admin).get(reverse("home")).content.decode()

    assert 'data-testid="notifications-link"' not in html


def test_marking_one_read_records_who_and_empties_the_badge(personas, login):
    note = notify(personas.team)
    http = login(personas.therapist)

    response = http.post(reverse("notifications:mark_read", args=[note.pk]), follow=True)

    note.refresh_from_db()
    assert note.read_at is not None and note.read_by == personas.therapist
    html = response.content.decode()
    assert f"Lest av {personas.therapist}" in html
    badge = html.split('data-testid="notifications-link"', 1)[1].split("</a>", 1)[0]
    assert "badge" not in badge


def test_another_teams_notification_cannot_be_marked(personas, login):
    note = notify(personas.team)

    response = login(personas.outsider).post(reverse("notifications:mark_read", args=[note.pk]))

    assert response.status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_marking_all_read_leaves_other_teams_and_other_peoples_alone(personas, login):
    ours = notify(personas.team)
    theirs = notify(personas.other_team)
    private = notify(personas.team, recipient=personas.colleague)

    login(personas.clerical).post(reverse("notifications:mark_all_read"))

    assert Notification.objects.get(pk=ours.pk).read_at is not None
    assert Notification.objects.get(pk=theirs.pk).read_at is None
    assert Notification.objects.get(pk=private.pk).read_at is None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "henvendelser/1/"])
def test_a_notification_links_only_inside_rph(personas, url):
    with pytest.raises(ValueError, match="inside RPH"):
        notification_create(team=personas.team, kind="contact_due_soon", title="x", url=url)
