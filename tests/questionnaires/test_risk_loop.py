"""The risk loop: a risk answer reaches the therapist at once, escalates to the psychologists
and team leads when nobody acknowledges it within the team's working hours, and closes when
someone acknowledges it with the action taken. Every step is recorded."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from questionnaires.models import RiskAlert
from questionnaires.risk.services import risk_alert_acknowledge, risk_alerts_escalate
from questionnaires.tasks import escalate_risk_alerts
from rph.audit.models import AccessEvent
from rph.celery import app
from rph.notifications.models import Notification
from rph.notifications.services import notifications_mark_read
from tests.intake.factories import ClientFactory
from tests.questionnaires.risk_data import PHQ9_ITEM9_BLANK, PHQ9_NO_RISK, raise_alert, submit

MONDAY_10 = "2026-03-02T10:00:00+01:00"
Kind = Notification.Kind
EMAIL_BODY = "Du har et nytt varsel i RPH som krever handling: {link}"


@pytest.fixture
def monday(time_machine):
    time_machine.move_to(MONDAY_10, tick=False)
    return time_machine


@pytest.fixture
def alert(personas, monday, django_capture_on_commit_callbacks, settings):
    settings.SITE_URL = "https://rph.example"
    return raise_alert(django_capture_on_commit_callbacks, personas.client)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def url(alert: RiskAlert) -> str:
    return reverse("questionnaires:risk_alert", args=[alert.pk])


def notified(kind: str) -> dict:
    return {n.recipient: n for n in Notification.objects.filter(kind=kind)}


def home(http) -> str:
    return http.get(reverse("home")).content.decode()


def test_a_risk_answer_reaches_the_clients_therapist_at_once(personas, alert, login):
    assert alert.recipient == personas.therapist and alert.flag == "self_harm"
    (note,) = Notification.objects.all()
    assert note.recipient == personas.therapist and note.kind == Kind.RISK_ALERT
    assert note.url == url(alert)
    assert note.title == f"Risikosvar: {personas.client.first_name}, 02.03.2026 10:00"
    section = home(login(personas.therapist)).split('data-testid="risk-alerts"', 1)[1]
    assert note.title in section and f'href="{url(alert)}"' in section
    assert 'data-testid="risk-alerts"' not in home(login(personas.colleague))


def test_the_email_has_a_link_and_no_name_or_clinical_content(personas, alert):
    (message,) = mail.outbox

    assert message.to == [personas.therapist.email]
    assert message.subject == "RPH: et varsel krever handling"
    assert message.body == EMAIL_BODY.format(link=f"https://rph.example{url(alert)}")
    text = message.subject + message.body
    for secret in (personas.client.first_name, personas.client.last_name, "PHQ", "selv"):
        assert secret not in text


def test_an_unanswered_risk_question_raises_a_check_alert(
    personas, monday, django_capture_on_commit_callbacks
):
    alert = raise_alert(django_capture_on_commit_callbacks, personas.client, PHQ9_ITEM9_BLANK)

    assert alert.flag == "self_harm_unanswered"
    (note,) = Notification.objects.all()
    assert note.title.startswith("Risikospørsmål ubesvart: ")


def test_no_risk_answer_no_alert(personas, monday, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        submit(personas.client, answers=PHQ9_NO_RISK)

    assert not RiskAlert.objects.exists() and not Notification.objects.exists()
    assert mail.outbox == []


def test_without_a_care_team_the_alert_goes_to_psychologists_and_team_leads(
    personas, monday, django_capture_on_commit_callbacks
):
    client = ClientFactory(team=personas.team)

    alert = raise_alert(django_capture_on_commit_callbacks, client)

    assert alert.recipient is None
    assert set(notified(Kind.RISK_ALERT)) == {personas.psychologist, personas.team_lead}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas.psychologist.email, personas.team_lead.email]
    )


def test_flag_alert_escalation_acknowledgement_the_whole_loop_is_recorded(
    personas, alert, login, monday
):
    assert alert.escalate_at == at("2026-03-02T14:00:00+01:00")  # 4 working hours
    mail.outbox.clear()

    monday.move_to("2026-03-02T13:59:59+01:00", tick=False)
    assert risk_alerts_escalate() == 0

    monday.move_to("2026-03-02T14:00:00+01:00", tick=False)
    assert risk_alerts_escalate() == 1

    alert.refresh_from_db()
    assert alert.escalated_at == at("2026-03-02T14:00:00+01:00")
    escalated = notified(Kind.RISK_ESCALATED)
    assert set(escalated) == {personas.psychologist, personas.team_lead}
    assert escalated[personas.team_lead].title == (
        f"Ikke kvittert i tide: Risikosvar, {personas.client.first_name}, 02.03.2026 10:00"
    )
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        [personas.psychologist.email, personas.team_lead.email]
    )
    assert 'data-testid="risk-alerts"' in home(login(personas.team_lead))

    monday.move_to("2026-03-02T14:20:00+01:00", tick=False)
    http = login(personas.therapist)
    page = http.get(url(alert)).content.decode()
    assert "Ikke kvittert" in page and "Eskalert til psykologene og teamlederne" in page
    response = http.post(url(alert), {"action": "called_client", "note": "Ringte, avtalt time."})

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.acknowledged_by == personas.therapist
    assert alert.acknowledged_at == at("2026-03-02T14:20:00+01:00")
    assert alert.action == RiskAlert.Action.CALLED_CLIENT and alert.note == "Ringte, avtalt time."
    assert not Notification.objects.filter(read_at=None).exists()
    for user in (personas.therapist, personas.psychologist, personas.team_lead):
        assert 'data-testid="risk-alerts"' not in home(login(user))
    events = AccessEvent.objects.filter(user=personas.therapist, subject_id=personas.client.pk)
    assert events.count() == 2 and {e.action for e in events} == {"questionnaires:risk_alert"}
    assert {e.basis for e in events} == {"care_team"}
    assert risk_alerts_escalate() == 0


def test_an_escalation_run_twice_notifies_once(personas, alert, monday):
    monday.move_to("2026-03-02T15:00:00+01:00", tick=False)
    mail.outbox.clear()

    assert risk_alerts_escalate() == 1
    assert risk_alerts_escalate() == 0

    assert Notification.objects.filter(kind=Kind.RISK_ESCALATED).count() == 2
    assert len(mail.outbox) == 2


def test_an_escalation_that_lost_the_claim_sends_nothing(personas, alert, monday, monkeypatch):
    """Two workers picked the same alert: the one whose conditional update finds the row
    already claimed sends nothing."""
    monday.move_to("2026-03-02T15:00:00+01:00", tick=False)
    mail.outbox.clear()
    real_filter = RiskAlert.objects.filter

    def claimed_meanwhile(*args, **kwargs):
        if "escalated_at" in kwargs and "pk" in kwargs:
            RiskAlert.objects.all().update(escalated_at=alert.created_at)
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(RiskAlert.objects, "filter", claimed_meanwhile)

    assert risk_alerts_escalate() == 0
    assert not Notification.objects.filter(kind=Kind.RISK_ESCALATED).exists()
    assert mail.outbox == []


def test_an_alert_acknowledged_in_time_never_escalates(personas, alert, monday):
    risk_alert_acknowledge(alert=alert, by=personas.therapist, action="risk_assessment")
    monday.move_to("2026-03-03T10:00:00+01:00", tick=False)

    assert risk_alerts_escalate() == 0
    assert not Notification.objects.filter(kind=Kind.RISK_ESCALATED).exists()


def test_the_escalation_clock_skips_the_weekend(
    personas, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to("2026-03-06T15:00:00+01:00", tick=False)  # Friday afternoon
    alert = raise_alert(django_capture_on_commit_callbacks, personas.client)

    time_machine.move_to("2026-03-09T10:59:00+01:00", tick=False)
    assert risk_alerts_escalate() == 0
    time_machine.move_to("2026-03-09T11:00:00+01:00", tick=False)
    assert risk_alerts_escalate() == 1
    assert alert.escalate_at == at("2026-03-09T11:00:00+01:00")


def test_two_people_cannot_both_acknowledge(personas, alert):
    first = risk_alert_acknowledge(alert=alert, by=personas.therapist, action="called_client")
    second = risk_alert_acknowledge(alert=alert, by=personas.psychologist, action="conferred")

    assert (first, second) == (True, False)
    alert.refresh_from_db()
    assert alert.acknowledged_by == personas.therapist and alert.action == "called_client"


def test_posting_to_an_acknowledged_alert_changes_nothing(personas, alert, login):
    risk_alert_acknowledge(alert=alert, by=personas.therapist, action="called_client")

    response = login(personas.therapist).post(url(alert), {"action": "other", "note": "x"})

    assert response.status_code == 302
    alert.refresh_from_db()
    assert alert.action == "called_client" and alert.note == ""
    page = login(personas.therapist).get(url(alert)).content.decode()
    assert "Ringte klienten" in page and 'name="action"' not in page


def test_marking_all_notifications_read_leaves_the_risk_alert_open(personas, alert, login):
    http = login(personas.therapist)

    http.post(reverse("notifications:mark_all_read"))
    notifications_mark_read(notifications=Notification.objects.all(), by=personas.therapist)

    assert Notification.objects.get().read_at is None
    assert 'data-testid="risk-alerts"' in home(http)


def test_the_home_page_lists_risk_alerts_in_one_query(personas, login, alert):
    http = login(personas.therapist)
    home(http)

    with CaptureQueriesContext(connection) as queries:
        html = home(http)

    assert html.count('class="list-group-item list-group-item-danger"') == 1
    notification_queries = [q for q in queries if "notifications_notification" in q["sql"]]
    assert len(notification_queries) == 2  # the navbar badge and this list


def test_escalate_risk_alerts_runs_every_five_minutes_at_most():
    entries = [
        entry
        for entry in settings.CELERY_BEAT_SCHEDULE.values()
        if entry["task"] == escalate_risk_alerts.name
    ]

    assert len(entries) == 1 and entries[0]["schedule"] <= timedelta(minutes=5)
    assert escalate_risk_alerts.name in app.tasks


def test_the_task_escalates(personas, alert, monday):
    monday.move_to("2026-03-02T14:05:00+01:00", tick=False)

    assert escalate_risk_alerts() == 1
    assert RiskAlert.objects.get().escalated_at is not None


def test_an_alert_that_went_to_the_leads_at_once_does_not_tell_them_twice(
    personas, monday, django_capture_on_commit_callbacks
):
    alert = raise_alert(django_capture_on_commit_callbacks, ClientFactory(team=personas.team))
    monday.move_to("2026-03-02T14:00:00+01:00", tick=False)
    mail.outbox.clear()

    assert risk_alerts_escalate() == 1

    alert.refresh_from_db()
    assert alert.escalated_at is not None
    assert Notification.objects.filter(kind=Kind.RISK_ALERT).count() == 2
    assert not Notification.objects.filter(kind=Kind.RISK_ESCALATED).exists()
    assert mail.outbox == []


def test_an_inactive_recipient_does_not_swallow_the_alert(
    personas, monday, django_capture_on_commit_callbacks
):
    personas.therapist.is_active = False
    personas.therapist.save()
    colleague_in_care = personas.colleague
    personas.client.care_team.add(colleague_in_care)

    alert = raise_alert(django_capture_on_commit_callbacks, personas.client)

    assert alert.recipient == colleague_in_care
    assert set(notified(Kind.RISK_ALERT)) == {colleague_in_care}


def test_the_notification_list_offers_acknowledgement_not_mark_as_read(personas, alert, login):
    html = login(personas.therapist).get(reverse("notifications:list")).content.decode()

    item = html.split('data-testid="notifications"', 1)[1].split("</li>", 1)[0]
    assert "Risikovarsel" in item and f'href="{url(alert)}">Kvitter</a>' in item
    assert "Merk som lest" not in item
