"""Booking a session writes the link and its reminder to the outbox; sending, cancelling,
the sweep and resending."""

from datetime import datetime, timedelta

import pytest
from django.conf import settings as django_settings
from django.core.exceptions import ValidationError
from django.utils import timezone

from intake.models import ReachKind
from intake.queue.closing import health_words_in
from questionnaires import outbox
from questionnaires.models import Invitation, Message
from questionnaires.outbox import (
    MAX_ATTEMPTS,
    RESEND_WINDOW,
    Outcome,
    invitation_resend,
    message_send,
    messages_cancel,
    outbox_sweep,
)
from questionnaires.services import invitation_for_token
from questionnaires.tasks import send_message, sweep_outbox
from tests.intake.factories import give_consents
from tests.questionnaires.outbox_data import (
    Recorder,
    book,
    consenting_contact,
    enqueued_with,
    health_team,
    token_in,
)

Status = Message.Status
MONDAY = "2026-03-02T10:00:00+01:00"
THURSDAY_13 = datetime.fromisoformat("2026-03-05T13:00:00+01:00")
MONDAY_18 = datetime.fromisoformat("2026-03-02T18:00:00+01:00")


@pytest.fixture
def now(time_machine):
    time_machine.move_to(MONDAY, tick=False)
    return time_machine


@pytest.fixture
def team(personas):
    return health_team(personas.team)


