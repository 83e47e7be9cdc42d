"""The letter as a PDF: A4, Norwegian, æøå, the figures, the chart, page numbers, PDF/A."""

import io

import pytest
from pypdf import PdfReader

from questionnaires.charts import LINE_COLOURS
from referrals.letters.drafting import letter_draft
from referrals.letters.pdf import letter_pdf
from referrals.letters.services import letter_approve
from referrals.models import LetterKind
from tests.referrals.letter_data import known_episode

pytestmark = pytest.mark.django_db

A4 = (595, 842)  # points


def _approved_epikrise(p):
    p.therapist.title = "Psykologspesialist"
    p.therapist.save()
    record = known_episode(p)
    letter = letter_draft(
        client=p.client,
        kind=LetterKind.EPIKRISE_END,
        episode=record.episode,
        assessment=None,
        by=p.therapist,
    )
    return letter_approve(letter=letter, by=p.therapist, version=letter.version)


def _text(pdf: bytes) -> tuple[PdfReader, list[str]]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, [page.extract_text() for page in reader.pages]


def test_the_approved_pdf_has_the_letter_the_figures_and_the_signature(personas):
    letter = _approved_epikrise(personas)

    _reader, pages = _text(bytes(letter.pdf))
    text = " ".join(" ".join(pages).split())  # where a line wraps depends on the names

    assert "Åse Ødegård-Bæk" in text
    assert "Født 17.05.1984" in text
    assert "Dr. Kari Fastlege" in text and "Rissa legesenter" in text
    assert "Epikrise" in text
    assert "PHQ-9 gikk fra 16 til 6, GAD-7 fra 12 til 4." in text
    assert "Behandlingstimer i alt 5" in text
    assert "Pålitelig bedring: over den kliniske grensen" in text
    assert f"{personas.therapist.get_full_name()}, Psykologspesialist" in text
    assert "UTKAST" not in text


def test_every_page_is_a4_and_numbered_with_the_client_named(personas):
    letter = _approved_epikrise(personas)

    reader, pages = _text(bytes(letter.pdf))

    assert len(pages) >= 2
    for number, page in enumerate(reader.pages, start=1):
        assert (round(page.mediabox.width), round(page.mediabox.height)) == A4
        assert f"Side {number} av {len(pages)}" in pages[number - 1]
        assert "Åse Ødegård-Bæk" in pages[number - 1]


def test_the_trend_chart_is_drawn_into_the_pdf(personas):
    letter = _approved_epikrise(personas)

    reader, pages = _text(bytes(letter.pdf))

    # The chart's own labels (questionnaires.charts): the caseness lines of both panels, and
    # the first and last dates on its time axis; they appear nowhere else in the letter.
    chart_page = next(i for i, text in enumerate(pages) if "Klinisk grense 10" in text)
    assert "Klinisk grense 8" in pages[chart_page]
    # The PHQ-9 and GAD-7 score lines are stroked as vectors in the chart's line colours.
    content = reader.pages[chart_page].get_contents().get_data()
    assert _stroke(LINE_COLOURS[0]) in content and _stroke(LINE_COLOURS[1]) in content


def _stroke(hex_colour: str) -> bytes:
    """The PDF operator stroking in `hex_colour` ("#0b5ed7" -> b"0.043137 0.368627 0.843137 RG")."""
    channels = (int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return (" ".join(f"{c:.6f}".rstrip("0").rstrip(".") or "0" for c in channels) + " RG").encode()


def test_the_pdf_is_pdf_a_3a_in_norwegian(personas):
    letter = _approved_epikrise(personas)

    reader, _pages = _text(bytes(letter.pdf))

    xmp = reader.xmp_metadata.stream.get_data().decode()
    assert 'pdfaid:part="3"' in xmp and 'pdfaid:conformance="A"' in xmp
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nb"
    assert "/OutputIntents" in root and root["/MarkInfo"]["/Marked"]


def test_a_draft_pdf_is_marked_as_a_draft_and_the_approved_one_is_frozen(personas):
    letter = _approved_epikrise(personas)
    frozen = bytes(letter.pdf)
    draft = letter_draft(
        client=personas.client,
        kind=LetterKind.EPIKRISE_ASSESSMENT,
        episode=letter.episode,
        assessment=None,
        by=personas.therapist,
    )

    _reader, pages = _text(letter_pdf(draft))
    personas.client.first_name = "Endret"
    personas.client.save()
    letter.refresh_from_db()

    assert "UTKAST – ikke godkjent" in pages[0]
    assert bytes(letter.pdf) == frozen
