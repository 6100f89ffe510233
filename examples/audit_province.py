"""A county seals and signs its log; a province checks it offline; a hand edit is caught.

PYTHONPATH=src python examples/audit_province.py
"""

from __future__ import annotations

import sqlite3
import tempfile
from datetime import date
from pathlib import Path

from projlife.app.application import connect
from projlife.audit import SigningKey
from projlife.audit.verify import verify_consistency_bundle, verify_inclusion_bundle
from projlife.demo.simulation import simulate


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "county.db"
        key = SigningKey.generate()  # a deployment loads its own: SigningKey.from_file(...)
        with connect(f"sqlite:///{db}", create_tables=True) as county:
            county.projects.ingest(
                simulate(county.city("xiaogan"), 200, seed=11, as_of=date(2024, 12, 31)).commands
            )
            kept = county.audit.checkpoint(key, log_id="420900")  # the province keeps this file
            print(f"county signed {kept.tree_size} events, root {kept.root_hash.hex()[:16]}…")

            proof = county.audit.prove_inclusion(42, kept)
            print(
                "province, inclusion of event 42:",
                verify_inclusion_bundle(kept.to_json(), key.public_key_pem(), proof.to_json()),
            )
            fact = county.audit.log(limit=42)[-1]
            print(f"  that event: {fact.occurred_on} {fact.actor_id} ({fact.actor_role}) {fact.summary[:70]}")

            county.projects.ingest(
                simulate(county.city("xiamen"), 20, seed=12, as_of=date(2024, 12, 31)).commands
            )
            newer = county.audit.checkpoint(key)
            consistency = county.audit.prove_consistency(kept.tree_size, newer.tree_size)
            print(
                "province, consistency:",
                verify_consistency_bundle(kept.to_json(), key.public_key_pem(), consistency.to_json()),
            )

        with sqlite3.connect(db) as raw:  # somebody edits a fact by hand
            raw.execute(
                'UPDATE stored_events SET state = CAST(replace(CAST(state AS TEXT), \'"_data_":"202\', \'"_data_":"201\') AS BLOB) WHERE rowid = 77'
            )
        with connect(f"sqlite:///{db}") as county:
            print("county verify after the edit:", county.audit.verify(public_key=key.public_key))


if __name__ == "__main__":
    main()
