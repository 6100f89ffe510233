"""WAL checkpoints off the command path: a background thread copies the write-ahead log back.

SQLite's default checkpoints a WAL database in the commit that takes the log past
``wal_autocheckpoint`` pages (1,000): that one commit also copies about 4 MB back into the
database file and waits for two fsyncs (the log's, then the file's). On a 20,000-project file a
single command's commit does so every ~57 commands and takes 15–30 ms instead of 1–2 ms, which
is the whole p99 tail of ``benchmarks/run.py``'s one-command figure.

:class:`Checkpointer` runs those checkpoints on its own connection in a daemon thread instead.
The event store's connections call :meth:`Checkpointer.committed` after every commit (it sets a
flag); the thread then runs ``PRAGMA wal_checkpoint(PASSIVE)``, which never blocks a writer or a
reader, and waits :data:`CHECKPOINT_INTERVAL` seconds or :data:`CHECKPOINT_EVERY` commits,
whichever comes first, before the next one, so commits in between share a checkpoint. SQLite
rewinds the log only when a write begins after a checkpoint that copied all of it; in a burst of
commands commits keep landing during the checkpoints, so once the log is :data:`RESTART_PAGES`
long the thread checkpoints at every commit until it catches up. The event store's connections
keep SQLite's automatic checkpoint only as a backstop, at :data:`BACKSTOP_PAGES`; the read
models' connections keep SQLite's default.

Durability is unchanged or stronger: ``PRAGMA synchronous`` is untouched; a committed
transaction is in the log before the commit returns, so a killed process loses none; and
under ``synchronous=NORMAL`` the log is fsynced at every checkpoint, which now starts within
:data:`CHECKPOINT_INTERVAL` seconds or :data:`CHECKPOINT_EVERY` commits of a commit instead of
after 1,000 pages (~57 commands, which for a county office can be a whole day).
"""

from __future__ import annotations

import logging
import os
import sqlite3
import threading

__all__ = ["BACKSTOP_PAGES", "CHECKPOINT_EVERY", "CHECKPOINT_INTERVAL", "RESTART_PAGES", "Checkpointer"]

_log = logging.getLogger(__name__)

CHECKPOINT_INTERVAL = 0.2
"""Seconds the thread waits after a checkpoint before the next one (commits in between share it)..."""
CHECKPOINT_EVERY = 20
"""... unless this many commits came in the meantime (a burst: the log is then kept short)."""
RESTART_PAGES = 1000
"""A log this long after a checkpoint has not been restarted (SQLite rewinds it only when a write
begins after a checkpoint that copied every page): the thread then checkpoints at every commit."""
BACKSTOP_PAGES = 8000
"""``wal_autocheckpoint`` of the event store's connections: the committing connection checkpoints
itself only when the log has grown past this many pages (32 MB at 4 KiB a page)."""


class Checkpointer:
    """One database file's background checkpoints (started on the first commit, stopped by :meth:`close`)."""

    def __init__(
        self, db_name: str, *, interval: float = CHECKPOINT_INTERVAL, every: int = CHECKPOINT_EVERY
    ) -> None:
        self.db_name = db_name
        self.interval = interval
        self.every = every
        self.restart_pages = RESTART_PAGES
        self.checkpoints = 0
        """Checkpoints run so far (information for tests and benchmarks)."""
        self._wake = threading.Event()
        self._burst = threading.Event()
        self._stop = threading.Event()
        self._pending = 0
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid = 0

    def committed(self) -> None:
        """A write transaction on the database committed: checkpoint soon."""
        if self._pid != os.getpid():  # first commit, or a forked child (the thread did not follow)
            self._start()
        self._pending += 1
        self._wake.set()
        if self._pending >= self.every:
            self._burst.set()

    def _start(self) -> None:
        with self._lock:
            if self._pid == os.getpid() or self._stop.is_set():
                return
            self._wake, self._burst, self._pending = threading.Event(), threading.Event(), 0
            self._thread = threading.Thread(target=self._run, name="projlife-wal-checkpoint", daemon=True)
            self._pid = os.getpid()
            self._thread.start()

    def _run(self) -> None:
        wake, burst, stop = self._wake, self._burst, self._stop
        conn: sqlite3.Connection | None = None
        try:
            while True:
                wake.wait()
                if stop.is_set():
                    return
                wake.clear()
                burst.clear()
                self._pending = 0
                if conn is None:
                    try:
                        conn = sqlite3.connect(
                            self.db_name, uri=True, isolation_level=None, check_same_thread=True
                        )
                    except sqlite3.Error as exc:  # the next commit wakes the thread again
                        _log.debug("cannot open %s to checkpoint it: %s", self.db_name, exc)
                        continue
                if self._checkpoint(conn) >= self.restart_pages:
                    # the log was not restarted since (commits kept landing during checkpoints):
                    # go again at the next commit, until one checkpoint ends between two commits
                    continue
                # the next checkpoint after ``interval`` seconds, or sooner after ``every`` commits
                burst.wait(self.interval)
                if stop.is_set():
                    return
        finally:
            if conn is not None:
                conn.close()

    def _checkpoint(self, conn: sqlite3.Connection) -> int:
        """One passive checkpoint; the pages in the log (0 if it failed)."""
        try:
            row = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchone()
        except sqlite3.Error as exc:  # busy or gone: the next commit wakes the thread again
            _log.debug("background WAL checkpoint of %s skipped: %s", self.db_name, exc)
            return 0
        self.checkpoints += 1
        return int(row[1]) if row is not None and row[1] is not None else 0

    def close(self) -> None:
        """Stop the thread (it finishes a checkpoint it is running; the last connection's close checkpoints)."""
        self._stop.set()
        self._wake.set()
        self._burst.set()
        thread = self._thread
        if thread is not None and thread is not threading.current_thread() and self._pid == os.getpid():
            thread.join(timeout=10)
