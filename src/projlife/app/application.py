"""The entry point: :func:`connect` opens projlife on a database URL.

>>> app = connect("sqlite:///projlife.db", create_tables=True)   # doctest: +SKIP
>>> app.projects.conceive(code="XG-2024-001", ...)                  # doctest: +SKIP

``Projlife`` holds the event store, the SQLAlchemy engine for read models, the plugin
manager with the installed cities, and one service per aggregate. Commands are
validated with pydantic at this boundary; plugins are consulted here, never from
the domain.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, TypeVar
from uuid import UUID

import attrs
import pluggy
from eventsourcing.application import AggregateNotFoundError, Application
from eventsourcing.persistence import JSONTranscoder, RecordConflictError
from pydantic import BaseModel, ValidationError
from sqlalchemy import Engine, text

from projlife.app.commands import PROJECT_COMMANDS, Command, ConceiveProject, ProjectCommand
from projlife.app.retry import save_with_retries
from projlife.audit.service import AuditService
from projlife.domain.errors import CommandRejected, ConcurrentUpdateError, NotFound, Problem, ProjlifeError
from projlife.domain.project import Project, project_id_for
from projlife.plugins.manager import PluginError, city_profiles, get_plugin_manager, validate_command
from projlife.plugins.types import CityProfile
from projlife.store import sql
from projlife.store.database import DatabaseURL
from projlife.store.transcodings import register_transcodings
from projlife.tickets.service import TicketService

if TYPE_CHECKING:
    from projlife.projections.ledger import Ledger
    from projlife.projections.metrics import Metrics
    from projlife.projections.runner import ProjectionRunner

__all__ = [
    "CommandResult",
    "DatabaseNotInitialised",
    "EventStore",
    "IngestReport",
    "ProjectService",
    "Projlife",
    "connect",
]

TCommand = TypeVar("TCommand", bound=Command)


class DatabaseNotInitialised(ProjlifeError):
    """The database has no projlife tables yet."""


class EventStore(Application[UUID]):
    """eventsourcing's application, with projlife's transcodings registered."""

    name = "Projlife"

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)


@attrs.frozen
class CommandResult:
    """What a successful command did: the project, its new version and the log position.

    Pass ``position`` to a projection's ``wait()`` to read your own write.
    """

    aggregate_id: UUID
    version: int
    position: int | None


@attrs.frozen
class IngestReport:
    """What a batched import did."""

    commands: int
    events: int
    aggregates: int
    last_position: int | None


def validate(
    model: type[TCommand], data: Mapping[str, Any] | TCommand, attempted: str | None = None
) -> TCommand:
    """Build a command from ``data``, or raise :class:`CommandRejected` listing every problem."""
    if isinstance(data, model):
        return data
    try:
        return model.model_validate(dict(data) if not isinstance(data, BaseModel) else data.model_dump())
    except ValidationError as exc:
        problems = [
            Problem(".".join(str(p) for p in err["loc"]) or "(command)", err["msg"], err.get("input"))
            for err in exc.errors()
        ]
        raise CommandRejected(attempted or model.name, problems) from None


class ProjectService:
    """Commands on projects. Every method validates, loads, applies, saves, or raises."""

    def __init__(self, app: Projlife) -> None:
        self._app = app

    # -- generic -----------------------------------------------------------------

    def execute(self, command: Command | Mapping[str, Any], *, kind: str | None = None) -> CommandResult:
        """Run one command, given as a command model or as a mapping plus its ``kind`` name."""
        cmd = self._parse(command, kind)
        if isinstance(cmd, ConceiveProject):
            return self._conceive(cmd)
        if not isinstance(cmd, ProjectCommand):
            raise CommandRejected(type(cmd).__name__, [Problem("(command)", "not a project command")])
        return self._run(cmd)

    def _parse(self, command: Command | Mapping[str, Any], kind: str | None) -> Command:
        if isinstance(command, Command):
            return command
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
        project = cmd.create()
        try:
            recordings = self._app.store.save(project)
        except RecordConflictError:
            raise CommandRejected(
                f"conceive project {cmd.code}",
                [Problem("code", f"project {cmd.code} already exists in city {cmd.city_code}", cmd.code)],
            ) from None
        return CommandResult(project.id, project.version, _last_position(recordings))

    def _run(self, cmd: ProjectCommand) -> CommandResult:
        def load_and_apply() -> Project:
            project = self.get(cmd.project_id, attempted=f"{cmd.name} project {cmd.project_id}")
            self._check_context(cmd, project)
            cmd.apply(project)
            return project

        project, recordings = save_with_retries(
            self._app.store, load_and_apply, attempted=f"{cmd.name} project {cmd.project_id}", what="project"
        )
        return CommandResult(project.id, project.version, _last_position(recordings))

    def _check_context(self, cmd: Command, project: Project | None = None) -> None:
        """Problems that need more than the command itself: known city and area."""
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
        city = self._app.city_by_code(city_code) if city_code else None
        if city is None:
            return
        problems = validate_command(self._app.plugins, city, cmd, project)
        if problems:
            raise CommandRejected(f"{cmd.name} project", problems)

    def _city_area_problems(self, city_code: object, area_code: object) -> list[Problem]:
        if not isinstance(city_code, str):
            return []
        city = self._app.city_by_code(city_code.strip())
        if city is None:
            known = ", ".join(f"{c.code} ({c.name_zh})" for c in self._app.cities.values())
            return [Problem("city_code", f"unknown city; installed: {known or 'none'}", city_code)]
        if isinstance(area_code, str) and area_code.strip() not in city.areas:
            return [Problem("area_code", f"not an area of {city.name_zh}", area_code)]
        return []

    # -- queries -----------------------------------------------------------------

    def get(self, project_id: UUID, *, attempted: str = "load project") -> Project:
        try:
            project: Any = self._app.store.repository.get(project_id)
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
        """
        pending: dict[UUID, Project] = {}
        recent: OrderedDict[UUID, Project] = OrderedDict()
        done = events = aggregates = 0
        in_batch = 0
        last: int | None = None
        for cmd in commands:
            try:
                if isinstance(cmd, ConceiveProject):
                    self._check_context(cmd)
                    project: Project = cmd.create()
                    if project.id in pending or self._exists(project.id):
                        raise CommandRejected(
                            f"conceive project {cmd.code}",
                            [
                                Problem(
                                    "code",
                                    f"project {cmd.code} already exists in city {cmd.city_code}",
                                    cmd.code,
                                )
                            ],
                        )
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
                    raise CommandRejected(type(cmd).__name__, [Problem("(command)", "not a project command")])
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
        return IngestReport(commands=done, events=events, aggregates=aggregates, last_position=last)

    def _flush(self, pending: Mapping[UUID, Project]) -> tuple[int, int | None]:
        try:
            recordings = self._app.store.save(*pending.values())
        except RecordConflictError:
            raise ConcurrentUpdateError(
                f"import a batch of {len(pending)} projects",
                "another writer changed one of them during the import; the batch was not written",
                "run imports while no other process writes to the same projects",
            ) from None
        return len(recordings), _last_position(recordings)

    def _exists(self, project_id: UUID) -> bool:
        return bool(self._app.store.recorder.select_events(project_id, limit=1))


