"""A made-up instrument for tests: placeholder texts, never a licensed instrument's items."""

import copy
from typing import Any

_CUSTOM: dict[str, Any] = {
    "schema_version": 1,
    "code": "sleep_check",
    "version": "1",
    "name": "Søvnsjekk",
    "title": {"nb": "Søvnsjekk (testinstrument)", "en": "Sleep check (test instrument)"},
    "instructions": {"nb": "Tenk på de siste to ukene.", "en": "Think of the last two weeks."},
    "licence": "Made up for the tests.",
    "options": [
        {"value": 0, "text": {"nb": "Aldri", "en": "Never"}},
        {"value": 1, "text": {"nb": "Noen ganger", "en": "Sometimes"}},
        {"value": 2, "text": {"nb": "Ofte", "en": "Often"}},
        {"value": 3, "text": {"nb": "Nesten alltid", "en": "Nearly always"}},
    ],
    "items": [
        {"id": "a", "text": {"nb": "Testspørsmål A", "en": "Test question A"}},
        {"id": "b", "text": {"nb": "Testspørsmål B", "en": "Test question B"}},
        {"id": "c", "text": {"nb": "Testspørsmål C", "en": "Test question C"}},
        {"id": "d", "text": {"nb": "Testspørsmål D", "en": "Test question D"}},
        {
            "id": "e",
            "scored": False,
            "text": "Testspørsmål E (ikke skåret)",
            "options": [{"value": 0, "text": "Nei"}, {"value": 1, "text": "Ja"}],
        },
    ],
    "scoring": {
        "method": "sum",
        "missing": {"max_missing": 1, "prorate": True},
        "bands": [
            {"code": "low", "min": 0, "max": 5, "label": {"nb": "Lav", "en": "Low"}},
            {"code": "high", "min": 6, "max": 12, "label": {"nb": "Høy", "en": "High"}},
        ],
        "caseness_min": 6,
        "reliable_change": 3,
    },
    "risk_items": [{"item": 4, "min_value": 2, "flag": "worry", "unanswered_flag": "worry_check"}],
}


def custom_definition() -> dict[str, Any]:
    """A fresh copy of a valid team definition (4 scored items 0-3, total 0-12)."""
    return copy.deepcopy(_CUSTOM)
