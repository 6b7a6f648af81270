"""The statements every chat message runs, compiled once and executed on the driver itself.

A message runs about ten small statements (claim the update id, lock the chat's state, find the
person, load and save the assessment, log the answer, save the state). Through the ORM each
costs 0.2–0.4 ms of Python before the database sees it, against a few microseconds for SQLite
itself; that overhead was most of the time a message took. Here each statement is written
once with SQLAlchemy Core (so it is the same SQL, with the same type conversions, as the ORM
would send), compiled for the session's dialect the first time it is used, and run directly on
the session's own DBAPI connection, inside the session's transaction:

- SQLite (the inline driver, storage.sqlite_inline): a plain `sqlite3` call;
- PostgreSQL (asyncpg): the asyncpg connection, after making sure the transaction SQLAlchemy
  opens lazily has begun;
- anything else: `exec_driver_sql` on the session's connection (slower, same result).

Values go through the column types' own bind and result processors, so what is written is
byte-for-byte what the ORM would write (dates on SQLite, JSON everywhere).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Protocol, cast

from sqlalchemy.engine import Dialect
from sqlalchemy.exc import InvalidRequestError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.sql import ClauseElement
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement

from storage.sqlite_inline import InlineConnection

Processor = Callable[[Any], Any] | None


@dataclass(frozen=True)
class Compiled:
    """One statement for one dialect: SQL text, parameter order and value conversions."""

    sql: str
    names: tuple[str, ...]
    binds: tuple[Processor, ...]
    results: tuple[Processor, ...]
    # Values fixed in the statement itself (a LIMIT): used when not given.
    fixed: dict[str, Any]

    def args(self, params: dict[str, Any]) -> list[Any]:
        values = [params[n] if n in params else self.fixed[n] for n in self.names]
        return [
            process(value) if process is not None else value
            for value, process in zip(values, self.binds, strict=True)
        ]

    def row(self, raw: Sequence[Any]) -> tuple[Any, ...]:
        return tuple(
            process(value) if process is not None else value
            for value, process in zip(raw, self.results, strict=True)
        )


class Statement:
    """A Core statement with named `bindparam`s, built and compiled lazily per dialect
    (`build` gets the dialect: an upsert is spelled per database)."""

    def __init__(self, build: Callable[[Dialect], ClauseElement]) -> None:
        self._build = build
        self._compiled: dict[tuple[type[Dialect], str], Compiled] = {}

    def compiled(self, dialect: Dialect) -> Compiled:
        key = (type(dialect), str(dialect.paramstyle))
        found = self._compiled.get(key)
        if found is None:
            found = self._compiled[key] = _compile(self._build(dialect), dialect)
        return found


def _compile(statement: ClauseElement, dialect: Dialect) -> Compiled:
    compiled = cast(SQLCompiler, statement.compile(dialect=dialect))
    names = tuple(compiled.positiontup or ())
    binds = tuple(compiled.binds[name].type._cached_bind_processor(dialect) for name in names)
    columns: Sequence[ColumnElement[Any]] = getattr(statement, "selected_columns", ()) or ()
    if not columns:
        # INSERT/UPDATE ... RETURNING
        columns = list(getattr(statement, "_returning", ()) or ())
    results = tuple(_result_processor(column, dialect) for column in columns)
    fixed = {
        name: compiled.binds[name].effective_value
        for name in names
        if not compiled.binds[name].required
    }
    return Compiled(str(compiled), names, binds, results, fixed)


def _result_processor(column: ColumnElement[Any], dialect: Dialect) -> Processor:
    try:
        return column.type._cached_result_processor(dialect, None)
    except (TypeError, InvalidRequestError):
        # Some types choose by the driver's type code, known only with a result (a float on
        # asyncpg); those drivers hand back Python values already.
        return None


class Driver(Protocol):
    """Runs compiled statements inside the session's current transaction."""

    async def one(self, statement: Statement, params: dict[str, Any]) -> tuple[Any, ...] | None:
        """The first row (processed), or None."""
        ...

    async def run(self, statement: Statement, params: dict[str, Any]) -> int:
        """Execute; the number of rows affected."""
        ...


class _SQLite:
    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self._conn = conn
        self._dialect = dialect

    async def one(self, statement: Statement, params: dict[str, Any]) -> tuple[Any, ...] | None:
        compiled = statement.compiled(self._dialect)
        row = self._conn.execute(compiled.sql, compiled.args(params)).fetchone()
        return compiled.row(row) if row is not None else None

    async def run(self, statement: Statement, params: dict[str, Any]) -> int:
        compiled = statement.compiled(self._dialect)
        return int(self._conn.execute(compiled.sql, compiled.args(params)).rowcount)


class _Asyncpg:
    def __init__(self, conn: Any, dialect: Dialect) -> None:
        self._conn = conn
        self._dialect = dialect

    async def one(self, statement: Statement, params: dict[str, Any]) -> tuple[Any, ...] | None:
        compiled = statement.compiled(self._dialect)
        row = await self._conn.fetchrow(compiled.sql, *compiled.args(params))
        return compiled.row(tuple(row)) if row is not None else None

    async def run(self, statement: Statement, params: dict[str, Any]) -> int:
        compiled = statement.compiled(self._dialect)
        status: str = await self._conn.execute(compiled.sql, *compiled.args(params))
        # "INSERT 0 1", "UPDATE 3": the last word is the row count.
        last = status.rsplit(" ", 1)[-1]
        return int(last) if last.isdigit() else 0


class _Generic:
    """Through SQLAlchemy's connection: for drivers without a faster way."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn
        self._dialect = conn.dialect

    async def one(self, statement: Statement, params: dict[str, Any]) -> tuple[Any, ...] | None:
        compiled = statement.compiled(self._dialect)
        result = await self._conn.exec_driver_sql(compiled.sql, tuple(compiled.args(params)))
        row = result.fetchone()
        return compiled.row(tuple(row)) if row is not None else None

    async def run(self, statement: Statement, params: dict[str, Any]) -> int:
        compiled = statement.compiled(self._dialect)
        result = await self._conn.exec_driver_sql(compiled.sql, tuple(compiled.args(params)))
        return int(getattr(result, "rowcount", 0) or 0)


def inline_driver(conn: InlineConnection, dialect: Dialect) -> Driver:
    """The driver of a SQLite connection used without a session (storage.db's units of work)."""
    return _SQLite(conn._conn, dialect)


async def driver(session: AsyncSession) -> Driver:
    """The fast way to run statements in this session's transaction (which it begins)."""
    conn = await session.connection()
    pooled = await conn.get_raw_connection()
    adapted: Any = pooled.dbapi_connection
    native: Any = pooled.driver_connection
    dialect = conn.dialect
    if isinstance(native, InlineConnection):
        return _SQLite(native._conn, dialect)
    if dialect.driver == "asyncpg" and hasattr(adapted, "_start_transaction"):
        # SQLAlchemy's asyncpg adapter opens the database transaction at its first statement;
        # ours may come first, and must not run outside it.
        if getattr(adapted, "_transaction", None) is None:
            await adapted._start_transaction()
        return _Asyncpg(native, dialect)
    return _Generic(conn)
