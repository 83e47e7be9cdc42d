"""How the dashboard writes its numbers, and the links from a number to its list."""

from datetime import date, datetime
from urllib.parse import urlencode

from django import template
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from reporting.figures.base import Figure, Unit
from reporting.filters import Filters

register = template.Library()


@register.filter
def figure_value(figure: Figure) -> str:
    """The value as the page writes it: "61,5 %", "12,5 h", "27 d", "–" for none."""
    if figure.value is None:
        return "–"
    number = formats.number_format(figure.value, use_l10n=True)
    suffix = {
        Unit.PERCENT: " %",
        Unit.HOURS: " " + _("h"),
        Unit.DAYS: " " + _("d"),
    }.get(figure.unit, "")
    return number + suffix


@register.filter
def cell(value: object) -> str:
    """A drill-down cell: dates dd.mm.åååå, times in Norwegian time, empty as a dash."""
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "SHORT_DATETIME_FORMAT")
    if isinstance(value, date):
        return formats.date_format(value, "SHORT_DATE_FORMAT")
    if isinstance(value, int | float):
        return formats.number_format(value, use_l10n=True)
    return str(value)


@register.simple_tag
def drill_url(figure: Figure, filters: Filters, denominator: bool = False, page: int = 0) -> str:
    """The list behind `figure`, with the same filters."""
    params = filters.params()
    if denominator:
        params["nevner"] = "1"
    if page:
        params["side"] = str(page)
    return reverse("reporting:drilldown", args=[figure.key]) + "?" + urlencode(params)
