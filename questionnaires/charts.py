"""A server-side SVG of questionnaire totals over time: one panel per instrument. Pure.

Each panel has its own scale (PHQ-9 0-27, GAD-7 0-21, from the definition), the bands shaded,
the caseness cut-off as a dashed line (from the definition, never hard-coded), a marker for
each session, and the scores joined by a line; a prorated score is drawn hollow.

The output is deterministic (the same input gives the same bytes: it will go into PDFs too)
and CSP-safe: presentation attributes, no style attributes, no script. It is an image with a
<title> and a <desc> summarising the first and last scores; the page shows the numbers in a
table beside it as well.
"""

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from questionnaires.definitions import Definition

WIDTH = 640
LEFT, RIGHT = 44, 112  # room for the scale on the left, the cut-off label on the right
TOP, BOTTOM = 22, 30
PLOT_H, GAP = 130, 40
INSET = 12  # keeps the first and last point off the panel's edges
LINE_COLOURS = ("#0b5ed7", "#6f42c1", "#146c43", "#b02a37")
# Band tints from the lowest band (green) to the highest (red).
BAND_TINTS = ("#e6f4ea", "#f3f7e3", "#fff6dc", "#fde9d9", "#f9dfe1")
FONT = 'font-family="system-ui, sans-serif" font-size="11"'
_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]{0,60}$")


@dataclass(frozen=True)
class Point:
    at: datetime
    total: int
    prorated: bool = False


@dataclass(frozen=True)
class Series:
    definition: Definition
    points: tuple[Point, ...]


def trend_chart_svg(
    series: Sequence[Series], *, sessions: Sequence[datetime] = (), chart_id: str = "trend"
) -> SafeString:
    """The chart for `series` (one panel each, in the order given) with `sessions` marked."""
    if not series:
        raise ValueError("at least one series is needed")
    if not _ID.fullmatch(chart_id):
        raise ValueError("chart_id must be a short identifier")
    series = [Series(s.definition, tuple(sorted(s.points, key=lambda p: p.at))) for s in series]
    moments = [p.at for s in series for p in s.points] + list(sessions)
    scale = _TimeScale(min(moments), max(moments)) if moments else None
    height = TOP + len(series) * PLOT_H + (len(series) - 1) * GAP + BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" class="trend-chart" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(_title(series))}</title>',
        f'<desc id="{chart_id}-desc">{escape(describe(series))}</desc>',
    ]
    for index, one in enumerate(series):
        top = TOP + index * (PLOT_H + GAP)
        colour = LINE_COLOURS[index % len(LINE_COLOURS)]
        parts.append(_panel(one, top, colour, scale, sessions))
    if scale:
        parts.append(_time_axis(scale, height - BOTTOM + 16))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 - every text in it is escaped above


def describe(series: Sequence[Series]) -> str:
    """One sentence per instrument: how many scores, the first and the last, the cut-off."""
    sentences = []
    for one in series:
        name = one.definition.name
        points = one.points
        if not points:
            sentences.append(_("%(name)s: no scores.") % {"name": name})
            continue
        first, last = points[0], points[-1]
        sentences.append(
            ngettext(
                "%(name)s: %(n)d score, %(first)s (%(first_date)s).",
                "%(name)s: %(n)d scores, first %(first)s (%(first_date)s), "
                "last %(last)s (%(last_date)s).",
                len(points),
            )
            % {
                "name": name,
                "n": len(points),
                "first": first.total,
                "first_date": _date(first.at),
                "last": last.total,
                "last_date": _date(last.at),
            }
        )
        cutoff = one.definition.scoring.caseness_min
        if cutoff is not None:
            sentences.append(
                _("Caseness cut-off %(name)s: %(value)s.") % {"name": name, "value": cutoff}
            )
    return " ".join(sentences)


class _TimeScale:
    def __init__(self, start: datetime, end: datetime) -> None:
        self.start, self.end = start, end
        self.span = (end - start).total_seconds()

    def x(self, moment: datetime) -> float:
        if self.span == 0:
            return LEFT + (WIDTH - LEFT - RIGHT) / 2
        share = (moment - self.start).total_seconds() / self.span
        return LEFT + INSET + share * (WIDTH - LEFT - RIGHT - 2 * INSET)


