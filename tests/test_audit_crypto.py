"""Tests of the audit cryptography: Merkle proofs, signed checkpoints, keys, offline verifier."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import stat
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import attrs
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import assume, given, settings
from hypothesis import strategies as st

SRC = Path(__file__).resolve().parents[1] / "src"

from projlife.audit import (  # noqa: E402
    EMPTY_ROOT,
    AuditKeyError,
    Checkpoint,
    ConsistencyBundle,
    InclusionBundle,
    MerkleAccumulator,
    ProofError,
    SigningKey,
    Verdict,
    VerifyingKey,
    consistency_proof,
    inclusion_proof,
    leaf_hash,
    make_consistency_bundle,
    make_inclusion_bundle,
    root,
    sign_checkpoint,
    verify_checkpoint_signature,
    verify_consistency,
    verify_consistency_bundle,
    verify_inclusion,
    verify_inclusion_bundle,
)
from projlife.audit.offline import main  # noqa: E402

LEAVES = [leaf_hash(i.to_bytes(4, "big")) for i in range(600)]
T0 = datetime(2024, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=8)))


def H(data: bytes) -> bytes:
    return hashlib.sha256(data).digest()


def L(data: bytes) -> bytes:
    return H(b"\x00" + data)


def N(left: bytes, right: bytes) -> bytes:
    return H(b"\x01" + left + right)


def flip(data: bytes, position: int) -> bytes:
    position %= len(data)
    return data[:position] + bytes([data[position] ^ 0x01]) + data[position + 1 :]


# --- Merkle tree hash: known answers ----------------------------------------------------------


def test_empty_tree_root_is_sha256_of_empty_string() -> None:
    assert (
        root([])
        == EMPTY_ROOT
        == bytes.fromhex("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
    )


def test_leaf_hash_prefixes_zero_byte() -> None:
    assert leaf_hash(b"abc") == H(b"\x00abc")


def test_roots_of_1_2_3_7_leaves_match_hand_computed_rfc6962_trees() -> None:
    d = [f"event-{i}".encode() for i in range(7)]
    a, b, c, e, f, g, h = (L(x) for x in d)
    assert root([a]) == a
    assert root([a, b]) == N(a, b)
    assert root([a, b, c]) == N(N(a, b), c)
    assert root([a, b, c, e, f, g, h]) == N(N(N(a, b), N(c, e)), N(N(f, g), h))


@pytest.mark.parametrize(
    ("size", "expected"),
    [
        (1, "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d"),
        (2, "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"),
        (3, "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77"),
        (4, "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"),
        (5, "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4"),
        (6, "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef"),
        (7, "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c"),
        (8, "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328"),
    ],
)
def test_roots_match_certificate_transparency_reference_vectors(size: int, expected: str) -> None:
    data = [b"", b"\x00", b"\x10", b"\x20\x21", b"\x30\x31", b"\x40\x41\x42\x43"]
    data += [bytes(range(0x50, 0x58)), bytes(range(0x60, 0x70))]
    assert root([leaf_hash(x) for x in data[:size]]).hex() == expected


# The seven-leaf example tree of RFC 6962 §2.1.3 (a..f, j leaves; g, h, i, k, l nodes).
_D = [f"d{i}".encode() for i in range(7)]
_a, _b, _c, _d, _e, _f, _j = (L(x) for x in _D)
_g, _h, _i = N(_a, _b), N(_c, _d), N(_e, _f)
_k, _l = N(_g, _h), N(_i, _j)
_RFC_LEAVES = [_a, _b, _c, _d, _e, _f, _j]


@pytest.mark.parametrize(
    ("index", "path"), [(0, [_b, _h, _l]), (3, [_c, _g, _l]), (4, [_f, _j, _k]), (6, [_i, _k])]
)
def test_inclusion_proofs_match_the_rfc6962_example(index: int, path: list[bytes]) -> None:
    assert inclusion_proof(_RFC_LEAVES, index, 7) == path
    assert verify_inclusion(_RFC_LEAVES[index], index, 7, path, N(_k, _l))


@pytest.mark.parametrize(("old", "proof"), [(3, [_c, _d, _g, _l]), (4, [_l]), (6, [_i, _j, _k])])
def test_consistency_proofs_match_the_rfc6962_example(old: int, proof: list[bytes]) -> None:
    assert consistency_proof(_RFC_LEAVES, old, 7) == proof
    assert verify_consistency(old, 7, root(_RFC_LEAVES[:old]), N(_k, _l), proof)


# --- Merkle proofs: properties ------------------------------------------------------------------


@st.composite
def size_and_index(draw: st.DrawFn) -> tuple[int, int]:
    size = draw(st.integers(1, len(LEAVES)))
    return size, draw(st.integers(0, size - 1))


@given(size_and_index())
def test_inclusion_proof_verifies_and_is_logarithmic(si: tuple[int, int]) -> None:
    size, index = si
    proof = inclusion_proof(LEAVES, index, size)
    assert len(proof) <= (size - 1).bit_length()
    assert verify_inclusion(LEAVES[index], index, size, proof, root(LEAVES[:size]))


@given(size_and_index(), st.sampled_from(["leaf", "proof", "root"]), st.integers(0, 10**6))
def test_inclusion_fails_after_flipping_any_byte_of_leaf_proof_or_root(
    si: tuple[int, int], target: str, position: int
) -> None:
    size, index = si
    leaf, proof, tree_root = LEAVES[index], inclusion_proof(LEAVES, index, size), root(LEAVES[:size])
    if target == "leaf":
        leaf = flip(leaf, position)
    elif target == "root":
        tree_root = flip(tree_root, position)
    else:
        assume(proof)
        which = position % len(proof)
        proof[which] = flip(proof[which], position // len(proof))
    assert not verify_inclusion(leaf, index, size, proof, tree_root)


@given(size_and_index())
def test_inclusion_fails_with_a_shortened_or_lengthened_proof_or_out_of_range_index(
    si: tuple[int, int],
) -> None:
    size, index = si
    proof, tree_root = inclusion_proof(LEAVES, index, size), root(LEAVES[:size])
    assert not verify_inclusion(LEAVES[index], index, size, [*proof, LEAVES[0]], tree_root)
    if proof:
        assert not verify_inclusion(LEAVES[index], index, size, proof[:-1], tree_root)
    assert not verify_inclusion(LEAVES[index], size, size, proof, tree_root)


def test_a_lone_leaf_cannot_pose_as_the_root_of_a_larger_tree() -> None:
    assert verify_inclusion(LEAVES[0], 0, 1, [], LEAVES[0])
    assert not verify_inclusion(LEAVES[0], 0, 2, [], LEAVES[0])
    assert not verify_inclusion(LEAVES[1], 1, 4, [LEAVES[0]], root(LEAVES[:2]))


@st.composite
def old_and_new(draw: st.DrawFn) -> tuple[int, int]:
    new = draw(st.integers(0, len(LEAVES)))
    return draw(st.integers(0, new)), new


@given(old_and_new())
def test_consistency_proof_verifies_and_is_logarithmic(sizes: tuple[int, int]) -> None:
    old, new = sizes
    proof = consistency_proof(LEAVES, old, new)
    assert len(proof) <= 2 * max(new, 1).bit_length()
    assert verify_consistency(old, new, root(LEAVES[:old]), root(LEAVES[:new]), proof)


@given(old_and_new(), st.sampled_from(["old_root", "new_root", "proof"]), st.integers(0, 10**6))
def test_consistency_fails_after_tampering(sizes: tuple[int, int], target: str, position: int) -> None:
    old, new = sizes
    old_root, new_root, proof = root(LEAVES[:old]), root(LEAVES[:new]), consistency_proof(LEAVES, old, new)
    if target == "old_root":
        old_root = flip(old_root, position)
    elif target == "new_root":
        assume(old > 0)  # every tree extends the empty tree
        new_root = flip(new_root, position)
    else:
        assume(proof)
        which = position % len(proof)
        proof[which] = flip(proof[which], position // len(proof))
    assert not verify_consistency(old, new, old_root, new_root, proof)


@given(st.integers(2, 300), st.integers(0, 299), st.binary(min_size=1, max_size=8))
def test_consistency_fails_when_an_old_leaf_was_rewritten(new: int, changed: int, junk: bytes) -> None:
    old = new // 2
    assume(changed < old)
    rewritten = list(LEAVES[:new])
    rewritten[changed] = leaf_hash(b"rewritten" + junk)
    proof = consistency_proof(rewritten, old, new)
    assert not verify_consistency(old, new, root(LEAVES[:old]), root(rewritten), proof)


def test_consistency_rejects_shrinking_trees_and_empty_proofs() -> None:
    assert not verify_consistency(5, 4, root(LEAVES[:5]), root(LEAVES[:4]), [])
    assert not verify_consistency(3, 7, root(LEAVES[:3]), root(LEAVES[:7]), [])


def test_proof_builders_reject_out_of_range_sizes_with_proof_error() -> None:
    with pytest.raises(ProofError, match="index"):
        inclusion_proof(LEAVES[:4], 4, 4)
    with pytest.raises(ProofError, match="tree size"):
        inclusion_proof(LEAVES[:4], 0, 5)
    with pytest.raises(ProofError, match="old size"):
        consistency_proof(LEAVES[:4], 5, 4)
    with pytest.raises(ProofError, match="32 bytes"):
        root([b"short"])


@settings(max_examples=30)
@given(st.lists(st.binary(max_size=16), max_size=300))
def test_accumulator_root_equals_batch_root_for_every_prefix(data: list[bytes]) -> None:
    hashes = [leaf_hash(x) for x in data]
    acc = MerkleAccumulator()
    assert acc.root() == EMPTY_ROOT
    for n, h in enumerate(hashes, start=1):
        acc.append(h)
        assert acc.size == n
        assert len(acc.frontier) == n.bit_count()
        assert acc.root() == root(hashes[:n])


def test_accumulator_resumes_from_a_saved_frontier() -> None:
    acc = MerkleAccumulator()
    for h in LEAVES[:37]:
        acc.append(h)
    resumed = MerkleAccumulator.from_frontier(acc.size, acc.frontier)
    for h in LEAVES[37:100]:
        resumed.append(h)
    assert resumed.root() == root(LEAVES[:100])
    with pytest.raises(ProofError, match="frontier"):
        MerkleAccumulator.from_frontier(37, acc.frontier[:-1])


@pytest.mark.slow
def test_the_accumulator_and_the_batch_root_agree_on_a_hundred_thousand_leaves() -> None:
    # Its speed on a million leaves is measured in benchmarks/bench_merkle.py, not asserted here.
    hashes = [os.urandom(32) for _ in range(100_000)]
    acc = MerkleAccumulator()
    for h in hashes:
        acc.append(h)
    assert acc.root() == root(hashes)


# --- keys ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def key() -> SigningKey:
    return SigningKey.generate()


def test_key_id_is_first_16_hex_of_sha256_of_raw_public_key(key: SigningKey) -> None:
    raw = key.public_key.raw
    assert len(raw) == 32
    assert key.key_id == hashlib.sha256(raw).hexdigest()[:16]
    assert VerifyingKey.from_pem(key.public_key_pem()).key_id == key.key_id


def test_key_written_with_mode_0600_loads_back_from_file_and_env(tmp_path: Path, key: SigningKey) -> None:
    path = tmp_path / "audit.key"
    key.write_private_key(path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SigningKey.from_file(path).key_id == key.key_id
    assert SigningKey.from_env(environ={"PROJLIFE_AUDIT_KEY": str(path)}).key_id == key.key_id


def test_key_loads_from_the_process_environment(
    tmp_path: Path, key: SigningKey, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "audit.key"
    key.write_private_key(path)
    monkeypatch.setenv("PROJLIFE_AUDIT_KEY", str(path))
    assert SigningKey.from_env().key_id == key.key_id


def test_writing_a_key_never_overwrites_an_existing_file(tmp_path: Path, key: SigningKey) -> None:
    path = tmp_path / "audit.key"
    path.write_text("keep me")
    with pytest.raises(AuditKeyError, match="already exists"):
        key.write_private_key(path)
    assert path.read_text() == "keep me"


def test_missing_key_file_error_says_what_why_and_what_is_accepted(tmp_path: Path) -> None:
    missing = tmp_path / "nope.pem"
    with pytest.raises(AuditKeyError) as info:
        SigningKey.from_file(missing)
    message = str(info.value)
    assert "loading the audit signing key" in message
    assert f"no file at {str(missing)!r}" in message
    assert "PKCS#8 Ed25519 private key" in message


def test_unset_env_var_error_names_the_variable_and_expects_a_path() -> None:
    with pytest.raises(
        AuditKeyError, match=r"PROJLIFE_AUDIT_KEY is not set.*PROJLIFE_AUDIT_KEY=/path/to/key.pem"
    ):
        SigningKey.from_env(environ={})


def test_env_var_pointing_at_a_missing_file_names_the_path(tmp_path: Path) -> None:
    with pytest.raises(AuditKeyError, match=r"environment variable PROJLIFE_AUDIT_KEY.*no file at"):
        SigningKey.from_env(environ={"PROJLIFE_AUDIT_KEY": str(tmp_path / "gone.pem")})


def test_env_var_holding_pem_text_is_refused(key: SigningKey) -> None:
    with pytest.raises(AuditKeyError, match="holds PEM text; it must hold a path"):
        SigningKey.from_env(environ={"PROJLIFE_AUDIT_KEY": key.private_key_pem().decode()})


def test_malformed_wrong_type_and_encrypted_keys_are_refused(tmp_path: Path) -> None:
    garbage = tmp_path / "garbage.pem"
    garbage.write_bytes(b"-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n")
    with pytest.raises(AuditKeyError, match="not a readable PEM private key"):
        SigningKey.from_file(garbage)
    ec_pem = ec.generate_private_key(ec.SECP256R1()).private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    with pytest.raises(AuditKeyError, match="not Ed25519"):
        SigningKey.from_pem(ec_pem)
    plain = SigningKey.from_pem(SigningKey.generate().private_key_pem())
    encrypted = serialization.load_pem_private_key(plain.private_key_pem(), None).private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.BestAvailableEncryption(b"secret"),
    )
    with pytest.raises(AuditKeyError, match="password-protected"):
        SigningKey.from_pem(encrypted)
    with pytest.raises(AuditKeyError, match="not a readable PEM public key"):
        VerifyingKey.from_pem(b"hello")


def test_signing_key_repr_does_not_leak_the_secret(key: SigningKey) -> None:
    assert repr(key) == f"SigningKey(key_id={key.key_id!r})"


# --- checkpoints -----------------------------------------------------------------------------------


def make_checkpoint(key: SigningKey, size: int = 7, log_id: str = "湖北省孝感市孝南区") -> Checkpoint:
    return sign_checkpoint(
        key,
        log_id=log_id,
        tree_size=size,
        root_hash=root(LEAVES[:size]),
        last_position=size + 10,
        created_at=T0,
    )


def test_signed_message_is_the_documented_byte_encoding(key: SigningKey) -> None:
    checkpoint = make_checkpoint(key)
    expected = (
        "projlife-checkpoint/v1\n"
        "湖北省孝感市孝南区\n"
        "7\n"
        f"{base64.b64encode(root(LEAVES[:7])).decode()}\n"
        "17\n"
        "2024-03-01T01:30:00.000000Z\n"
        f"{key.key_id}\n"
    ).encode()
    assert checkpoint.signed_message() == expected
    assert key.public_key.verify(checkpoint.signature, expected)


def test_checkpoint_signature_verifies_and_json_round_trips_stably(key: SigningKey) -> None:
    checkpoint = make_checkpoint(key)
    assert verify_checkpoint_signature(checkpoint, key.public_key)
    text = checkpoint.to_json()
    again = Checkpoint.from_json(text)
    assert again == checkpoint
    assert again.to_json() == text
    assert list(json.loads(text)) == sorted(json.loads(text))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("log_id", "河南省驻马店市"),
        ("tree_size", 8),
        ("root_hash", root(LEAVES[:8])),
        ("last_position", 18),
        ("created_at", T0 + timedelta(microseconds=1)),
        ("key_id", "0" * 16),
        ("signature", bytes(64)),
    ],
)
def test_signature_fails_after_changing_any_checkpoint_field(
    key: SigningKey, field: str, value: object
) -> None:
    tampered = attrs.evolve(make_checkpoint(key), **{field: value})
    assert not verify_checkpoint_signature(tampered, key.public_key)


def test_signature_fails_under_another_key(key: SigningKey) -> None:
    assert not verify_checkpoint_signature(make_checkpoint(key), SigningKey.generate().public_key)


@pytest.mark.parametrize(
    ("changes", "match"),
    [
        ({"log_id": "two\nlines"}, "one line"),
        ({"created_at": datetime(2024, 1, 1)}, "time zone"),
        ({"signature": b""}, "64 bytes"),
        ({"tree_size": 0}, "empty root"),
        ({"tree_size": -1}, "non-negative"),
    ],
)
def test_checkpoint_refuses_unsignable_or_unsigned_fields(
    key: SigningKey, changes: dict[str, object], match: str
) -> None:
    with pytest.raises(ProofError, match=match):
        attrs.evolve(make_checkpoint(key), **changes)


def test_checkpoint_json_with_unknown_or_missing_fields_is_refused(key: SigningKey) -> None:
    obj = json.loads(make_checkpoint(key).to_json())
    with pytest.raises(ProofError, match="unknown extra"):
        Checkpoint.from_json(json.dumps({**obj, "extra": 1}))
    del obj["signature"]
    with pytest.raises(ProofError, match="missing signature"):
        Checkpoint.from_json(json.dumps(obj))


# --- bundles and the offline verifier ---------------------------------------------------------------


def test_bundles_round_trip_through_json(key: SigningKey) -> None:
    inclusion = make_inclusion_bundle(LEAVES, 3, 7, leaf_data=(3).to_bytes(4, "big"))
    assert InclusionBundle.from_json(inclusion.to_json()) == inclusion
    consistency = make_consistency_bundle(LEAVES, make_checkpoint(key, 3), make_checkpoint(key, 7))
    assert ConsistencyBundle.from_json(consistency.to_json()) == consistency


def test_inclusion_bundle_may_carry_only_leaf_data() -> None:
    obj = json.loads(make_inclusion_bundle(LEAVES, 3, 7, leaf_data=(3).to_bytes(4, "big")).to_json())
    del obj["leaf_hash"]
    assert InclusionBundle.from_json(json.dumps(obj)).leaf_hash == LEAVES[3]


@pytest.fixture
def county(tmp_path: Path, key: SigningKey) -> dict[str, Path]:
    """Files a county hands to the province: public key, two checkpoints, proofs."""
    files = {
        "key": tmp_path / "county.pem",
        "old": tmp_path / "checkpoint-100.json",
        "new": tmp_path / "checkpoint-250.json",
        "inclusion": tmp_path / "inclusion.json",
        "consistency": tmp_path / "consistency.json",
    }
    old, new = make_checkpoint(key, 100), make_checkpoint(key, 250)
    files["key"].write_bytes(key.public_key_pem())
    files["old"].write_text(old.to_json(), encoding="utf-8")
    files["new"].write_text(new.to_json(), encoding="utf-8")
    files["inclusion"].write_text(make_inclusion_bundle(LEAVES, 42, 250).to_json())
    files["consistency"].write_text(make_consistency_bundle(LEAVES, old, new).to_json())
    return files


def cli_args(command: str, checkpoint: Path, files: dict[str, Path], proof: Path) -> list[str]:
    return [
        command,
        "--checkpoint",
        str(checkpoint),
        "--public-key",
        str(files["key"]),
        "--proof",
        str(proof),
    ]


def inclusion_args(f: dict[str, Path]) -> list[str]:
    return cli_args("verify-inclusion", f["new"], f, f["inclusion"])


def consistency_args(f: dict[str, Path]) -> list[str]:
    return cli_args("verify-consistency", f["old"], f, f["consistency"])


def read(f: dict[str, Path], checkpoint: str, proof: str) -> tuple[str, bytes, str]:
    return f[checkpoint].read_text(), f["key"].read_bytes(), f[proof].read_text()


def test_offline_inclusion_end_to_end_valid(
    county: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(inclusion_args(county)) == 0
    assert "VALID: leaf 42" in capsys.readouterr().out


def test_offline_inclusion_invalid_when_the_checkpoint_file_was_edited(county: dict[str, Path]) -> None:
    obj = json.loads(county["new"].read_text())
    obj["last_position"] += 1
    county["new"].write_text(json.dumps(obj))
    result = verify_inclusion_bundle(*read(county, "new", "inclusion"))
    assert result.verdict is Verdict.INVALID and not result.ok
    assert "the signature of the checkpoint does not verify" in result.reason
    assert main(inclusion_args(county)) == 1


def test_offline_inclusion_invalid_when_the_leaf_is_not_in_the_tree(county: dict[str, Path]) -> None:
    obj = json.loads(county["inclusion"].read_text())
    obj["leaf_hash"] = base64.b64encode(leaf_hash(b"a fact never recorded")).decode()
    county["inclusion"].write_text(json.dumps(obj))
    result = verify_inclusion_bundle(*read(county, "new", "inclusion"))
    assert not result.ok and "NOT proven" in result.reason
    assert main(inclusion_args(county)) == 1


def test_offline_inclusion_invalid_when_leaf_data_does_not_match_its_hash(county: dict[str, Path]) -> None:
    obj = json.loads(county["inclusion"].read_text())
    obj["leaf_data"] = base64.b64encode(b"other data").decode()
    county["inclusion"].write_text(json.dumps(obj))
    result = verify_inclusion_bundle(*read(county, "new", "inclusion"))
    assert not result.ok and "does not hash" in result.reason


def test_offline_inclusion_invalid_with_another_countys_public_key(county: dict[str, Path]) -> None:
    county["key"].write_bytes(SigningKey.generate().public_key_pem())
    result = verify_inclusion_bundle(*read(county, "new", "inclusion"))
    assert not result.ok and "names key" in result.reason


def test_offline_inclusion_invalid_against_a_checkpoint_of_another_size(county: dict[str, Path]) -> None:
    result = verify_inclusion_bundle(*read(county, "old", "inclusion"))
    assert not result.ok and "tree of size 250" in result.reason


def test_offline_bad_input_exits_2(county: dict[str, Path], capsys: pytest.CaptureFixture[str]) -> None:
    county["inclusion"].write_text("{not json")
    assert main(inclusion_args(county)) == 2
    assert "not valid JSON" in capsys.readouterr().err
    county["key"].unlink()
    assert main(inclusion_args(county)) == 2
    assert "cannot read" in capsys.readouterr().err
    assert main(["verify-inclusion"]) == 2


def test_offline_consistency_end_to_end_valid(
    county: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(consistency_args(county)) == 0
    assert "without changing its first 100 entries" in capsys.readouterr().out


def _rewritten_history(county: dict[str, Path], key: SigningKey, forge_old: bool) -> str:
    rewritten = list(LEAVES[:250])
    rewritten[17] = leaf_hash(b"a quietly corrected figure")
    kept = Checkpoint.from_json(county["old"].read_text())
    old = kept
    if forge_old:
        old = sign_checkpoint(
            key,
            log_id=kept.log_id,
            tree_size=100,
            root_hash=root(rewritten[:100]),
            last_position=110,
            created_at=T0,
        )
    new = sign_checkpoint(
        key, log_id=kept.log_id, tree_size=250, root_hash=root(rewritten), last_position=260, created_at=T0
    )
    county["consistency"].write_text(make_consistency_bundle(rewritten, old, new).to_json())
    return county["consistency"].read_text()


def test_offline_consistency_detects_history_rewritten_between_checkpoints(
    county: dict[str, Path], key: SigningKey
) -> None:
    _rewritten_history(county, key, forge_old=False)
    result = verify_consistency_bundle(*read(county, "old", "consistency"))
    assert result.verdict is Verdict.INVALID and "REWRITTEN" in result.reason
    assert main(consistency_args(county)) == 1


def test_offline_consistency_flags_a_re_signed_old_checkpoint_as_equivocation(
    county: dict[str, Path], key: SigningKey
) -> None:
    _rewritten_history(county, key, forge_old=True)
    result = verify_consistency_bundle(*read(county, "old", "consistency"))
    assert not result.ok and result.reason.startswith("EQUIVOCATION")


@pytest.fixture(scope="module")
def isolated_path(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A PYTHONPATH holding only this checkout's ``src`` (not whatever is installed)."""
    return str(SRC)


def test_offline_cli_runs_as_a_module_without_warnings(county: dict[str, Path], isolated_path: str) -> None:
    done = subprocess.run(
        [sys.executable, "-W", "error", "-m", "projlife.audit.offline", *inclusion_args(county)],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": isolated_path},
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("VALID")


def test_audit_modules_import_no_database_or_validation_layer(isolated_path: str) -> None:
    code = "import sys, projlife.audit, projlife.audit.offline; print(sorted({m.split('.')[0] for m in sys.modules}))"
    env = {**os.environ, "PYTHONPATH": isolated_path}
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    ).stdout
    assert "'projlife'" in out
    for forbidden in ("sqlalchemy", "psycopg", "pydantic"):
        assert f"'{forbidden}'" not in out
