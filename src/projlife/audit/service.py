"""``app.audit``: seal the log, query who/what/when/why, verify, checkpoint, prove.

>>> app.audit.seal()                                     # doctest: +SKIP
>>> app.audit.log(project="XG-2024-001")                 # doctest: +SKIP
>>> app.audit.checkpoint(SigningKey.from_file("county.key"))   # doctest: +SKIP
>>> app.audit.verify().ok                                 # doctest: +SKIP
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

import attrs

from . import schema as _schema  # noqa: F401  (registers the audit tables)
from .auditlog import AuditEntry
from .bundles import ConsistencyBundle, InclusionBundle, make_consistency_bundle, make_inclusion_bundle
from .checkpoint import Checkpoint, sign_checkpoint, verify_checkpoint_signature
from .errors import AuditError, AuditKeyError, ProofError
from .integrity import VerifyReport, verify_log
from .keys import DEMO_LOG_ID_PREFIX, SigningKey, VerifyingKey
from .merkle import EMPTY_ROOT
from .merkle import root as merkle_root
from .rawdb import RawDB
from .records import encode_record
from .sealing import SealReport, canonical_id, read_head, seal

_log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from projlife.ports import SqlDatabase

__all__ = ["DEFAULT_LOG_ID", "AgainstReport", "AuditService", "CheckpointPolicy"]


@attrs.frozen
class AgainstReport:
    """The result of checking the log against a kept checkpoint."""

    ok: bool
    problem: str | None
    local_size: int
    checkpoint_size: int

    def __str__(self) -> str:
        if self.ok:
            return (
                f"CONSISTENT with the kept checkpoint: its {self.checkpoint_size} events are the first "
                f"{self.checkpoint_size} of this log's {self.local_size}"
            )
        return f"NOT CONSISTENT with the kept checkpoint of {self.checkpoint_size} events: {self.problem}"


DEFAULT_LOG_ID = "projlife"


@attrs.frozen
class CheckpointPolicy:
    """When a new checkpoint is due: every ``every_events`` new events, and/or once per day.

    Both ``None``/``False`` means only explicit ``checkpoint()`` calls make one.
    """

    every_events: int | None = 10_000
    daily: bool = True

    def due(self, last: Checkpoint | None, sealed_size: int, now: datetime) -> bool:
        if last is None:
            return sealed_size > 0
        if sealed_size <= last.tree_size:
            return False
        if self.every_events is not None and sealed_size - last.tree_size >= self.every_events:
            return True
        return self.daily and last.created_at.astimezone(UTC).date() < now.astimezone(UTC).date()


def _as_date(value: Any) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def _as_datetime(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value))


class AuditService:
    """The audit trail of one projlife database."""

    def __init__(self, database: SqlDatabase) -> None:
        self._database = database
        self._db: RawDB | None = None

    @property
    def db(self) -> RawDB:
        if self._db is None:
            self._db = RawDB(self._database.url, self._database.engine)
        return self._db

    # -- sealing ------------------------------------------------------------------------

    def seal(self, *, batch_size: int = 5000) -> SealReport:
        """Chain and log every event stored since the last seal (idempotent, exactly once)."""
        report = seal(self.db, batch_size=batch_size)
        if report.sealed:
            _log.info("sealed %d event(s); the chain covers %d", report.sealed, report.size)
        return report

    # -- the readable log ---------------------------------------------------------------

    def log(
        self,
        *,
        project: str | UUID | None = None,
        ticket: str | UUID | None = None,
        actor: str | None = None,
        area: str | None = None,
        period_from: date | None = None,
        period_to: date | None = None,
        limit: int | None = None,
        seal_first: bool = True,
    ) -> list[AuditEntry]:
        """Audit entries in log order, filtered by every criterion given.

        ``project``/``ticket`` is an aggregate id or a code (project code, ticket
        number); ``area`` matches the area the fact concerns or the actor's area;
        ``period_from``/``period_to`` bound the business date (inclusive).
        """
        if seal_first:
            self.seal()
        db = self.db
        where: list[str] = []
        params: list[Any] = []
        for kind, value in (("Project", project), ("Ticket", ticket)):
            if value is not None:
                where.append("aggregate_type = ? AND (aggregate_id = ? OR subject_code = ?)")
                params += [kind, str(value), str(value)]
        if actor is not None:
            where.append("actor_id = ?")
            params.append(actor)
        if area is not None:
            where.append("(subject_area = ? OR actor_area = ?)")
            params += [area, area]
        for op, bound in ((">=", period_from), ("<=", period_to)):
            if bound is not None:
                where.append(f"occurred_on {op} ?")
                params.append(db.dialect.raw_date(bound))
        sql = (
            "SELECT position, aggregate_type, aggregate_id, aggregate_version, event_type, summary, actor_id, "
            "actor_role, actor_area, occurred_on, recorded_at, reason, evidence, subject_code, subject_area, "
            "event_hash FROM audit_log"
        )
        if where:
            sql += " WHERE " + " AND ".join(where)
        sql += " ORDER BY position"
        if limit is not None:
            sql += f" LIMIT {int(limit)}"
        with db.transaction() as cur:
            cur.execute(db.q(sql), params)
            rows = cur.fetchall()
        return [
            AuditEntry(
                position=int(r[0]),
                aggregate_type=r[1],
                aggregate_id=r[2],
                aggregate_version=int(r[3]),
                event_type=r[4],
                summary=r[5],
                actor_id=r[6],
                actor_role=r[7],
                actor_area=r[8],
                occurred_on=_as_date(r[9]),
                recorded_at=_as_datetime(r[10]),
                reason=r[11],
                evidence=tuple(json.loads(r[12])),
                subject_code=r[13],
                subject_area=r[14],
                event_hash=db.as_bytes(r[15]),
            )
            for r in rows
        ]

    # -- verification -------------------------------------------------------------------

    def verify(self, *, public_key: VerifyingKey | None = None, batch_size: int = 20_000) -> VerifyReport:
        """Re-hash the stored log, check it against the chain and the signed checkpoints, and
        check every ``audit_log`` row against the event it describes."""
        return verify_log(self.db, public_key=public_key, batch_size=batch_size)

    def verify_against(self, kept: Checkpoint, public_key: VerifyingKey) -> AgainstReport:
        """Check this database against a checkpoint kept elsewhere (e.g. by the province).

        Fails if the kept checkpoint's signature does not verify with ``public_key``, if the
        local sealed log is smaller than the kept one (a rollback to an older backup), or if
        the root of the local log's first ``kept.tree_size`` events differs from the kept root
        (the history was rewritten: the kept checkpoint is not a prefix of this log).
        """
        size = kept.tree_size

        def report(ok: bool, problem: str | None, local: int) -> AgainstReport:
            return AgainstReport(ok=ok, problem=problem, local_size=local, checkpoint_size=size)

        if not verify_checkpoint_signature(kept, public_key):
            return report(
                False, f"the kept checkpoint's signature does not verify with key {public_key.key_id}", 0
            )
        self.seal()
        db = self.db
        with db.transaction() as cur:
            head = read_head(db, cur)
            local = head.size if head else 0
            if local < size:
                return report(
                    False,
                    f"this log holds {local} sealed events, fewer than the {size} the kept checkpoint covers: "
                    "the database was rolled back or cut",
                    local,
                )
            cur.execute(db.q("SELECT event_hash FROM audit_chain WHERE seq < ? ORDER BY seq"), (size,))
            hashes = [db.as_bytes(r[0]) for r in cur.fetchall()]
        if len(hashes) != size or merkle_root(hashes) != kept.root_hash:
            return report(
                False,
                f"the first {size} events of this log do not hash to the kept root: "
                "the history before the checkpoint was rewritten",
                local,
            )
        return report(True, None, local)

    # -- checkpoints --------------------------------------------------------------------

    def checkpoints(self) -> list[Checkpoint]:
        """Every stored checkpoint, oldest first (signatures not re-checked here)."""
        with self.db.transaction() as cur:
            cur.execute("SELECT checkpoint_json FROM audit_checkpoints ORDER BY tree_size")
            return [Checkpoint.from_json(r[0]) for r in cur.fetchall()]

    def latest_checkpoint(self) -> Checkpoint | None:
        """The checkpoint with the largest tree size, or ``None``."""
        with self.db.transaction() as cur:
            cur.execute("SELECT checkpoint_json FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
            row = cur.fetchone()
        return Checkpoint.from_json(row[0]) if row else None

    def checkpoint_at(self, tree_size: int) -> Checkpoint:
        """The stored checkpoint of exactly ``tree_size`` events."""
        db = self.db
        with db.transaction() as cur:
            cur.execute(
                db.q("SELECT checkpoint_json FROM audit_checkpoints WHERE tree_size = ?"), (tree_size,)
            )
            row = cur.fetchone()
        if row is None:
            sizes = [c.tree_size for c in self.checkpoints()]
            raise ProofError(
                f"find the checkpoint of size {tree_size}",
                "no checkpoint of that size was made",
                f"one of the sizes {sizes}" if sizes else "make one first with `projlife audit checkpoint`",
            )
        return Checkpoint.from_json(row[0])

    def public_key_pem(self, tree_size: int) -> str:
        """The public key PEM stored with the checkpoint of ``tree_size`` (as the signer saw it)."""
        db = self.db
        with db.transaction() as cur:
            cur.execute(
                db.q("SELECT public_key_pem FROM audit_checkpoints WHERE tree_size = ?"), (tree_size,)
            )
            row = cur.fetchone()
        if row is None:
            raise ProofError(
                f"find the public key of checkpoint {tree_size}", "no such checkpoint", "an existing size"
            )
        return str(row[0])

    def checkpoint(self, key: SigningKey | None, *, log_id: str | None = None) -> Checkpoint:
        """Seal, then sign and store a checkpoint over every sealed event.

        Refuses without a key (:class:`AuditKeyError`): there is no unsigned checkpoint.
        Refuses a key that may not be secret (:attr:`SigningKey.exposure`: the demo's key, a
        file others may read) unless the log is the demo's (its id starts ``projlife-demo-``).
        Returns the existing checkpoint if the log has not grown since.
        """
        if not isinstance(key, SigningKey):
            raise AuditKeyError(
                "make an audit checkpoint",
                "no signing key was given",
                "SigningKey.from_file(PATH) or SigningKey.from_env() (PROJLIFE_AUDIT_KEY=/path/to/key.pem)",
            )
        self.seal()
        db = self.db
        with db.transaction(write=True) as cur:
            head = read_head(db, cur)
            size = head.size if head else 0
            last_position = head.last_position if head else 0
            root = head.accumulator().root() if head else EMPTY_ROOT
            cur.execute("SELECT checkpoint_json FROM audit_checkpoints ORDER BY tree_size DESC LIMIT 1")
            row = cur.fetchone()
            previous = Checkpoint.from_json(row[0]) if row else None
            chosen_log_id = log_id or (previous.log_id if previous else DEFAULT_LOG_ID)
            if previous is not None and previous.log_id != chosen_log_id:
                raise AuditError(
                    f"make a checkpoint for log {chosen_log_id!r}",
                    f"this database's earlier checkpoints are for log {previous.log_id!r}",
                    f"log_id {previous.log_id!r} (one log, one id)",
                )
            if key.exposure is not None and not chosen_log_id.startswith(DEMO_LOG_ID_PREFIX):
                raise AuditKeyError(
                    f"sign a checkpoint of log {chosen_log_id!r} with key {key.key_id}",
                    f"{key.exposure}; a checkpoint it signs proves nothing to a province",
                    "a key of this county's own in a file only its owner may read "
                    "(openssl genpkey -algorithm ed25519 -out county.key; chmod 600 county.key); "
                    f"the demo's key signs only the demo's logs ({DEMO_LOG_ID_PREFIX}…)",
                )
            if previous is not None and previous.tree_size == size:
                return previous
            cp = sign_checkpoint(
                key, log_id=chosen_log_id, tree_size=size, root_hash=root, last_position=last_position
            )
            created: Any = db.dialect.raw_datetime(cp.created_at)
            cur.execute(
                db.q(
                    "INSERT INTO audit_checkpoints (tree_size, last_position, root_hash, created_at, key_id, "
                    "checkpoint_json, public_key_pem) VALUES (?, ?, ?, ?, ?, ?, ?)"
                ),
                (size, last_position, root, created, cp.key_id, cp.to_json(), key.public_key_pem().decode()),
            )
        return cp

    def checkpoint_if_due(
        self, key: SigningKey | None, policy: CheckpointPolicy | None = None, *, now: datetime | None = None
    ) -> Checkpoint | None:
        """Seal, and sign a checkpoint if ``policy`` says one is due; returns it or ``None``."""
        report = self.seal()
        if (policy or CheckpointPolicy()).due(
            self.latest_checkpoint(), report.size, now or datetime.now(UTC)
        ):
            return self.checkpoint(key)
        return None

    # -- proofs -------------------------------------------------------------------------

    def _leaf_hashes(self, cur: Any, tree_size: int) -> list[bytes]:
        db = self.db
        cur.execute(db.q("SELECT event_hash FROM audit_chain WHERE seq < ? ORDER BY seq"), (tree_size,))
        hashes = [db.as_bytes(r[0]) for r in cur.fetchall()]
        if len(hashes) != tree_size:
            raise ProofError(
                f"prove against a tree of {tree_size} events",
                f"the chain holds only {len(hashes)} of them",
                "run `projlife audit verify`: the chain table was cut",
            )
        return hashes

    def _resolve(self, checkpoint: Checkpoint | int | None) -> Checkpoint:
        if isinstance(checkpoint, Checkpoint):
            return checkpoint
        if checkpoint is None:
            latest = self.latest_checkpoint()
            if latest is None:
                raise ProofError(
                    "prove against the latest checkpoint", "there is no checkpoint yet", "make one"
                )
            return latest
        return self.checkpoint_at(checkpoint)

    def prove_inclusion(self, position: int, checkpoint: Checkpoint | int | None = None) -> InclusionBundle:
        """Proof that the event at log ``position`` is covered by ``checkpoint`` (latest by default).

        The bundle carries the event's canonical record bytes as ``leaf_data``, so the
        verifier sees the very fact it checks (decode it with ``records.decode_record``).
        """
        cp = self._resolve(checkpoint)
        db = self.db
        with db.transaction() as cur:
            cur.execute(db.q("SELECT seq FROM audit_chain WHERE position = ?"), (position,))
            row = cur.fetchone()
            if row is None or int(row[0]) >= cp.tree_size:
                raise ProofError(
                    f"prove that position {position} is in the checkpoint of size {cp.tree_size}",
                    "that position was not sealed before this checkpoint" if row else "no sealed event there",
                    f"a position up to {cp.last_position}",
                )
            index = int(row[0])
            stored = db.stored_row_at(cur, position)
            leaf_data = None
            if stored is not None:
                leaf_data = encode_record(
                    int(stored[0]), canonical_id(stored[1]), int(stored[2]), stored[3], db.as_bytes(stored[4])
                )
            hashes = self._leaf_hashes(cur, cp.tree_size)
        return make_inclusion_bundle(hashes, index, cp.tree_size, leaf_data=leaf_data)

    def prove_consistency(
        self, old: Checkpoint | int, new: Checkpoint | int | None = None
    ) -> ConsistencyBundle:
        """Proof that checkpoint ``new`` (latest by default) extends ``old`` without rewriting it."""
        old_cp, new_cp = self._resolve(old), self._resolve(new)
        if old_cp.tree_size > new_cp.tree_size:
            raise ProofError(
                f"prove size {old_cp.tree_size} is a prefix of size {new_cp.tree_size}",
                "the old checkpoint is larger than the new one",
                "old <= new",
            )
        with self.db.transaction() as cur:
            hashes = self._leaf_hashes(cur, new_cp.tree_size)
        return make_consistency_bundle(hashes, old_cp, new_cp)

    def sealed_positions(self, limit: int | None = None) -> Sequence[int]:
        """Positions of sealed events in log order (for tests and sampling)."""
        db = self.db
        with db.transaction() as cur:
            sql = "SELECT position FROM audit_chain ORDER BY seq"
            if limit is not None:
                sql += f" LIMIT {int(limit)}"
            cur.execute(sql)
            return [int(r[0]) for r in cur.fetchall()]
