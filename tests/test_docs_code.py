"""The code in README.md and docs/*.md runs: every ```python block, in order, one namespace per page.

A block right after a ``<!-- notest -->`` line is a fragment shown for reading (a hook signature, a
placeholder-laden excerpt); every other block must run as printed, in an empty working folder.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[1]
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").rglob("*.md"))]
FENCE = re.compile(r"^(<!-- notest -->\n)?```python[^\n]*\n(.*?)^```", re.S | re.M)


def _blocks(page: Path) -> list[tuple[int, str, str]]:
    text = page.read_text(encoding="utf-8")
    return [
        (text[: m.start()].count("\n") + 1, "notest" if m.group(1) else "", m.group(2))
        for m in FENCE.finditer(text)
    ]


RUNNABLE = [p for p in PAGES if any("notest" not in info for _, info, _ in _blocks(p))]


@pytest.mark.parametrize("page", RUNNABLE, ids=[str(p.relative_to(ROOT)) for p in RUNNABLE])
def test_the_code_blocks_of_a_page_run(
    page: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.syspath_prepend(str(ROOT / "examples"))
    namespace: dict[str, object] = {"__name__": f"docs_{page.stem}"}
    for line, info, code in _blocks(page):
        if "notest" in info:
            continue
        try:
            exec(compile(code, f"{page.relative_to(ROOT)}:{line}", "exec"), namespace)
        except Exception as exc:  # pragma: no cover - the failure message is the point
            pytest.fail(f"{page.relative_to(ROOT)} line {line}: {type(exc).__name__}: {exc}")
    closing = namespace.get("app")
    if hasattr(closing, "close"):
        closing.close()  # type: ignore[union-attr]


def test_most_code_blocks_run() -> None:
    blocks = [info for page in PAGES for _, info, _ in _blocks(page)]
    skipped = [info for info in blocks if "notest" in info]
    assert len(blocks) >= 40
    assert len(skipped) * 2 <= len(blocks), f"{len(skipped)} of {len(blocks)} blocks are not run"
