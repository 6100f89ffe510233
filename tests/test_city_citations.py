"""Every built-in rule cites its seed exactly, and each city's docs page carries its rules table."""

from __future__ import annotations

from pathlib import Path

import pytest

from projlife.domain.periods import Period
from projlife.plugins.cities import jiangyan, xiamen, xiaogan, zhumadian
from projlife.plugins.cities.docs_table import CITY_SLUGS, rule_docs_of, rules_table
from projlife.plugins.manager import get_plugin_manager, rule_set

REPO = Path(__file__).resolve().parents[1]


def _seeds_dir() -> Path | None:
    for candidate in (
        REPO.parent / "shared" / "seeds",
        REPO.parents[1] / "shared" / "seeds",
        Path("/work/shared/seeds"),
    ):
        if candidate.is_dir():
            return candidate
    return None


MODULES = {"xiaogan": xiaogan, "zhumadian": zhumadian, "xiamen": xiamen, "jiangyan": jiangyan}


@pytest.mark.parametrize("slug", CITY_SLUGS)
def test_every_cited_phrase_appears_verbatim_in_its_seed(slug: str) -> None:
    seeds = _seeds_dir()
    if seeds is None:
        pytest.skip("the seeds folder ../shared/seeds is not beside the repository")
    for row in rule_docs_of(slug):
        text = (seeds / row.citation.seed).read_text(encoding="utf-8")
        assert row.citation.phrase in text, f"{slug}: {row.rule!r} cites a phrase not in {row.citation.seed}"


@pytest.mark.parametrize("slug", CITY_SLUGS)
def test_every_rule_source_names_its_city_seed(slug: str) -> None:
    module = MODULES[slug]
    pm = get_plugin_manager(load_entry_points=False, plugins=[(slug, module)])
    rs = rule_set(pm, module.CITY, Period.parse("2024"))
    for rule in (*rs.quotas, *rs.deadlines, *rs.scoring):
        assert rule.source.startswith(module.SOURCE), f"{rule.id} cites {rule.source!r}"
        assert "「" in rule.source and "」" in rule.source, f"{rule.id} quotes no phrase"
    assert all(row.citation.seed == module.SOURCE for row in rule_docs_of(slug))


@pytest.mark.parametrize("slug", CITY_SLUGS)
def test_every_quota_deadline_and_scoring_rule_is_in_the_docs_table(slug: str) -> None:
    module = MODULES[slug]
    pm = get_plugin_manager(load_entry_points=False, plugins=[(slug, module)])
    rs = rule_set(pm, module.CITY, Period.parse("2024"))
    documented = {i for row in rule_docs_of(slug) for i in row.ids}
    for rule in (*rs.quotas, *rs.deadlines, *rs.scoring, *rs.size_classes):
        assert rule.id in documented, f"{slug}: {rule.id} has no row in docs/cities/{slug}.md"


@pytest.mark.parametrize("slug", CITY_SLUGS)
def test_the_docs_page_carries_the_rules_table_the_code_defines(slug: str) -> None:
    page = (REPO / "docs" / "cities" / f"{slug}.md").read_text(encoding="utf-8")
    assert rules_table(slug) in page, (
        f"docs/cities/{slug}.md is out of date: regenerate with "
        f"python -m projlife.plugins.cities.docs_table {slug}"
    )
