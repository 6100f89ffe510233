"""The web 台账 under ``/``: server-rendered pages (Jinja2), Chinese first with an English toggle.

Pages: the ledger with filters, a project with its event timeline, an event's audit proof, the
bulletins with their charts, the ticket queue. Sign-in stores the API token in an HttpOnly cookie.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Depends, FastAPI, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from projlife.domain.errors import ProjlifeError
from projlife.domain.lifecycle import Stage
from projlife.reports.bulletin import BULLETIN_KINDS
from projlife.reports.render_html import bulletin_html
from projlife.reports.terms import event_term, role_term, stage_term, ticket_status_term, web_words
from projlife.server.errors import error_body, error_status
from projlife.server.fonts import WEB_FONT_FAMILY, FontCache, page_characters
from projlife.server.state import COOKIE, Caller, ServerState, caller, server_state
from projlife.server.tokens import InvalidToken
from projlife.server.views import bulletin_for, ledger_page, project_view, proof_view, ticket_queue

__all__ = ["mount_static", "router"]

_HERE = Path(__file__).parent
_env = Environment(loader=FileSystemLoader(_HERE / "templates"), autoescape=select_autoescape(["html"]))
_fonts = FontCache()
router = APIRouter(include_in_schema=False)


def _lang(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("projlife_lang") or "zh"
    return "en" if lang == "en" else "zh"


def _render(request: Request, template: str, http_status: int = 200, **context: Any) -> HTMLResponse:
    lang = _lang(request)
    words = web_words(lang)
    other = "zh" if lang == "en" else "en"
    query = dict(request.query_params)
    query["lang"] = other
    toggle = request.url.path + "?" + urlencode(query)
    page = _env.get_template(template).render(
        w=words,
        lang=lang,
        toggle=toggle,
        stage_name=lambda s: stage_term(Stage(s), lang),
        status_name=lambda s: ticket_status_term(s, lang),
        role_name=lambda r: role_term(r, lang),
        event_name=lambda t: event_term(t, lang),
        font_url="__FONT_URL__",
        font_family=WEB_FONT_FAMILY,
        **context,
    )
    digest = _fonts.register(page_characters(page))
    page = page.replace("__FONT_URL__", f"/static/fonts/{digest}.woff")
    response = HTMLResponse(page, status_code=http_status)
    if request.query_params.get("lang") in ("zh", "en"):
        response.set_cookie(
            "projlife_lang", lang, httponly=True, samesite="lax", secure=request.url.scheme == "https"
        )
    return response


StateDep = Annotated[ServerState, Depends(server_state)]


def _web_caller(request: Request, state: ServerState) -> Caller:
    return caller(request, state)


def _refused(request: Request, exc: ProjlifeError) -> Response:
    if isinstance(exc, InvalidToken):
        return RedirectResponse(f"/login?next={request.url.path}", status_code=303)
    return _render(request, "error.html", http_status=error_status(exc), error=error_body(exc), who=None)


@router.get("/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/") -> HTMLResponse:
    return _render(request, "login.html", next=next if next.startswith("/") else "/", who=None)


@router.post("/login")
def login(
    request: Request, state: StateDep, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    try:
        state.tokens.authenticate(token.strip())
    except InvalidToken as exc:
        return _render(request, "error.html", http_status=401, error=error_body(exc), who=None)
    response = RedirectResponse(
        next if next.startswith("/") and not next.startswith("//") else "/", status_code=303
    )
    # Secure whenever the reverse proxy says the request came over TLS (X-Forwarded-Proto)
    response.set_cookie(
        COOKIE, token.strip(), httponly=True, samesite="strict", secure=request.url.scheme == "https"
    )
    return response


@router.get("/logout")
def logout() -> Response:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def _opt_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise ProjlifeError("read the date filter", f"{value!r} is not a date", "YYYY-MM-DD") from None


@router.get("/", response_class=HTMLResponse)
def ledger(
    request: Request,
    state: StateDep,
    area: str | None = None,
    stage: str | None = None,
    size_class: str | None = None,
    as_of: str | None = None,
    page: int = 1,
) -> Response:
    try:
        who = _web_caller(request, state)
        day = _opt_date(as_of)
        per_page = 50
        area = area or None
        county = None
        city = who.scope.city.code if who.scope.city else None
        if area is not None:
            found = next((c for c in state.app.cities.values() if area in c.areas), None)
            if found is not None:
                city = found.code
                level = found.areas[area].level.value
                county, area = (
                    (area, None) if level == "county" else (None, area) if level == "town" else (None, None)
                )
        result = ledger_page(
            state,
            who,
            city=city,
            county=county,
            area=area,
            stage=stage or None,
            category=None,
            size_class=size_class or None,
            as_of=day,
            known_at=None,
            offset=(max(page, 1) - 1) * per_page,
            limit=per_page,
        )
    except ProjlifeError as exc:
        return _refused(request, exc)
    areas = [
        (a.code, ("\u3000" * (a.level.depth - 1)) + a.name)
        for c in state.app.cities.values()
        for a in c.areas
        if a.level.value != "city" and who.scope.covers(c.code, a.code)
    ]
    return _render(
        request,
        "ledger.html",
        who=who,
        result=result,
        rows=result.rows,
        areas=areas,
        stages=[s.value for s in Stage],
        size_classes=state.app.ledger.size_bands.labels,
        filters={
            "area": request.query_params.get("area", ""),
            "stage": stage or "",
            "size_class": size_class or "",
            "as_of": as_of or "",
        },
        page=max(page, 1),
        pages=max(1, -(-result.total // per_page)),
    )


@router.get("/projects/{project_id}", response_class=HTMLResponse)
def project(request: Request, state: StateDep, project_id: UUID, as_of: str | None = None) -> Response:
    try:
        who = _web_caller(request, state)
        view = project_view(state, who, project_id, as_of=_opt_date(as_of))
    except ProjlifeError as exc:
        return _refused(request, exc)
    return _render(request, "project.html", who=who, row=view.row, events=view.events)


@router.get("/proofs/{position}", response_class=HTMLResponse)
def proof(request: Request, state: StateDep, position: int) -> Response:
    try:
        who = _web_caller(request, state)
        view = proof_view(state, who, position)
    except ProjlifeError as exc:
        return _refused(request, exc)
    return _render(request, "proof.html", who=who, view=view, bundle=view.bundle.to_dict())


_BODY = re.compile(r"<main>(.*)</main>", re.S)
_STYLE = re.compile(r"<style>(.*?)</style>", re.S)
_FONT_FACE = re.compile(r"@font-face\s*\{[^}]*\}")


@router.get("/bulletins", response_class=HTMLResponse)
def bulletins(
    request: Request, state: StateDep, kind: str = "weekly", as_of: str | None = None, city: str | None = None
) -> Response:
    try:
        who = _web_caller(request, state)
        if kind not in BULLETIN_KINDS:
            raise ProjlifeError(
                f"show a {kind!r} bulletin", "unknown bulletin kind", ", ".join(BULLETIN_KINDS)
            )
        b = bulletin_for(state, who, kind, city=city, as_of=_opt_date(as_of), known_at=None)
    except ProjlifeError as exc:
        return _refused(request, exc)
    full = bulletin_html(b, _lang(request))
    body, style = _BODY.search(full), _STYLE.search(full)
    return _render(
        request,
        "bulletins.html",
        who=who,
        kinds=list(BULLETIN_KINDS),
        kind=kind,
        as_of=as_of or b.as_of.isoformat(),
        bulletin_body=body.group(1) if body else "",
        bulletin_style=_FONT_FACE.sub("", style.group(1)) if style else "",
    )


@router.get("/tickets", response_class=HTMLResponse)
def tickets(
    request: Request, state: StateDep, status: str | None = None, as_of: str | None = None
) -> Response:
    try:
        who = _web_caller(request, state)
        queue = ticket_queue(state, who, city=None, area=None, status=status or None, as_of=_opt_date(as_of))
    except ProjlifeError as exc:
        return _refused(request, exc)
    return _render(request, "tickets.html", who=who, queue=queue, status=status or "", as_of=as_of or "")


@router.get("/static/fonts/{digest}.woff")
def font(digest: str) -> Response:
    data = _fonts.woff(digest)
    if data is None:
        return Response(status_code=404)
    return Response(
        data, media_type="font/woff", headers={"Cache-Control": "public, max-age=31536000, immutable"}
    )


def mount_static(api: FastAPI) -> None:
    api.mount("/static", StaticFiles(directory=_HERE / "static"), name="static")
