"""The dashboard's bar charts: accessible, CSP-safe, the numbers readable without colour."""

import re

import pytest

from reporting.dashboard.charts import Series, bar_chart_svg, describe


def _chart(**kw):
    return bar_chart_svg(
        ["Telefon", "Nettskjema <b>"],
        [Series("Henvendelser", (3, 1), ("3 (75 %)", "1 (25 %)"))],
        chart_id="chart-test",
        title="Henvendelser etter kanal",
        **kw,
    )


def test_a_chart_is_an_image_with_a_title_and_a_description_of_every_bar():
    svg = str(_chart())

    assert 'role="img"' in svg
    assert 'aria-labelledby="chart-test-title chart-test-desc"' in svg
    assert '<title id="chart-test-title">Henvendelser etter kanal</title>' in svg
    assert "Telefon: 3 (75 %). Nettskjema &lt;b&gt;: 1 (25 %)." in svg


def test_bars_are_as_long_as_their_values_and_carry_their_number():
    svg = str(_chart())

    widths = [float(w) for w in re.findall(r'<rect x="190" y="\d+" width="([\d.]+)"', svg)]
    assert widths[0] == pytest.approx(3 * widths[1])
    assert ">3 (75 %)</text>" in svg


def test_it_is_safe_under_the_content_security_policy_and_deterministic():
    svg = str(_chart())

    assert "style=" not in svg and "<script" not in svg
    assert svg == str(_chart())


def test_several_series_get_a_legend_and_are_read_out_per_category():
    series = [
        Series("Henvendelser", (2, 0), ("2", "0")),
        Series("Kursplasser", (10, 0), ("10", "0")),
    ]

    svg = str(bar_chart_svg(["uke 2", "uke 3"], series, chart_id="cap", title="Kapasitet"))

    assert ">Kursplasser</text>" in svg
    assert describe(["uke 2"], [Series("A", (1,), ("1",)), Series("B", (2,), ("2",))]) == (
        "uke 2: A 1, B 2."
    )


def test_all_zero_values_draw_empty_bars():
    svg = str(bar_chart_svg(["x"], [Series("s", (0,), ("0",))], chart_id="z", title="t"))

    assert 'width="0.0"' in svg


def test_a_bad_chart_id_or_mismatched_values_are_refused():
    with pytest.raises(ValueError):
        bar_chart_svg(["x"], [Series("s", (1,), ("1",))], chart_id='"><script>', title="t")
    with pytest.raises(ValueError):
        bar_chart_svg(["x", "y"], [Series("s", (1,), ("1",))], chart_id="ok", title="t")