def _last_position(recordings: list[Any]) -> int | None:
    if not recordings:
        return None
    return int(recordings[-1].notification.id)


class Projlife:
    """projlife on one database: the event store, read models and city plugins.

    Open it with :func:`connect`. Use it as a context manager, or call :meth:`close`.
    """

    def __init__(
        self,
        url: str | DatabaseURL,
        *,
        plugin_manager: pluggy.PluginManager | None = None,
        create_tables: bool = False,
    ) -> None:
        self.url = DatabaseURL.parse(url)
        self.plugins = plugin_manager if plugin_manager is not None else get_plugin_manager()
        self.cities: dict[str, CityProfile] = city_profiles(self.plugins)
        self._engine: Engine | None = None
        if create_tables:
            self.create_tables()
        self.store = EventStore(env=self.url.eventsourcing_env())
        if not create_tables:
            self._check_initialised()
        self.projects = ProjectService(self)
        self._projections: Any = None
        self._ledger: Any = None
        self._metrics: Any = None
        self.tickets = TicketService(self)
        self.audit = AuditService(self)

    # -- plumbing -------------------------------------------------------------------

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine for read models (same database as the events)."""
        if self._engine is None:
            self._engine = self.url.create_engine()
        return self._engine

    @property
    def projections(self) -> ProjectionRunner:
        """The projection runner with every registered projection (built on first use)."""
        if self._projections is None:
            from projlife.projections.runner import ProjectionRunner

            self._projections = ProjectionRunner(self)
        runner: ProjectionRunner = self._projections
        return runner

    @property
    def ledger(self) -> Ledger:
        """The 台账 read model: rows now, as of a business date, or as known at a time."""
        if self._ledger is None:
            from projlife.projections.ledger import Ledger

            self._ledger = Ledger(self)
        ledger: Ledger = self._ledger
        return ledger

    @property
    def metrics(self) -> Metrics:
        """Stage entries, cohort funnels, conversion rates and pace."""
        if self._metrics is None:
            from projlife.plugins.manager import counting_policy
            from projlife.projections.counting import Counting
            from projlife.projections.metrics import Metrics

            self._metrics = Metrics(
                Counting(self.engine),
                self.ledger.scope,
                policy_of=lambda code: counting_policy(self.plugins, self.city(code)),
                engine=self.engine,
            )
        metrics: Metrics = self._metrics
        return metrics

    def create_tables(self) -> None:
        """Create every table projlife needs. Idempotent, and safe from two processes at once."""
        sql.create_all(self.url, self.engine)

    def _check_initialised(self) -> None:
        if not sql.has_event_table(self.url, self.engine):
            raise DatabaseNotInitialised(
                f"open {self.url.raw}",
                "the database has no projlife tables",
                "run `projlife init --db URL` or connect(url, create_tables=True) first",
            )

    def close(self) -> None:
        self.store.close()
        if self._engine is not None:
            self._engine.dispose()
            self._engine = None

    def __enter__(self) -> Projlife:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- cities -----------------------------------------------------------------------

    def city(self, slug_or_code: str) -> CityProfile:
        """A city by its slug (``xiaogan``) or code (``420900``)."""
        found = self.cities.get(slug_or_code) or self.city_by_code(slug_or_code)
        if found is None:
            known = ", ".join(sorted(self.cities)) or "none installed"
            raise PluginError(f"find city {slug_or_code!r}", "no installed plugin declares it", known)
        return found

    def city_by_code(self, code: str) -> CityProfile | None:
        for city in self.cities.values():
            if city.code == code:
                return city
        return None

    @contextmanager
    def sql(self) -> Iterator[Any]:
        """A SQLAlchemy connection in a transaction, for read-model queries."""
        with self.engine.begin() as conn:
            yield conn

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar() == 1


def connect(
    url: str | DatabaseURL,
    *,
    create_tables: bool = False,
    plugin_manager: pluggy.PluginManager | None = None,
) -> Projlife:
    """Open projlife on ``url`` (``sqlite:///…`` or ``postgresql+psycopg://…``)."""
    return Projlife(url, plugin_manager=plugin_manager, create_tables=create_tables)
