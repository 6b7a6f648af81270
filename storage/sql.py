"""The one way a unit of work's repositories reach the database: SQLAlchemy Core statements,
executed at once on the unit of work's session.

Nothing is held between statements (no ORM identity map, no pending objects), so nothing has
to be flushed before a statement or patched after one. The statements every chat message runs
are `storage.fastsql.Statement`s: the same Core, compiled once per dialect and run on the
driver connection of the same transaction (`one`, `run`); everything else goes through
SQLAlchemy's execution (`execute`, `scalar`, `all`...). Both see the same rows.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any, TypeVar

from pydantic import BaseModel
from sqlalchemy import Select, Table, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.dialects.sqlite.dml import Insert as SQLiteInsert
from sqlalchemy.engine import CursorResult, Dialect, Result
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql import Executable

from storage.fastsql import Driver, Statement, driver

M = TypeVar("M", bound=BaseModel)


def upsert(dialect: Dialect | str, table: Table) -> SQLiteInsert:
    """INSERT with ON CONFLICT for this dialect (PostgreSQL's and SQLite's spell it alike;
    the SQLite type stands for both)."""
    name = dialect if isinstance(dialect, str) else dialect.name
    if name == "postgresql":
        return pg_insert(table)  # type: ignore[return-value]
    return sqlite_insert(table)


def columns_of(model: type[BaseModel]) -> tuple[str, ...]:
    """The columns that hold a domain model: its fields, named like the table's columns."""
    return tuple(model.model_fields)


def select_model(table: Table, model: type[BaseModel]) -> Select[Any]:
    return select(*(table.c[name] for name in columns_of(model)))


def to_model(model: type[M], row: Sequence[Any] | None) -> M | None:
    """A domain model from a row selected with `select_model` (None for no row)."""
    if row is None:
        return None
    return model.model_validate(dict(zip(columns_of(model), row, strict=True)))


class Sql:
    """Runs Core statements in one session's transaction; `now` is the transaction's clock
    reading, the time every write of it records.

    Or, for a unit of work begun on the driver connection itself (SQLite: storage.db), with
    that connection's `driver` and no session until a statement needs one: `sessions` opens
    it, on the same connection and in the same transaction, and `finish` ends it."""

    def __init__(
        self,
        session: AsyncSession | None,
        now: datetime,
        *,
        dialect: Dialect | None = None,
        driver: Driver | None = None,
        sessions: Callable[[], AsyncSession] | None = None,
    ) -> None:
        self._session = session
        self._sessions = sessions
        self.now = now
        if dialect is None:
            assert session is not None, "a dialect or a session"
            dialect = session.get_bind().dialect
        self.dialect: Dialect = dialect
        self._driver = driver

    @property
    def session(self) -> AsyncSession:
        """The SQLAlchemy session of this transaction (opened now if it has none yet)."""
        if self._session is None:
            if self._sessions is None:
                raise RuntimeError("this unit of work has no session")
            self._session = self._sessions()
        return self._session

    async def finish(self, commit: bool) -> None:
        """End the session opened by `session`, if any: commit (or roll back) and close it.
        Committing it commits the whole transaction, which is the driver connection's."""
        if self._sessions is None or self._session is None:
            return  # the caller's own session, or none opened
        session, self._session = self._session, None
        try:
            if commit:
                await session.commit()
            else:
                await session.rollback()
        finally:
            await session.close()

    # --- compiled, on the driver connection (the per-message statements) ---

    async def one(self, statement: Statement, params: dict[str, Any]) -> tuple[Any, ...] | None:
        if self._driver is None:
            self._driver = await driver(self.session)
        return await self._driver.one(statement, params)

    async def run(self, statement: Statement, params: dict[str, Any]) -> int:
        if self._driver is None:
            self._driver = await driver(self.session)
        return await self._driver.run(statement, params)

    # --- through SQLAlchemy's execution ---

    async def execute(self, statement: Executable) -> Result[*tuple[Any, ...]]:
        return await self.session.execute(statement)

    async def rowcount(self, statement: Executable) -> int:
        """Execute an UPDATE or DELETE; the number of rows it matched."""
        result = await self.session.execute(statement)
        return int(result.rowcount) if isinstance(result, CursorResult) else 0

    async def all(self, statement: Executable) -> Sequence[Any]:
        return (await self.session.execute(statement)).all()

    async def first(self, statement: Executable) -> Any:
        return (await self.session.execute(statement)).first()

    async def scalar(self, statement: Executable) -> Any:
        return await self.session.scalar(statement)

    async def scalars(self, statement: Executable) -> list[Any]:
        return list(await self.session.scalars(statement))

    def upsert(self, table: Table) -> SQLiteInsert:
        return upsert(self.dialect, table)


class Repository:
    """One aggregate's statements, on its unit of work's `Sql`."""

    def __init__(self, sql: Sql) -> None:
        self.sql = sql

    @property
    def now(self) -> datetime:
        return self.sql.now
