"""The demo's audit section: a DEMO key, a signed checkpoint, exported files, verification."""

from __future__ import annotations

from typing import TYPE_CHECKING

from projlife.audit.keys import DEMO_KEY_PREFIX, DEMO_LOG_ID_PREFIX, SigningKey

if TYPE_CHECKING:
    from projlife.demo.context import DemoContext

__all__ = ["audit_trail"]


def audit_trail(ctx: DemoContext) -> None:
    """Seal the log, sign a checkpoint with a demo key, export it, prove one fact, verify."""
    console = ctx.console
    key_path = ctx.out / f"{DEMO_KEY_PREFIX}audit-signing.key"
    if not key_path.exists():
        SigningKey.generate().write_private_key(key_path)
    key = SigningKey.from_file(key_path)  # a demo key (its name says so): it signs only demo logs
    sealed = ctx.app.audit.seal()
    checkpoint = ctx.app.audit.checkpoint(key, log_id=f"{DEMO_LOG_ID_PREFIX}{ctx.city.code}")
    (ctx.out / "checkpoint.json").write_text(checkpoint.to_json(), encoding="utf-8")
    (ctx.out / "public_key.pem").write_bytes(key.public_key_pem())
    position = max(1, checkpoint.last_position // 2)
    (ctx.out / "inclusion_proof.json").write_text(
        ctx.app.audit.prove_inclusion(position, checkpoint).to_json(), encoding="utf-8"
    )
    report = ctx.app.audit.verify(public_key=key.public_key)
    entry = ctx.app.audit.log(limit=position, seal_first=False)[-1]
    console.print("\n[bold]审计留痕 audit trail[/]")
    console.print(
        f"sealed {sealed.size} events in a SHA-256 hash chain; checkpoint over {checkpoint.tree_size} events, "
        f"root {checkpoint.root_hash.hex()[:16]}…, signed by key {checkpoint.key_id}"
    )
    console.print(
        "[yellow]the signing key is a DEMO key generated for this run "
        f"({key_path.name}); a deployment brings its own key[/]"
    )
    console.print(
        f"event {position}: {entry.occurred_on} {entry.actor_id} ({entry.actor_role}) — {entry.summary[:80]}"
    )
    console.print(f"verify: {report}")
    console.print(
        "[dim]offline check a province can run with the exported files:\n"
        "  python -m projlife.audit.offline verify-inclusion --checkpoint checkpoint.json "
        "--public-key public_key.pem --proof inclusion_proof.json[/]"
    )
