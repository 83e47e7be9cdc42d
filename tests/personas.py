"""The persona tables: every page and endpoint, every persona, one expected status each.

A table row names who is let in (200, or the redirect after a successful POST), who is
refused (403) and who is told the thing does not exist (404); every persona is named once.
A row that fetches a client record expects one access-log row when it lets someone in and
none when it refuses.
"""

from collections.abc import Callable
from dataclasses import dataclass

import pytest

PERSONAS = ("clerical", "therapist", "colleague", "psychologist", "team_lead", "admin", "outsider")
CLIENT_STAFF = "clerical therapist colleague psychologist team_lead"
NOT_LEADS = "clerical therapist colleague psychologist admin"
NOT_CARE_TEAM = "clerical colleague psychologist team_lead admin"


@dataclass(frozen=True)
class Page:
    label: str
    url: Callable  # personas -> url
    expected: dict[str, int]  # persona -> status
    method: str = "get"
    data: Callable = lambda p: {}
    logs_a_view: bool = False  # fetches a client record: one access-log row when allowed


def expect(ok: str, status: int = 200, *, denied: str = "", missing: str = "", **other: int):
    """Statuses per persona, written as space-separated persona names."""
    names = ok.split() + denied.split() + missing.split() + list(other)
    assert sorted(names) == sorted(PERSONAS), "name every persona once"
    expected = {name: status for name in ok.split()}
    expected |= {name: 403 for name in denied.split()}
    expected |= {name: 404 for name in missing.split()}
    return expected | other


def cases(pages: list[Page]) -> list:
    return [
        pytest.param(page, persona, status, id=f"{page.label}-{persona}")
        for page in pages
        for persona, status in page.expected.items()
    ]