def _panel(
    one: Series, top: int, colour: str, scale: _TimeScale | None, sessions: Sequence[datetime]
) -> str:
    definition = one.definition
    low, high = definition.min_total, definition.max_total
    right = WIDTH - RIGHT

    def y(value: float) -> float:
        return top + PLOT_H * (1 - (value - low) / (high - low))

    parts = ['<g aria-hidden="true">']
    parts.append(
        f'<text x="{LEFT}" y="{top - 8}" {FONT} font-weight="bold" fill="#212529">'
        f"{escape(definition.name)}</text>"
    )
    bands = definition.scoring.bands
    for number, band in enumerate(bands):
        upper = bands[number + 1].min if number + 1 < len(bands) else high
        tint = BAND_TINTS[round(number * (len(BAND_TINTS) - 1) / max(len(bands) - 1, 1))]
        parts.append(
            f'<rect x="{LEFT}" y="{_n(y(upper))}" width="{right - LEFT}" '
            f'height="{_n(y(band.min) - y(upper))}" fill="{tint}"/>'
        )
    ticks = sorted({low, high, *(band.min for band in bands)})
    for tick in ticks:
        parts.append(
            f'<text x="{LEFT - 6}" y="{_n(y(tick) + 4)}" {FONT} text-anchor="end" '
            f'fill="#495057">{tick}</text>'
        )
    parts.append(
        f'<rect x="{LEFT}" y="{top}" width="{right - LEFT}" height="{PLOT_H}" fill="none" '
        f'stroke="#adb5bd"/>'
    )
    cutoff = definition.scoring.caseness_min
    if cutoff is not None:
        # gettext calls stay outside f-strings, where makemessages cannot see them.
        label = escape(_("Caseness %(value)s") % {"value": cutoff})
        parts.append(
            f'<line x1="{LEFT}" y1="{_n(y(cutoff))}" x2="{right}" y2="{_n(y(cutoff))}" '
            f'stroke="#dc3545" stroke-width="1.5" stroke-dasharray="6 4"/>'
            f'<text x="{right + 6}" y="{_n(y(cutoff) + 4)}" {FONT} fill="#b02a37">'
            f"{label}</text>"
        )
    if scale:
        for session in sorted(sessions):
            x = _n(scale.x(session))
            parts.append(
                f'<line x1="{x}" y1="{top}" x2="{x}" y2="{top + PLOT_H}" stroke="#6c757d" '
                f'stroke-width="1" stroke-dasharray="2 3"/>'
                f'<path d="M{x} {top + PLOT_H} l-4 6 h8 z" fill="#6c757d"/>'
            )
    parts.append("</g>")
    if scale and one.points:
        parts.append(_line(one, colour, scale, y))
    return "".join(parts)


def _line(one: Series, colour: str, scale: _TimeScale, y: Callable[[float], float]) -> str:
    coords = [(_n(scale.x(p.at)), _n(y(p.total))) for p in one.points]
    parts = [
        f'<polyline points="{" ".join(f"{x},{yy}" for x, yy in coords)}" fill="none" '
        f'stroke="{colour}" stroke-width="2"/>'
    ]
    for point, (x, yy) in zip(one.points, coords, strict=True):
        fill = "#ffffff" if point.prorated else colour
        label = f"{one.definition.name} {_date(point.at)}: {point.total}"
        if point.prorated:
            label += " (" + _("prorated") + ")"
        parts.append(
            f'<circle cx="{x}" cy="{yy}" r="4" fill="{fill}" stroke="{colour}" '
            f'stroke-width="2"><title>{escape(label)}</title></circle>'
        )
    return f'<g aria-hidden="true">{"".join(parts)}</g>'


def _time_axis(scale: _TimeScale, baseline: int) -> str:
    first, last = _date(scale.start), _date(scale.end)
    if first == last:
        return (
            f'<text x="{_n(scale.x(scale.start))}" y="{baseline}" {FONT} text-anchor="middle" '
            f'fill="#495057" aria-hidden="true">{escape(first)}</text>'
        )
    return (
        f'<g aria-hidden="true">'
        f'<text x="{_n(scale.x(scale.start))}" y="{baseline}" {FONT} text-anchor="start" '
        f'fill="#495057">{escape(first)}</text>'
        f'<text x="{_n(scale.x(scale.end))}" y="{baseline}" {FONT} text-anchor="end" '
        f'fill="#495057">{escape(last)}</text></g>'
    )


def _title(series: Sequence[Series]) -> str:
    names = " " + _("and") + " "
    return _("%(names)s over time") % {"names": names.join(s.definition.name for s in series)}


def _date(moment: datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "SHORT_DATE_FORMAT")


def _n(value: float) -> str:
    return f"{value:.1f}"
