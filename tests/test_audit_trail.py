"""The audit trail on a real database: chain, tamper detection, checkpoints, proofs, log."""

from __future__ import annotations

import os
import threading
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from audit_helpers import (
    AREA,
    actor,
    append_forged,
    delete_row,
    drive,
    event_count,
    flip_state_byte,
    insert_forged,
    read_row,
    set_column,
    sql,
    started_project,
    swap_rows,
)
from projlife.app.application import Projlife, connect
from projlife.audit import DEMO_KEY_PREFIX, DEMO_LOG_ID_PREFIX, SigningKey
from projlife.audit.errors import AuditKeyError, ProofError
from projlife.audit.integrity import TamperKind
from projlife.audit.records import decode_record, event_hash
from projlife.audit.service import CheckpointPolicy
from projlife.audit.verify import verify_consistency_bundle, verify_inclusion_bundle


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


@pytest.fixture
def sealed(app: Projlife, key: SigningKey) -> Projlife:
    """A drive of about 100 events, sealed and checkpointed."""
    drive(app)
    app.audit.checkpoint(key)
    return app


# -- the chain and verification ----------------------------------------------------------


def test_an_untouched_log_verifies_with_every_event_checked(sealed: Projlife, key: SigningKey) -> None:
    report = sealed.audit.verify(public_key=key.public_key)
    assert report.ok, str(report)
    assert report.checked == event_count(sealed)
    assert report.checkpoints == 1
    assert report.unsealed == 0


def test_event_hash_is_the_documented_encoding_of_the_stored_row(sealed: Projlife) -> None:
    entry = sealed.audit.log(limit=5)[4]
    row = read_row(sealed, 5)
    expected = event_hash(5, str(entry.aggregate_id), row["originator_version"], row["topic"], row["state"])
    assert entry.event_hash == expected


def test_events_written_without_chaining_are_reported_unsealed_then_chained(
    sealed: Projlife, db_url: str
) -> None:
    # a writer that does not chain on write (an older release, or chain_on_write=False)
    with connect(db_url, chain_on_write=False) as legacy:
        pid = started_project(legacy)
    report = sealed.audit.verify()
    assert report.ok and report.unsealed == 3
    assert sealed.audit.seal().sealed == 3
    again = sealed.audit.verify()
    assert again.ok and again.unsealed == 0
    assert [e.aggregate_version for e in sealed.audit.log(project=str(pid))] == [1, 2, 3]


def test_sealing_twice_chains_nothing_twice(sealed: Projlife) -> None:
    assert sealed.audit.seal().sealed == 0
    assert len(sealed.audit.sealed_positions()) == event_count(sealed)


