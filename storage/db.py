"""Engines, transactions and schema migrations."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.pool import StaticPool

from storage.exports import ExportRow
from storage.fastsql import inline_driver
from storage.media import PhotoFiles
from storage.sql import Sql
from storage.sqlite_inline import Checkpointer, InlineConnection, connector
from storage.uow import UnitOfWork

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
# A pooled PostgreSQL connection idle for longer than this is pinged before it is used.
IDLE_PING_SECONDS = 10.0


def is_sqlite(url: str) -> bool:
    return make_url(url).get_backend_name() == "sqlite"


def sqlite_file(url: str) -> str | None:
    """The file of a SQLite URL (None for PostgreSQL or an in-memory database)."""
    if not is_sqlite(url):
        return None
    database = make_url(url).database
    return database if database and database != ":memory:" else None


def create_engine(url: str, **kwargs: Any) -> AsyncEngine:
    if is_sqlite(url):
        database = sqlite_file(url)
        inline = database is not None
        if database is not None:
            Path(database).parent.mkdir(parents=True, exist_ok=True)
            # Statements run on the event loop, without aiosqlite's thread: see sqlite_inline.
            kwargs.setdefault("async_creator", connector(database))
        else:
            kwargs.setdefault("connect_args", {"timeout": 30})
        engine = create_async_engine(url, **kwargs)

        @event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_connection: Any, _record: Any) -> None:
            if inline:
                return  # set when the connection was opened (sqlite_inline.connector)
            # WAL lets readers work while one writer commits; synchronous=NORMAL is still
            # crash-safe in WAL mode. pysqlite's own transaction handling is switched off so
            # that we can open write transactions with BEGIN IMMEDIATE below.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA busy_timeout=30000")
            cursor.close()

        @event.listens_for(engine.sync_engine, "begin")
        def _begin(connection: Any) -> None:
            # Take the write lock up front: a deferred transaction that later wants to write
            # can fail with "database is locked" instead of waiting.
            connection.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    kwargs.setdefault("pool_size", 10)
    kwargs.setdefault("max_overflow", 10)
    engine = create_async_engine(url, **kwargs)
    _ping_when_idle(engine)
    return engine


def _ping_when_idle(engine: AsyncEngine) -> None:
    """Make sure a pooled connection is alive before a transaction uses it, as
    `pool_pre_ping` does, but only for one that sat idle for a while (a database restart or
    a firewall drops those): `pool_pre_ping` pings at every checkout, 3 of the 14 round trips
    of a chat message. A dead one is replaced at once; one that dies in use fails its
    transaction, and SQLAlchemy then renews every connection of the pool."""
    dialect = engine.dialect

    @event.listens_for(engine.sync_engine, "checkin")
    def _checkin(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine, "checkout")
    def _checkout(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        since = record.info.get("idle_since")
        if since is None or time.monotonic() - since < IDLE_PING_SECONDS:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            raise DisconnectionError(f"a pooled connection is dead: {error}") from error
        if not alive:
            raise DisconnectionError("a pooled connection is dead")


class _Writer:
    """The connection the units of work of a SQLite file run on, one at a time (the caller
    holds the database's write lock).

    Each is begun (BEGIN IMMEDIATE) and committed on `sqlite3` itself, and its compiled
    statements run straight on it (storage.fastsql). Through an SQLAlchemy session the
    transaction alone (make the session, begin, check a connection out, commit, close, return
    it) cost several times the ten statements of a message. A session is still there for the
    statements that are not compiled (a few messages in a hundred run one): opened then, on
    this same connection (a pool of one) and inside the same transaction."""

    def __init__(self, url: str, path: str) -> None:
        self._connect = connector(path)
        self._conn: InlineConnection | None = None
        self.engine = create_async_engine(url, async_creator=self._create, poolclass=StaticPool)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)

    async def _create(self) -> InlineConnection:
        self._conn = await self._connect()
        return self._conn

    async def _connection(self) -> InlineConnection:
        if self._conn is None:
            # Through the engine the first time: its dialect learns what this SQLite supports
            # before any statement is compiled for it.
            async with self.engine.connect():
                pass
        assert self._conn is not None
        return self._conn

    @asynccontextmanager
    async def transaction(self, now: datetime) -> AsyncIterator[Sql]:
        conn = await self._connection()
        raw = conn._conn
        await conn.run(raw.execute, "BEGIN IMMEDIATE")
        dialect = self.engine.dialect
        sql = Sql(
            None, now, dialect=dialect, driver=inline_driver(conn, dialect), sessions=self._sessions
        )
        try:
            yield sql
            await sql.finish(commit=True)
            if raw.in_transaction:
                await conn.commit()
        except BaseException:
            try:
                await sql.finish(commit=False)
            finally:
                if raw.in_transaction:
                    await conn.rollback()
            raise


class Database:
    """One engine and its transactions: `async with db.unit_of_work(now) as uow:`."""

    def __init__(self, url: str, *, photo_dir: Path | None = None, **engine_kwargs: Any) -> None:
        self.url = url
        # The evidence photos copied from their channels (storage/media.py); without it
        # nothing is copied and /xoa has only rows to delete.
        self.photos = PhotoFiles(photo_dir) if photo_dir is not None else None
        self.engine = create_engine(url, **engine_kwargs)
        self.sqlite = is_sqlite(url)
        self._sessions = async_sessionmaker(self.engine, expire_on_commit=False)
        # SQLite has one writer at a time; queueing here is cheaper than busy-waiting on it.
        self._write_lock = asyncio.Lock() if self.sqlite else None
        # Inline SQLite connections leave the WAL to this thread (see sqlite_inline).
        path = sqlite_file(url) if "async_creator" not in engine_kwargs else None
        self._checkpointer = Checkpointer(path) if path else None
        self._writer = _Writer(url, path) if path else None

    @asynccontextmanager
    async def session(self) -> AsyncIterator[AsyncSession]:
        """A transaction: committed when the block ends, rolled back if it raises."""
        if self._checkpointer is not None:
            self._checkpointer.start()  # once the database exists; later calls do nothing
        if self._write_lock is not None:
            async with self._write_lock, self._sessions() as session, session.begin():
                yield session
        else:
            async with self._sessions() as session, session.begin():
                yield session

    @asynccontextmanager
    async def unit_of_work(self, now: datetime) -> AsyncIterator[UnitOfWork]:
        """A transaction with every repository on it (storage/uow.py)."""
        if self._writer is None:
            async with self.session() as session:
                yield UnitOfWork(session, now, self.photos)
            return
        if self._checkpointer is not None:
            self._checkpointer.start()
        assert self._write_lock is not None
        async with self._write_lock, self._writer.transaction(now) as sql:
            yield UnitOfWork(sql, now, self.photos)

    async def export_province(
        self, province_id: int, year: int, now: datetime, batch: int = 2000
    ) -> AsyncIterator[ExportRow]:
        """Every assessed subject of a province's year (hundreds of thousands of rows),
        without holding them all: on PostgreSQL one server-side cursor read `batch` rows at a
        time; on SQLite commune by commune, each in its own short unit of work, because every
        SQLite transaction here takes the write lock (BEGIN IMMEDIATE) and a long export must
        not stop the bot from answering."""
        if not self.sqlite:
            async with self.unit_of_work(now) as uow:
                async for row in uow.exports.stream_province(province_id, year, batch):
                    yield row
            return
        async with self.unit_of_work(now) as uow:
            communes = await uow.exports.province_communes(province_id)
        for commune_id in communes:
            async with self.unit_of_work(now) as uow:
                rows = await uow.exports.commune_rows(commune_id, year)
            for row in rows:
                yield row

    async def dispose(self) -> None:
        await self.engine.dispose()
        if self._writer is not None:
            await self._writer.engine.dispose()
        if self._checkpointer is not None:
            await asyncio.to_thread(self._checkpointer.stop)


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(url: str, revision: str = "head") -> None:
    """Apply migrations (blocking; call before the event loop starts or in a thread)."""
    if is_sqlite(url):
        database = make_url(url).database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
    _outside_event_loop(command.upgrade, alembic_config(url), revision)


def _outside_event_loop(function: Any, *args: Any) -> None:
    """Alembic's env.py runs its own event loop; from inside a running one (an async test,
    a running bot) it has to run in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        function(*args)
        return
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(function, *args).result()


def downgrade(url: str, revision: str) -> None:
    _outside_event_loop(command.downgrade, alembic_config(url), revision)


def backup_sqlite(url: str, target: Path) -> None:
    """A consistent copy of a live SQLite database (the online backup API: readers and the
    writer keep working while it copies)."""
    import sqlite3

    database = make_url(url).database
    if not is_sqlite(url) or not database or database == ":memory:":
        raise ValueError("online backup is for a SQLite file; use pg_dump for PostgreSQL")
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(database, timeout=30)
    try:
        destination = sqlite3.connect(str(target))
        try:
            source.backup(destination)
        finally:
            destination.close()
    finally:
        source.close()
