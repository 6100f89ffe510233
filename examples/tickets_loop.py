"""The enterprise problem loop end to end on a temporary SQLite file.

Run: ``python examples/tickets_loop.py``
"""

from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path

from projlife import connect
from projlife.domain.errors import ProjlifeError

CLERK = {"id": "clerk-1", "role": "clerk"}
HANDLER = {"id": "handler-1", "role": "handler"}
REVISITOR = {"id": "revisitor-1", "role": "revisitor"}


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        app = connect(f"sqlite:///{Path(tmp) / 'tickets.db'}", create_tables=True)
        try:
            t = app.tickets
            ids = []
            for n, category in enumerate(["用能用地", "融资贷款", "招工引才"], start=1):
                ids.append(
                    t.execute(
                        {
                            "command": "raise_ticket",
                            "code": f"XG-T-{n:03d}",
                            "city_code": "420900",
                            "area_code": "420902",
                            "category": category,
                            "description": "企业反映的问题",
                            "raised_by": "政企恳谈会",
                            "enterprise_code": "91420900MA49ABCD1X",
                            "occurred_on": "2024-09-27",
                            "actor": CLERK,
                        }
                    ).aggregate_id
                )
            for tid in ids:
                t.execute(
                    {
                        "command": "assign_ticket",
                        "ticket_id": str(tid),
                        "assignee_kind": "department",
                        "assignee": "市发改委",
                        "occurred_on": "2024-09-27",
                        "actor": CLERK,
                    }
                )
            print("due on", t.get(ids[0]).due_on, "(10 working days across National Day 2024)")
            for tid in ids[:2]:
                t.execute(
                    {
                        "command": "answer_ticket",
                        "ticket_id": str(tid),
                        "resolution": "已协调解决",
                        "occurred_on": "2024-10-14",
                        "actor": HANDLER,
                    }
                )
            draw = t.draw(
                {
                    "city_code": "420900",
                    "seed": "2024-W42",
                    "rate": "1",
                    "occurred_on": "2024-10-15",
                    "actor": CLERK,
                }
            )
            print(
                f"drew {len(draw.drawn)} of {len(draw.population)}; re-derivable:",
                t.get_draw(draw.draw_id).is_reproducible,
            )
            t.execute(
                {
                    "command": "revisit_ticket",
                    "ticket_id": str(ids[0]),
                    "satisfaction": 5,
                    "occurred_on": "2024-10-16",
                    "actor": REVISITOR,
                }
            )
            t.execute(
                {
                    "command": "close_ticket",
                    "ticket_id": str(ids[0]),
                    "occurred_on": "2024-10-16",
                    "actor": REVISITOR,
                }
            )
            t.execute(
                {
                    "command": "revisit_ticket",
                    "ticket_id": str(ids[1]),
                    "satisfaction": 2,
                    "reason": "贷款仍未到位",
                    "occurred_on": "2024-10-16",
                    "actor": REVISITOR,
                }
            )
            try:  # a reopened ticket cannot be closed (and the answerer never may close it)
                t.execute(
                    {
                        "command": "close_ticket",
                        "ticket_id": str(ids[1]),
                        "occurred_on": "2024-10-16",
                        "actor": {"id": "handler-1", "role": "clerk"},
                    }
                )
            except ProjlifeError as exc:
                print("refused:", exc)
            print(t.summary(as_of=date(2024, 10, 31)))
            for o in t.overdue(as_of=date(2024, 10, 31)):
                print("overdue:", o.code, o.category, o.assignee, o.effective_due_on, o.overdue_working_days)
        finally:
            app.close()


if __name__ == "__main__":
    main()