def test_concurrent_sealers_chain_every_event_exactly_once(db_url: str) -> None:
    with connect(db_url, create_tables=True) as app:
        n = drive(app, n_projects=20)
        errors: list[BaseException] = []

        def run() -> None:
            try:
                with connect(db_url) as other:
                    other.audit.seal(batch_size=37)
            except BaseException as exc:  # pragma: no cover - reported below
                errors.append(exc)

        threads = [threading.Thread(target=run) for _ in range(3)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert not errors
        assert app.audit.sealed_positions() == sorted(set(app.audit.sealed_positions()))
        assert len(app.audit.sealed_positions()) == n
        assert app.audit.verify().ok


# -- tampering with raw SQL, on SQLite and PostgreSQL ---------------------------------------


def test_an_altered_state_byte_is_named_with_its_position(sealed: Projlife) -> None:
    flip_state_byte(sealed, 40, 25)
    problem = sealed.audit.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == (TamperKind.ALTERED, 40)


def test_an_altered_topic_is_detected(sealed: Projlife) -> None:
    set_column(sealed, 17, "topic", "projlife:Project.StageVerified")
    problem = sealed.audit.verify().problem
    assert problem is not None and problem.position == 17


def test_a_deleted_row_is_named_with_its_position(sealed: Projlife) -> None:
    delete_row(sealed, 33)
    problem = sealed.audit.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == (TamperKind.DELETED, 33)


def test_deleting_the_last_rows_is_detected(sealed: Projlife) -> None:
    last = event_count(sealed)
    delete_row(sealed, last)
    problem = sealed.audit.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == (TamperKind.DELETED, last)


def test_a_forged_row_inserted_in_the_middle_is_named_with_its_position(sealed: Projlife) -> None:
    insert_forged(sealed, 21, like=8)
    problem = sealed.audit.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == (TamperKind.INSERTED, 21)


def test_swapped_rows_are_named_at_the_first_of_them(sealed: Projlife) -> None:
    swap_rows(sealed, 12, 30)
    problem = sealed.audit.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == (TamperKind.REORDERED, 12)


def test_the_first_of_several_changes_is_the_one_named(sealed: Projlife) -> None:
    flip_state_byte(sealed, 50, 3)
    delete_row(sealed, 20)
    problem = sealed.audit.verify().problem
    assert problem is not None and problem.position == 20


def test_a_chain_table_edit_is_detected_even_when_the_events_are_intact(sealed: Projlife) -> None:
    sql(sealed, "UPDATE audit_chain SET chain_hash = event_hash WHERE position = 9")
    problem = sealed.audit.verify().problem
    assert problem is not None
    assert (problem.kind, problem.position) == (TamperKind.CHAIN_ALTERED, 9)


def test_rewriting_events_and_chain_together_is_caught_by_the_signed_checkpoint(
    sealed: Projlife, key: SigningKey
) -> None:
    flip_state_byte(sealed, 44, 30)
    sql(sealed, "DELETE FROM audit_chain")
    sql(sealed, "DELETE FROM audit_log")
    sql(sealed, "DELETE FROM audit_head")
    sealed.audit.seal()  # a consistent new chain over the rewritten log
    problem = sealed.audit.verify(public_key=key.public_key).problem
    assert problem is not None
    assert problem.kind is TamperKind.CHECKPOINT_MISMATCH
    assert problem.position == sealed.audit.latest_checkpoint().last_position  # type: ignore[union-attr]


def test_an_edited_checkpoint_fails_its_signature(sealed: Projlife, key: SigningKey) -> None:
    cp = sealed.audit.latest_checkpoint()
    assert cp is not None
    forged = cp.to_json().replace(
        f'"last_position": {cp.last_position}', f'"last_position": {cp.last_position + 1}'
    )
    sql(sealed, "UPDATE audit_checkpoints SET checkpoint_json = :j", j=forged)
    problem = sealed.audit.verify(public_key=key.public_key).problem
    assert problem is not None and problem.kind is TamperKind.BAD_SIGNATURE


def test_a_checkpoint_by_another_key_fails_against_the_trusted_key(sealed: Projlife) -> None:
    other = SigningKey.generate()
    assert not sealed.audit.verify(public_key=other.public_key).ok


def test_a_forged_row_appended_after_the_last_seal_is_only_pending(sealed: Projlife) -> None:
    """The lag window: an append before the next seal looks like a new event (docs/audit.md)."""
    append_forged(sealed, like=3)
    report = sealed.audit.verify()
    assert report.ok and report.unsealed == 1


# -- checkpoints and keys -------------------------------------------------------------------


def test_a_checkpoint_without_a_key_is_refused_and_nothing_is_stored(app: Projlife) -> None:
    drive(app, n_projects=3)
    with pytest.raises(AuditKeyError, match="no signing key"):
        app.audit.checkpoint(None)
    assert app.audit.latest_checkpoint() is None


def test_a_checkpoint_from_an_unset_environment_variable_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PROJLIFE_AUDIT_KEY", raising=False)
    with pytest.raises(AuditKeyError, match="PROJLIFE_AUDIT_KEY is not set"):
        SigningKey.from_env()


def test_the_demo_key_signs_only_a_demo_log_and_is_refused_for_a_county_database(
    app: Projlife, tmp_path: Path
) -> None:
    drive(app, n_projects=3)
    demo_file = tmp_path / f"{DEMO_KEY_PREFIX}audit-signing.key"
    SigningKey.generate().write_private_key(demo_file)  # mode 0600: its name alone makes it the demo's
    demo_key = SigningKey.from_file(demo_file)
    assert demo_key.exposure is not None and "demo" in demo_key.exposure
    with pytest.raises(AuditKeyError) as caught:
        app.audit.checkpoint(demo_key, log_id="420902")
    message = " ".join(str(caught.value).split())
    assert "sign a checkpoint of log '420902'" in message
    assert "is the demo's key" in message
    assert "chmod 600" in message and DEMO_LOG_ID_PREFIX in message
    assert app.audit.latest_checkpoint() is None
    assert app.audit.checkpoint(demo_key, log_id=f"{DEMO_LOG_ID_PREFIX}420900").tree_size > 0


@pytest.mark.skipif(os.name != "posix", reason="file modes are POSIX")
@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620])
def test_a_key_file_others_may_read_is_refused_for_a_county_database(
    app: Projlife, tmp_path: Path, mode: int
) -> None:
    drive(app, n_projects=2)
    path = tmp_path / "county.key"
    SigningKey.generate().write_private_key(path)
    path.chmod(mode)
    for key in (SigningKey.from_file(path), SigningKey.from_env(environ={"PROJLIFE_AUDIT_KEY": str(path)})):
        assert key.exposure is not None and f"mode {mode:04o}" in key.exposure
        with pytest.raises(AuditKeyError, match="group or others"):
            app.audit.checkpoint(key, log_id="420902")
    assert app.audit.latest_checkpoint() is None
    path.chmod(0o600)
    safe = SigningKey.from_file(path)
    assert safe.exposure is None
    assert app.audit.checkpoint(safe, log_id="420902").tree_size > 0


