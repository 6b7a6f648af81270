"""Shared fixtures: a migrated database on SQLite always, and on PostgreSQL when
TEST_DATABASE_URL is set (each test gets a database of its own, dropped afterwards).

Migrating takes 0.25-0.5 s, so it happens once per session, into a template; each test gets a
copy of it (SQLite's backup API; PostgreSQL's `CREATE DATABASE … TEMPLATE …`)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import sqlite3
import uuid
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
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


def _admin_blocking(url: str, sql: str) -> None:
    """`_admin` from synchronous code, which may itself run inside a test's event loop (a
    session fixture is set up when the first test asks for it)."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, _admin(url, sql)).result()


def _postgres_url(name: str) -> str:
    assert POSTGRES_URL
    return make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)


@asynccontextmanager
async def throwaway_postgres(
    prefix: str = "hoctap_test", template: str | None = None
) -> AsyncIterator[str]:
    """A new database on the TEST_DATABASE_URL server, dropped afterwards (so one an earlier
    run left behind never matters): a copy of `template`, else migrated from scratch."""
    assert POSTGRES_URL
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    copy = f' TEMPLATE "{template}"' if template else ""
    await _admin(POSTGRES_URL, f'CREATE DATABASE "{name}"{copy}')
    url = _postgres_url(name)
    try:
        if template is None:
            upgrade(url)
        yield url
    finally:
        await _admin(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite database migrated once per session, copied for each test."""
    template = tmp_path_factory.mktemp("template") / "hoctap.db"
    upgrade(f"sqlite+aiosqlite:///{template}")
    return template


@pytest.fixture(scope="session")
def postgres_template() -> Iterator[str]:
    """The name of a PostgreSQL database migrated once per session, copied for each test."""
    assert POSTGRES_URL
    name = f"hoctap_template_{uuid.uuid4().hex[:12]}"
    _admin_blocking(POSTGRES_URL, f'CREATE DATABASE "{name}"')
    try:
        upgrade(_postgres_url(name))
        yield name
    finally:
        _admin_blocking(POSTGRES_URL, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def copy_sqlite(template: Path, target: Path) -> str:
    """A copy of the template at `target`, as a URL. The backup API rather than a file copy:
    it copies whatever the template's journal still holds."""
    with (
        contextlib.closing(sqlite3.connect(template)) as source,
        contextlib.closing(sqlite3.connect(target)) as destination,
    ):
        source.backup(destination)
    return f"sqlite+aiosqlite:///{target}"


@asynccontextmanager
async def migrated_database(request: pytest.FixtureRequest, backend: str) -> AsyncIterator[str]:
    """A migrated, empty database of the test's own on `backend`, dropped afterwards."""
    if backend == "sqlite":
        template: Path = request.getfixturevalue("sqlite_template")
        target: Path = request.getfixturevalue("tmp_path") / "hoctap.db"
        yield copy_sqlite(template, target)
        return
    name: str = request.getfixturevalue("postgres_template")
    async with throwaway_postgres(template=name) as url:
        yield url


@pytest.fixture(params=BACKENDS)
async def database_url(request: pytest.FixtureRequest) -> AsyncIterator[str]:
    """A freshly migrated, empty database URL."""
    async with migrated_database(request, request.param) as url:
        yield url


@pytest.fixture(params=STORES)
async def units(request: pytest.FixtureRequest) -> AsyncIterator[UnitsOfWork]:
    """Opens units of work on an empty store: the in-memory twin, SQLite, PostgreSQL."""
    if request.param == "memory":
        yield MemoryDatabase().unit_of_work
        return
    async with migrated_database(request, request.param) as url:
        database = Database(url)
        try:
            yield database.unit_of_work
        finally:
            await database.dispose()


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
