"""Role guards for application services that act outside an aggregate (e.g. scoring).

Inside the ``Project`` aggregate the domain enforces who may claim, verify or reject a
stage. Scoring and ranking happen in the plugin engine, outside any aggregate, so they
call :func:`require_role` before they record anything::

    require_role(actor, Role.SCORER, attempted=f"score {area} for {period}")

It raises :class:`PermissionDenied` naming what was attempted, the actor's role and the
role required; it never records anything itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from projlife.domain.actor import Actor, Role
from projlife.domain.errors import PermissionDenied, SeparationOfDutiesViolation

__all__ = ["require_role", "require_someone_else"]


def require_role(actor: Actor, role: Role | Iterable[Role], *, attempted: str) -> None:
    """Raise :class:`PermissionDenied` unless ``actor`` has ``role`` (or one of ``role``)."""
    roles = (role,) if isinstance(role, Role) else tuple(role)
    if not roles:
        raise ValueError("require_role needs at least one role")
    if actor.role not in roles:
        names = " or ".join(r.value for r in roles)
        raise PermissionDenied(
            attempted,
            f"{actor.id} acts as {actor.role.value}, and only the {names} role may do this",
            f"an actor with role {names}",
        )


def require_someone_else(actor: Actor, others: Iterable[str], *, attempted: str, did: str) -> None:
    """Raise :class:`SeparationOfDutiesViolation` if ``actor`` is one of ``others``.

    ``did`` says what those others did (e.g. ``"claimed or verified the stages being scored"``).
    """
    if actor.id in set(others):
        raise SeparationOfDutiesViolation(
            attempted,
            f"{actor.id} {did}, and may not also do this",
            "an actor who took no part in it",
        )