def test_a_checkpoint_is_not_repeated_while_the_log_has_not_grown(sealed: Projlife, key: SigningKey) -> None:
    first = sealed.audit.latest_checkpoint()
    assert sealed.audit.checkpoint(key) == first
    assert len(sealed.audit.checkpoints()) == 1


def test_a_checkpoint_keeps_its_log_id(sealed: Projlife, key: SigningKey) -> None:
    started_project(sealed)
    with pytest.raises(Exception, match="earlier checkpoints are for log"):
        sealed.audit.checkpoint(key, log_id="another-county")


def test_checkpoint_policy_every_n_events_and_daily() -> None:
    key = SigningKey.generate()
    now = datetime(2024, 6, 1, 12, tzinfo=UTC)
    from projlife.audit.checkpoint import sign_checkpoint
    from projlife.audit.merkle import EMPTY_ROOT

    last = sign_checkpoint(
        key, log_id="x", tree_size=0, root_hash=EMPTY_ROOT, last_position=0, created_at=now
    )
    last = attrs_evolve(last, tree_size=100)
    every_50 = CheckpointPolicy(every_events=50, daily=False)
    assert not every_50.due(last, 149, now)
    assert every_50.due(last, 150, now)
    daily = CheckpointPolicy(every_events=None, daily=True)
    assert not daily.due(last, 101, now + timedelta(hours=11))
    assert daily.due(last, 101, now + timedelta(days=1))
    assert not daily.due(last, 100, now + timedelta(days=1))  # nothing new: nothing to sign
    assert CheckpointPolicy().due(None, 1, now)


def attrs_evolve(obj: object, **changes: object) -> object:
    import attrs

    return attrs.evolve(obj, **changes)  # type: ignore[misc]


def test_checkpoint_if_due_signs_only_when_due(app: Projlife, key: SigningKey) -> None:
    drive(app, n_projects=4)
    policy = CheckpointPolicy(every_events=3, daily=False)
    assert app.audit.checkpoint_if_due(key, policy) is not None
    assert app.audit.checkpoint_if_due(key, policy) is None
    started_project(app)  # three more events
    assert app.audit.checkpoint_if_due(key, policy) is not None
    assert len(app.audit.checkpoints()) == 2


# -- proofs, verified offline -------------------------------------------------------------


def test_inclusion_proofs_verify_offline_and_carry_the_event(sealed: Projlife, key: SigningKey) -> None:
    cp = sealed.audit.latest_checkpoint()
    assert cp is not None
    pem = key.public_key_pem()
    for position in (1, 2, 17, cp.last_position):
        bundle = sealed.audit.prove_inclusion(position, cp)
        result = verify_inclusion_bundle(cp.to_json(), pem, bundle.to_json())
        assert result.ok, result.reason
        assert bundle.leaf_data is not None
        assert decode_record(bundle.leaf_data).position == position


def test_an_inclusion_proof_of_a_tampered_event_fails_offline(sealed: Projlife, key: SigningKey) -> None:
    cp = sealed.audit.latest_checkpoint()
    assert cp is not None
    flip_state_byte(sealed, 25, 40)
    bundle = sealed.audit.prove_inclusion(25, cp)
    result = verify_inclusion_bundle(cp.to_json(), key.public_key_pem(), bundle.to_json())
    assert not result.ok and "does not hash" in result.reason


