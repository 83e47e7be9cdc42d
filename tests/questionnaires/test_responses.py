"""Responses: scored and stored once with where they came from; corrections supersede."""

from datetime import datetime, timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.utils import timezone

from questionnaires.models import Capture, Response, RiskAlert
from questionnaires.responses import response_correct, response_submit, risk_recipient
from rph.accounts.roles import Role
from rph.audit.models import AppendOnlyError
from tests.accounts.factories import member
from tests.intake.factories import ClientFactory, ContactFactory
from tests.questionnaires.response_data import GAD7, PHQ9, PHQ9_RISK, new_link, shipped

MONDAY_10 = datetime.fromisoformat("2026-03-02T10:00:00+01:00")
FRIDAY_15 = datetime.fromisoformat("2026-03-06T15:00:00+01:00")


def submit(client, answers=PHQ9, code="phq9", **kwargs) -> Response:
    kwargs.setdefault("capture", Capture.LINK)
    return response_submit(client=client, instrument=shipped(code), answers=answers, **kwargs)


def test_a_response_stores_every_answer_the_score_and_the_instrument_version(personas):
    response = submit(personas.client)

    response.refresh_from_db()
    assert response.answers == PHQ9
    assert (response.raw_sum, response.total, response.band) == (8, 8, "mild")
    assert response.prorated is False and response.flags == []
    assert (response.instrument_code, response.instrument_version) == ("phq9", "1")
    assert response.team == personas.team and response.capture == Capture.LINK


def test_item_10_of_the_phq9_is_stored_but_not_scored(personas):
    calm = submit(personas.client, answers=[0] * 9 + [3])

    assert calm.answers[9] == 3
    assert calm.total == 0 and calm.raw_sum == 0


def test_missing_items_are_prorated_within_the_rule_and_give_no_total_beyond_it(personas):
    two_missing = submit(personas.client, answers=[1, None, 1, 1, 1, None, 1, 1, 0, None])
    three_missing = submit(personas.client, answers=[1, None, None, None, 1, 1, 1, 1, 0, 0])

    assert (two_missing.total, two_missing.prorated) == (8, True)  # 6 x 9 / 7 = 7.7
    assert three_missing.total is None and three_missing.raw_sum == 5
    assert three_missing.answers[1] is None


def test_a_response_through_an_invitation_takes_its_occasion(personas):
    contact = ContactFactory(team=personas.team, client=personas.client)
    invitation, _path = new_link(personas.client, occasion=contact)

    response = submit(personas.client, invitation=invitation)

    assert response.invitation == invitation
    assert response.occasion_type == ContentType.objects.get_for_model(contact)
    assert response.occasion_id == contact.pk


def test_an_invitation_for_another_client_is_refused(personas):
    invitation, _path = new_link(ClientFactory(team=personas.team))

    with pytest.raises(ValidationError):
        submit(personas.client, invitation=invitation)
    assert not Response.objects.exists()


@pytest.mark.parametrize(
    ("answers", "message"),
    [
        ([1] * 9, "PHQ-9 har 10 spørsmål, men 9 svar ble gitt."),
        ([1] * 11, "PHQ-9 har 10 spørsmål, men 11 svar ble gitt."),
        ([4] + [1] * 9, "PHQ-9, spørsmål 1: svaret må være en av 0, 1, 2, 3."),
        ([1] * 9 + [-1], "PHQ-9, spørsmål 10: svaret må være en av 0, 1, 2, 3."),
        ([True] + [1] * 9, "PHQ-9, spørsmål 1: svaret må være en av 0, 1, 2, 3."),
        (["1"] + [1] * 9, "PHQ-9, spørsmål 1: svaret må være en av 0, 1, 2, 3."),
        (["x" * 1_000_000] + [1] * 9, "PHQ-9, spørsmål 1: svaret må være en av 0, 1, 2, 3."),
        ("1111111111", "Svarene må være en liste."),
    ],
)
def test_bad_answers_are_refused_in_norwegian_and_nothing_is_saved(personas, answers, message):
    with pytest.raises(ValidationError) as refused:
        submit(personas.client, answers=answers)

    assert refused.value.messages == [message]
    assert not Response.objects.exists()


def test_paper_answers_need_the_person_who_entered_them_and_a_date_not_in_the_future(personas):
    with pytest.raises(ValidationError, match="Oppgi hvem"):
        submit(personas.client, capture=Capture.PAPER)
    with pytest.raises(ValidationError, match="fram i tid"):
        submit(
            personas.client,
            capture=Capture.PAPER,
            entered_by=personas.therapist,
            answered_at=timezone.now() + timedelta(days=1),
        )
    assert not Response.objects.exists()


