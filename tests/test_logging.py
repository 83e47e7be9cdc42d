"""Personal data never reaches the log in clear: the last-line filter masks what looks like
a fødselsnummer, an e-mail address or a Norwegian phone number. No database needed."""

import io
import logging

import pytest

from rph.logging import RedactPersonalData

FNR = "14038500008"  # made up, check digits correct


@pytest.fixture
def log():
    """A logger whose handler has the filter, and the text it wrote."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RedactPersonalData())
    handler.setFormatter(logging.Formatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.redaction")
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.DEBUG)
    yield logger, stream
    logger.removeHandler(handler)


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        (f"fnr {FNR} registered", "fnr [fnr] registered"),
        (f"fnr {FNR[:6]} {FNR[6:]} registered", "fnr [fnr] registered"),
        ("mail kari.nordmann+rph@example.no now", "mail [e-post] now"),
        ("call 41234567 today", "call [telefon] today"),
        ("call +47 412 34 567 today", "call [telefon] today"),
        ("call 22 33 44 55 today", "call [telefon] today"),
        ("call +4791234567.", "call [telefon]."),
        ("tlf.41234567", "tlf.[telefon]"),
    ],
    ids=[
        "fnr",
        "fnr with a space",
        "e-mail",
        "mobile",
        "+47 with spaces",
        "landline",
        "end of sentence",
        "after an abbreviation",
    ],
)
def test_personal_data_in_a_message_is_masked(log, text, masked):
    logger, stream = log

    logger.info(text)

    assert stream.getvalue() == f"INFO {masked}\n"


def test_personal_data_passed_as_arguments_is_masked(log):
    logger, stream = log

    logger.warning("client %s with %s and %s", FNR, "kari@example.no", "+47 41234567")

    assert stream.getvalue() == "WARNING client [fnr] with [e-post] and [telefon]\n"


@pytest.mark.parametrize(
    "text",
    [
        "contact 42 closed (unreachable) by user 7",
        "GET /klienter/1234/ 200 in 35 ms",
        "deadline 2026-03-02 09:00:00+01:00, 48 hours",
        "worker pid 1234567 started, 10.0.0.1:8000",
        "Nordmann, Kari",
        "ratio 0.91234567 of the budget",
    ],
)
def test_ordinary_text_is_left_alone(log, text):
    logger, stream = log

    logger.info(text)

    assert stream.getvalue() == f"INFO {text}\n"


def test_an_exception_message_with_personal_data_is_masked(log):
    logger, stream = log

    try:
        raise ValueError(f"Key (team_id, fodselsnummer)=(1, {FNR}) already exists; kari@example.no")
    except ValueError:
        logger.exception("saving client failed")

    output = stream.getvalue()
    assert "saving client failed" in output
    assert "Traceback" in output
    assert FNR not in output
    assert "kari@example.no" not in output
    assert "(1, [fnr]) already exists; [e-post]" in output


def test_the_configured_console_handler_masks_what_the_app_logs():
    handler = next(
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalData) for f in h.filters)
    )
    stream = io.StringIO()
    previous = handler.setStream(stream)
    try:
        logging.getLogger("intake.services").warning("could not reach %s", "41234567")
    finally:
        handler.setStream(previous)

    assert "could not reach [telefon]" in stream.getvalue()
    assert "41234567" not in stream.getvalue()
