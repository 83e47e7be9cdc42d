"""The deadline sweep (Celery beat, every 5 minutes): due soon and overdue, once each."""

import threading
from datetime import timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from intake import alerts
from intake.alerts import deadline_alerts_sweep
from intake.models import Contact
from intake.tasks import sweep_intake_deadlines
from rph.notifications.models import Notification
from tests.intake.factories import ClientFactory, ContactFactory

SATURDAY_NOON = "2026-03-28T12:00:00+01:00"  # CET; the clocks go forward the next night
Kind = Notification.Kind


@pytest.fixture
def team(personas):
    personas.team.intake_email = "rph@fosen.kommune.no"
    personas.team.save()
    return personas.team


@pytest.fixture
def contact(team, personas, time_machine):
    time_machine.move_to(SATURDAY_NOON, tick=False)
    return ContactFactory(team=team, client=personas.client)


def at(time_machine, when: str) -> None:
    time_machine.move_to(when, tick=False)


def notifications(kind: str) -> list[Notification]:
    return list(Notification.objects.filter(kind=kind))


def test_nothing_is_sent_while_more_than_due_soon_hours_are_left(contact, time_machine):
    at(time_machine, "2026-03-29T23:59:59+02:00")  # 12 h and 1 s left, across the DST change

    assert deadline_alerts_sweep() == {}
    assert not Notification.objects.exists()
    assert mail.outbox == []


def test_due_soon_is_sent_when_exactly_due_soon_hours_are_left(contact, time_machine):
    at(time_machine, "2026-03-30T01:00:00+02:00")  # 36 elapsed hours: 12 left

    assert deadline_alerts_sweep() == {Kind.CONTACT_DUE_SOON: 1}

    (note,) = notifications(Kind.CONTACT_DUE_SOON)
    assert note.team == contact.team and note.recipient is None
    assert note.url == reverse("intake:contact_detail", args=[contact.pk])
    assert (
        note.title == f"Forfaller snart: {contact.client.first_name}, registrert 28.03.2026 12:00"
    )
    assert len(mail.outbox) == 1


def test_overdue_is_sent_at_the_deadline_48_elapsed_hours_later(contact, time_machine):
    at(time_machine, "2026-03-30T12:59:59+02:00")  # one second before: still due soon
    deadline_alerts_sweep()
    assert notifications(Kind.CONTACT_OVERDUE) == []

    at(time_machine, "2026-03-30T13:00:00+02:00")  # 48 h after 12:00 CET, shown as 13:00 CEST
    deadline_alerts_sweep()

    assert len(notifications(Kind.CONTACT_OVERDUE)) == 1
    assert len(notifications(Kind.CONTACT_DUE_SOON)) == 1


def test_the_autumn_change_also_counts_elapsed_hours(team, personas, time_machine):
    at(time_machine, "2026-10-24T12:00:00+02:00")  # CEST; the clocks go back the next night
    ContactFactory(team=team, client=personas.client)

    at(time_machine, "2026-10-26T10:59:59+01:00")
    deadline_alerts_sweep()
    assert notifications(Kind.CONTACT_OVERDUE) == []

    at(time_machine, "2026-10-26T11:00:00+01:00")
    deadline_alerts_sweep()
    assert len(notifications(Kind.CONTACT_OVERDUE)) == 1


def test_running_twice_sends_each_alert_once(contact, time_machine):
    at(time_machine, "2026-03-30T02:00:00+02:00")
    deadline_alerts_sweep()
    deadline_alerts_sweep()
    at(time_machine, "2026-03-30T14:00:00+02:00")
    sweep_intake_deadlines()
    sweep_intake_deadlines()

    assert len(notifications(Kind.CONTACT_DUE_SOON)) == 1
    assert len(notifications(Kind.CONTACT_OVERDUE)) == 1
    assert len(mail.outbox) == 2
    contact.refresh_from_db()
    assert contact.due_soon_alerted_at is not None and contact.overdue_alerted_at is not None


def test_a_contact_first_seen_overdue_gets_only_the_overdue_alert(contact, time_machine):
    at(time_machine, "2026-04-01T09:00:00+02:00")  # the workers were down for days

    deadline_alerts_sweep()
    deadline_alerts_sweep()

    assert notifications(Kind.CONTACT_DUE_SOON) == []
    assert len(notifications(Kind.CONTACT_OVERDUE)) == 1
    assert "1 henvendelse har passert fristen." in mail.outbox[0].body
    assert "forfaller snart" not in mail.outbox[0].body


