import logging
import re

# Eleven digits (fødselsnummer/D-number), e-mail addresses and 8-digit Norwegian phone numbers.
_PATTERNS = [
    (re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)"), "[fnr]"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-post]"),
    (re.compile(r"(?<![\w.])(\+47\s?)?[2-9]\d(\s?\d){6}(?![\w.])"), "[telefon]"),
]


def redact(text: str) -> str:
    for pattern, replacement in _PATTERNS:
        text = pattern.sub(replacement, text)
    return text


class RedactPersonalData(logging.Filter):
    """Last line of defence: personal data must never be logged, but if it is, mask it."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage())
        record.args = None
        return True
