"""The entry point: :func:`connect` opens projlife on a database URL.

>>> app = connect("sqlite:///projlife.db", create_tables=True)   # doctest: +SKIP
>>> app.projects.conceive(code="XG-2024-001", ...)                  # doctest: +SKIP

``Projlife`` holds the event store, the SQLAlchemy engine for read models, the plugin
manager with the installed cities, and one service per aggregate. Commands are
validated with pydantic at this boundary; plugins are consulted here, never from
the domain.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from uuid import UUID

import pluggy
from eventsourcing.application import Application, ProcessingEvent
from eventsourcing.domain import Aggregate
from eventsourcing.persistence import JSONTranscoder, Transcoder
from eventsourcing.utils import Environment
from sqlalchemy import Engine, text
from sqlalchemy.exc import DBAPIError

from projlife.app.calendar_notices import CalendarNotices
from projlife.app.meetings import MeetingService
from projlife.app.projects import ProjectService
from projlife.app.results import CommandResult, IngestReport, validate
from projlife.audit.service import AuditService
from projlife.calendar import HolidayNotice, StoredNotice, WorkdayCalendar
from projlife.domain.errors import ProjlifeError
from projlife.plugins.directory import InstalledCities
from projlife.plugins.manager import get_plugin_manager
from projlife.plugins.types import CityProfile
from projlife.store import sql
from projlife.store.database import Database, DatabaseURL
from projlife.store.dialect import sql_dialect
from projlife.store.transcodings import FastJSONTranscoder, register_transcodings
from projlife.tickets.service import TicketService

if TYPE_CHECKING:
    from projlife.domain.periods import Period
    from projlife.plugins.rules import ScoringRule
    from projlife.projections.counting.office import OfficeFigures
    from projlife.projections.counting.plan import PlanStatus
    from projlife.projections.ledger import Ledger
    from projlife.projections.metrics import Metrics
    from projlife.projections.office import OfficeReads
    from projlife.projections.runner import ProjectionRunner
    from projlife.reports.half_year_pack import AreaPack
    from projlife.reports.meeting_agenda import Agenda

log = logging.getLogger(__name__)

__all__ = [
    "CommandResult",
    "DatabaseNotInitialised",
    "DatabaseUnreachable",
    "EventStore",
    "IngestReport",
    "ProjectService",
    "Projlife",
    "connect",
    "validate",
]


class DatabaseNotInitialised(ProjlifeError):
    """The database has no projlife tables yet."""


class DatabaseUnreachable(ProjlifeError):
    """The database cannot be opened: no server answers, it does not exist, or access is refused."""


class EventStore(Application[UUID]):
    """eventsourcing's application, with projlife's transcodings registered.

    Its settings come only from the database URL: eventsourcing would otherwise read
    ``PROJLIFE_SQLITE_DBNAME``, ``PERSISTENCE_MODULE`` … from the process environment
    first and store events somewhere else than the read models.
    """

    name = "Projlife"

    def construct_env(self, name: str, env: Mapping[str, str] | None = None) -> Environment:
        return Environment(name, {**type(self).env, **(env or {})})

    def construct_transcoder(self) -> Transcoder:
        """:class:`~projlife.store.transcodings.FastJSONTranscoder` (eventsourcing's bytes, faster),
        unless the environment names a transcoder (``TRANSCODER_TOPIC``)."""
        if self.factory.env.get(self.factory.TRANSCODER_TOPIC):
            return super().construct_transcoder()
        transcoder = FastJSONTranscoder()
        self.register_transcodings(transcoder)
        return transcoder

    def register_transcodings(self, transcoder: JSONTranscoder) -> None:
        super().register_transcodings(transcoder)
        register_transcodings(transcoder)

    def save(self, *objs: Any, **kwargs: Any) -> Any:
        """eventsourcing's ``save``, collecting an :class:`~eventsourcing.domain.Aggregate`'s events
        by its concrete class: eventsourcing checks every object against its runtime ``Protocol``
        classes (``isinstance`` on a Protocol inspects its attributes on each call), a fifth of a
        batched import's CPU. Anything that is not an ``Aggregate`` (an event) still goes through
        eventsourcing's own checks, so what is saved is the same."""
        processing_event: ProcessingEvent[UUID] = ProcessingEvent()
        for obj in objs:
            if isinstance(obj, Aggregate):
                processing_event.events.extend(obj.collect_events())
                processing_event.aggregates[obj.id] = obj
            elif obj is not None:
                processing_event.collect_events(obj)
        processing_event.saved_kwargs.update(kwargs)
        recordings = self._record(processing_event)
        self._take_snapshots(processing_event)
        self._notify(recordings)
        self.notify(processing_event.events)  # eventsourcing's deprecated hook, as its save() calls it
        return recordings


class Projlife:
    """projlife on one database: the event store, read models and city plugins.

    Open it with :func:`connect`. Use it as a context manager, or call :meth:`close`.

    This is the composition root: it builds the parts (the database, the event store, the
    installed cities, the working-day calendar) and hands each service only the parts it
    uses (see :mod:`projlife.ports`).
    """

    def __init__(
        self,
        url: str | DatabaseURL,
        *,
        plugin_manager: pluggy.PluginManager | None = None,
        create_tables: bool = False,
        calendar: WorkdayCalendar | None = None,
        chain_on_write: bool = True,
    ) -> None:
        self.url = DatabaseURL.parse(url)
        self.database = Database(self.url)
        self.directory = InstalledCities(
            # a broken plugin takes out its own city only (it is named when that city is used)
            plugin_manager if plugin_manager is not None else get_plugin_manager(strict=False)
        )
        self.calendar_notices = CalendarNotices(self.database)
        self._calendar_given = calendar is not None
        self._check_sqlite_path(create_tables)
        try:
            if create_tables:
                self.create_tables()
            else:
                self._check_initialised()
            self.calendar = calendar if calendar is not None else self.calendar_notices.calendar()
        except BaseException:
            self.close()
            raise
        self.store = EventStore(env=self.url.eventsourcing_env())
        if chain_on_write:
            self._chain_on_write()
        log.debug("opened a %s database", self.url.dialect)
        self.projects = ProjectService(self.store, self.directory, stored_among=self._stored_among)
        self._projections: Any = None
        self._ledger: Any = None
        self._metrics: Any = None
        self.tickets = TicketService(
            self.store, self.database, self.directory, calendar=self.calendar, catch_up=self._catch_up
        )
        self.audit = AuditService(self.database)
        from projlife.app.site_visits import SiteVisitService
        from projlife.projections.counting import Counting

        self.site_visits = SiteVisitService(
            self.store,
            Counting(self.engine, catch_up=lambda: self.projections.run()),
            self.directory,
            self.plugins,
        )
        self.meetings = MeetingService(self.store, self.directory)
        from projlife.projections.facts import LEDGER_PROJECTION
        from projlife.targets import TargetService

        self.targets = TargetService(
            self.store, self.directory, self.engine, catch_up=lambda: self._catch_up(LEDGER_PROJECTION)
        )

    # -- plumbing -------------------------------------------------------------------

    @property
    def plugins(self) -> pluggy.PluginManager:
        """The plugin manager with the installed cities."""
        return self.directory.plugins

    @property
    def cities(self) -> dict[str, CityProfile]:
        """The installed cities by slug."""
        return self.directory.cities

    @property
    def engine(self) -> Engine:
        """The SQLAlchemy engine for read models (same database as the events)."""
        return self.database.engine

    @property
    def projections(self) -> ProjectionRunner:
        """The projection runner with every registered projection (built on first use)."""
        if self._projections is None:
            from projlife.projections.runner import ProjectionRunner

            self._projections = ProjectionRunner(self, after_catch_up=self.audit.seal)
        runner: ProjectionRunner = self._projections
        return runner

    def _catch_up(self, name: str) -> int:
        return self.projections.run_one(name)

    @property
    def ledger(self) -> Ledger:
        """The 台账 read model: rows now, as of a business date, or as known at a time."""
        if self._ledger is None:
            from projlife.projections.ledger import Ledger

            self._ledger = Ledger(self.database, self.directory, plans=self._plan_source)
        ledger: Ledger = self._ledger
        return ledger

    def _plan_source(self, city_code: str, as_of: date, known_at: datetime | None) -> dict[str, PlanStatus]:
        return self.plans(city_code, as_of=as_of, known_at=known_at)

    def plans(self, city: str, *, as_of: date, known_at: datetime | None = None) -> dict[str, PlanStatus]:
        """Each project's annual plan status (年度计划投资, 投资完成率, 时序进度, 形象进度, 滞后) as of
        ``as_of``, by project id: the one figure the ledger, the exports, the server and the
        tick read (:func:`~projlife.projections.counting.plan.city_plans`)."""
        from projlife.projections.counting.plan import city_plans

        self.projections.run()
        return city_plans(self.engine, self.plugins, self.targets, self.city(city), as_of, known_at=known_at)

    @property
    def office(self) -> OfficeReads:
        """The office's working week as read: lists, sponsorship work, funding, meeting decisions."""
        from projlife.projections.office import OfficeReads

        return OfficeReads(self.database)

    @property
    def office_figures(self) -> OfficeFigures:
        """The working week's figures: 三个一批 checks, the 004 rates, 新进规上企业, lead times, missing visits."""
        from projlife.projections.counting.office import OfficeFigures
        from projlife.projections.details import details

        def enterprise_codes(ids: Sequence[str], as_of: date) -> dict[str, str | None]:
            return {pid: d.enterprise_code for pid, d in details(self.database, ids, as_of=as_of).items()}

        return OfficeFigures(self.metrics.projects, self.office, enterprise_codes)

    def meeting_agenda(self, city: str, held_on: date, *, area: str | None = None) -> Agenda:
        """The agenda of the weekly meeting on ``held_on`` (docs/working-week.md, Tuesday).

        Tickets escalated to the meeting step of the city's ladder, lagging and flagged projects,
        and the open decisions of earlier meetings; ``area`` restricts it to one area's meeting.
        Catches the read models up first.
        """
        from projlife.reports.meeting_agenda import build_agenda

        profile = self.city(city)
        self.projections.run()
        ladder = self.tickets.policy(profile.code).ladder
        step = next((s for s in ladder if s.code == "weekly_meeting"), ladder[-1])
        tree = profile.areas
        if area == profile.code:
            area = None  # the city office's own meeting takes up every area
        under = None
        if area is not None:
            if area not in tree:
                raise ProjlifeError(
                    f"build the meeting agenda of area {area}",
                    f"{area} is not an area of {profile.name_zh}",
                    "one of " + ", ".join(a.code for a in tree.areas),
                )
            under = [a.code for a in tree.areas if any(p.code == area for p in tree.ancestors(a.code))]
        return build_agenda(
            city_code=profile.code,
            city_name=profile.name_zh,
            held_on=held_on,
            tickets=self.tickets.tickets(city_code=profile.code),
            meeting_step=step.label_zh,
            projects=self.metrics.projects(city=profile.code, as_of=held_on),
            decisions=self.office.decisions(profile.code, as_of=held_on),
            area_code=area,
            areas_under=under,
        )

    def half_year_packs(self, city: str, period: str, *, county: str | None = None) -> list[AreaPack]:
        """The 半年述职 pack of each 镇街/园区 of ``county`` (default: every county) for the half-year
        ``period`` (``2024-H1``), read through the counting layer (docs/working-week.md)."""
        from projlife.domain.areas import AreaLevel
        from projlife.domain.periods import Period
        from projlife.reports.half_year_pack import half_year_packs

        profile = self.city(city)
        half = Period.parse(period)
        tree = profile.areas
        towns = [
            a
            for a in tree.at_level(AreaLevel.TOWN)
            if county is None or any(p.code == county for p in tree.ancestors(a.code))
        ]
        self.projections.run()
        facts = self.metrics.projects(city=profile.code, as_of=half.end)
        rule = self._half_year_rule(profile, half) if towns else None
        if rule is None:
            return half_year_packs(facts, tree, towns, half)
        from projlife.engine.ranking import rank

        ranking = rank(self, profile, half, half.end, rule_id=rule.id)
        return half_year_packs(facts, tree, towns, half, ranking=ranking, title_zh=rule.title_zh)

    def _half_year_rule(self, profile: CityProfile, half: Period) -> ScoringRule | None:
        """The scoring rule the 半年述职 pack ranks by: the city's office setting, else its one
        half-year rule (``projlife_scoring``); ``None`` when it has none."""
        from projlife.domain.periods import PeriodKind
        from projlife.plugins.manager import rule_set
        from projlife.plugins.office_settings import office_settings

        chosen = office_settings(self.plugins, profile).half_year_rule
        rules = rule_set(self.plugins, profile, half)
        if chosen is not None:
            try:
                return rules.scoring_rule(chosen)
            except KeyError:
                raise ProjlifeError(
                    f"rank the 半年述职 packs of {profile.slug} by {chosen}",
                    f"OfficeSettings.half_year_rule names {chosen!r}, which the city's rules do not have",
                    "one of " + ", ".join(sorted(s.id for s in rules.scoring)),
                ) from None
        halves = [s for s in rules.scoring if s.period_kind is PeriodKind.HALF_YEAR]
        if len(halves) > 1:
            raise ProjlifeError(
                f"rank the 半年述职 packs of {profile.slug} for {half}",
                f"{len(halves)} half-year scoring rules and no OfficeSettings.half_year_rule",
                "OfficeSettings(half_year_rule=…) naming one of " + ", ".join(sorted(s.id for s in halves)),
            )
        return halves[0] if halves else None

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

    def load_calendar_notice(
        self, notice: HolidayNotice, *, loaded_by: str, reason: str = ""
    ) -> StoredNotice | None:
        """Store a State Council holiday notice as the next version of its year (see docs/calendar.md).

        Returns ``None`` when it is identical to the latest version already loaded. The
        application's calendar is rebuilt, so deadlines computed afterwards use it.
        """
        stored = self.calendar_notices.load(notice, loaded_by=loaded_by, reason=reason)
        if stored is not None and not self._calendar_given:
            self.calendar = self.calendar_notices.calendar()
            self.tickets.calendar = self.calendar
        return stored

    def create_tables(self) -> None:
        """Create every table projlife needs. Idempotent, and safe from two processes at once."""
        try:
            sql.create_all(self.url, self.engine)
        except DBAPIError as exc:
            raise _unreachable(self.url, exc) from None
        log.info("tables ready in the %s database", self.url.dialect)

    def _stored_among(self, ids: Collection[UUID]) -> set[UUID]:
        """Which of these aggregates have events in the event store: one query per 500 ids,
        through the driver's own cursor (SQLAlchemy's ``text()`` with 500 binds costs more than
        the lookups)."""
        table, dialect = self.url.events_table, sql_dialect(self.url.dialect)
        wanted = list(dict.fromkeys(ids))  # one bind per distinct id (a batch may repeat one)
        found: set[UUID] = set()
        fairy = self.engine.raw_connection()
        try:
            cur = fairy.cursor()
            for i in range(0, len(wanted), 500):
                keys = [dialect.stored_uuid(u) for u in wanted[i : i + 500]]  # PostgreSQL: uuid; else hex
                marks = ", ".join(dialect.mark for _ in keys)
                cur.execute(
                    f"SELECT DISTINCT originator_id FROM {table} WHERE originator_id IN ({marks})", keys
                )
                for (oid,) in cur.fetchall():
                    found.add(oid if isinstance(oid, UUID) else UUID(str(oid)))
            cur.close()
            fairy.rollback()  # end the read transaction the driver may have opened
        finally:
            fairy.close()
        return found

    def _check_sqlite_path(self, create: bool) -> None:
        """Refuse a missing SQLite file (or folder) before anything creates it."""
        if self.url.sqlite_path is None:
            return
        path = Path(self.url.sqlite_path)
        if not path.parent.is_dir():
            raise DatabaseUnreachable(
                f"open {self.url.raw}",
                f"the folder {str(path.parent)!r} does not exist",
                "an existing folder",
            )
        if path.exists() and not path.is_file():
            raise DatabaseUnreachable(f"open {self.url.raw}", f"{str(path)!r} is not a file", "a file path")
        if not create and not path.exists():
            raise DatabaseNotInitialised(
                f"open {self.url.raw}",
                f"the file {str(path)!r} does not exist",
                "run `projlife init --db URL` or connect(url, create_tables=True) first",
            )

    def _chain_on_write(self) -> None:
        """Chain (and log) every event in the transaction that writes it (docs/audit.md)."""
        from projlife.audit.rawdb import RawDB
        from projlife.audit.sealing import ChainOnWrite

        recorder: Any = self.store.recorder
        if hasattr(recorder, "on_insert"):
            recorder.on_insert = ChainOnWrite(RawDB(self.url, self.engine))

    def _check_initialised(self) -> None:
        try:
            initialised = sql.has_event_table(self.url, self.engine)
        except DBAPIError as exc:
            raise _unreachable(self.url, exc) from None
        if not initialised:
            raise DatabaseNotInitialised(
                f"open {self.url.raw}",
                "the database has no projlife tables",
                "run `projlife init --db URL` or connect(url, create_tables=True) first",
            )

    def close(self) -> None:
        store = getattr(self, "store", None)
        if store is not None:
            store.close()
        self.database.close()

    def __enter__(self) -> Projlife:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- cities -----------------------------------------------------------------------

    def city(self, slug_or_code: str) -> CityProfile:
        """A city by its slug (``xiaogan``) or code (``420900``)."""
        return self.directory.city(slug_or_code)

    def city_by_code(self, code: str) -> CityProfile | None:
        return self.directory.city_by_code(code)

    @contextmanager
    def sql(self) -> Iterator[Any]:
        """A SQLAlchemy connection in a transaction, for read-model queries."""
        with self.engine.begin() as conn:
            yield conn

    def ping(self) -> bool:
        with self.engine.connect() as conn:
            return conn.execute(text("SELECT 1")).scalar() == 1


def _unreachable(url: DatabaseURL, exc: DBAPIError) -> DatabaseUnreachable:
    text_ = str(exc.orig).strip()
    first_line = text_.splitlines()[0] if text_ else type(exc.orig).__name__
    where = url.sqlite_path if url.dialect == "sqlite" else f"{url.host}:{url.port}/{url.database}"
    return DatabaseUnreachable(
        f"open the {url.dialect} database {where}",
        first_line,
        "a running server, an existing database and a user allowed to use it",
    )


def connect(
    url: str | DatabaseURL,
    *,
    create_tables: bool = False,
    plugin_manager: pluggy.PluginManager | None = None,
    chain_on_write: bool = True,
) -> Projlife:
    """Open projlife on ``url`` (``sqlite:///…``, ``postgresql+psycopg://…`` or ``mysql+pymysql://…``).

    ``chain_on_write=False`` leaves the audit chain to ``app.audit.seal()`` (measuring only).
    """
    return Projlife(
        url, plugin_manager=plugin_manager, create_tables=create_tables, chain_on_write=chain_on_write
    )
