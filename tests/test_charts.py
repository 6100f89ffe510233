"""Charts: Chinese labels render with a font that has them (never boxes); SVG keeps text as text."""

from __future__ import annotations

import warnings
from datetime import date, timedelta
from pathlib import Path

import pytest

from projlife.reports.charts import (
    CjkFont,
    FontMissing,
    FunnelChart,
    PaceChart,
    RankingChart,
    embedded_font_css,
    find_cjk_font,
    missing_glyphs,
    render_png,
    render_svg,
)

WEEKS = [date(2024, 1, 1) + timedelta(days=7 * i) for i in range(20)]
CHARTS = [
    FunnelChart(
        "驻马店市项目转化漏斗（截至2024年12月31日）", ["签约", "开工", "纳统", "投产"], [120, 80, 61, 20]
    ),
    PaceChart(
        "开工进度与季度目标", WEEKS, list(range(20)), [i * 1.5 for i in range(20)], "累计开工", "目标进度"
    ),
    RankingChart("县区排名", ["驿城区", "城乡一体化示范区", "驻马店经济开发区"], [95.5, 90.0, 80.25], "得分"),
]


@pytest.mark.parametrize("chart", CHARTS, ids=["funnel", "pace", "ranking"])
def test_the_chosen_font_has_a_glyph_for_every_label_character(chart: object) -> None:
    font = find_cjk_font(chart.text())  # type: ignore[attr-defined]
    assert missing_glyphs(font, chart.text()) == ""  # type: ignore[attr-defined]


@pytest.mark.parametrize("chart", CHARTS, ids=["funnel", "pace", "ranking"])
def test_rendering_png_emits_no_missing_glyph_warning(chart: object, tmp_path: Path) -> None:
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = render_png(chart, tmp_path / "c.png")  # type: ignore[arg-type]
    assert data.startswith(b"\x89PNG") and (tmp_path / "c.png").stat().st_size == len(data)
    assert not [w for w in caught if "missing from" in str(w.message)]


def test_a_font_without_chinese_is_refused_rather_than_drawing_boxes() -> None:
    import matplotlib

    dejavu = Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"
    assert missing_glyphs(dejavu, "签约") == "签约"
    with pytest.raises(FontMissing):
        render_png(CHARTS[0], font=CjkFont(dejavu, "DejaVu Sans", "test"))


def test_svg_keeps_the_labels_as_text() -> None:
    svg = render_svg(CHARTS[0])
    assert svg.startswith("<svg")
    for label in ("签约", "开工", "纳统", "投产", "驻马店市项目转化漏斗"):
        assert label in svg
    assert "<text" in svg


def test_the_embedded_font_subset_is_small_and_covers_the_text() -> None:
    import base64
    import io

    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = find_cjk_font()
    text = "驻马店市周通报签约开工"
    css = embedded_font_css(font, text, family="ReportCJK")
    assert "font-family: 'ReportCJK'" in css
    payload = css.split("base64,")[1].split(")")[0]
    assert len(payload) < 200_000
    subset = TTFont(io.BytesIO(base64.b64decode(payload)))
    assert all(ord(c) in subset.getBestCmap() for c in text)
