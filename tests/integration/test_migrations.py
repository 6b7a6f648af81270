"""The migrations build exactly the schema of storage/tables.py, and 0004 (wrong invite codes)
and 0012 (a citizen's year of birth) go down and up again, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, select, text
from sqlalchemy.engine import Connection

from storage.db import Database, downgrade, upgrade
from storage.tables import Base, CitizenRow
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


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


async def test_0012_adds_a_citizens_year_of_birth_and_goes_down_and_up(database_url: str) -> None:
    """Citizens who joined before keep their rows, with no year; down again, the column goes
    and the rows stay."""

    def columns(connection: Connection) -> set[str]:
        return {c["name"] for c in inspect(connection).get_columns("citizens")}

    downgrade(database_url, "0011")
    db = Database(database_url)
    try:
        async with db.engine.connect() as connection:
            assert "birth_year" not in await connection.run_sync(columns)
        async with db.session() as session:
            uow = UnitOfWork(session, NOW)
            province = await uow.places.ensure_province("Tỉnh Nghệ An")
            commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", False)
            await session.execute(
                text(
                    "INSERT INTO citizens (commune_id, name, name_key, created_at) "
                    "VALUES (:commune, 'Lê Văn Nam', 'le van nam', :now)"
                ),
                {"commune": commune.id, "now": NOW},
            )

        upgrade(database_url)
        async with db.engine.connect() as connection:
            assert "birth_year" in await connection.run_sync(columns)
        async with db.session() as session:
            uow = UnitOfWork(session, NOW)
            [citizen_id] = (await session.scalars(select(CitizenRow.id))).all()
            citizen = await uow.subjects.citizen(citizen_id)
            assert citizen is not None and (citizen.name, citizen.birth_year) == (
                "Lê Văn Nam",
                None,
            )
            person = await uow.people.add("Lê Văn Nam", "citizen", commune_id=commune.id)
            await uow.subjects.bind_citizen(citizen_id, person.id, birth_year=1975)
        async with db.session() as session:
            citizen = await UnitOfWork(session, NOW).subjects.citizen(citizen_id)
            assert citizen is not None and citizen.birth_year == 1975

        downgrade(database_url, "0011")
        async with db.engine.connect() as connection:
            assert "birth_year" not in await connection.run_sync(columns)
            names = await connection.execute(text("SELECT name FROM citizens"))
            assert list(names.scalars()) == ["Lê Văn Nam"]
        upgrade(database_url)
    finally:
        await db.dispose()
