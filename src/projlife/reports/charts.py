"""Charts for bulletins and slides: the conversion funnel, pace against quota, county ranking.

Charts take plain data (labels and numbers), so they do not depend on where the figures
come from. Each renders to SVG with its text kept as text (for the HTML report, where an
embedded subset of the CJK font draws it) and to PNG (for slides).

Chinese labels need a CJK font. :func:`find_cjk_font` looks, in order, at
``PROJLIFE_CJK_FONT`` (a font file), at installed system fonts with Simplified
Chinese coverage (Noto Sans CJK SC, Source Han Sans SC, WenQuanYi, …), and at the
Noto Sans CJK font shipped by the ``notojp-matplotlib`` wheel (SIL OFL 1.1), a
dependency of projlife so that a fresh machine has one. A font is only used if its
character map covers every character of the labels; rendering never falls back to
boxes silently.
"""

from __future__ import annotations

import base64
import importlib.util
import io
import os
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

import attrs

from projlife.domain.errors import ProjlifeError
from projlife.extras import require

__all__ = [
    "CjkFont",
    "FontMissing",
    "FunnelChart",
    "PaceChart",
    "RankingChart",
    "embedded_font_css",
    "find_cjk_font",
    "missing_glyphs",
    "render_png",
    "render_svg",
]

_SYSTEM_FAMILIES = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "Noto Sans SC",
)
_PALETTE = ("#1f4e79", "#2e75b6", "#9dc3e6", "#c00000", "#70ad47", "#ffc000")


class FontMissing(ProjlifeError):
    """No font with the characters a chart needs was found."""


@attrs.frozen
class CjkFont:
    path: Path
    family: str
    source: str
    """Where it was found: ``env``, ``system`` or ``package``."""


