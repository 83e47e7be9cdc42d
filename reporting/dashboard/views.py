"""The team lead's dashboard (styringstall), its capacity page and the drill-down lists."""

from dataclasses import dataclass

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from reporting.dashboard.charts import Series, bar_chart_svg
from reporting.dashboard.forecast import forecast_for, horizon
from reporting.dashboard.queries import dashboard_for
from reporting.dashboard.rows import list_view_log, listing
from reporting.figures.base import Figure, Group, Section
from reporting.figures.forecast import MAX_WEEKS, MIN_WEEKS
from reporting.filters import DASHBOARD_ROLES, FilterForm, Filters, default_filters, read_filters
from reporting.templatetags.dashboard_tags import figure_value as display
from rph.accounts.decorators import require_membership, team_role_required
from rph.accounts.roles import CLIENT_ROLES

PAGE_SIZE = 50  # one INSERT logs a page, even on SQLite (999 parameters)
DASHBOARD_SECTIONS = ("intake", "waiting", "activity", "outcomes", "reach", "work")


def _filters(request: HttpRequest) -> tuple[Filters, FilterForm]:
    """The filters asked for; on bad input a message, the defaults, and the form's errors."""
    team = require_membership(request).team
    today = timezone.localdate()
    filters, form = read_filters(request.GET, team=team, today=today)
    if filters is None:
        messages.warning(
            request,
            _("The filter could not be used. Showing the last 12 months for the whole team."),
        )
        return default_filters(team, today), form
    return filters, FilterForm(initial=filters.params(), team=team)


filters_from_request = _filters  # for the other reporting pages with the same filter


@dataclass(frozen=True)
class ChartedGroup:
    group: Group
    chart: SafeString


def _charted(section: Section) -> list[ChartedGroup]:
    charted = []
    for group in section.groups:
        texts = tuple(
            f"{f.count} ({display(f)})" if f.is_share else display(f) for f in group.figures
        )
        series = Series(str(group.title), tuple(f.count or 0 for f in group.figures), texts)
        chart = bar_chart_svg(
            [str(f.label) for f in group.figures],
            [series],
            chart_id=f"chart-{section.key}-{group.key}",
            title=str(group.title),
        )
        charted.append(ChartedGroup(group, chart))
    return charted


@team_role_required(DASHBOARD_ROLES)
def dashboard(request: HttpRequest) -> HttpResponse:
    filters, form = _filters(request)
    board = dashboard_for(filters, now=timezone.now())
    sections = [
        (section, _charted(section))
        for section in (board.section(key) for key in DASHBOARD_SECTIONS)
    ]
    context = {"filters": filters, "form": form, "sections": sections}
    return render(request, "reporting/dashboard.html", context)


@team_role_required(DASHBOARD_ROLES)
def capacity(request: HttpRequest) -> HttpResponse:
    filters, form = _filters(request)
    section = dashboard_for(filters, now=timezone.now()).section("capacity")
    weeks = [group.figures for group in section.groups]
    labels = [str(f.label) for f in section.groups[0].figures]
    chart = bar_chart_svg(
        labels,
        [
            Series(
                str(g.title),
                tuple(f.value or 0 for f in g.figures),
                tuple(display(f) for f in g.figures),
            )
            for g in section.groups
        ],
        chart_id="chart-capacity",
        title=str(section.title),
    )
    horizon_weeks = horizon(request.GET.get("uker"))
    context = {
        "filters": filters,
        "form": form,
        "section": section,
        "chart": chart,
        "weeks": list(zip(*weeks, strict=True)),
        "forecast": forecast_for(filters, today=timezone.localdate(), weeks=horizon_weeks),
        "horizon": horizon_weeks,
        "horizons": range(MIN_WEEKS, MAX_WEEKS + 1),
    }
    return render(request, "reporting/dashboard_capacity.html", context)


def _figure(request: HttpRequest, filters: Filters, key: str) -> Figure | None:
    if key.startswith("forecast."):
        weeks = horizon(request.GET.get("uker"))
        return forecast_for(filters, today=timezone.localdate(), weeks=weeks).figure(key)
    return dashboard_for(filters, now=timezone.now()).figure(key)


@team_role_required(DASHBOARD_ROLES)
def drilldown(request: HttpRequest, key: str) -> HttpResponse:
    filters, form = _filters(request)
    figure = _figure(request, filters, key)
    if figure is None:
        raise Http404
    of_denominator = request.GET.get("nevner") == "1" and figure.denominator_ids is not None
    ids = figure.denominator_ids if of_denominator else figure.ids
    page = Paginator(ids or (), PAGE_SIZE).get_page(request.GET.get("side"))
    rows = listing(figure, list(page.object_list), filters)
    list_view_log(
        request=request, filters=filters, clients=[r.client for r in rows.rows if r.client]
    )
    role = require_membership(request).role
    context = {
        "filters": filters,
        "form": form,
        "figure": figure,
        "of_denominator": of_denominator,
        "listing": rows,
        "page": page,
        "link_clients": role in CLIENT_ROLES,
    }
    return render(request, "reporting/drilldown.html", context)
