"""Responses and risk alerts for the risk, chart and client-section tests."""

from collections.abc import Sequence
from datetime import datetime

from questionnaires.models import Capture, Instrument, Response, RiskAlert
from questionnaires.responses import response_submit

# PHQ-9 answers are ten: nine scored items and item 10 (how difficult), not scored.
PHQ9_RISK = [2, 2, 1, 1, 1, 1, 1, 1, 2, 1]  # item 9 = 2: a risk answer
PHQ9_NO_RISK = [1, 1, 1, 1, 1, 1, 1, 1, 0, 1]
PHQ9_ITEM9_BLANK = [1, 1, 1, 1, 1, 1, 1, 1, None, 1]
GAD7 = [1, 1, 1, 1, 1, 1, 1]


def shipped(code: str) -> Instrument:
    return Instrument.objects.get(code=code, team=None)


def submit(
    client: object,
    code: str = "phq9",
    answers: Sequence[int | None] = PHQ9_RISK,
    answered_at: datetime | None = None,
) -> Response:
    return response_submit(
        client=client,
        instrument=shipped(code),
        answers=answers,
        capture=Capture.LINK,
        answered_at=answered_at,
    )


def raise_alert(django_capture_on_commit_callbacks, client, answers=PHQ9_RISK) -> RiskAlert:
    """Submit a risk answer and run what happens on commit (the notification)."""
    with django_capture_on_commit_callbacks(execute=True):
        response = submit(client, answers=answers)
    return RiskAlert.objects.get(response=response)