def test_consistency_between_checkpoints_verifies_offline(sealed: Projlife, key: SigningKey) -> None:
    kept = sealed.audit.latest_checkpoint()
    assert kept is not None
    started_project(sealed)
    new = sealed.audit.checkpoint(key)
    bundle = sealed.audit.prove_consistency(kept.tree_size, new.tree_size)
    result = verify_consistency_bundle(kept.to_json(), key.public_key_pem(), bundle.to_json())
    assert result.ok, result.reason


def test_a_county_that_rewrites_history_and_resigns_fails_the_provinces_consistency_check(
    sealed: Projlife, key: SigningKey
) -> None:
    kept = sealed.audit.latest_checkpoint()  # the province keeps this one
    assert kept is not None
    flip_state_byte(sealed, 10, 12)  # rewrite a fact, then rebuild every audit table and re-sign
    for table in ("audit_chain", "audit_log", "audit_head", "audit_checkpoints"):
        sql(sealed, f"DELETE FROM {table}")
    started_project(sealed)
    new = sealed.audit.checkpoint(key)
    sql(
        sealed,
        "INSERT INTO audit_checkpoints (tree_size, last_position, root_hash, created_at, key_id, checkpoint_json, "
        "public_key_pem) VALUES (:s, :lp, :r, :c, :k, :j, :pem)",
        s=kept.tree_size,
        lp=kept.last_position,
        r=kept.root_hash,
        c=kept.created_at.isoformat() if sealed.url.dialect == "sqlite" else kept.created_at,
        k=kept.key_id,
        j=kept.to_json(),
        pem=key.public_key_pem().decode(),
    )
    bundle = sealed.audit.prove_consistency(kept.tree_size, new.tree_size)
    result = verify_consistency_bundle(kept.to_json(), key.public_key_pem(), bundle.to_json())
    assert not result.ok and "REWRITTEN" in result.reason


def test_a_proof_for_a_position_not_covered_is_refused(sealed: Projlife) -> None:
    with pytest.raises(ProofError):
        sealed.audit.prove_inclusion(10_000)


# -- the readable log -----------------------------------------------------------------------


def test_the_log_says_who_what_when_and_why(app: Projlife) -> None:
    pid = started_project(app, claimant="clerk-7")
    app.projects.execute(
        {
            "command": "reject_claim",
            "project_id": str(pid),
            "stage": "started",
            "reason": "现场核查未见开工",
            "evidence": ["inspection:2024-Q1-017"],
            "occurred_on": "2024-03-20",
            "actor": actor("verifier-2", "verifier", "420900"),
        }
    )
    entries = app.audit.log(project="XG-T-001")
    assert [e.event_type for e in entries] == [
        "Project.Conceived",
        "Project.Signed",
        "Project.ConstructionStarted",
        "Project.StageClaimRejected",
    ]
    rejected = entries[-1]
    assert (rejected.actor_id, rejected.actor_role, rejected.actor_area) == (
        "verifier-2",
        "verifier",
        "420900",
    )
    assert rejected.reason == "现场核查未见开工"
    assert rejected.evidence == ("inspection:2024-Q1-017",)
    assert rejected.occurred_on == date(2024, 3, 20)
    assert rejected.recorded_at is not None and rejected.recorded_at.tzinfo is not None
    assert (rejected.subject_code, rejected.subject_area) == ("XG-T-001", AREA)
    assert "stage=started" in rejected.summary
    assert entries[1].summary.startswith("Signed: amount=150000000")
    assert entries[2].evidence == ("photo:site-2024-03-01.jpg",)
    assert [e.position for e in app.audit.log(project=str(pid))] == [e.position for e in entries]


def test_the_log_filters_by_actor_area_and_period(app: Projlife) -> None:
    started_project(app, code="XG-T-001", claimant="clerk-1")
    started_project(app, code="XG-T-002", claimant="clerk-2")
    assert {e.subject_code for e in app.audit.log(actor="clerk-2")} == {"XG-T-002"}
    assert len(app.audit.log(area=AREA)) == 6
    assert app.audit.log(area="429999") == []
    feb = app.audit.log(period_from=date(2024, 2, 1), period_to=date(2024, 2, 29))
    assert [e.event_type for e in feb] == ["Project.Signed", "Project.Signed"]
    assert app.audit.log(ticket="XG-T-001") == []
