"""``projlife serve`` (the HTTP API and web 台账) and ``projlife tokens`` (API tokens bound to an actor)."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from projlife.app.application import connect
from projlife.cli.app import DEFAULT_DB, DbOption, app, console
from projlife.domain.actor import Role
from projlife.domain.errors import ProjlifeError

tokens_app = typer.Typer(help="API tokens for `projlife serve`: each bound to an actor (id, role, area).")
app.add_typer(tokens_app, name="tokens")


def _need_server() -> None:
    try:
        import fastapi  # noqa: F401
        import uvicorn  # noqa: F401
    except ImportError as exc:
        raise ProjlifeError(
            "start the projlife server",
            f"the server extra is not installed ({exc.name})",
            'pip install "projlife[server]"',
        ) from None


@app.command("serve")
def serve(
    db: DbOption = DEFAULT_DB,
    host: Annotated[
        str, typer.Option(help="Interface to listen on (keep 127.0.0.1 behind a reverse proxy)")
    ] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="TCP port")] = 8000,
    audit_key: Annotated[
        str | None,
        typer.Option(
            "--audit-key", help="Ed25519 key (PEM) to sign checkpoints so every event can be proven"
        ),
    ] = None,
    proxy_headers: Annotated[
        bool, typer.Option(help="Trust X-Forwarded-* from the reverse proxy at --forwarded-allow-ips")
    ] = True,
    forwarded_allow_ips: Annotated[
        str, typer.Option(help="Proxy addresses trusted for X-Forwarded-*")
    ] = "127.0.0.1",
) -> None:
    """Serve the JSON API (OpenAPI at /docs and /openapi.json), the event feed and the web 台账 at /."""
    _need_server()
    import uvicorn

    from projlife.audit.keys import SigningKey
    from projlife.server.app import create_app

    key = SigningKey.from_file(audit_key) if audit_key else None
    with connect(db) as pl:
        api = create_app(pl, signing_key=key)
        console.print(f"projlife serving {pl.url.raw} on http://{host}:{port}/ (Ctrl-C stops)")
        uvicorn.run(
            api,
            host=host,
            port=port,
            proxy_headers=proxy_headers,
            forwarded_allow_ips=forwarded_allow_ips,
            log_level="info",
        )


@tokens_app.command("create")
def tokens_create(
    actor: Annotated[str, typer.Option("--actor", help="The actor id every command with this token records")],
    role: Annotated[str, typer.Option("--role", help=f"One of: {', '.join(r.value for r in Role)}")],
    area: Annotated[
        str | None, typer.Option("--area", help="Area code: the token reads and writes only it")
    ] = None,
    label: Annotated[str | None, typer.Option(help="A note for whom the token is")] = None,
    db: DbOption = DEFAULT_DB,
) -> None:
    """Create a token and print it once (only its hash is stored)."""
    from projlife.server.tokens import TokenStore

    try:
        chosen = Role(role)
    except ValueError:
        raise ProjlifeError(
            f"create a token with role {role!r}", "unknown role", ", ".join(r.value for r in Role)
        ) from None
    with connect(db) as pl:
        if area is not None and not any(area in c.areas for c in pl.cities.values()):
            raise ProjlifeError(
                f"create a token for area {area}", "no installed city has that area", "an area code"
            )
        issued = TokenStore(pl.engine).create(actor, chosen, area, label=label)
    console.print(
        f"token id {issued.info.token_id} for {actor} ({chosen.value}{', ' + area if area else ''})"
    )
    typer.echo(issued.token)


@tokens_app.command("list")
def tokens_list(
    db: DbOption = DEFAULT_DB,
    as_json: Annotated[bool, typer.Option("--json", help="JSON lines")] = False,
) -> None:
    """List tokens (ids, actors, created, revoked), never their secrets."""
    from projlife.server.tokens import TokenStore

    with connect(db) as pl:
        found = TokenStore(pl.engine).list()
    for t in found:
        record = {
            "token_id": t.token_id,
            **t.actor.as_dict(),
            "label": t.label,
            "created_at": t.created_at.isoformat(),
            "revoked_at": None if t.revoked_at is None else t.revoked_at.isoformat(),
        }
        if as_json:
            typer.echo(json.dumps(record, ensure_ascii=False))
        else:
            state = "revoked" if t.revoked_at else "active"
            console.print(
                f"{t.token_id}  {t.actor.id}  {t.actor.role.value}  {t.actor.area_code or '-'}  {state}"
            )


@tokens_app.command("revoke")
def tokens_revoke(
    token_id: Annotated[str, typer.Argument(help="The token id (from `projlife tokens list`)")],
    db: DbOption = DEFAULT_DB,
) -> None:
    """Revoke a token: requests with it are refused from now on."""
    from projlife.server.tokens import TokenStore

    with connect(db) as pl:
        info = TokenStore(pl.engine).revoke(token_id)
    console.print(f"revoked {info.token_id} ({info.actor.id})")
