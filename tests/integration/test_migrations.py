"""The migrations build exactly the schema of storage/tables.py, and 0004 (wrong invite codes)
goes down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from storage.db import Database, downgrade, upgrade
from storage.tables import Base


def _differences(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, Base.metadata))


async def test_migrations_build_the_schema_of_the_tables(database_url: str) -> None:
    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            differences = await connection.run_sync(_differences)
    finally:
        await db.dispose()
    assert differences == []


async def test_invite_attempts_migration_goes_down_and_up(database_url: str) -> None:
    def tables(connection: Connection) -> set[str]:
        return set(inspect(connection).get_table_names())

    downgrade(database_url, "0003")
    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            assert "invite_attempts" not in await connection.run_sync(tables)
        upgrade(database_url)
        async with db.engine.connect() as connection:
            assert "invite_attempts" in await connection.run_sync(tables)
    finally:
        await db.dispose()
