"""A letter as a PDF: A4, Norwegian bokmål, PDF/A-3a, made by WeasyPrint.

The page (templates/referrals/letter_pdf.html) carries its own print CSS: the team and the
municipality in the header, page numbers from CSS counters, DejaVu Sans (æøå), the
client's identity, the letter's text and facts, the trend chart as inline SVG (the client
page's chart, questionnaires.charts) and the signature. WeasyPrint fetches nothing: the
page holds everything it shows.

WeasyPrint needs Pango (Debian: libpango-1.0-0, libpangoft2-1.0-0) and a font with æøå
(fonts-dejavu-core).
"""

from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import HTML
from weasyprint.urls import URLFetcher

from referrals.letters.display import LETTER_LANGUAGE, letter_context
from referrals.models import Letter

# PDF/A-3, level A: archivable and tagged (structure for screen readers); WeasyPrint writes
# the XMP identification and the sRGB output intent. Not checked with veraPDF here.
PDF_VARIANT = "pdf/a-3a"


def letter_html(letter: Letter) -> str:
    with translation.override(LETTER_LANGUAGE):
        return render_to_string("referrals/letter_pdf.html", letter_context(letter))


def letter_pdf(letter: Letter) -> bytes:
    """The letter as it stands now (a draft is marked as one); approval freezes these bytes."""
    document = HTML(string=letter_html(letter), url_fetcher=URLFetcher(allowed_protocols=()))
    return document.write_pdf(pdf_variant=PDF_VARIANT)


def pdf_filename(letter: Letter) -> str:
    return f"{letter.kind}-{letter.pk}.pdf"
