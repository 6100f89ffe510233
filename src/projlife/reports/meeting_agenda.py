"""The agenda of the weekly meeting (重点项目推进周例会), built from the facts, in the bulletin's format.

001: "解决不了或需统筹协调解决的问题,报市重点项目办列入项目清单,由市重点项目办及时提交每周二召开的重点项目
推进周例会研究解决". The agenda for a meeting on day D has three parts:

1. **tickets escalated to the meeting** — open tickets whose latest escalation took them to the
   ladder's meeting step (``weekly_meeting``, or the top step) scheduled on or before D;
2. **lagging and flagged projects** — projects carrying a flag (挂牌提醒, e.g. from a city's
   lagging rule) on D, and projects past a scheduled stage date (倒排工期) without reaching it;
3. **follow-up** — decisions of earlier meetings still open on D (not done, not dropped), the
   overdue ones first.

:func:`build_agenda` takes what it needs (tickets, counted projects, decisions); ``Projlife.
meeting_agenda`` hands it the application's. :func:`agenda_markdown` renders it as the
bulletin does (a title, the period line, one ``##`` section per part, tables).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

import attrs

from projlife.domain.ticket import Ticket
from projlife.projections.counting.record import ProjectFacts
from projlife.projections.office import Decision
from projlife.reports.render_md import Section, Table
from projlife.reports.terms import punctuate, stage_term

__all__ = ["Agenda", "AgendaItem", "agenda_markdown", "agenda_sections", "build_agenda"]


@attrs.frozen
class AgendaItem:
    """One line of the agenda: ``ref`` (``ticket:<code>``, ``project:<code>``, ``decision:<meeting>/<n>``)."""

    part: str
    """``tickets``, ``projects`` or ``follow_up``."""
    ref: str
    area_code: str
    title: str
    detail: str
    since: date | None


@attrs.frozen
class Agenda:
    city_code: str
    city_name: str
    area_code: str | None
    held_on: date
    items: tuple[AgendaItem, ...]

    @property
    def refs(self) -> tuple[str, ...]:
        """The item references, for ``convene_meeting``'s ``agenda``."""
        return tuple(i.ref for i in self.items)

    def part(self, name: str) -> tuple[AgendaItem, ...]:
        return tuple(i for i in self.items if i.part == name)


def _in_area(area: str, wanted: str | None, under: Sequence[str] | None) -> bool:
    return wanted is None or area == wanted or (under is not None and area in under)


def build_agenda(
    *,
    city_code: str,
    city_name: str,
    held_on: date,
    tickets: Iterable[Ticket],
    meeting_step: str,
    projects: Iterable[ProjectFacts],
    decisions: Iterable[Decision],
    area_code: str | None = None,
    areas_under: Sequence[str] | None = None,
) -> Agenda:
    """The agenda of the meeting on ``held_on`` (see the module's docstring for its three parts).

    ``meeting_step`` is the label of the ladder's step that is this meeting; ``area_code`` with
    ``areas_under`` (its sub-areas' codes) restricts the agenda to one area's meeting.
    """
    items: list[AgendaItem] = []
    for t in sorted(tickets, key=lambda t: t.code):
        if t.is_final or not t.escalations or not _in_area(t.area_code, area_code, areas_under):
            continue
        _level, step, scheduled_on, escalated_on = t.escalations[-1]
        if step != meeting_step or scheduled_on > held_on:
            continue
        items.append(
            AgendaItem(
                "tickets",
                f"ticket:{t.code}",
                t.area_code,
                t.description,
                f"{t.category}；{escalated_on.isoformat()} 提交，{scheduled_on.isoformat()} 上会",
                escalated_on,
            )
        )
    for f in sorted(projects, key=lambda f: f.code):
        if f.cancelled_on is not None or not _in_area(f.area_code, area_code, areas_under):
            continue
        reasons: list[str] = [f"挂牌：{flag}" for flag in sorted(f.flags)]
        since: date | None = None
        for stage, planned in sorted(f.scheduled.items()):
            if planned < held_on and f.reached(stage) is None:
                reasons.append(f"计划{planned.isoformat()}{stage_term(stage, 'zh')}，未完成")
                since = planned if since is None else min(since, planned)
        if reasons:
            items.append(
                AgendaItem("projects", f"project:{f.code}", f.area_code, f.code, "；".join(reasons), since)
            )
    open_ = [
        d
        for d in decisions
        if d.is_open and d.held_on < held_on and _in_area(d.area_code, area_code, areas_under)
    ]
    for d in sorted(open_, key=lambda d: (d.due_on >= held_on, d.due_on, d.held_on, d.number)):
        state = "逾期" if d.due_on < held_on else "未到期"
        items.append(
            AgendaItem(
                "follow_up",
                f"decision:{d.meeting_id}/{d.number}",
                d.area_code,
                f"{d.subject}：{d.decision}",
                f"责任：{d.owner}；{d.held_on.isoformat()} 议定，{d.due_on.isoformat()} 到期（{state}）",
                d.held_on,
            )
        )
    return Agenda(city_code, city_name, area_code, held_on, tuple(items))


_PARTS = (
    ("tickets", "一、提交周例会研究的问题"),
    ("projects", "二、进度滞后和挂牌项目"),
    ("follow_up", "三、上次会议议定事项落实情况"),
)


def agenda_sections(agenda: Agenda) -> list[Section]:
    """The agenda's three parts as bulletin sections (a table each, or a line saying there is none)."""
    out = []
    for key, title in _PARTS:
        rows = tuple(
            (str(n), i.ref.split(":", 1)[1], i.area_code, i.title, i.detail)
            for n, i in enumerate(agenda.part(key), 1)
        )
        block: str | Table = Table(("序号", "编号", "地区", "事项", "情况"), rows) if rows else "无。"
        out.append(Section(key, title, (block,)))
    return out


def agenda_markdown(agenda: Agenda) -> str:
    """The agenda as Markdown, laid out as the bulletin is."""
    lines = [f"# {agenda.city_name}重点项目推进周例会议程", ""]
    lines.append(f"会议日期：{agenda.held_on.isoformat()}  ")
    if agenda.area_code is not None:
        lines.append(f"地区：{agenda.area_code}  ")
    lines.append(f"事项：{len(agenda.items)}")
    for section in agenda_sections(agenda):
        lines += ["", f"## {section.title}", ""]
        for block in section.blocks:
            lines += [*_table(block), ""] if isinstance(block, Table) else [block, ""]
    return punctuate("\n".join(lines), "zh")


def _table(table: Table) -> list[str]:
    out = ["| " + " | ".join(table.header) + " |", "|" + "|".join(["---"] * len(table.header)) + "|"]
    return out + ["| " + " | ".join(cell.replace("|", "／") for cell in r) + " |" for r in table.rows]
