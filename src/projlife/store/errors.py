"""Typed store failures: a lock that was not granted within the documented bound."""

from __future__ import annotations

from projlife.domain.errors import ProjlifeError

__all__ = ["StoreLocked"]


class StoreLocked(ProjlifeError):
    """A write waited for a database lock longer than the configured bound and gave up.

    ``holder`` describes what held the lock when the wait ended (on PostgreSQL the backend's
    pid, application, client, state, transaction age and query; on SQLite, which cannot name
    the holder, the database file). Nothing was written; the command may be sent again.
    """

    def __init__(self, attempted: str, waited_s: float, holder: str) -> None:
        self.waited_s = waited_s
        self.holder = holder
        super().__init__(
            attempted,
            f"the lock was not granted within {waited_s:g} s; held by {holder}",
            "send the command again when the holder has finished, or raise lock_timeout in the URL",
        )

    def as_dict(self) -> dict[str, object]:
        return {**super().as_dict(), "waited_s": self.waited_s, "holder": self.holder}
