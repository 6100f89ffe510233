"""The doors between rooms: small Protocols naming exactly what a service or read model is handed.

Every room may import this module: at run time it imports nothing of projlife (the names in
its annotations are for the type checker only), so a read model or a report that types its
inputs with these Protocols depends on no other room. :class:`~projlife.app.application.Projlife`
composes the concrete parts (``Database``, the event store, ``InstalledCities``, the calendar)
and hands each service the few it uses; see ``docs/architecture.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol, runtime_checkable
from uuid import UUID

if TYPE_CHECKING:
    import pluggy
    from eventsourcing.application import Repository
    from eventsourcing.persistence import ApplicationRecorder, EventStore, Mapper, Recording
    from sqlalchemy import Engine

    from projlife.app.meetings import MeetingService
    from projlife.app.projects import ProjectService
    from projlife.audit.service import AuditService
    from projlife.calendar import WorkdayCalendar
    from projlife.plugins.types import CityProfile
    from projlife.projections.counting.office import OfficeFigures
    from projlife.projections.ledger import Ledger
    from projlife.projections.metrics import Metrics
    from projlife.projections.office import OfficeReads
    from projlife.projections.runner import ProjectionRunner
    from projlife.store.database import DatabaseURL
    from projlife.targets import TargetService
    from projlife.tickets.service import TicketService

__all__ = [
    "ActionTarget",
    "BulletinSource",
    "CityDirectory",
    "CountingSource",
    "EventLog",
    "ImportTarget",
    "OfficeImportTarget",
    "ReadModelSources",
    "ReportSource",
    "RuleSource",
    "SqlDatabase",
]


class SqlDatabase(Protocol):
    """The read-model database: its URL (dialect, table names) and a SQLAlchemy engine."""

    @property
    def url(self) -> DatabaseURL: ...

    @property
    def engine(self) -> Engine: ...


class EventLog(Protocol):
    """The event store: save aggregates, load them, and read and decode the notification log."""

    mapper: Mapper[UUID]
    events: EventStore[UUID]

    @property
    def recorder(self) -> ApplicationRecorder: ...

    @property
    def repository(self) -> Repository[UUID]: ...

    def save(self, *objs: Any, **kwargs: Any) -> list[Recording[UUID]]: ...


@runtime_checkable
class CityDirectory(Protocol):
    """The installed city plugins: the plugin manager and the cities it declares."""

    @property
    def plugins(self) -> pluggy.PluginManager: ...

    @property
    def cities(self) -> Mapping[str, CityProfile]: ...

    def city(self, slug_or_code: str) -> CityProfile: ...

    def city_by_code(self, code: str) -> CityProfile | None: ...


class ReadModelSources(SqlDatabase, CityDirectory, Protocol):
    """What a projection is built from: the database, the event store, the cities, the calendar."""

    @property
    def store(self) -> EventLog: ...

    @property
    def calendar(self) -> WorkdayCalendar: ...


class CountingSource(ReadModelSources, Protocol):
    """What the rule engine counts from: the read-model sources, and the projections it catches up first."""

    @property
    def projections(self) -> ProjectionRunner: ...


class ImportTarget(CityDirectory, Protocol):
    """Where an import writes: the event store, and the cities whose codes it checks."""

    @property
    def store(self) -> EventLog: ...


class ReportSource(CityDirectory, Protocol):
    """What a report reads: the projections to catch up, the ledger, the tickets and the audit trail."""

    @property
    def projections(self) -> ProjectionRunner: ...

    @property
    def ledger(self) -> Ledger: ...

    @property
    def tickets(self) -> TicketService: ...

    @property
    def audit(self) -> AuditService: ...


class BulletinSource(ReportSource, CountingSource, Protocol):
    """What a bulletin reads: a report's sources, what the engine counts from, the metrics, and the
    targets (投资完成率 against the 目标责任书, indicator rankings)."""

    @property
    def metrics(self) -> Metrics: ...

    @property
    def office(self) -> OfficeReads: ...

    @property
    def office_figures(self) -> OfficeFigures: ...

    @property
    def targets(self) -> TargetService: ...


class RuleSource(BulletinSource, Protocol):
    """What rule actions (``projlife tick``) use: a bulletin's sources and the project commands."""

    @property
    def projects(self) -> ProjectService: ...


class ActionTarget(CountingSource, Protocol):
    """What a city's actions use: the facts they judge (as the engine counts them) and the
    project commands they record (flags, removals), each an event with its actor."""

    @property
    def projects(self) -> ProjectService: ...


class OfficeImportTarget(ImportTarget, Protocol):
    """What the office workbook's import uses: the office facts already recorded (to skip them),
    the project and meeting commands it checks in memory, and the store it saves them to at once."""

    @property
    def office(self) -> OfficeReads: ...

    @property
    def projects(self) -> ProjectService: ...

    @property
    def meetings(self) -> MeetingService: ...

    @property
    def targets(self) -> TargetService: ...
