import logging
import re

# Eleven digits (fødselsnummer/D-number), e-mail addresses and 8-digit Norwegian phone numbers.
# A phone number may end a sentence ("ring 41234567."), but is not part of a decimal number.
_PATTERNS = [
    (re.compile(r"(?<!\d)\d{6}\s?\d{5}(?!\d)"), "[fnr]"),
    (re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+"), "[e-post]"),
    (re.compile(r"(?<!\w)(?<!\d\.)(\+47\s?)?[2-9]\d(\s?\d){6}(?!\w|\.\d)"), "[telefon]"),
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
        # Exception messages quote values too (a database error names the duplicate row).
        # Formatters print exc_text when it is set, so the traceback is masked once here.
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True
