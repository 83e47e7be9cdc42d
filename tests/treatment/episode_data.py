"""Shared by the episode tests: an open episode of the personas' client, and scores."""

import datetime

from django.utils import timezone

from intake.assessments.choices import Step
from questionnaires.models import Capture, Instrument
from questionnaires.responses import response_submit
from tests.treatment.factories import EpisodeFactory, OfferFactory
from treatment.models import Episode, TherapistChange


def episode_of(p, days_ago: int = 1, step: int = Step.INDIVIDUAL) -> Episode:
    """An open episode of the personas' client, placed on `step` `days_ago` days ago."""
    start = timezone.now() - datetime.timedelta(days=days_ago)
    episode = EpisodeFactory(
        team=p.team, client=p.client, primary_therapist=p.therapist, started_at=start
    )
    TherapistChange.objects.create(
        episode=episode, therapist=p.therapist, started_at=start, changed_by=p.therapist
    )
    OfferFactory(episode=episode, step=step)
    return episode


def _items(total: int, count: int) -> list[int]:
    """Item answers (0-3) adding up to `total`; the last item (PHQ-9 item 9) filled last."""
    answers = []
    for _ in range(count):
        value = min(3, total)
        answers.append(value)
        total -= value
    return answers


def scores(client, at: datetime.datetime, *, phq9: int | None, gad7: int | None, by) -> None:
    """PHQ-9 and/or GAD-7 with these totals, from paper at `at`."""
    for code, total, items in (("phq9", phq9, 9), ("gad7", gad7, 7)):
        if total is None:
            continue
        answers = _items(total, items) + ([0] if code == "phq9" else [])
        response_submit(
            client=client,
            instrument=Instrument.objects.get(code=code, team=None),
            answers=answers,
            capture=Capture.PAPER,
            entered_by=by,
            answered_at=at,
        )
