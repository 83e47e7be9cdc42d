"""Simple horizontal bar charts as server-side SVG. Pure.

CSP-safe (presentation attributes only, no style, no script) and deterministic. The chart is
an image with a <title> and a <desc> that reads out every bar; each bar carries its number as
text, and the page shows the same numbers in a table beside it, so colour is never the only
signal.
"""

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

WIDTH = 640
LABEL_W = 190  # room for the category names on the left
TEXT_W = 90  # room for the number after the longest bar
BAR_H, BAR_GAP, GROUP_GAP = 16, 3, 10
TOP, LEGEND_ROW = 8, 18
COLOURS = ("#0b5ed7", "#6f42c1", "#146c43", "#b35c00")
FONT = 'font-family="system-ui, sans-serif" font-size="12"'
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,60}$")


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]  # one per category; the bar's length
    texts: tuple[str, ...]  # one per category; written after the bar, e.g. "12 (40 %)"


def bar_chart_svg(
    categories: Sequence[str], series: Sequence[Series], *, chart_id: str, title: str
) -> SafeString:
    if not series:
        raise ValueError("at least one series is needed")
    if not _ID.fullmatch(chart_id):
        raise ValueError("chart_id must be a short identifier")
    for one in series:
        if len(one.values) != len(categories) or len(one.texts) != len(categories):
            raise ValueError("one value and one text per category")
    top = TOP + (len(series) * LEGEND_ROW if len(series) > 1 else 0)
    group_h = len(series) * BAR_H + (len(series) - 1) * BAR_GAP
    height = top + len(categories) * (group_h + GROUP_GAP) + GROUP_GAP
    largest = max((v for one in series for v in one.values), default=0) or 1
    span = WIDTH - LABEL_W - TEXT_W
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" class="bar-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(categories, series))}</desc>',
        '<g aria-hidden="true">',
    ]
    if len(series) > 1:
        parts.append(_legend(series))
    for index, category in enumerate(categories):
        y = top + GROUP_GAP + index * (group_h + GROUP_GAP)
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + group_h / 2 + 4:.1f}" {FONT} text-anchor="end" '
            f'fill="#212529">{escape(_short(category))}</text>'
        )
        for number, one in enumerate(series):
            bar_y = y + number * (BAR_H + BAR_GAP)
            length = max(span * one.values[index] / largest, 0)
            colour = COLOURS[number % len(COLOURS)]
            parts.append(
                f'<rect x="{LABEL_W}" y="{bar_y}" width="{length:.1f}" height="{BAR_H}" '
                f'fill="{colour}"/>'
                f'<text x="{LABEL_W + length + 4:.1f}" y="{bar_y + BAR_H - 4}" {FONT} '
                f'fill="#212529">{escape(one.texts[index])}</text>'
            )
    parts.append(f'<line x1="{LABEL_W}" y1="{top}" x2="{LABEL_W}" y2="{height}" stroke="#6c757d"/>')
    parts.append("</g></svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def describe(categories: Sequence[str], series: Sequence[Series]) -> str:
    """Every bar in words: "Phone: 12 (40 %)." or, with several series, "Week 3: Contacts 5,
    Course places 12."."""
    sentences = []
    for index, category in enumerate(categories):
        if len(series) == 1:
            sentences.append(f"{category}: {series[0].texts[index]}.")
        else:
            values = ", ".join(f"{one.name} {one.texts[index]}" for one in series)
            sentences.append(f"{category}: {values}.")
    return " ".join(sentences)


def _legend(series: Sequence[Series]) -> str:
    """One line per series, a square of its colour first."""
    parts = []
    for number, one in enumerate(series):
        colour = COLOURS[number % len(COLOURS)]
        y = TOP + number * LEGEND_ROW
        parts.append(
            f'<rect x="{LABEL_W}" y="{y}" width="12" height="12" fill="{colour}"/>'
            f'<text x="{LABEL_W + 18}" y="{y + 10}" {FONT} fill="#212529">'
            f"{escape(_short(one.name, 60))}</text>"
        )
    return "".join(parts)


def _short(text: str, limit: int = 28) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