def test_a_run_that_loses_the_claim_to_a_concurrent_run_sends_nothing(
    contact, time_machine, monkeypatch
):
    at(time_machine, "2026-03-30T02:00:00+02:00")
    rule = alerts.clock_state

    def concurrent_run_claims_first(*args, **kwargs):
        # Another worker claims the alert after this run read the contact, before its claim.
        Contact.objects.filter(pk=contact.pk).update(due_soon_alerted_at=timezone.now())
        return rule(*args, **kwargs)

    monkeypatch.setattr(alerts, "clock_state", concurrent_run_claims_first)

    assert deadline_alerts_sweep() == {}
    assert not Notification.objects.exists()
    assert mail.outbox == []


@pytest.mark.parametrize("status", [Contact.Status.OFFERED, Contact.Status.CLOSED])
def test_a_stopped_clock_sends_nothing(contact, time_machine, status):
    Contact.objects.filter(pk=contact.pk).update(status=status, offered_at=timezone.now())
    at(time_machine, "2026-04-01T09:00:00+02:00")

    deadline_alerts_sweep()

    assert not Notification.objects.exists()


def test_the_email_has_numbers_and_a_link_but_no_personal_data(team, time_machine, settings):
    settings.SITE_URL = "https://rph.fosen.no"
    at(time_machine, SATURDAY_NOON)
    people = [
        ClientFactory(
            team=team,
            first_name="Ragnhild",
            last_name=f"Qvist{i}",
            phone="+4791234567",
            email=f"p{i}@example.no",
        )
        for i in range(3)
    ]
    ContactFactory(team=team, client=people[0], registered_at=timezone.now() - timedelta(hours=49))
    ContactFactory(team=team, client=people[1], registered_at=timezone.now() - timedelta(hours=40))
    ContactFactory(team=team, client=people[2], registered_at=timezone.now() - timedelta(hours=37))

    deadline_alerts_sweep()

    (message,) = mail.outbox
    assert message.to == ["rph@fosen.kommune.no"]
    assert message.subject == "RPH: henvendelser som trenger oppfølging"
    assert "1 henvendelse har passert fristen." in message.body
    assert "2 henvendelser forfaller snart." in message.body
    assert "https://rph.fosen.no/henvendelser/" in message.body
    text = message.subject + message.body
    for person in people:
        for value in (
            person.first_name,
            person.last_name,
            str(person.phone),
            "91234567",
            person.email,
        ):
            assert value not in text


def test_a_team_without_an_intake_address_gets_no_email_but_the_notification(
    personas, time_machine
):
    at(time_machine, SATURDAY_NOON)
    ContactFactory(
        team=personas.team,
        client=personas.client,
        registered_at=timezone.now() - timedelta(hours=49),
    )

    deadline_alerts_sweep()

    assert mail.outbox == []
    assert len(notifications(Kind.CONTACT_OVERDUE)) == 1


def test_each_team_hears_only_about_its_own_contacts(team, personas, time_machine):
    at(time_machine, SATURDAY_NOON)
    personas.other_team.intake_email = "rph@annen.kommune.no"
    personas.other_team.save()
    old = timezone.now() - timedelta(hours=49)
    ContactFactory(team=team, client=personas.client, registered_at=old)

    deadline_alerts_sweep()

    assert [m.to for m in mail.outbox] == [["rph@fosen.kommune.no"]]
    assert not Notification.objects.filter(team=personas.other_team).exists()


def test_the_sweep_runs_every_five_minutes():
    entry = next(
        e
        for e in settings.CELERY_BEAT_SCHEDULE.values()
        if e["task"] == sweep_intake_deadlines.name
    )

    assert entry["schedule"] == timedelta(minutes=5)
    assert sweep_intake_deadlines.name == "intake.tasks.sweep_intake_deadlines"


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs row locks between connections (PostgreSQL)"
)
@pytest.mark.django_db(transaction=True)
def test_two_concurrent_sweeps_send_each_alert_once(time_machine):
    from tests.accounts.factories import TeamFactory

    at(time_machine, SATURDAY_NOON)
    team = TeamFactory(intake_email="rph@fosen.kommune.no")
    for hours in (49, 40, 38, 1):
        ContactFactory(team=team, registered_at=timezone.now() - timedelta(hours=hours))
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def sweep() -> None:
        try:
            start.wait()
            deadline_alerts_sweep()
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=sweep) for _ in range(2)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()

    assert errors == []
    assert Notification.objects.filter(kind=Kind.CONTACT_OVERDUE).count() == 1
    assert Notification.objects.filter(kind=Kind.CONTACT_DUE_SOON).count() == 2
    # Each alert is in exactly one e-mail, whichever run claimed it.
    counted = sum(
        int(line.split()[0])
        for message in mail.outbox
        for line in message.body.splitlines()
        if line[:1].isdigit()
    )
    assert counted == 3
