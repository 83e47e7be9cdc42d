"""When two registrations are probably the same person. Pure: no database.

The name rule, in order:
1. Normalise both names: lower case; ø -> o, æ -> ae, å -> aa; other accents dropped
   (é -> e, ü -> u); hyphens and punctuation become spaces; whitespace collapsed. So
   "Bjørn-Åge" and "bjorn aage" normalise alike, and "Håkon" / "Hakon" differ by one letter.
2. Split into words. The names are similar when every word of the name with fewer words
   has a close match among the words of the other: difflib's ratio >= 0.8 (one letter
   wrong in a word of five or more). Word order does not matter, and a middle name present
   in one registration only does not prevent a match ("Kari Anne Nordmann" ~ "Kari
   Nordmann"), but a different surname does ("Kari Hansen" !~ "Kari Olsen").

Names alone are never enough: callers pair this rule with the same birth date.
"""

import unicodedata
from difflib import SequenceMatcher

import phonenumbers

WORD_SIMILARITY = 0.8
_LETTERS = str.maketrans({"ø": "o", "æ": "ae", "å": "aa"})


def normalise_name(name: str) -> str:
    folded = name.casefold().translate(_LETTERS)
    decomposed = unicodedata.normalize("NFKD", folded)
    letters = "".join(
        ch if ch.isalpha() else " " for ch in decomposed if not unicodedata.combining(ch)
    )
    return " ".join(letters.split())


def _word_ratio(a: str, b: str) -> float:
    return SequenceMatcher(None, a, b).ratio()


def similar_names(a: str, b: str) -> bool:
    words_a, words_b = normalise_name(a).split(), normalise_name(b).split()
    if not words_a or not words_b:
        return False
    shorter, longer = sorted((words_a, words_b), key=len)
    return all(
        max(_word_ratio(word, other) for other in longer) >= WORD_SIMILARITY for word in shorter
    )


def normalise_phone(raw: str, region: str = "NO") -> str:
    """E.164 form ("+4741234567") of a number as typed, or "" if it cannot be a number."""
    try:
        number = phonenumbers.parse(str(raw or ""), region)
    except phonenumbers.NumberParseException:
        return ""
    if not phonenumbers.is_possible_number(number):
        return ""
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
