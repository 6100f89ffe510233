"""``app.projects``: commands and queries on projects, one at a time or in validated batches."""

from __future__ import annotations

import logging
from collections import OrderedDict
from collections.abc import Callable, Collection, Iterable, Mapping
from itertools import islice
from typing import Any
from uuid import UUID

from eventsourcing.application import AggregateNotFoundError
from eventsourcing.persistence import RecordConflictError

from projlife.app.authorization import authorize_command, require_may_correct
from projlife.app.commands import PROJECT_COMMANDS, Command, ConceiveProject, CorrectFact, ProjectCommand
from projlife.app.ingest_replay import Replay
from projlife.app.results import CommandResult, IngestReport, last_position, save_new, validate
from projlife.app.retry import save_with_retries
from projlife.domain.errors import CommandRejected, ConcurrentUpdateError, NotFound, Problem, ProjlifeError
from projlife.domain.project import Project, project_id_for
from projlife.plugins.manager import validate_command
from projlife.ports import CityDirectory, EventLog

log = logging.getLogger(__name__)

__all__ = ["ProjectService"]


class ProjectService:
    """Commands on projects. Every method validates, loads, applies, saves, or raises."""

    def __init__(
        self,
        store: EventLog,
        cities: CityDirectory,
        stored_among: Callable[[Collection[UUID]], set[UUID]] | None = None,
    ) -> None:
        """``stored_among(ids)`` answers which of these aggregates have events stored, in one
        query (the application passes one on its database); without it, the import asks the
        event store once per conceived project."""
        self._store = store
        self._cities = cities
        self._stored_among = stored_among

    # -- generic -----------------------------------------------------------------

    def execute(self, command: Command | Mapping[str, Any], *, kind: str | None = None) -> CommandResult:
        """Run one command, given as a command model or as a mapping plus its ``kind`` name."""
        cmd = self._parse(command, kind)
        log.debug("command %s", cmd.name)
        if isinstance(cmd, ConceiveProject):
            return self._conceive(cmd)
        if not isinstance(cmd, ProjectCommand):
            raise CommandRejected(type(cmd).__name__, [Problem("(command)", "not a project command")])
        return self._run(cmd)

    def _parse(self, command: Command | Mapping[str, Any], kind: str | None) -> Command:
        if isinstance(command, Command):
            return command
        if not isinstance(command, Mapping):
            raise CommandRejected(
                f"run command {kind or '?'}",
                [Problem("(command)", f"a command is a mapping of fields, not {type(command).__name__}")],
            )
        name = kind or str(command.get("command", ""))
        model = PROJECT_COMMANDS.get(name)
        if model is None:
            raise CommandRejected(
                f"run command {name!r}",
                [Problem("command", f"unknown command; known: {', '.join(sorted(PROJECT_COMMANDS))}", name)],
            )
        data = {k: v for k, v in command.items() if k != "command"}
        try:
            return validate(model, data)
        except CommandRejected as exc:
            # List the unknown city or area too, not only the fields pydantic refused.
            if model is ConceiveProject:
                extra = self._city_area_problems(data.get("city_code"), data.get("area_code"))
                known = {p.field for p in exc.problems}
                extra = [p for p in extra if p.field not in known]
                if extra:
                    raise CommandRejected(exc.attempted, [*exc.problems, *extra]) from None
            raise

    def _conceive(self, cmd: ConceiveProject) -> CommandResult:
        self._check_context(cmd)
        return save_new(
            self._store,
            cmd.create(),
            attempted=f"conceive project {cmd.code}",
            code=cmd.code,
            city_code=cmd.city_code,
            kind="project",
        )

    def _run(self, cmd: ProjectCommand) -> CommandResult:
        def load_and_apply() -> Project:
            project = self.get(cmd.project_id, attempted=f"{cmd.name} project {cmd.project_id}")
            self._check_context(cmd, project)
            cmd.apply(project)
            return project

        project, recordings = save_with_retries(
            self._store, load_and_apply, attempted=f"{cmd.name} project {cmd.project_id}", what="project"
        )
        return CommandResult(project.id, project.version, last_position(recordings))

    def _check_context(self, cmd: Command, project: Project | None = None) -> None:
        """Problems that need more than the command itself: role, known city and area."""
        actor = cmd.actor.to_domain()
        authorize_command(cmd.name, actor)
        if isinstance(cmd, CorrectFact) and project is not None:
            verified = any(
                c.version == cmd.target_version and c.verified_by is not None for c in project.claims.values()
            )
            require_may_correct(
                actor, verified=verified, attempted=f"correct {cmd.field.value} of {project.code}"
            )
        problems: list[Problem] = []
        if isinstance(cmd, ConceiveProject):
            problems += self._city_area_problems(cmd.city_code, cmd.area_code)
        if problems:
            raise CommandRejected(f"{cmd.name} project", problems)
        self._check_policy(cmd, project)

    def _check_policy(self, cmd: Command, project: Project | None) -> None:
        """The city plugins' ``projlife_validate_command`` problems; a raising plugin is named."""
        city_code = (
            cmd.city_code if isinstance(cmd, ConceiveProject) else project.city_code if project else None
        )
        city = self._cities.city_by_code(city_code) if city_code else None
        if city is None:
            return
        problems = validate_command(self._cities.plugins, city, cmd, project)
        if problems:
            raise CommandRejected(f"{cmd.name} project", problems)

    def _city_area_problems(self, city_code: object, area_code: object) -> list[Problem]:
        if not isinstance(city_code, str):
            return []
        city = self._cities.city_by_code(city_code.strip())
        if city is None:
            known = ", ".join(f"{c.code} ({c.name_zh})" for c in self._cities.cities.values())
            return [Problem("city_code", f"unknown city; installed: {known or 'none'}", city_code)]
        if isinstance(area_code, str) and area_code.strip() not in city.areas:
            return [Problem("area_code", f"not an area of {city.name_zh}", area_code)]
        return []

    def apply_unsaved(self, command: Command | Mapping[str, Any], loaded: dict[UUID, Project]) -> Project:
        """Validate, authorize and apply one command on an existing project, and save nothing.

        The project is taken from ``loaded`` (loaded from the store and put there on first use), so
        several commands build on each other; raises exactly as :meth:`execute` would. A caller that
        checked a whole file this way saves the projects of ``loaded`` together (``store.save``).
        """
        cmd = self._parse(command, None)
        if not isinstance(cmd, ProjectCommand):
            raise CommandRejected(cmd.name, [Problem("(command)", "not a command on an existing project")])
        project = loaded.get(cmd.project_id) or self.get(
            cmd.project_id, attempted=f"{cmd.name} project {cmd.project_id}"
        )
        self._check_context(cmd, project)
        cmd.apply(project)
        loaded[project.id] = project
        return project

    # -- queries -----------------------------------------------------------------

    def get(self, project_id: UUID, *, attempted: str = "load project") -> Project:
        try:
            project: Any = self._store.repository.get(project_id)
        except AggregateNotFoundError:
            raise NotFound(
                attempted, f"no project with id {project_id}", "the id of a conceived project"
            ) from None
        assert isinstance(project, Project)
        return project

    def find(self, city_code: str, code: str) -> Project:
        """Load a project by its city and project code."""
        return self.get(project_id_for(city_code, code), attempted=f"find project {code} in {city_code}")

    # -- batched import ------------------------------------------------------------

    def ingest(
        self, commands: Iterable[Command], *, batch_size: int = 500, keep: int = 20_000
    ) -> IngestReport:
        """Apply many commands and save them in batches of ``batch_size`` commands.

        Each batch is validated completely in memory before any of it is written and is
        written in one transaction. A bad command raises and discards its batch; the
        batches before it are kept (the error says how many commands were committed).
        The ``keep`` most recently saved projects stay in memory between batches, so the
        import should be the only writer to its projects while it runs; a concurrent
        write to one of them is detected and raised as :class:`ConcurrentUpdateError`.

        Idempotent, so an interrupted import can simply be run again: a project the import
        conceives that is already stored has its commands replayed on a copy and each event
        compared with the stored one (everything but the recorded time). Identical events
        are skipped (``skipped`` counts projects stored with all of them; a stored history
        that goes on after them counts too); where the stored history ends, the remaining
        commands are applied and written. A different event is a :class:`CommandRejected`
        naming the project and the version.
        """
        pending: dict[UUID, Project] = {}
        recent: OrderedDict[UUID, Project] = OrderedDict()
        replaying: dict[UUID, Replay] = {}
        done = events = aggregates = 0
        in_batch = 0
        last: int | None = None
        source = iter(commands)
        while chunk := list(islice(source, batch_size)):
            # One existence query for the projects this batch conceives (flushed batches are stored).
            stored_ids = self._stored(chunk)
            for cmd in chunk:
                try:
                    if isinstance(cmd, ConceiveProject):
                        self._check_context(cmd)
                        project: Project = cmd.create()
                        if project.id in pending or project.id in replaying:
                            raise CommandRejected(
                                f"conceive project {cmd.code}",
                                [
                                    Problem(
                                        "code",
                                        f"project {cmd.code} already exists in city {cmd.city_code} "
                                        "(conceived twice in this import)",
                                        cmd.code,
                                    )
                                ],
                            )
                        stored = (
                            self._store.recorder.select_events(project.id)
                            if stored_ids is None or project.id in stored_ids
                            else []
                        )
                        if stored:
                            # already written (an earlier, interrupted run of the same import?)
                            replay = Replay(cmd.code, stored, project)
                            replay.check(self._store.mapper, 0)
                            replaying[project.id] = replay
                        else:
                            pending[project.id] = project
                    elif isinstance(cmd, ProjectCommand) and cmd.project_id in replaying:
                        replay = replaying[cmd.project_id]
                        before = replay.shadow.version
                        if before < len(replay.stored):
                            self._check_context(cmd, replay.shadow)
                            cmd.apply(replay.shadow)
                            replay.check(self._store.mapper, before)
                        else:  # the stored history ends here: the rest is new, apply it for real
                            del replaying[cmd.project_id]
                            replay.resumed = True
                            project = self.get(cmd.project_id)
                            self._check_context(cmd, project)
                            cmd.apply(project)
                            pending[project.id] = project
                    elif isinstance(cmd, ProjectCommand):
                        project = (
                            pending.get(cmd.project_id)
                            or recent.pop(cmd.project_id, None)
                            or self.get(cmd.project_id)
                        )
                        self._check_context(cmd, project)
                        cmd.apply(project)
                        pending[project.id] = project
                    else:
                        raise CommandRejected(
                            type(cmd).__name__, [Problem("(command)", "not a project command")]
                        )
                except ProjlifeError as exc:
                    exc.add_note(
                        f"{done} earlier command(s) were committed; this batch of {in_batch + 1} was not"
                    )
                    raise
                in_batch += 1
                if in_batch >= batch_size:
                    n_events, last = self._flush(pending)
                    events += n_events
                    aggregates += len(pending)
                    done += in_batch
                    recent.update(pending)
                    while len(recent) > keep:
                        recent.popitem(last=False)
                    pending.clear()
                    in_batch = 0
        if pending:
            n_events, last = self._flush(pending)
            events += n_events
            aggregates += len(pending)
            done += in_batch
        return IngestReport(
            commands=done,
            events=events,
            aggregates=aggregates,
            last_position=last,
            skipped=len(replaying),
        )

    def _flush(self, pending: Mapping[UUID, Project]) -> tuple[int, int | None]:
        try:
            recordings = self._store.save(*pending.values())
        except RecordConflictError:
            log.warning("batch of %d projects refused: a concurrent write", len(pending))
            raise ConcurrentUpdateError(
                f"import a batch of {len(pending)} projects",
                "another writer changed one of them during the import; the batch was not written",
                "run imports while no other process writes to the same projects",
            ) from None
        log.info("batch saved: %d projects, %d events", len(pending), len(recordings))
        return len(recordings), last_position(recordings)

    def _stored(self, chunk: list[Command]) -> set[UUID] | None:
        """Which projects the chunk conceives are already stored (None: ask one by one)."""
        if self._stored_among is None:
            return None
        ids = [project_id_for(c.city_code, c.code) for c in chunk if isinstance(c, ConceiveProject)]
        return self._stored_among(ids) if ids else set()

    def _exists(self, project_id: UUID) -> bool:
        return bool(self._store.recorder.select_events(project_id, limit=1))
