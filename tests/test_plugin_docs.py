"""docs/plugins.md documents every hookspec with its exact signature and a working example.

Fails when a hook is added to ``projlife.plugins.hookspecs`` without its docs section, when a
documented signature drifts from the code, or when a documented example stops working.
"""

from __future__ import annotations

import inspect
import re
import types
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from projlife.calendar import DeadlineRule
from projlife.domain.periods import Period
from projlife.plugins import get_plugin_manager, hookspecs, rule_set
from projlife.plugins.manager import hook_names, ticket_rules, validate_command
from projlife.tickets import TicketPolicy

DOC = (Path(__file__).resolve().parents[1] / "docs" / "plugins.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```python\n(.*?)```", re.S)


def signature(name: str) -> str:
    sig = inspect.signature(getattr(hookspecs, name))
    params = ", ".join(f"{p.name}: {p.annotation}" for p in sig.parameters.values())
    return f"def {name}({params}) -> {sig.return_annotation}"


def section(name: str) -> str:
    match = re.search(rf"^### {name}\n(.*?)(?=^##)", DOC, re.S | re.M)
    assert match, f"docs/plugins.md has no '### {name}' section"
    return match.group(1)


def imports_block() -> str:
    head = DOC[: DOC.index("### projlife_city")]
    blocks = BLOCK.findall(head)
    assert blocks, "the hooks chapter starts with the examples' imports"
    return blocks[-1]


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_has_a_section_with_its_exact_signature(name: str) -> None:
    body = section(name)
    prose = " ".join(body.split())
    assert signature(name) in body, f"signature of {name} in docs differs from {signature(name)!r}"
    first = bool(getattr(hookspecs, name).projlife_spec["firstresult"])
    assert first == (name in hookspecs.FIRST_RESULT_HOOKS), name
    assert ("**First result**" in prose) == first, name
    assert ("**All collected**" in prose) == (not first), name


def examples() -> tuple[dict[str, Any], types.ModuleType]:
    namespace: dict[str, Any] = {}
    exec(imports_block(), namespace)
    plugin = types.ModuleType("docs_examples")
    for name in hook_names():
        blocks = BLOCK.findall(section(name))
        assert blocks, f"the {name} section has no python example"
        local = dict(namespace)
        exec(blocks[-1], local)
        assert name in local, f"the {name} example does not define {name}"
        setattr(plugin, name, local[name])
    return namespace, plugin


def test_the_documented_examples_together_make_a_valid_plugin() -> None:
    namespace, plugin = examples()
    pm = get_plugin_manager(load_entry_points=False, plugins=[("docs", plugin)])
    city = namespace["CITY"]
    rs = rule_set(pm, city, Period.parse("2024"))
    assert {q.id for q in rs.quotas} == {"starts.county", "starts.zone", "start-rate", "sign-pace"}
    assert {d.id for d in rs.deadlines} == {"start-90wd", "stats-3m", "team-7d"}
    assert rs.calendar.official_years == frozenset({2027})
    assert rs.tickets.ladder is not None and [s.meets_on for s in rs.tickets.ladder] == [None, 0, 1]
    assert rs.tickets.satisfaction_bar == 4 and rs.tickets.close_unsampled_on_answer is False
    policy = TicketPolicy.from_rules(ticket_rules(pm, city))
    assert policy.ladder == rs.tickets.ladder and policy.due_rule == DeadlineRule.parse("5 working days")
    small = namespace["ConceiveProject"](
        code="X-1",
        project_name="小项目",
        city_code=city.code,
        area_code="990001",
        category="industrial",
        planned_investment_yuan=1,
        occurred_on=date(2024, 1, 2),
        actor={"id": "c", "role": "clerk"},
        reserved=True,
    )
    assert [p.field for p in validate_command(pm, city, small, None)] == ["planned_investment_yuan"]
    # projlife_scope, projlife_jurisdiction and the cross-city policy (issue 16)
    assert rs.counting.scope.industry_only and rs.counting.scope.min_amount.yuan == Decimal(10**8)
    test_project = small.model_copy(update={"code": "TEST-1", "planned_investment_yuan": Decimal(10**9)})
    assert [p.field for p in validate_command(pm, city, test_project, None)] == ["code"]
    from projlife.plugins.manager import jurisdictions

    assert jurisdictions(pm)["docs"] == frozenset({"990000"})


def test_the_plugin_reference_names_every_column_of_the_ticket_read_model() -> None:
    """docs/plugins.md lists the ticket read model's columns; a new column must be documented."""
    import re
    from pathlib import Path

    from projlife.tickets.projection import ticket_states_table, tickets_table

    text = Path(__file__).resolve().parents[1].joinpath("docs", "plugins.md").read_text(encoding="utf-8")
    section = text[text.index("- **The ticket read model**") :]
    section = section[: section.index("\n- **", 5)]
    named = set(re.findall(r"`([a-z_]+)`", section))
    columns = {c.name for c in tickets_table.columns} | {c.name for c in ticket_states_table.columns}
    assert columns - named == set()
