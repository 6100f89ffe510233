"""The audit tables beside the event store (created by ``create_tables()``).

* ``audit_chain`` — one row per sealed event, in log order: its Merkle index
  (``seq``, 0-based, dense), its log ``position``, which aggregate/version it was, the
  event hash (the Merkle leaf) and the chain hash.
* ``audit_head`` — one row: how far the chain reaches and the Merkle frontier there,
  so sealing and checkpointing resume in O(log n).
* ``audit_checkpoints`` — signed checkpoints, one per tree size.
* ``audit_log`` — the readable who/what/when/why of every sealed event.
"""

from __future__ import annotations

import sqlalchemy as sa

from projlife.store.sql import SCHEMA_MODULES, metadata

__all__ = ["audit_chain", "audit_checkpoints", "audit_head", "audit_log"]

if __name__ not in SCHEMA_MODULES:
    SCHEMA_MODULES.append(__name__)

audit_chain = sa.Table(
    "audit_chain",
    metadata,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("position", sa.BigInteger, nullable=False, unique=True),
    sa.Column("originator_id", sa.String(36), nullable=False),
    sa.Column("originator_version", sa.BigInteger, nullable=False),
    sa.Column("event_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("chain_hash", sa.LargeBinary(32), nullable=False),
)

audit_head = sa.Table(
    "audit_head",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("size", sa.BigInteger, nullable=False),
    sa.Column("last_position", sa.BigInteger, nullable=False),
    sa.Column("chain_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("frontier", sa.LargeBinary, nullable=False),
    sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
)

audit_checkpoints = sa.Table(
    "audit_checkpoints",
    metadata,
    sa.Column("tree_size", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("last_position", sa.BigInteger, nullable=False),
    sa.Column("root_hash", sa.LargeBinary(32), nullable=False),
    sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=False),
    sa.Column("checkpoint_json", sa.Text, nullable=False),
    sa.Column("public_key_pem", sa.Text, nullable=False),
)

audit_log = sa.Table(
    "audit_log",
    metadata,
    sa.Column("position", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("aggregate_type", sa.String(100), nullable=False, index=True),
    sa.Column("aggregate_id", sa.String(36), nullable=False, index=True),
    sa.Column("aggregate_version", sa.BigInteger, nullable=False),
    sa.Column("subject_code", sa.String(200), nullable=True, index=True),
    sa.Column("subject_area", sa.String(100), nullable=True, index=True),
    sa.Column("event_type", sa.String(200), nullable=False),
    sa.Column("summary", sa.Text, nullable=False),
    sa.Column("actor_id", sa.String(200), nullable=True, index=True),
    sa.Column("actor_role", sa.String(50), nullable=True),
    sa.Column("actor_area", sa.String(100), nullable=True, index=True),
    sa.Column("occurred_on", sa.Date, nullable=True, index=True),
    sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=True),
    sa.Column("reason", sa.Text, nullable=True),
    sa.Column("evidence", sa.Text, nullable=False),
    sa.Column("event_hash", sa.LargeBinary(32), nullable=False),
)
