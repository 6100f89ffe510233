"""projlife serve: an HTTP API (FastAPI, OpenAPI 3) and a web 台账 over one projlife database.

Install with ``pip install "projlife[server]"`` and run ``projlife serve --db URL``; see
``docs/server.md``.
"""

from __future__ import annotations

from projlife.server.app import create_app
from projlife.server.tokens import InvalidToken, IssuedToken, TokenInfo, TokenStore

__all__ = ["InvalidToken", "IssuedToken", "TokenInfo", "TokenStore", "create_app"]
