"""The docs say what the code does: the transition table in docs/domain.md is the real one."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from projlife.domain import STAGE_TRANSITIONS, Project, Stage
from projlife.domain.project import STAGE_COMMANDS

DOCS = Path(__file__).parents[1] / "docs"


def _doc_table() -> dict[Stage, tuple[frozenset[Stage], str, str]]:
    text = (DOCS / "domain.md").read_text(encoding="utf-8")
    block = text.split("<!-- transition-table:start -->")[1].split("<!-- transition-table:end -->")[0]
    rows = {}
    for line in block.strip().splitlines()[2:]:
        target, sources, command, event = (c.strip() for c in line.strip("|").split("|"))
        rows[Stage(target)] = (
            frozenset(Stage(s.strip()) for s in sources.split(",")),
            command.strip("`"),
            event.strip("`"),
        )
    return rows


def test_the_documented_transition_table_is_the_code_table() -> None:
    documented = _doc_table()
    assert {t: sources for t, (sources, _, _) in documented.items()} == dict(STAGE_TRANSITIONS)


@pytest.mark.parametrize("target", list(STAGE_TRANSITIONS))
def test_the_documented_command_and_event_exist(target: Stage) -> None:
    _, command, event = _doc_table()[target]
    assert STAGE_COMMANDS[target] == command
    assert callable(getattr(Project, command))
    assert f"projlife:Project.{event}" == getattr(Project, event).TOPIC


def test_every_event_topic_is_documented() -> None:
    text = (DOCS / "domain.md").read_text(encoding="utf-8")
    topics = {
        cls.TOPIC
        for cls in vars(Project).values()
        if isinstance(cls, type) and issubclass(cls, Project.Event) and "TOPIC" in vars(cls)
    }
    missing = [t for t in sorted(topics) if f"`{t}`" not in text]
    assert not missing
    assert len(re.findall(r"`projlife:Project\.\w+`", text)) >= len(topics)
