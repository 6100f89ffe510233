"""``projlife audit …``: seal, log, verify, checkpoint, export and prove.

Verification of exported files needs no database: ``python -m projlife.audit.offline``.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Annotated, Literal

import typer

from projlife.app.application import connect
from projlife.audit.errors import ProofError
from projlife.audit.keys import DEFAULT_KEY_ENV_VAR, SigningKey, VerifyingKey
from projlife.cli.app import DEFAULT_DB, DbOption, app, console, err_console
from projlife.domain.errors import ProjlifeError

__all__ = ["audit_app"]

audit_app = typer.Typer(
    name="audit",
    help="The audit trail: who/what/when/why, hash chain, signed checkpoints, proofs.",
    no_args_is_help=True,
)
app.add_typer(audit_app, name="audit")

KeyOption = Annotated[
    Path | None,
    typer.Option(
        "--key",
        metavar="FILE",
        help=f"Ed25519 private key PEM (PKCS#8). Without it, ${DEFAULT_KEY_ENV_VAR} must hold the key's path.",
    ),
]
OutOption = Annotated[Path, typer.Option("--out", metavar="FILE", help="File to write")]


def _signing_key(path: Path | None) -> SigningKey:
    return SigningKey.from_file(path) if path is not None else SigningKey.from_env()


def _write(out: Path, text: str) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(text, encoding="utf-8")
    err_console.print(f"written {out}", markup=False, highlight=False)


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError as exc:
        raise ProjlifeError(f"read {option} {text!r}", str(exc), "a date YYYY-MM-DD") from None


@audit_app.command("seal")
def seal_command(db: DbOption = DEFAULT_DB) -> None:
    """Chain and log every event stored since the last seal."""
    with connect(db) as pl:
        report = pl.audit.seal()
    console.print(
        f"sealed {report.sealed} new event(s); the chain covers {report.size} (last position {report.last_position})"
    )


@audit_app.command("log")
def log_command(
    db: DbOption = DEFAULT_DB,
    project: Annotated[
        str | None, typer.Option("--project", metavar="ID", help="Project id or project code")
    ] = None,
    ticket: Annotated[str | None, typer.Option("--ticket", metavar="ID", help="Ticket id or number")] = None,
    actor: Annotated[str | None, typer.Option("--actor", metavar="ID", help="Actor id")] = None,
    area: Annotated[
        str | None, typer.Option("--area", metavar="CODE", help="Area code (of the fact or of the actor)")
    ] = None,
    date_from: Annotated[
        str | None, typer.Option("--from", metavar="DATE", help="First business date, YYYY-MM-DD")
    ] = None,
    date_to: Annotated[
        str | None, typer.Option("--to", metavar="DATE", help="Last business date, YYYY-MM-DD")
    ] = None,
    limit: Annotated[
        int | None, typer.Option("--limit", metavar="N", help="At most this many entries")
    ] = None,
    fmt: Annotated[Literal["md", "json"], typer.Option("--format")] = "md",
) -> None:
    """Who did what, when and why: the audit log, filtered."""
    first, last = _day(date_from, "--from"), _day(date_to, "--to")
    with connect(db) as pl:
        entries = pl.audit.log(
            project=project,
            ticket=ticket,
            actor=actor,
            area=area,
            period_from=first,
            period_to=last,
            limit=limit,
        )
    if fmt == "json":
        typer.echo(json.dumps([e.to_dict() for e in entries], ensure_ascii=False, indent=1))
        return
    typer.echo(
        "| # | business date | recorded (UTC) | subject | area | actor (role, area) | what | why | evidence |"
    )
    typer.echo("|---|---|---|---|---|---|---|---|---|")
    for e in entries:
        recorded = e.recorded_at.strftime("%Y-%m-%d %H:%M:%S") if e.recorded_at else ""
        cells = [
            str(e.position),
            e.occurred_on.isoformat() if e.occurred_on else "",
            recorded,
            e.subject_code or e.aggregate_id,
            e.subject_area or "",
            f"{e.actor_id} ({e.actor_role}, {e.actor_area or '-'})",
            e.summary,
            e.reason or "",
            "; ".join(e.evidence),
        ]
        typer.echo("| " + " | ".join(c.replace("|", "\\|") for c in cells) + " |")
    err_console.print(f"{len(entries)} entr{'y' if len(entries) == 1 else 'ies'}", markup=False)


@audit_app.command("verify")
def verify_command(
    db: DbOption = DEFAULT_DB,
    public_key: Annotated[
        Path | None,
        typer.Option(
            "--public-key",
            metavar="FILE",
            help="The public key PEM you trust (default: the one stored with each checkpoint)",
        ),
    ] = None,
) -> None:
    """Re-hash the whole log; exit 0 if intact, 1 and the first bad position if not."""
    key = VerifyingKey.from_file(public_key) if public_key is not None else None
    with connect(db) as pl:
        report = pl.audit.verify(public_key=key)
    rate = report.checked / report.seconds if report.seconds > 0 else 0.0
    target = console if report.ok else err_console
    target.print(str(report), markup=False)
    err_console.print(
        f"{report.checked} events in {report.seconds:.2f}s ({rate:,.0f} events/s)", markup=False
    )
    if report.problem is not None:
        raise typer.Exit(report.exit_code)


@audit_app.command("checkpoint")
def checkpoint_command(
    db: DbOption = DEFAULT_DB,
    key: KeyOption = None,
    log_id: Annotated[
        str | None, typer.Option("--log-id", metavar="NAME", help="Name of this log, e.g. the county code")
    ] = None,
) -> None:
    """Seal, then sign a checkpoint over every sealed event (needs the signing key)."""
    signing_key = _signing_key(key)
    with connect(db) as pl:
        cp = pl.audit.checkpoint(signing_key, log_id=log_id)
    console.print(
        f"checkpoint {cp.log_id!r}: {cp.tree_size} events up to position {cp.last_position}, "
        f"root {cp.root_hash.hex()}, key {cp.key_id}"
    )


@audit_app.command("export-checkpoint")
def export_checkpoint_command(
    out: OutOption,
    db: DbOption = DEFAULT_DB,
    size: Annotated[
        int | None, typer.Option("--size", metavar="N", help="Tree size of the checkpoint (default: latest)")
    ] = None,
    public_key_out: Annotated[
        Path | None,
        typer.Option(
            "--public-key-out", metavar="FILE", help="Also write the signing key's public key PEM here"
        ),
    ] = None,
) -> None:
    """Write a signed checkpoint as JSON, for a higher level to keep."""
    with connect(db) as pl:
        cp = pl.audit.checkpoint_at(size) if size is not None else pl.audit.latest_checkpoint()
        if cp is None:
            raise ProofError(
                "export the latest checkpoint",
                "no checkpoint was made yet",
                "`projlife audit checkpoint --key FILE`",
            )
        pem = pl.audit.public_key_pem(cp.tree_size)
    _write(out, cp.to_json())
    if public_key_out is not None:
        _write(public_key_out, pem)


@audit_app.command("prove-inclusion")
def prove_inclusion_command(
    position: Annotated[int, typer.Option("--position", metavar="N", help="Log position of the event")],
    out: OutOption,
    db: DbOption = DEFAULT_DB,
    checkpoint: Annotated[
        int | None,
        typer.Option("--checkpoint", metavar="N", help="Tree size of the checkpoint (default: latest)"),
    ] = None,
) -> None:
    """Proof that the event at a position is covered by a checkpoint."""
    with connect(db) as pl:
        bundle = pl.audit.prove_inclusion(position, checkpoint)
    _write(out, bundle.to_json())


@audit_app.command("prove-consistency")
def prove_consistency_command(
    old: Annotated[int, typer.Option("--old", metavar="N", help="Tree size of the older checkpoint")],
    out: OutOption,
    db: DbOption = DEFAULT_DB,
    new: Annotated[
        int | None,
        typer.Option("--new", metavar="N", help="Tree size of the newer checkpoint (default: latest)"),
    ] = None,
) -> None:
    """Proof that a newer checkpoint extends an older one without rewriting it."""
    with connect(db) as pl:
        bundle = pl.audit.prove_consistency(old, new)
    _write(out, bundle.to_json())


@audit_app.command("show-proof")
def show_proof_command(
    proof: Annotated[Path, typer.Argument(help="An inclusion proof bundle JSON")],
) -> None:
    """Print the event an inclusion proof carries (no database; verify it with the offline verifier)."""
    from projlife.audit.auditlog import entry_from_state
    from projlife.audit.bundles import InclusionBundle
    from projlife.audit.records import decode_record

    bundle = InclusionBundle.from_json(proof.read_bytes())
    if bundle.leaf_data is None:
        console.print(
            f"leaf {bundle.index}: hash {bundle.leaf_hash.hex()} (the bundle carries no event data)"
        )
        return
    record = decode_record(bundle.leaf_data)
    entry = entry_from_state(
        record.position,
        record.originator_id,
        record.originator_version,
        record.topic,
        record.state,
        hashed=bundle.leaf_hash,
    )
    typer.echo(json.dumps(entry.to_dict() | {"leaf_index": bundle.index}, ensure_ascii=False, indent=1))
