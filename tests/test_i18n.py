"""The UI is Norwegian bokmål by default and English on request; the catalog is complete."""

import subprocess
from pathlib import Path

from django.urls import reverse

CATALOG = Path(__file__).resolve().parent.parent / "locale" / "nb" / "LC_MESSAGES" / "django.po"


def _entries(*flags: str) -> list[str]:
    out = subprocess.run(
        ["msgattrib", *flags, str(CATALOG)], capture_output=True, text=True, check=True
    ).stdout
    return [line for line in out.splitlines() if line.startswith("msgid ") and line != 'msgid ""']


def test_every_message_has_a_norwegian_translation():
    assert _entries("--untranslated") == []
    assert _entries("--only-fuzzy") == []


def test_pages_speak_norwegian_by_default_and_english_when_chosen(personas, login):
    http = login(personas.therapist)

    assert "Logg ut" in http.get(reverse("home")).content.decode()

    http.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = http.get(reverse("home")).content.decode()
    assert "Log out" in english and "Logg ut" not in english
