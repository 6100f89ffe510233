"""The rules table of each built-in city, as written in ``docs/cities/<city>.md``.

``python -m projlife.plugins.cities.docs_table xiaogan`` prints it; a test checks that each
page contains exactly this table, so the docs cannot drift from the code.
"""

from __future__ import annotations

import sys

from projlife.plugins.cities._support import RuleDoc, rules_table_markdown

__all__ = ["CITY_SLUGS", "rule_docs_of", "rules_table"]

CITY_SLUGS = ("xiaogan", "zhumadian", "xiamen", "jiangyan")


def rule_docs_of(slug: str) -> list[RuleDoc]:
    """The rules table rows of a built-in city, under its default settings."""
    if slug == "xiaogan":
        from projlife.plugins.cities.xiaogan import rules as x

        return x.rule_docs(x.XiaoganSettings())
    if slug == "zhumadian":
        from projlife.plugins.cities.zhumadian import rules as z

        return z.rule_docs(z.ZhumadianSettings())
    if slug == "xiamen":
        from projlife.plugins.cities.xiamen import rules as m

        return m.rule_docs(m.XiamenSettings())
    if slug == "jiangyan":
        from projlife.plugins.cities.jiangyan import rules as j

        return j.rule_docs(j.JiangyanSettings())
    raise ValueError(f"no built-in city {slug!r}; built in: {', '.join(CITY_SLUGS)}")


def rules_table(slug: str) -> str:
    return rules_table_markdown(rule_docs_of(slug))


if __name__ == "__main__":  # pragma: no cover
    print(rules_table(sys.argv[1]), end="")
