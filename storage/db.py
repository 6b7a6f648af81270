"""Engines, transactions and schema migrations."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

from storage.exports import ExportRow
from storage.media import PhotoFiles
from storage.sqlite_inline import Checkpointer, connector
from storage.uow import UnitOfWork

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


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
    return create_async_engine(url, pool_pre_ping=True, **kwargs)


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
        async with self.session() as session:
            yield UnitOfWork(session, now, self.photos)

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