def test_another_teams_instrument_is_refused(personas):
    from questionnaires.models import Instrument

    theirs = Instrument.objects.create(
        code="sleep_check",
        version="1",
        name="Sleep",
        definition=shipped("gad7").definition | {"code": "sleep_check", "name": "Sleep"},
        team=personas.other_team,
    )

    with pytest.raises(ValidationError):
        response_submit(
            client=personas.client, instrument=theirs, answers=GAD7, capture=Capture.LINK
        )


def test_a_stored_response_cannot_be_updated(personas):
    response = submit(personas.client)
    response.total = 0

    with pytest.raises(AppendOnlyError):
        response.save()
    response.refresh_from_db()
    assert response.total == 8


def test_a_correction_supersedes_the_original_and_says_who_and_why(personas):
    original = submit(personas.client)

    correction = response_correct(
        original=original,
        answers=[3] * 9 + [1],
        by=personas.therapist,
        reason="Feil avkrysning ved inntasting",
    )

    original.refresh_from_db()
    assert original.total == 8 and original.superseded_by == correction
    assert correction.supersedes == original and correction.total == 27
    assert correction.correction_reason == "Feil avkrysning ved inntasting"
    assert correction.capture == Capture.PAPER and correction.entered_by == personas.therapist
    assert correction.answered_at == original.answered_at
    assert list(Response.objects.current()) == [correction]


def test_a_correction_needs_a_reason_and_can_only_be_made_once(personas):
    original = submit(personas.client)

    with pytest.raises(ValidationError, match="begrunnelse"):
        response_correct(original=original, answers=PHQ9, by=personas.therapist, reason="  ")
    response_correct(original=original, answers=PHQ9, by=personas.therapist, reason="Feil dato")
    with pytest.raises(ValidationError, match="allerede rettet"):
        response_correct(original=original, answers=PHQ9, by=personas.therapist, reason="Igjen")
    assert Response.objects.count() == 2


def test_a_correction_with_bad_answers_saves_nothing(personas):
    original = submit(personas.client)

    with pytest.raises(ValidationError):
        response_correct(original=original, answers=[9] * 10, by=personas.therapist, reason="X")
    assert Response.objects.count() == 1


# Risk alerts ------------------------------------------------------------------------------


def test_a_risk_answer_raises_an_alert_for_the_therapist_that_escalates_in_working_hours(
    personas, time_machine, django_capture_on_commit_callbacks
):
    time_machine.move_to(FRIDAY_15, tick=False)
    personas.team.risk_escalation_working_hours = 4
    personas.team.save()

    with django_capture_on_commit_callbacks() as callbacks:
        response = submit(personas.client, answers=PHQ9_RISK)

    (alert,) = RiskAlert.objects.all()
    assert response.flags == ["self_harm"]
    assert alert.flag == "self_harm" and alert.response == response
    assert alert.recipient == personas.therapist and alert.team == personas.team
    # One working hour on Friday, three on Monday morning.
    assert alert.escalate_at == datetime.fromisoformat("2026-03-09T11:00:00+01:00")
    assert len(callbacks) == 1, "the therapist is told when the response is committed"


def test_an_unanswered_risk_item_raises_a_check_alert(personas, time_machine):
    time_machine.move_to(MONDAY_10, tick=False)

    submit(personas.client, answers=[1] * 8 + [None, 1])

    (alert,) = RiskAlert.objects.all()
    assert alert.flag == "self_harm_unanswered"
    assert alert.escalate_at == datetime.fromisoformat("2026-03-02T14:00:00+01:00")


def test_no_alert_without_a_risk_flag(personas):
    submit(personas.client)
    submit(personas.client, code="gad7", answers=GAD7)

    assert not RiskAlert.objects.exists()


def test_the_alert_goes_to_the_first_clinician_in_the_care_team_by_name(personas):
    clerk = member(personas.team, Role.CLERICAL, last_name="Aas")
    alfa = member(personas.team, Role.PSYCHOLOGIST, last_name="Berg")
    personas.therapist.last_name = "Dahl"
    personas.therapist.save()
    client = ClientFactory(team=personas.team, care_team=[personas.therapist, clerk, alfa])

    assert risk_recipient(client) == alfa
    assert risk_recipient(ClientFactory(team=personas.team)) is None


def test_an_alert_without_a_care_team_has_no_recipient(personas):
    client = ClientFactory(team=personas.team)

    submit(client, answers=PHQ9_RISK)

    assert RiskAlert.objects.get().recipient is None


def test_a_correction_raises_only_flags_the_original_did_not_have(personas):
    risky = submit(personas.client, answers=PHQ9_RISK)
    calm = submit(personas.client)

    response_correct(original=risky, answers=PHQ9_RISK, by=personas.therapist, reason="Item 1")
    response_correct(original=calm, answers=PHQ9_RISK, by=personas.therapist, reason="Item 9")

    assert RiskAlert.objects.count() == 2
    assert RiskAlert.objects.filter(response__supersedes=calm).count() == 1
