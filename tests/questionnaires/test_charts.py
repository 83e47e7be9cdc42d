"""The trend chart: a deterministic, accessible, CSP-safe SVG drawn from the definitions."""

import dataclasses
import random
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta

import pytest
from django.utils import translation

from questionnaires.charts import PLOT_H, TOP, Point, Series, describe, trend_chart_svg
from questionnaires.scoring import SHIPPED

NS = {"svg": "http://www.w3.org/2000/svg"}
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
PHQ9, GAD7 = SHIPPED["phq9"], SHIPPED["gad7"]
CUT_LINE = "6 4"  # the caseness line's dash pattern
SESSION_LINE = "2 3"


@pytest.fixture(autouse=True)
def _norwegian():
    with translation.override("nb"):
        yield


def week(n: int) -> datetime:
    return START + timedelta(weeks=n)


def course() -> list[Series]:
    return [
        Series(PHQ9, (Point(week(0), 18), Point(week(2), 14, prorated=True), Point(week(4), 9))),
        Series(GAD7, (Point(week(0), 12), Point(week(4), 6))),
    ]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)


def dashed(root: ET.Element, pattern: str) -> list[ET.Element]:
    return [e for e in root.iter(f"{{{NS['svg']}}}line") if e.get("stroke-dasharray") == pattern]


def test_the_same_scores_give_the_same_bytes_in_any_order():
    sessions = [week(0) + timedelta(hours=2), week(2) + timedelta(hours=2)]
    shuffled = [
        Series(s.definition, tuple(random.Random(7).sample(s.points, len(s.points))))
        for s in course()
    ]

    first = trend_chart_svg(course(), sessions=sessions)

    assert first == trend_chart_svg(course(), sessions=sessions)
    assert first == trend_chart_svg(shuffled, sessions=list(reversed(sessions)))


def test_it_is_an_image_with_a_title_and_a_description_of_first_and_last_scores():
    root = parse(trend_chart_svg(course(), chart_id="trend-7"))

    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "trend-7-title trend-7-desc"
    assert root.find("svg:title", NS).get("id") == "trend-7-title"
    assert root.find("svg:title", NS).text == "PHQ-9 og GAD-7 over tid"
    assert root.find("svg:desc", NS).text == (
        "PHQ-9: 3 skårer, første 18 (02.03.2026), siste 9 (30.03.2026). "
        "Klinisk grense PHQ-9: 10. "
        "GAD-7: 2 skårer, første 12 (02.03.2026), siste 6 (30.03.2026). "
        "Klinisk grense GAD-7: 8."
    )


def test_it_has_no_style_attributes_and_no_script():
    svg = trend_chart_svg(course(), sessions=[week(1)])

    assert "style" not in svg and "<script" not in svg and "on" + "click" not in svg
    parse(svg)  # well-formed XML, so it can go into a PDF as it is


def test_each_instrument_has_its_own_scale_from_its_definition():
    root = parse(trend_chart_svg(course()))

    labels = [t.text for t in root.iter(f"{{{NS['svg']}}}text")]
    assert labels.count("27") == 1 and labels.count("21") == 1
    assert [label for label in labels if label.endswith("-9") or label.endswith("-7")] == [
        "PHQ-9",
        "GAD-7",
    ]


def test_the_bands_are_shaded():
    root = parse(trend_chart_svg(course()))

    shaded = [r for r in root.iter(f"{{{NS['svg']}}}rect") if r.get("fill") != "none"]
    assert len(shaded) == len(PHQ9.scoring.bands) + len(GAD7.scoring.bands) == 9


def test_the_caseness_lines_come_from_the_definitions():
    stricter = dataclasses.replace(PHQ9, scoring=dataclasses.replace(PHQ9.scoring, caseness_min=12))
    root = parse(trend_chart_svg([Series(stricter, (Point(week(0), 14),))]))

    (line,) = dashed(root, CUT_LINE)
    expected = TOP + PLOT_H * (1 - 12 / 27)
    assert float(line.get("y1")) == pytest.approx(expected, abs=0.05)
    assert "Klinisk grense 12" in [t.text for t in root.iter(f"{{{NS['svg']}}}text")]


def test_an_instrument_without_a_caseness_cut_off_has_no_line():
    plain = dataclasses.replace(PHQ9, scoring=dataclasses.replace(PHQ9.scoring, caseness_min=None))

    root = parse(trend_chart_svg([Series(plain, (Point(week(0), 14),))]))

    assert dashed(root, CUT_LINE) == []


def test_every_session_is_marked_in_every_panel():
    sessions = [week(0), week(1), week(2)]

    root = parse(trend_chart_svg(course(), sessions=sessions))

    assert len(dashed(root, SESSION_LINE)) == 3 * 2


def test_later_scores_lie_lower_when_they_are_lower_and_further_right():
    root = parse(trend_chart_svg(course()))

    circles = list(root.iter(f"{{{NS['svg']}}}circle"))
    phq = circles[:3]
    xs = [float(c.get("cx")) for c in phq]
    ys = [float(c.get("cy")) for c in phq]
    assert xs == sorted(xs) and ys == sorted(ys)  # SVG y grows downwards: falling scores
    assert phq[1].get("fill") == "#ffffff"  # prorated: hollow
    assert phq[1].find("svg:title", NS).text == "PHQ-9 16.03.2026: 14 (forholdsmessig beregnet)"


def test_a_single_score_is_drawn_in_the_middle():
    root = parse(trend_chart_svg([Series(GAD7, (Point(week(0), 5),))]))

    (circle,) = root.iter(f"{{{NS['svg']}}}circle")
    assert float(circle.get("cx")) == pytest.approx((44 + 640 - 112) / 2)


def test_an_instrument_without_scores_is_described_as_such():
    text = describe([Series(PHQ9, ()), Series(GAD7, (Point(week(0), 9),))])

    assert text.startswith("PHQ-9: ingen skårer. GAD-7: 1 skår, 9 (02.03.2026).")


def test_texts_from_a_teams_definition_are_escaped():
    odd = dataclasses.replace(GAD7, name="<GAD&7>")

    svg = trend_chart_svg([Series(odd, (Point(week(0), 5),))])

    assert "<GAD" not in svg and "&lt;GAD&amp;7&gt;" in svg
    parse(svg)


@pytest.mark.parametrize(
    ("series", "chart_id"),
    [([], "trend"), ([Series(GAD7, ())], 'x" onload="alert(1)')],
    ids=["no series", "an id that is not an identifier"],
)
def test_it_refuses_what_it_cannot_draw(series, chart_id):
    with pytest.raises(ValueError):
        trend_chart_svg(series, chart_id=chart_id)
