"""``GET /events?after=N&limit=M``: the notification log in order, for followers in other systems.

A follower keeps the last position it has processed and asks for what comes after it; positions
only grow, so a follower that stores ``next_after`` with its own writes sees every event once.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Query

from projlife.server.errors import OutOfArea
from projlife.server.jsonable import jsonable
from projlife.server.state import Caller, ServerState, caller, server_state

__all__ = ["read_feed", "router"]

router = APIRouter(tags=["feed"])
MAX_LIMIT = 1000


def read_feed(state: ServerState, after: int, limit: int) -> dict[str, Any]:
    """Up to ``limit`` events with a position above ``after``, in position order."""
    store = state.app.store
    notifications = store.recorder.select_notifications(after, limit, inclusive_of_start=False)
    events = []
    for n in notifications:
        event = store.mapper.to_domain_event(n)
        fields = {k: jsonable(v) for k, v in vars(event).items() if not k.startswith("_")}
        events.append(
            {
                "position": n.id,
                "aggregate_id": str(n.originator_id),
                "aggregate_version": n.originator_version,
                "topic": n.topic,
                "type": type(event).__qualname__,
                "event": fields,
            }
        )
    head = store.recorder.max_notification_id() or 0
    return {
        "after": after,
        "limit": limit,
        "events": events,
        "next_after": events[-1]["position"] if events else after,
        "head": head,
    }


def _feed(
    state: Annotated[ServerState, Depends(server_state)],
    who: Annotated[Caller, Depends(caller)],
    after: Annotated[int, Query(ge=0, description="The last position the follower has processed")] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT)] = 100,
) -> dict[str, Any]:
    if not who.scope.unrestricted:
        raise OutOfArea(
            "follow the event feed",
            f"the feed is the whole log and this token acts for area {who.scope.area_code} only",
            "a token without an area",
        )
    return read_feed(state, after, limit)


router.add_api_route("/events", _feed, methods=["GET"], summary="The event feed (notification log order)")
router.add_api_route(
    "/api/events",
    _feed,
    methods=["GET"],
    summary="The event feed (same as /events)",
    operation_id="api_events",
)
