"""The web 台账 in headless Debian Chromium (Playwright, ``executable_path=/usr/bin/chromium``).

Opens the ledger, filters it, drills into a project, follows an event to its audit proof, switches
to English, and checks that every text node is drawn with the page's embedded CJK webfont, never
a fallback (Chromium's own account of the platform fonts used, via the DevTools protocol). Skips
with a reason without Chromium or Playwright, except under CI=true, where it must run.
"""

from __future__ import annotations

import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from conftest import IN_CI
from projlife.app.application import connect
from server_helpers import OTHER_COUNTY, LiveServer, Tokens, conceive_body, make_tokens, project_lifecycle

CHROMIUM = Path(os.environ.get("PROJLIFE_CHROMIUM", "/usr/bin/chromium"))


def _need_browser() -> Any:
    reason = None
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        reason = f"playwright is not installed: {exc}"
    if reason is None and not (CHROMIUM.is_file() or shutil.which(str(CHROMIUM))):
        reason = f"no Chromium at {CHROMIUM} (apt-get install chromium)"
    if reason is not None:
        if IN_CI:
            pytest.fail(f"CI=true but the browser test cannot run: {reason}")
        pytest.skip(reason)
    return sync_playwright


@pytest.fixture
def site(sqlite_url: str) -> Iterator[tuple[str, Tokens]]:
    pl = connect(sqlite_url, create_tables=True)
    tokens = make_tokens(pl)
    server = LiveServer(pl)
    import httpx

    def post(path: str, token: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        r = httpx.post(server.url + path, json=body, headers={"Authorization": f"Bearer {token}"}, timeout=30)
        return r.status_code, r.json()

    project_lifecycle(post, tokens, "XG-2024-001")
    for i in range(3):
        post(
            "/api/projects/conceive",
            tokens.clerk,
            conceive_body(f"XG-2024-10{i}", area=OTHER_COUNTY, project_name=f"智能装备产业园{i}期"),
        )
    try:
        yield server.url, tokens
    finally:
        server.stop()
        pl.close()


def _fallbacks(page: Any) -> list[str]:
    """Elements whose text Chromium drew with any font other than the page's webfont."""
    page.evaluate("document.fonts.ready")
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1, "pierce": True})["root"]
    found: list[str] = []
    checked = 0

    def walk(node: dict[str, Any]) -> None:
        nonlocal checked
        if node.get("nodeName") in ("SCRIPT", "STYLE", "HEAD", "TITLE"):
            return
        if node.get("nodeType") == 1:
            texts = [
                c
                for c in node.get("children", [])
                if c.get("nodeType") == 3 and c.get("nodeValue", "").strip()
            ]
            if texts:
                fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": node["nodeId"]})["fonts"]
                checked += 1
                for f in fonts:
                    if not f.get("isCustomFont"):
                        found.append(
                            f"{node['nodeName']} {texts[0]['nodeValue'].strip()[:20]!r}: {f['familyName']}"
                        )
        for child in node.get("children", []):
            walk(child)

    walk(root)
    assert checked > 5, "no text was checked"
    return found


def _page_sizes(pdf: bytes) -> list[tuple[float, float]]:
    """Each page's MediaBox (width, height) in points."""
    boxes = re.findall(rb"/MediaBox\s*\[\s*([\d.]+)\s+([\d.]+)\s+([\d.]+)\s+([\d.]+)\s*\]", pdf)
    return [(float(x1) - float(x0), float(y1) - float(y0)) for x0, y0, x1, y1 in boxes]


def _is_a4(box: tuple[float, float]) -> bool:
    """210 × 297 mm is 595.3 × 841.9 pt; Chromium rounds to whole device pixels."""
    return abs(box[0] - 595.3) < 2 and abs(box[1] - 841.9) < 2


def test_an_official_filters_the_ledger_opens_a_project_and_follows_an_event_to_its_proof(site: Any) -> None:
    sync_playwright = _need_browser()
    base, tokens = site
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox"])
        try:
            page = browser.new_page()
            page.goto(base + "/")
            assert "/login" in page.url  # no token, no ledger
            page.fill("#token", tokens.admin)
            page.click("#sign-in")
            page.wait_for_selector("#ledger")
            assert page.locator("#ledger tbody tr").count() == 4
            assert _fallbacks(page) == []

            page.select_option("#f-area", OTHER_COUNTY)
            page.click("#f-submit")
            page.wait_for_url("**area=*")
            assert page.locator("#ledger tbody tr").count() == 3
            page.select_option("#f-area", "")
            page.select_option("#f-stage", "at_capacity")
            page.click("#f-submit")
            page.wait_for_url("**stage=at_capacity*")
            assert page.locator("#ledger tbody tr").count() == 1

            page.click("a.project-link")
            page.wait_for_selector("#timeline")
            project_url = page.url
            assert "XG-2024-001" in page.inner_text("#project-title")
            assert page.locator("#timeline tbody tr").count() == 12
            assert "verifier-1" in page.inner_text("#timeline")
            names = page.locator("#timeline .event-name").all_inner_texts()
            assert names[:3] == ["谋划", "储备入库", "签约"] and "核查员" in page.inner_text("#timeline")
            assert _fallbacks(page) == []

            page.locator("a.proof-link").nth(3).click()
            page.wait_for_selector("#verdict")
            assert page.inner_text("#verdict").startswith("VALID")
            assert _fallbacks(page) == []

            page.click("#lang-toggle")
            page.wait_for_selector("#verdict")
            assert "Audit proof" in page.inner_text("#proof-title")
            assert _fallbacks(page) == []

            page.goto(project_url)  # the language choice is kept (a cookie)
            page.wait_for_selector("#timeline")
            assert page.locator("#timeline .event-name").first.inner_text() == "conceived"
            page.goto(base + "/tickets")
            page.wait_for_selector("#tickets")
            page.goto(base + "/bulletins?kind=quarterly&as_of=2024-12-31")
            page.wait_for_selector(".bulletin svg")
            assert _fallbacks(page) == []
            # printed: the page's own @page rule gives A4, navigation and filters are left out
            pdf = page.pdf(prefer_css_page_size=True, print_background=True)
            assert pdf[:4] == b"%PDF"
            assert _page_sizes(pdf) and all(_is_a4(box) for box in _page_sizes(pdf)), _page_sizes(pdf)
            page.emulate_media(media="print")
            assert not page.is_visible("header.top") and not page.is_visible("form.filters")
            assert page.is_visible(".bulletin svg")
            page.emulate_media(media="screen")
            assert page.is_visible("header.top")

            # the check sees a fallback when there is one
            page.evaluate(
                "() => { const p = document.createElement('p');"
                " p.setAttribute('style', 'font-family: monospace !important'); p.textContent = 'fallback 回退';"
                " document.body.appendChild(p); }"
            )
            assert any("fallback" in f for f in _fallbacks(page))
        finally:
            browser.close()
