"""Charts and the HTML font subset draw Simplified Chinese glyph forms (Noto Sans CJK SC), not Japanese."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np
import pytest

from projlife.reports.charts import find_cjk_font, packaged_sc_font

CHARS = "投竣达意率逾号分收集"


def _bitmap(font: Path, ch: str) -> np.ndarray:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.font_manager import FontProperties

    fig = Figure(figsize=(1, 1), dpi=64)
    canvas = FigureCanvasAgg(fig)
    fig.text(0.5, 0.5, ch, fontproperties=FontProperties(fname=str(font), size=40), ha="center", va="center")
    canvas.draw()
    return np.asarray(canvas.buffer_rgba())[..., 0] < 128


def _jp_face() -> Path:
    spec = importlib.util.find_spec("notojp_matplotlib")
    if spec is None or not spec.submodule_search_locations:
        pytest.skip("the Japanese reference face (notojp-matplotlib, a dev dependency) is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NotoSansCJKjp-Regular.otf"


def test_the_chart_font_is_the_packaged_simplified_chinese_face(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROJLIFE_CJK_FONT", raising=False)
    sc = packaged_sc_font()
    assert sc is not None
    font = find_cjk_font(CHARS)
    assert font.path == sc and font.source == "package" and "SC" in font.family


def test_rendered_glyphs_are_the_sc_forms_and_differ_from_the_jp_forms(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("PROJLIFE_CJK_FONT", raising=False)
    used = find_cjk_font(CHARS).path
    sc = packaged_sc_font()
    jp = _jp_face()
    assert sc is not None
    differing_from_jp = []
    for ch in CHARS:
        drawn = _bitmap(used, ch)
        assert drawn.any()
        assert np.array_equal(drawn, _bitmap(sc, ch)), ch
        if (drawn != _bitmap(jp, ch)).sum() > 20:
            differing_from_jp.append(ch)
    assert len(differing_from_jp) >= 3, differing_from_jp


def test_the_html_font_subset_carries_the_sc_outlines(monkeypatch: pytest.MonkeyPatch) -> None:
    import base64
    import io
    import re

    from fontTools.pens.recordingPen import RecordingPen
    from fontTools.ttLib import TTFont

    from projlife.reports.charts import embedded_font_css

    monkeypatch.delenv("PROJLIFE_CJK_FONT", raising=False)
    font = find_cjk_font(CHARS)
    css = embedded_font_css(font, CHARS, family="projlife-cjk")
    data = base64.b64decode(re.search(r"base64,([A-Za-z0-9+/=]+)", css).group(1))  # type: ignore[union-attr]
    subset = TTFont(io.BytesIO(data))
    sc = TTFont(str(packaged_sc_font()))
    jp = TTFont(str(_jp_face()))

    def outline(f: TTFont, ch: str) -> list[object]:
        pen = RecordingPen()
        f.getGlyphSet()[f.getBestCmap()[ord(ch)]].draw(pen)
        return pen.value

    assert all(outline(subset, ch) == outline(sc, ch) for ch in CHARS)
    assert sum(outline(subset, ch) != outline(jp, ch) for ch in CHARS) >= 3
