"""Shared fixtures: a migrated database on SQLite always, and on PostgreSQL when
TEST_DATABASE_URL is set (each test gets a database of its own, dropped afterwards)."""

from __future__ import annotations

import contextlib
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url

from bot.bootstrap import App, build_app
from bot.settings import Settings
from storage.db import Database, upgrade
from storage.memory import MemoryDatabase
from storage.ports import UnitsOfWork

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgres"] if POSTGRES_URL else [])]
# Where the chat path's units of work can come from: the in-memory twin and every database.
STORES = ["memory", *BACKENDS]


class FakeClock:
    """A clock the test moves by hand. Starts on 22/11/2026 09:00 in Hà Nội (02:00 UTC)."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 11, 22, 2, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


def connect_args(url: str) -> dict[str, Any]:
    """asyncpg.connect() arguments for a SQLAlchemy PostgreSQL URL."""
    parsed = make_url(url)
    return {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "password": parsed.password,
        "database": parsed.database or "postgres",
    }


async def _admin(url: str, sql: str) -> None:
    import asyncpg

    conn = await asyncpg.connect(**connect_args(url))
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def throwaway_postgres(prefix: str = "hoctap_test") -> AsyncIterator[str]:
    """A new, migrated database on the TEST_DATABASE_URL server, dropped afterwards (so one
    an earlier run left behind never matters)."""
    assert POSTGRES_URL
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    await _admin(POSTGRES_URL, f'CREATE DATABASE "{name}"')
    url = make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        upgrade(url)
        yield url
    finally:
        await _admin(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'hoctap.db'}"


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A freshly migrated, empty database URL."""
    if request.param == "sqlite":
        url = _sqlite_url(tmp_path)
        upgrade(url)
        yield url
        return
    async with throwaway_postgres() as url:
        yield url


@pytest.fixture(params=STORES)
async def units(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[UnitsOfWork]:
    """Opens units of work on an empty store: the in-memory twin, SQLite, PostgreSQL."""
    if request.param == "memory":
        yield MemoryDatabase().unit_of_work
        return
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "sqlite":
            url = _sqlite_url(tmp_path)
            upgrade(url)
        else:
            url = await stack.enter_async_context(throwaway_postgres())
        database = Database(url)
        stack.push_async_callback(database.dispose)
        yield database.unit_of_work


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
async def db(database_url: str) -> AsyncIterator[Database]:
    database = Database(database_url)
    yield database
    await database.dispose()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]


@pytest.fixture
async def app(settings: Settings, clock: FakeClock) -> AsyncIterator[App]:
    application = build_app(settings, clock=clock)
    yield application
    await application.close()


@pytest.fixture
def repo_root() -> Iterator[Path]:
    yield Path(__file__).resolve().parent.parent
