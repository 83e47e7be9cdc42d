"""Answers, links and form posts for the response, link and staff-entry tests."""

from collections.abc import Sequence

from django.urls import reverse

from questionnaires.forms import field_name
from questionnaires.models import Instrument, Invitation
from questionnaires.services import invitation_create

# Every item in order: PHQ-9 has ten (item 10 is recorded, not scored), GAD-7 seven.
PHQ9 = [1, 2, 1, 0, 1, 2, 1, 0, 0, 2]  # total 8, mild, no risk
PHQ9_RISK = [1, 2, 1, 0, 1, 2, 1, 0, 2, 2]  # item 9 = 2
GAD7 = [1, 1, 2, 0, 1, 1, 0]  # total 6, mild


def shipped(code: str) -> Instrument:
    return Instrument.objects.get(code=code, team=None)


def new_link(
    client: object, codes: Sequence[str] = ("phq9", "gad7"), **kwargs: object
) -> tuple[Invitation, str]:
    """An invitation and the path of its link."""
    invitation, token = invitation_create(client=client, instrument_codes=list(codes), **kwargs)
    return invitation, reverse("questionnaires:link", args=[token])


def answers_post(
    code: str, answers: Sequence[int | None], *, confirm_missing: bool = False
) -> dict[str, str]:
    """What the link page's form sends for one instrument."""
    definition = shipped(code).parsed()
    data = {"instrument": code}
    for item, value in zip(definition.items, answers, strict=True):
        if value is not None:
            data[field_name(item)] = str(value)
    if confirm_missing:
        data["confirm_missing"] = "1"
    return data


def item_fields(code: str, answers: Sequence[int | None]) -> dict[str, str]:
    """The answer fields alone, as the staff forms send them."""
    data = answers_post(code, answers)
    del data["instrument"]
    return data
