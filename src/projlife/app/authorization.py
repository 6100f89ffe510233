"""Who may do what: the one table of roles per command, and the role guards.

:data:`COMMAND_ROLES` says which roles may issue each project command; the application
checks it (:func:`authorize_command`) before it loads anything. A correction of a verified
fact needs the verifier role (:func:`require_may_correct`). The table is printed in
docs/security.md.


Inside the ``Project`` aggregate the domain enforces who may claim, verify or reject a
stage. Scoring and ranking happen in the plugin engine, outside any aggregate, so they
call :func:`require_role` before they record anything::

    require_role(actor, Role.SCORER, attempted=f"score {area} for {period}")

It raises :class:`PermissionDenied` naming what was attempted, the actor's role and the
role required; it never records anything itself.
"""

from __future__ import annotations

from collections.abc import Iterable

from projlife.domain.actor import Actor, Role, same_actor
from projlife.domain.errors import PermissionDenied, SeparationOfDutiesViolation

__all__ = [
    "COMMAND_ROLES",
    "MEETING_COMMAND_ROLES",
    "authorize_command",
    "require_may_correct",
    "require_role",
    "require_someone_else",
]

_RECORDERS = frozenset({Role.CLERK, Role.IMPORTER, Role.ADMIN})
"""Who records facts as reported: the area's clerk, a ledger import, an administrator."""
_CHECKERS = frozenset({Role.VERIFIER})
_RULE_ACTORS = frozenset({Role.SYSTEM, Role.VERIFIER, Role.ADMIN})
"""Who may do what the cities' rule actions do (remove from a pool, flag, clear a flag)."""

COMMAND_ROLES: dict[str, frozenset[Role]] = {
    "conceive": _RECORDERS,
    "reserve": _RECORDERS,
    "sign": _RECORDERS,
    "land": _RECORDERS,
    "start": _RECORDERS,
    "enter_statistics": _RECORDERS,
    "complete": _RECORDERS,
    "begin_production": _RECORDERS,
    "become_above_scale": _RECORDERS,
    "reach_capacity": _RECORDERS,
    "plan_milestone": _RECORDERS,
    "meet_milestone": _RECORDERS,
    "schedule_stage": _RECORDERS,
    "report_investment": _RECORDERS,
    "assign_sponsor": _RECORDERS,
    "form_team": _RECORDERS,
    "cancel": _RECORDERS,
    "verify": _CHECKERS,
    "reject_claim": _CHECKERS,
    "flag": _RECORDERS | _RULE_ACTORS,
    "clear_flag": _RULE_ACTORS,
    "remove_from_pool": _RULE_ACTORS,
    "reclaim_land": _RULE_ACTORS,
    "correct": _RECORDERS | _CHECKERS,
    "draw_site_visit": frozenset({Role.ADMIN, Role.SYSTEM}),
    "fill_score_sheet": frozenset({Role.SCORER}),
    # The office's working week (projlife.app.office_commands): recorded as reported.
    "enter_list": _RECORDERS,
    "leave_list": _RECORDERS,
    "record_sponsor_work": _RECORDERS,
    "apply_for_funding": _RECORDERS,
    "change_funding_status": _RECORDERS,
    "stop_production": _RECORDERS | _CHECKERS,
    "resume_production": _RECORDERS | _CHECKERS,
    "issue_certificate": _RECORDERS,
    "accept_part": _RECORDERS,
    "begin_part_production": _RECORDERS,
    "report_per_mu": _RECORDERS,
}
"""The roles that may issue each project and site-visit command (by command name).

A site visit is drawn by the organisers (an administrator, or the library on schedule); a
scoring sheet (现场评分, 000) is filled only by a scorer."""

MEETING_COMMAND_ROLES: dict[str, frozenset[Role]] = {
    "convene_meeting": _RECORDERS,
    "record_decision": _RECORDERS,
    "follow_up_decision": _RECORDERS | _CHECKERS,
}
"""The roles that may issue each weekly-meeting command (``app.meetings``)."""


def authorize_command(name: str, actor: Actor) -> None:
    """Raise :class:`PermissionDenied` unless ``actor``'s role may issue command ``name``."""
    roles = COMMAND_ROLES.get(name)
    if roles is None:
        raise PermissionDenied(
            f"run command {name}", "no role may issue an unlisted command", "a listed command"
        )
    require_role(actor, sorted(roles), attempted=f"{name} (as {actor.id})")


def require_may_correct(actor: Actor, *, verified: bool, attempted: str) -> None:
    """A verified fact is corrected only by a verifier; anything else by whoever may ``correct``."""
    if verified:
        require_role(actor, Role.VERIFIER, attempted=f"{attempted}, a verified fact")


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
    if any(same_actor(actor.id, other) for other in others):
        raise SeparationOfDutiesViolation(
            attempted,
            f"{actor.id} {did}, and may not also do this",
            "an actor who took no part in it",
        )