@cache
def _cmap(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont  # type: ignore[import-untyped]

    font = TTFont(str(path), lazy=True, fontNumber=0)
    try:
        return frozenset(font.getBestCmap())
    finally:
        font.close()


def missing_glyphs(font: CjkFont | Path, text: str) -> str:
    """The characters of ``text`` (other than whitespace) the font has no glyph for."""
    path = font.path if isinstance(font, CjkFont) else font
    cmap = _cmap(path)
    return "".join(sorted({c for c in text if not c.isspace() and ord(c) not in cmap}))


def _family(path: Path) -> str:
    from matplotlib.font_manager import FontProperties

    return str(FontProperties(fname=str(path)).get_name())


def _candidates() -> Iterator[CjkFont]:
    env = os.environ.get("PROJLIFE_CJK_FONT")
    if env and Path(env).is_file():
        yield CjkFont(Path(env), _family(Path(env)), "env")
    from matplotlib.font_manager import fontManager

    for entry in fontManager.ttflist:
        if entry.name in _SYSTEM_FAMILIES:
            yield CjkFont(Path(entry.fname), entry.name, "system")
    spec = importlib.util.find_spec(
        "notojp_matplotlib"
    )  # locate without importing (its import sets rcParams)
    if spec is not None and spec.submodule_search_locations:
        path = Path(next(iter(spec.submodule_search_locations))) / "fonts" / "NotoSansCJKjp-Regular.otf"
        if path.is_file():
            yield CjkFont(path, _family(path), "package")


def find_cjk_font(text: str = "驻马店市签约开工纳统投产") -> CjkFont:
    """The first available font covering every character of ``text``."""
    require("charts", "matplotlib", "fontTools")
    tried = []
    for font in _candidates():
        if not missing_glyphs(font, text):
            return font
        tried.append(f"{font.family} ({font.source}) lacks {missing_glyphs(font, text)[:20]}")
    raise FontMissing(
        "find a font for Chinese chart labels",
        "no installed font covers the labels" + (f": {'; '.join(tried)}" if tried else ""),
        "pip install notojp-matplotlib, install fonts-noto-cjk, or set PROJLIFE_CJK_FONT to a .otf/.ttf file",
    )


@attrs.frozen
class FunnelChart:
    """Counts at successive stages (e.g. 签约 → 开工 → 纳统 → 投产), with the rates between."""

    title: str
    labels: Sequence[str]
    values: Sequence[int]

    def text(self) -> str:
        return self.title + "".join(self.labels) + "0123456789.%→"


@attrs.frozen
class PaceChart:
    """Cumulative actual count against the quota line over time (one series per line)."""

    title: str
    dates: Sequence[date]
    actual: Sequence[int]
    quota: Sequence[float]
    actual_label: str
    quota_label: str

    def text(self) -> str:
        return self.title + self.actual_label + self.quota_label + "0123456789-"


@attrs.frozen
class RankingChart:
    """Areas ranked by a score or count (highest first)."""

    title: str
    labels: Sequence[str]
    values: Sequence[float]
    value_label: str = ""

    def text(self) -> str:
        return self.title + "".join(self.labels) + self.value_label + "0123456789."


Chart = FunnelChart | PaceChart | RankingChart


@contextmanager
def _font_context(font: CjkFont) -> Iterator[None]:
    import matplotlib
    from matplotlib.font_manager import fontManager

    if font.family not in {f.name for f in fontManager.ttflist}:
        fontManager.addfont(str(font.path))
    with matplotlib.rc_context(
        {"font.family": [font.family, "DejaVu Sans"], "axes.unicode_minus": False, "svg.fonttype": "none"}
    ):
        yield


def _figure(chart: Chart) -> object:
    from matplotlib.figure import Figure

    if isinstance(chart, FunnelChart):
        fig = Figure(figsize=(7.2, 3.6), dpi=100)
        ax = fig.add_subplot()
        n = len(chart.values)
        ys = list(range(n))[::-1]
        top = max(chart.values) if chart.values and max(chart.values) > 0 else 1
        ax.barh(ys, chart.values, color=[_PALETTE[i % 3] for i in range(n)], height=0.62)
        for i, (y, v) in enumerate(zip(ys, chart.values, strict=True)):
            note = f"{v}"
            if i > 0 and chart.values[i - 1]:
                note += f"  ({v / chart.values[i - 1] * 100:.1f}%)"
            ax.text(v + top * 0.01, y, note, va="center", fontsize=10)
        ax.set_yticks(ys, list(chart.labels), fontsize=11)
        ax.set_xlim(0, top * 1.25)
    elif isinstance(chart, PaceChart):
        fig = Figure(figsize=(7.2, 3.6), dpi=100)
        ax = fig.add_subplot()
        xs: Any = list(chart.dates)
        ax.plot(xs, list(chart.actual), color=_PALETTE[0], linewidth=2, label=chart.actual_label)
        ax.plot(
            xs,
            list(chart.quota),
            color=_PALETTE[3],
            linestyle="--",
            linewidth=1.5,
            label=chart.quota_label,
        )
        ax.legend(loc="upper left", frameon=False)
        ax.grid(alpha=0.3)
        fig.autofmt_xdate()
    else:
        fig = Figure(figsize=(7.2, max(2.4, 0.32 * len(chart.labels) + 1.0)), dpi=100)
        ax = fig.add_subplot()
        n = len(chart.values)
        ys = list(range(n))[::-1]
        ax.barh(ys, chart.values, color=_PALETTE[1], height=0.6)
        for y, score in zip(ys, chart.values, strict=True):
            ax.text(score, y, f" {score:g}", va="center", fontsize=9)
        ax.set_yticks(ys, [f"{i + 1}. {label}" for i, label in enumerate(chart.labels)], fontsize=10)
        if chart.value_label:
            ax.set_xlabel(chart.value_label)
    ax.set_title(chart.title, fontsize=13, loc="left")
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    fig.tight_layout()
    return fig


def _render(chart: Chart, fmt: str, font: CjkFont | None, dpi: int) -> bytes:
    require("charts", "matplotlib", "fontTools")
    font = font or find_cjk_font(chart.text())
    missing = missing_glyphs(font, chart.text())
    if missing:
        raise FontMissing(
            f"draw chart {chart.title!r}", f"{font.family} has no glyph for {missing}", "another font"
        )
    with _font_context(font), warnings.catch_warnings():
        warnings.filterwarnings("error", message=r"Glyph .* missing from")  # a box would be drawn: refuse
        fig = _figure(chart)
        buf = io.BytesIO()
        fig.savefig(buf, format=fmt, dpi=dpi)  # type: ignore[attr-defined]
    return buf.getvalue()


def render_png(
    chart: Chart, path: str | Path | None = None, *, font: CjkFont | None = None, dpi: int = 150
) -> bytes:
    """The chart as PNG (written to ``path`` if given)."""
    data = _render(chart, "png", font, dpi)
    if path is not None:
        Path(path).write_bytes(data)
    return data


def render_svg(chart: Chart, *, font: CjkFont | None = None) -> str:
    """The chart as an SVG document whose labels are ``<text>`` elements (not paths)."""
    svg = _render(chart, "svg", font, 100).decode("utf-8")
    start = svg.find("<svg")
    return svg[start:] if start >= 0 else svg


def embedded_font_css(font: CjkFont, text: str, family: str | None = None) -> str:
    """An ``@font-face`` rule embedding the font subset to the characters of ``text`` (WOFF, base64)."""
    require("charts", "fontTools")
    from fontTools import subset  # type: ignore[import-untyped]

    options = subset.Options()
    options.flavor = "woff"
    options.layout_features = ["*"]
    options.name_IDs = ["*"]
    options.notdef_outline = True
    loaded = subset.load_font(str(font.path), options)
    subsetter = subset.Subsetter(options)
    subsetter.populate(text="".join(sorted(set(text))))
    subsetter.subset(loaded)
    buf = io.BytesIO()
    subset.save_font(loaded, buf, options)
    data = base64.b64encode(buf.getvalue()).decode("ascii")
    return (
        f"@font-face {{ font-family: '{family or font.family}'; "
        f"src: url(data:font/woff;base64,{data}) format('woff'); }}"
    )
