"""SQLite without a thread per connection: statements run inline on the event loop.

aiosqlite runs every call (open a cursor, execute, fetch, close) in the connection's own thread
and wakes the event loop for each result: four thread round trips per statement, which cost
far more than the statement itself on a local file (a chat message runs about ten). This
module gives SQLAlchemy's aiosqlite dialect a connection with the same async interface whose
calls run the `sqlite3` call directly and return: the loop never waits for a thread.

That is safe because nothing here waits on the event loop:
- every call is first tried with a busy timeout of zero. If the database is busy (another
  process, a CLI command, holds the write lock: only `BEGIN IMMEDIATE` meets it in practice,
  since readers in WAL mode do not wait) the call is retried in a worker thread with the
  normal busy timeout, so the loop keeps serving other chats meanwhile. Inside this process
  `Database` already queues writers on an asyncio lock;
- opening a connection (which may have to wait for a lock) happens in a worker thread;
- the WAL is checkpointed (which writes and fsyncs the database file) by a background thread
  (`Checkpointer`), not by whichever commit happens to cross the threshold.
"""

from __future__ import annotations

import asyncio
import contextlib
import sqlite3
import threading
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any

# How long a writer waits for another process's write lock (the same as the default engine).
BUSY_TIMEOUT = 30.0
# Checkpoint the WAL once it holds this many pages (SQLite's own default threshold).
CHECKPOINT_PAGES = 1000


class InlineCursor:
    """The subset of aiosqlite's Cursor that SQLAlchemy's adapter uses."""

    __slots__ = ("_connection", "_cursor")

    def __init__(self, connection: InlineConnection) -> None:
        self._connection = connection
        self._cursor = connection._conn.cursor()

    async def __aenter__(self) -> InlineCursor:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        await self._connection.run(self._cursor.execute, sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> InlineCursor:
        await self._connection.run(self._cursor.executemany, sql, list(parameters))
        return self

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size if size is not None else self._cursor.arraysize)

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _Immediate:
    """Stands in for aiosqlite's request queue (`_tx`), which SQLAlchemy uses to set the
    isolation level: the function runs at once."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self._connection = connection

    def put_nowait(self, item: tuple[asyncio.Future[Any], Any]) -> None:
        future, function = item
        try:
            future.set_result(function())
        except Exception as error:
            future.set_exception(error)


class InlineConnection:
    """The subset of aiosqlite's Connection that SQLAlchemy's adapter uses."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self._conn = conn
        # SQLAlchemy checks this to know the connection is open.
        self._connection: sqlite3.Connection | None = conn
        self._tx = _Immediate(conn)

    def cursor(self) -> InlineCursor:
        return InlineCursor(self)

    async def run(self, call: Callable[..., Any], *args: Any) -> Any:
        """`call(*args)` at once; if SQLite is busy, again in a thread that may wait."""
        try:
            return call(*args)
        except sqlite3.OperationalError as error:
            if not _busy(error):
                raise
        self._conn.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT * 1000)}")
        try:
            return await asyncio.to_thread(call, *args)
        finally:
            self._conn.execute("PRAGMA busy_timeout=0")

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> InlineCursor:
        cursor = InlineCursor(self)
        return await cursor.execute(sql, parameters)

    async def commit(self) -> None:
        await self.run(self._conn.commit)

    async def rollback(self) -> None:
        await self.run(self._conn.rollback)

    async def close(self) -> None:
        if self._connection is not None:
            self._connection = None
            self._conn.close()

    def stop(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self._conn.close()
        self._connection = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._conn.create_function(*args, **kwargs)

    @property
    def isolation_level(self) -> str | None:
        return self._conn.isolation_level

    @isolation_level.setter
    def isolation_level(self, value: Any) -> None:
        self._conn.isolation_level = value


def connector(path: str) -> Any:
    """An `async_creator` for `create_async_engine`: one inline connection to `path`."""

    def open_() -> sqlite3.Connection:
        # check_same_thread=False: a busy call is finished in a worker thread (see above); the
        # connection is otherwise only used from the event loop, one statement at a time.
        # isolation_level=None: transactions are begun explicitly (BEGIN IMMEDIATE).
        conn = sqlite3.connect(
            path, timeout=BUSY_TIMEOUT, isolation_level=None, check_same_thread=False
        )
        # WAL lets readers work while one writer commits; synchronous=NORMAL is still crash-
        # safe in WAL mode (a power cut may lose the last commits, never corrupt the file).
        # (Switching needs the database to itself: only when it is not in WAL mode yet.)
        if conn.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
            conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        conn.execute("PRAGMA foreign_keys=ON")
        # The background checkpointer does this work instead of the committing writer.
        conn.execute("PRAGMA wal_autocheckpoint=0")
        conn.execute("PRAGMA busy_timeout=0")
        return conn

    async def connect() -> InlineConnection:
        return InlineConnection(await asyncio.to_thread(open_))

    return connect


def _busy(error: sqlite3.OperationalError) -> bool:
    text = str(error)
    return "locked" in text or "busy" in text


class Checkpointer:
    """Checkpoints a WAL database from a thread of its own: copying pages back into the
    database file (and its fsync) never stalls the event loop."""

    def __init__(self, path: str, *, interval: float = 1.0, pages: int = CHECKPOINT_PAGES) -> None:
        self.path = path
        self.interval = interval
        self.pages = pages
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="sqlite-checkpoint", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        wal = Path(self.path + "-wal")
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT, check_same_thread=False)
        try:
            while not self._stop.wait(self.interval):
                with contextlib.suppress(OSError):
                    # Pages are about 4 KiB; checkpoint once the WAL is past the threshold.
                    if wal.stat().st_size < self.pages * 4096:
                        continue
                with contextlib.suppress(sqlite3.Error):
                    conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
            with contextlib.suppress(sqlite3.Error):
                conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        finally:
            conn.close()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None
