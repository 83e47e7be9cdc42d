"""Follow-up after the end: consent at discharge, planned by the team's setting, sent when
due through the outbox (once), relapse or risk -> a notification for the team; booster
sessions and follow-up calls on an ended episode without reopening it."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from questionnaires.models import Message
from rph.notifications.models import Notification
from tests.questionnaires.response_data import answers_post
from tests.treatment.session_data import (
    MONDAY_10,
    THURSDAY_13,
    book,
    consent_to_links,
    open_episode,
)
from treatment.episodes.services import episode_end
from treatment.follow_up.rules import add_months, is_relapse, months_setting
from treatment.follow_up.services import follow_ups_send_due
from treatment.models import EndReason, FollowUp, SessionPurpose

WSAS_OK = ["na", 1, 1, 1, 1]
PHQ9_WELL = [0, 1, 0, 0, 1, 0, 0, 0, 0, 0]  # 2
PHQ9_CASE = [2, 2, 1, 1, 1, 1, 1, 1, 0, 1]  # 10: a case again
GAD7_WELL = [0, 1, 0, 0, 0, 1, 0]


@pytest.mark.parametrize(
    ("day", "months", "due"),
    [
        (date(2026, 3, 2), 6, date(2026, 9, 2)),
        (date(2026, 3, 2), 12, date(2027, 3, 2)),
        (date(2026, 8, 31), 6, date(2027, 2, 28)),
        (date(2027, 8, 31), 6, date(2028, 2, 29)),
        (date(2026, 12, 15), 6, date(2027, 6, 15)),
    ],
)
def test_due_dates_are_the_same_day_months_later_or_the_months_last(day, months, due):
    assert add_months(day, months) == due


def test_the_team_setting_and_the_relapse_rule():
    assert [months_setting(v) for v in ("", "6", "12", "6,12")] == [(), (6,), (12,), (6, 12)]
    assert is_relapse(case_again=True, flags=[]) and is_relapse(case_again=False, flags=["x"])
    assert not is_relapse(case_again=False, flags=[])


@pytest.fixture
def ended(personas, time_machine):
    time_machine.move_to(MONDAY_10, tick=False)
    consent_to_links(personas.client)
    personas.team.follow_up_months = "6,12"
    personas.team.save()
    episode = open_episode(personas)
    return episode_end(
        episode=episode,
        reason=EndReason.COMPLETED,
        note="",
        by=personas.therapist,
        follow_up_consent=True,
    )


def test_consent_at_discharge_plans_the_teams_follow_ups(ended):
    planned = list(ended.follow_ups.values_list("months", "due_on", "sent_at"))

    assert planned == [(6, date(2026, 9, 2), None), (12, date(2027, 3, 2), None)]


def test_no_consent_no_follow_up(personas, time_machine):
    time_machine.move_to(MONDAY_10, tick=False)
    episode = episode_end(
        episode=open_episode(personas), reason=EndReason.COMPLETED, note="", by=personas.therapist
    )

    assert not episode.follow_up_consent and not FollowUp.objects.exists()


def test_due_follow_up_is_sent_once_with_a_reminder_and_not_before(ended, time_machine):
    assert follow_ups_send_due(today=date(2026, 9, 1)) == 0
    time_machine.move_to(datetime.fromisoformat("2026-09-02T10:00:00+02:00"), tick=False)

    assert follow_ups_send_due(today=date(2026, 9, 2)) == 1
    assert follow_ups_send_due(today=date(2026, 9, 2)) == 0

    follow_up = ended.follow_ups.get(months=6)
    assert follow_up.invitation.instrument_codes == ["phq9", "gad7", "wsas"]
    kinds = list(Message.objects.order_by("send_after").values_list("kind", "send_after"))
    sent_at = datetime.fromisoformat("2026-09-02T10:00:00+02:00")
    assert kinds == [
        (Message.Kind.INVITATION, sent_at),
        (Message.Kind.REMINDER, sent_at + timedelta(days=3)),
    ]
    assert not ended.follow_ups.get(months=12).sent_at


def answer_link(client, follow_up, phq9):
    """The client answers the follow-up link (three questionnaires, one after another)."""
    from questionnaires.services import invitation_create  # a fresh token for the same link

    invitation, token = invitation_create(
        client=follow_up.episode.client,
        instrument_codes=follow_up.invitation.instrument_codes,
        occasion=follow_up,
    )
    follow_up.invitation = invitation
    follow_up.save(update_fields=["invitation"])
    path = reverse("questionnaires:link", args=[token])
    for code, answers in (("phq9", phq9), ("gad7", GAD7_WELL), ("wsas", WSAS_OK)):
        assert client.post(path, answers_post(code, answers)).status_code == 302


@pytest.mark.parametrize(("phq9", "relapse"), [(PHQ9_CASE, True), (PHQ9_WELL, False)])
def test_an_answer_at_follow_up_that_is_a_case_again_tells_the_therapist(
    ended, client, time_machine, personas, phq9, relapse
):
    time_machine.move_to(datetime.fromisoformat("2026-09-02T10:00:00+02:00"), tick=False)
    follow_ups_send_due(today=date(2026, 9, 2))
    follow_up = ended.follow_ups.get(months=6)

    answer_link(client, follow_up, phq9)

    follow_up.refresh_from_db()
    assert follow_up.answered_at is not None and follow_up.relapse is relapse
    notes = Notification.objects.filter(kind=Notification.Kind.FOLLOW_UP_RELAPSE)
    assert [(n.recipient, n.team) for n in notes] == (
        [(personas.therapist, personas.team)] if relapse else []
    )


def test_the_episode_page_shows_the_follow_up(ended, login, personas):
    page = login(personas.therapist).get(reverse("treatment:episode_detail", args=[ended.pk]))

    html = page.content.decode()
    assert 'data-testid="follow-up-section"' in html
    assert html.count('data-testid="follow-up-row"') == 2
    assert "02.09.2026" in html


def test_a_booster_session_and_a_call_can_be_booked_on_an_ended_episode(ended):
    booster = book(ended, THURSDAY_13, purpose=SessionPurpose.BOOSTER)
    call = book(ended, THURSDAY_13 + timedelta(days=7), purpose=SessionPurpose.AFTER_END_CALL)

    ended.refresh_from_db()
    assert not ended.is_open and booster.episode == ended and call.episode == ended


def test_treatment_cannot_be_booked_on_an_ended_episode_nor_a_booster_on_an_open_one(
    ended, personas
):
    with pytest.raises(ValidationError) as refused:
        book(ended, THURSDAY_13)
    assert "bare en boosttime" in str(refused.value).lower()
    with pytest.raises(ValidationError):
        book(open_episode(personas), THURSDAY_13, purpose=SessionPurpose.BOOSTER)
