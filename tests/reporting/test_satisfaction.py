"""The satisfaction survey for the team lead: per period, means and free texts, never a name;
nothing but the count below three answers; other roles and other teams kept out."""

from datetime import datetime
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from questionnaires.models import Capture, Instrument
from questionnaires.responses import response_submit
from questionnaires.scoring import SATISFACTION, shipped_definition
from reporting.figures.satisfaction import satisfaction_summary
from tests.intake.factories import ClientFactory

URL = reverse("reporting:satisfaction")
PERIOD = "?fra=01.01.2026&til=30.06.2026"


def answered(client, answers, when):
    return response_submit(
        client=client,
        instrument=Instrument.objects.get(code=SATISFACTION, team=None),
        answers=answers,
        capture=Capture.LINK,
        answered_at=timezone.make_aware(when),
    )


def test_the_summary_gives_means_half_up_and_sorted_free_text():
    definition = shipped_definition(SATISFACTION)
    answers = [
        [4, 4, 3, 2, 4, "Å bli trodd", None],
        [3, 4, None, 2, 4, None, "Kortere ventetid"],
        [4, 3, 3, 1, 3, "Kurset", "Mer tid"],
    ]

    summary = satisfaction_summary(definition, answers, [17, 16, 14])

    assert summary.shown and summary.responses == 3 and summary.max_total == 20
    assert summary.mean_total == Decimal("15.7")
    assert [(s.mean, s.answered) for s in summary.statements] == [
        (Decimal("3.7"), 3),
        (Decimal("3.7"), 3),
        (Decimal("3.0"), 2),
        (Decimal("1.7"), 3),
        (Decimal("3.7"), 3),
    ]
    assert [f.answers for f in summary.free_texts] == [
        ("Kurset", "Å bli trodd"),
        ("Kortere ventetid", "Mer tid"),
    ]


def test_below_three_answers_only_the_count_is_shown():
    definition = shipped_definition(SATISFACTION)

    summary = satisfaction_summary(definition, [[4, 4, 4, 4, 4, "Alt", None]] * 2, [20, 20])

    assert (summary.responses, summary.shown) == (2, False)
    assert summary.statements == () and summary.free_texts == () and summary.mean_total is None


@pytest.mark.django_db
def test_the_team_lead_sees_the_periods_answers_without_names(personas, login):
    clients = [ClientFactory(team=personas.team, first_name=f"Navn{i}") for i in range(3)]
    for client, text in zip(clients, ["Samtalene", "Kurset", "Alt"], strict=True):
        answered(client, [4, 3, 4, 3, 4, text, None], datetime(2026, 3, 2, 12))
    answered(clients[0], [0, 0, 0, 0, 0, "Utenfor perioden", None], datetime(2025, 3, 2, 12))
    other = ClientFactory(team=personas.other_team)
    answered(other, [0, 0, 0, 0, 0, "Det andre teamet", None], datetime(2026, 3, 2, 12))

    page = login(personas.team_lead).get(URL + PERIOD)

    html = page.content.decode()
    assert page.status_code == 200
    assert "3 svar i perioden." in html
    assert html.index("Alt") < html.index("Kurset") < html.index("Samtalene")
    for hidden in ("Navn0", "Navn1", "Navn2", "Utenfor perioden", "Det andre teamet"):
        assert hidden not in html
    assert "18,0 av 20" in html or "18.0 av 20" in html


@pytest.mark.django_db
@pytest.mark.parametrize("role", ["therapist", "psychologist", "clerical", "outsider"])
def test_other_roles_may_not_see_the_satisfaction_page(personas, login, role):
    assert login(getattr(personas, role)).get(URL).status_code == 403


@pytest.mark.django_db
def test_the_survey_is_not_on_the_client_page_list_of_responses(personas, login):
    answered(personas.client, [4, 4, 4, 4, 4, "Hemmelig ros", None], datetime(2026, 3, 2, 12))

    page = login(personas.therapist).get(
        reverse("questionnaires:response_list", args=[personas.client.pk])
    )

    assert page.status_code == 200
    assert "Hemmelig ros" not in page.content.decode()
    assert "Brukertilfredshet" not in page.content.decode()


def test_follow_up_response_rates_per_month_count_round_half_up():
    from reporting.figures.follow_up import FollowUpFact, follow_up_rates

    facts = [
        FollowUpFact(6, True, True, True),
        FollowUpFact(6, True, False, False),
        FollowUpFact(6, True, True, False),
        FollowUpFact(12, True, True, False),
        FollowUpFact(12, True, False, False),
        FollowUpFact(12, False, False, False),
    ]

    rates = follow_up_rates(facts)

    assert [(r.months, r.sent, r.answered, r.relapse) for r in rates] == [
        (6, 3, 2, 1),
        (12, 2, 1, 0),
    ]
    assert [r.response_percent for r in rates] == [67, 50]
    assert follow_up_rates([FollowUpFact(6, False, False, False)])[0].response_percent is None