@pytest.fixture
def backend(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(outbox, "backend_for", lambda channel: recorder)
    return recorder


@pytest.fixture
def queued(monkeypatch):
    """Message ids handed to the broker."""
    ids: list[int] = []
    monkeypatch.setattr(send_message, "apply_async", enqueued_with(ids.append))
    return ids


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "https://rph.example.no"
    settings.MESSAGE_BACKEND = "dev"


def booked(personas, team, at=THURSDAY_13, **consents):
    contact = consenting_contact(team, **consents)
    return book(contact, personas.clerical, personas.therapist, at)


def go(time_machine, when: datetime) -> None:
    time_machine.move_to(when, tick=False)


# -- Booking ------------------------------------------------------------------------------


def test_booking_a_session_creates_the_link_and_its_reminder(personas, team, now):
    offer = booked(personas, team)

    invitation = Invitation.objects.get()
    assert invitation.occasion == offer
    assert invitation.occasion_at == THURSDAY_13
    assert invitation.instrument_codes == ["phq9", "gad7", "wsas"]
    assert invitation.created_by == personas.clerical
    first, reminder = Message.objects.order_by("send_after")
    assert (first.kind, reminder.kind) == ("invitation", "reminder")
    assert first.send_after == THURSDAY_13 - timedelta(hours=24)
    assert reminder.send_after == THURSDAY_13 - timedelta(hours=3)
    assert {m.channel for m in (first, reminder)} == {"sms"}
    assert {m.recipient for m in (first, reminder)} == {"+4741234567"}
    assert {m.status for m in (first, reminder)} == {Status.PENDING}
    # The link works from when it is sent until the session + the team's grace.
    assert invitation.valid_from == first.send_after
    assert invitation.expires_at == THURSDAY_13 + timedelta(hours=team.link_grace_hours)


def test_the_team_settings_decide_the_times_and_the_number_of_messages(personas, team, now):
    team.invitation_lead_hours, team.max_messages_per_invitation = 48, 1
    team.save()

    booked(personas, team)

    (message,) = Message.objects.all()
    assert message.send_after == THURSDAY_13 - timedelta(hours=48)


def test_the_sms_is_neutral_names_the_municipality_and_carries_a_working_link(personas, team, now):
    booked(personas, team)

    first, reminder = Message.objects.order_by("send_after")
    token = token_in(first.body)
    assert first.body == (
        "Hei Kari, du har fått et skjema fra Ørland kommune før timen din 05.03. kl. 13:00: "
        f"https://rph.example.no/skjema/{token}/"
    )
    assert reminder.body == (
        "Hei Kari, en påminnelse: fyll gjerne ut skjemaet fra Ørland kommune før timen din "
        f"05.03. kl. 13:00: https://rph.example.no/skjema/{token}/"
    )
    assert "psykisk" in team.name
    assert health_words_in(first.body + reminder.body) == []
    go(now, first.send_after)
    assert invitation_for_token(token) == Invitation.objects.get()


def test_a_client_without_consent_to_digital_questionnaires_gets_nothing(personas, team, now):
    contact = consenting_contact(team)
    give_consents(contact.client, ReachKind.DIGITAL_QUESTIONNAIRES, given=False)

    book(contact, personas.clerical, personas.therapist, THURSDAY_13)

    assert not Invitation.objects.exists()
    assert not Message.objects.exists()


def test_sms_comes_first_then_email_and_neither_without_consent(personas, team, now):
    by_email = booked(personas, team, sms=False, email=True)
    no_phone = consenting_contact(team, sms=True, email=True, phone="")
    book(no_phone, personas.clerical, personas.therapist, THURSDAY_13)
    neither = consenting_contact(team, sms=False, email=False)
    book(neither, personas.clerical, personas.therapist, THURSDAY_13)

    channels = {
        (m.invitation.occasion.contact_id, m.channel, m.recipient)
        for m in Message.objects.select_related("invitation")
    }
    assert channels == {
        (by_email.contact_id, "email", "kari@example.no"),
        (no_phone.pk, "email", "kari@example.no"),
    }


def test_with_the_email_backend_a_client_who_only_agreed_to_sms_gets_nothing(
    personas, team, now, settings
):
    settings.MESSAGE_BACKEND = "email"

    booked(personas, team, sms=True, email=False)

    assert not Message.objects.exists()


def test_no_link_when_there_is_no_allowed_time_before_the_session(personas, team, time_machine):
    go(time_machine, datetime.fromisoformat("2026-03-04T23:00:00+01:00"))

    booked(personas, team, at=datetime.fromisoformat("2026-03-05T07:45:00+01:00"))

    assert not Invitation.objects.exists()


def test_a_booking_that_fails_leaves_no_link_behind(personas, team, now):
    contact = consenting_contact(team)

    with pytest.raises(ValidationError):
        book(contact, personas.clerical, personas.admin, THURSDAY_13)  # not a clinician

    assert not Invitation.objects.exists()
    assert not Message.objects.exists()


def test_a_team_without_phq9_still_books_the_session_without_a_link(personas, team, now):
    from questionnaires.models import Instrument

    Instrument.objects.filter(code="phq9").update(active=False)

    offer = booked(personas, team)

    assert offer.pk is not None
    assert not Invitation.objects.exists()


def test_only_messages_due_now_are_queued_and_only_after_the_commit(
    personas, team, now, queued, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booked(personas, team, at=MONDAY_18)
        assert queued == []

    first, reminder = Message.objects.order_by("send_after")
    assert first.send_after == timezone.now()
    assert reminder.send_after == MONDAY_18 - timedelta(hours=3)
    assert queued == [first.pk]


# -- Sending ------------------------------------------------------------------------------


def test_a_due_message_is_sent_once_and_its_link_cut_out(personas, team, now, backend):
    booked(personas, team, at=MONDAY_18)
    first = Message.objects.order_by("send_after").first()

    assert message_send(message_id=first.pk) == Outcome.SENT
    assert message_send(message_id=first.pk) == Outcome.NOT_CLAIMED

    first.refresh_from_db()
    assert backend.sent == [first.pk]
    assert (first.status, first.sent_at, first.attempts) == (Status.SENT, timezone.now(), 1)
    assert "/skjema/…/" in first.body
    assert "Hei Kari" in first.body


def test_the_development_backend_keeps_the_link_in_debug_mode_only(personas, team, now, settings):
    booked(personas, team, at=MONDAY_18)
    settings.DEBUG = True
    first = Message.objects.order_by("send_after").first()
    token = token_in(first.body)

    message_send(message_id=first.pk)

    first.refresh_from_db()
    assert first.status == Status.SENT
    assert token in first.body


def test_a_message_is_not_sent_before_its_time(personas, team, now, backend):
    booked(personas, team)
    reminder = Message.objects.get(kind="reminder")

    assert message_send(message_id=reminder.pk) == Outcome.NOT_CLAIMED
    assert backend.sent == []


def test_the_reminder_is_cancelled_when_the_questionnaire_was_answered(
    personas, team, now, backend
):
    booked(personas, team)
    reminder = Message.objects.get(kind="reminder")
    Invitation.objects.update(completed_at=timezone.now())
    go(now, reminder.send_after)

    assert message_send(message_id=reminder.pk) == Outcome.CANCELLED

    reminder.refresh_from_db()
    assert backend.sent == []
    assert reminder.status == Status.CANCELLED
    assert reminder.last_error == "the questionnaire has been answered"
    assert "/skjema/…/" in reminder.body


def test_nothing_is_sent_once_the_session_has_started(personas, team, now, backend):
    booked(personas, team)
    Message.objects.update(send_after=THURSDAY_13 - timedelta(hours=30))
    go(now, THURSDAY_13)

    outbox_sweep()

    assert backend.sent == []
    assert set(Message.objects.values_list("status", flat=True)) == {Status.CANCELLED}


def test_a_withdrawn_consent_cancels_what_is_waiting(personas, team, now, backend):
    offer = booked(personas, team, at=MONDAY_18)
    give_consents(offer.contact.client, ReachKind.SMS, given=False)
    first = Message.objects.order_by("send_after").first()

    assert message_send(message_id=first.pk) == Outcome.CANCELLED
    assert backend.sent == []


def test_a_message_due_in_the_quiet_hours_waits_until_08_00(personas, team, now, backend):
    booked(personas, team, at=MONDAY_18)
    first = Message.objects.order_by("send_after").first()
    go(now, datetime.fromisoformat("2026-03-02T21:30:00+01:00"))  # the worker was late

    assert message_send(message_id=first.pk) == Outcome.POSTPONED

    first.refresh_from_db()
    assert first.status == Status.PENDING
    assert first.send_after == datetime.fromisoformat("2026-03-03T08:00:00+01:00")
    assert backend.sent == []


def test_messages_cancel_stops_what_waits_for_a_link(personas, team, now, backend):
    booked(personas, team)
    invitation = Invitation.objects.get()

    assert messages_cancel(invitation=invitation, reason="answered on paper") == 2
    assert set(Message.objects.values_list("status", flat=True)) == {Status.CANCELLED}


# -- The sweep ----------------------------------------------------------------------------


def test_the_sweep_sends_what_is_due_and_leaves_the_rest(personas, team, now, backend):
    booked(personas, team, at=MONDAY_18)
    first, reminder = Message.objects.order_by("send_after")

    assert outbox_sweep() == {Outcome.SENT: 1}
    go(now, reminder.send_after)
    assert outbox_sweep() == {Outcome.SENT: 1}
    assert outbox_sweep() == {}

    assert backend.sent == [first.pk, reminder.pk]


def test_the_sweep_cancels_the_messages_of_an_answered_link(personas, team, now, backend):
    booked(personas, team)
    Invitation.objects.update(completed_at=timezone.now())

    assert outbox_sweep() == {"cancelled": 2}
    assert backend.sent == []


def test_the_sweep_in_the_quiet_hours_moves_everything_due_to_08_00(personas, team, now, backend):
    booked(personas, team, at=datetime.fromisoformat("2026-03-03T09:00:00+01:00"))
    go(now, datetime.fromisoformat("2026-03-02T23:00:00+01:00"))  # due at 10:00, not sent

    assert outbox_sweep() == {Outcome.POSTPONED: 1}

    assert backend.sent == []
    first = Message.objects.order_by("send_after").first()
    assert first.send_after == datetime.fromisoformat("2026-03-03T08:00:00+01:00")


def test_a_stale_claim_is_released_and_sent_and_after_the_last_attempt_fails(
    personas, team, now, backend
):
    booked(personas, team, at=MONDAY_18)
    first, reminder = Message.objects.order_by("send_after")
    claimed = timezone.now() - timedelta(minutes=11)
    Message.objects.filter(pk=first.pk).update(status=Status.SENDING, claimed_at=claimed)
    Message.objects.filter(pk=reminder.pk).update(
        status=Status.SENDING, claimed_at=claimed, attempts=MAX_ATTEMPTS
    )

    counts = outbox_sweep()

    assert counts == {"released": 2, Outcome.SENT: 1}
    first.refresh_from_db()
    reminder.refresh_from_db()
    assert first.status == Status.SENT
    assert (reminder.status, reminder.last_error) == (Status.FAILED, "the sending worker stopped")
    assert "/skjema/…/" in reminder.body


def test_the_row_says_handed_to_the_provider_while_the_provider_has_it(
    personas, team, now, backend
):
    booked(personas, team, at=MONDAY_18)
    first = Message.objects.order_by("send_after").first()

    assert message_send(message_id=first.pk) == Outcome.SENT

    assert backend.status_during_call == [Status.HANDED]
    first.refresh_from_db()
    assert (first.status, first.handed_at) == (Status.SENT, timezone.now())


def _died_after_handing_over(message: Message, *, minutes_ago: int) -> None:
    at = timezone.now() - timedelta(minutes=minutes_ago)
    Message.objects.filter(pk=message.pk).update(
        status=Status.HANDED, claimed_at=at, handed_at=at, attempts=1
    )


def test_a_worker_that_died_during_the_call_is_retried_with_the_same_key_if_it_deduplicates(
    personas, team, now, backend
):
    booked(personas, team, at=MONDAY_18)
    first = Message.objects.order_by("send_after").first()
    _died_after_handing_over(first, minutes_ago=11)

    assert outbox_sweep() == {"released": 1, Outcome.SENT: 1}

    first.refresh_from_db()
    assert backend.keys == [str(first.idempotency_key)]
    assert (first.status, first.attempts) == (Status.SENT, 2)
    assert first.handed_at == timezone.now() - timedelta(minutes=11)  # the first hand-over


def test_a_provider_without_deduplication_never_gets_a_message_twice(personas, team, now, backend):
    backend.deduplicates = False
    booked(personas, team, at=MONDAY_18)
    first = Message.objects.order_by("send_after").first()
    _died_after_handing_over(first, minutes_ago=11)

    assert outbox_sweep() == {"released": 1}

    first.refresh_from_db()
    assert backend.sent == []
    assert first.status == Status.FAILED
    assert first.last_error.startswith("outcome unknown")


def test_no_hand_over_again_after_the_resend_window(personas, team, now, backend):
    booked(personas, team, at=MONDAY_18)
    first = Message.objects.order_by("send_after").first()
    _died_after_handing_over(first, minutes_ago=int(RESEND_WINDOW.total_seconds() // 60) + 1)

    outbox_sweep()

    first.refresh_from_db()
    assert (first.status, backend.sent) == (Status.FAILED, [])


@pytest.mark.parametrize(("deduplicates", "outcome"), [(True, "retry"), (False, "failed")])
def test_a_timeout_is_retried_only_where_the_provider_deduplicates(
    personas, team, now, backend, deduplicates, outcome
):
    backend.deduplicates, backend.error, backend.uncertain = deduplicates, "timed out", True
    booked(personas, team, at=MONDAY_18)
    first = Message.objects.order_by("send_after").first()

    assert message_send(message_id=first.pk) == outcome


def test_every_message_has_its_own_key(personas, team, now, backend):
    booked(personas, team, at=MONDAY_18)

    keys = set(Message.objects.values_list("idempotency_key", flat=True))

    assert len(keys) == 2 and None not in keys


def test_a_recent_claim_is_left_alone(personas, team, now, backend):
    booked(personas, team, at=MONDAY_18)
    first = Message.objects.order_by("send_after").first()
    recent = timezone.now() - timedelta(minutes=2)
    Message.objects.filter(pk=first.pk).update(status=Status.SENDING, claimed_at=recent)

    assert outbox_sweep() == {}
    assert backend.sent == []


# -- Resending ----------------------------------------------------------------------------


def test_a_resend_makes_a_new_link_sent_now_and_the_old_one_stops_working(
    personas, team, now, backend, queued, django_capture_on_commit_callbacks
):
    booked(personas, team)
    old = Invitation.objects.get()
    old_token = token_in(Message.objects.filter(invitation=old).first().body)
    Invitation.objects.filter(pk=old.pk).update(draft_answers={"phq9": [1, 2]})
    Invitation.objects.filter(pk=old.pk).update(valid_from=timezone.now())

    with django_capture_on_commit_callbacks(execute=True):
        new = invitation_resend(invitation=old, by=personas.therapist)

    old.refresh_from_db()
    assert old.expires_at == timezone.now()
    assert invitation_for_token(old_token) is None
    assert set(old.messages.values_list("status", flat=True)) == {Status.CANCELLED}
    message, reminder = new.messages.order_by("send_after")
    assert (message.kind, message.send_after, message.channel) == (
        "invitation",
        timezone.now(),
        "sms",
    )
    assert (reminder.kind, reminder.send_after) == ("reminder", THURSDAY_13 - timedelta(hours=3))
    assert queued == [message.pk]
    new.refresh_from_db()
    assert (new.occasion, new.created_by, new.draft_answers) == (
        old.occasion,
        personas.therapist,
        {"phq9": [1, 2]},
    )
    assert invitation_for_token(token_in(message.body)) == new


def test_a_resend_in_the_quiet_hours_goes_at_08_00(personas, team, now, backend):
    booked(personas, team)
    go(now, datetime.fromisoformat("2026-03-02T22:15:00+01:00"))

    new = invitation_resend(invitation=Invitation.objects.get(), by=personas.clerical)

    first = new.messages.order_by("send_after").first()
    assert first.send_after == datetime.fromisoformat("2026-03-03T08:00:00+01:00")


def test_a_resend_respects_the_most_messages_per_session(personas, team, now, backend):
    booked(personas, team, at=MONDAY_18)
    invitation = Invitation.objects.get()
    Message.objects.update(status=Status.SENT, sent_at=timezone.now())  # link and reminder

    with pytest.raises(ValidationError, match="2 meldinger før denne timen"):
        invitation_resend(invitation=invitation, by=personas.clerical)

    assert Invitation.objects.count() == 1


def test_a_failed_message_does_not_count_against_the_limit(personas, team, now, backend):
    booked(personas, team, at=MONDAY_18)
    first, reminder = Message.objects.order_by("send_after")
    Message.objects.filter(pk=first.pk).update(status=Status.SENT)
    Message.objects.filter(pk=reminder.pk).update(status=Status.FAILED)

    new = invitation_resend(
        invitation=Invitation.objects.get(pk=first.invitation_id), by=personas.clerical
    )

    assert new.messages.count() == 1  # one left: no reminder this time


def test_a_resend_is_refused_for_an_answered_link_or_without_consent(personas, team, now):
    offer = booked(personas, team)
    invitation = Invitation.objects.get()
    give_consents(offer.contact.client, ReachKind.DIGITAL_QUESTIONNAIRES, given=False)

    with pytest.raises(ValidationError, match="trukket samtykket til å få spørreskjemaer"):
        invitation_resend(invitation=invitation, by=personas.clerical)

    Invitation.objects.update(completed_at=timezone.now())
    with pytest.raises(ValidationError, match="allerede besvart"):
        invitation_resend(invitation=invitation, by=personas.clerical)


def test_the_outbox_sweep_runs_every_minute():
    schedule = django_settings.CELERY_BEAT_SCHEDULE.values()

    (entry,) = [e for e in schedule if e["task"] == sweep_outbox.name]
    assert entry["schedule"] == timedelta(minutes=1)
    assert entry["options"]["expires"] < 60
    assert send_message.name == "questionnaires.tasks.send_message"
