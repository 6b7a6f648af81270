"""The faster storage path (storage.fastsql, storage.sqlite_inline) behaves like the ORM it
replaces: same values written, same transaction, and SQLite never stalls the event loop."""

from __future__ import annotations

import asyncio
import sqlite3
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.demo import ensure_demo
from storage import db as storage_db
from storage.db import Database, create_engine, is_sqlite, sqlite_file, upgrade
from storage.sqlite_inline import Checkpointer
from storage.tables import AssessmentLogRow, ChatStateRow
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 22, 2, 0, 0, 123456, tzinfo=UTC)


async def _assessment(db: Database) -> int:
    demo = await ensure_demo(db)
    async with db.session() as session:
        uow = UnitOfWork(session, NOW)
        household = await uow.households.add(demo.village_ids[0], "Nguyễn Văn An")
        assessment = await uow.assessments.add(
            title="household",
            subject_kind="household",
            subject_id=household.id,
            commune_id=demo.commune_id,
            village_id=demo.village_ids[0],
            year=2026,
            pack_id="gdht-448",
            pack_version="1",
            session={"answers": {}},
            created_by=None,
        )
        return assessment.id


async def test_a_logged_answer_reads_back_as_the_orm_wrote_it(db: Database) -> None:
    assessment_id = await _assessment(db)
    async with db.session() as session:
        uow = UnitOfWork(session, NOW)
        await uow.assessments.log(assessment_id, None, "telegram", "answer", "members", None, 4)
        await uow.assessments.log(
            assessment_id, None, "telegram", "answer", "tools", [1], ["a", "b"]
        )
        # The same row written by the ORM, for comparison.
        session.add(
            AssessmentLogRow(
                assessment_id=assessment_id,
                at=NOW,
                channel="telegram",
                action="answer",
                field="orm",
                old=[1],
                new=["a", "b"],
            )
        )
    async with db.session() as session:
        rows = (
            await session.scalars(
                select(AssessmentLogRow)
                .where(AssessmentLogRow.action == "answer", AssessmentLogRow.note.is_(None))
                .order_by(AssessmentLogRow.id)
            )
        ).all()
    fast, orm = rows[-2], rows[-1]
    assert (rows[-3].field, rows[-3].new) == ("members", 4)
    assert (fast.old, fast.new) == (orm.old, orm.new) == ([1], ["a", "b"])
    assert fast.at == orm.at
    path = sqlite_file(db.url)
    if path is not None:
        # Byte for byte the same text in the file (dates, JSON) as the ORM's.
        with sqlite3.connect(path) as conn:
            stored = conn.execute(
                "SELECT at, old, new FROM assessment_log WHERE field IN ('tools', 'orm')"
            ).fetchall()
        assert stored[0] == stored[1]


async def test_fast_statements_roll_back_with_the_session(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit_of_work(NOW) as uow:
            assert await uow.chats.claim_update("telegram", "1001")
            await uow.chats.state("telegram", "42")
            await uow.chats.save_state("telegram", "42", {"screen": "menu"})
            raise RuntimeError("the handler failed")
    async with db.session() as session:
        uow = UnitOfWork(session, NOW)
        # Nothing of the failed transaction stayed: the update can be applied again.
        assert await uow.chats.claim_update("telegram", "1001")
        assert not await uow.chats.claim_update("telegram", "1001")
        assert await uow.chats.state("telegram", "42") == {}
        assert await session.scalar(select(ChatStateRow.state)) == {}


async def test_compiled_and_session_statements_commit_as_one(db: Database) -> None:
    """A message's compiled statements and one it runs through SQLAlchemy (renaming a
    household) are one transaction: both are kept, or neither is."""
    demo = await ensure_demo(db)
    async with db.unit_of_work(NOW) as uow:
        household = await uow.households.add(demo.village_ids[0], "Nguyễn Văn An")
    with pytest.raises(RuntimeError):
        async with db.unit_of_work(NOW) as uow:
            assert await uow.chats.claim_update("telegram", "2001")
            await uow.households.rename(household.id, "Trần Văn Bình")
            raise RuntimeError("the handler failed")
    async with db.unit_of_work(NOW) as uow:
        renamed = await uow.households.get(household.id)
        assert renamed is not None and renamed.head_name == "Nguyễn Văn An"
        assert await uow.chats.claim_update("telegram", "2001")
        await uow.households.rename(household.id, "Trần Văn Bình")
    async with db.unit_of_work(NOW) as uow:
        renamed = await uow.households.get(household.id)
        assert renamed is not None and renamed.head_name == "Trần Văn Bình"
        assert not await uow.chats.claim_update("telegram", "2001")


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    url = f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}"
    upgrade(url)
    return url


@pytest.mark.parametrize("through", ["session", "unit_of_work"])
async def test_a_busy_database_is_waited_for_off_the_event_loop(
    sqlite_url: str, through: str
) -> None:
    """Another process (a CLI command, a backup) holds the write lock for a while: the write
    waits in a thread, and the event loop keeps serving everyone else meanwhile (a message's
    unit of work begins on the driver connection itself: the same)."""
    path = sqlite_file(sqlite_url)
    assert path is not None
    db = Database(sqlite_url)
    async with db.session() as session:  # as any running bot has: the database is in WAL mode
        await UnitOfWork(session, NOW).chats.claim_update("telegram", "6")
    await db.dispose()
    db = Database(sqlite_url)  # new connections, opened while the other process writes
    locked, release = threading.Event(), threading.Event()

    def other_process() -> None:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")
        locked.set()
        release.wait(5)
        conn.execute("COMMIT")
        conn.close()

    holder = threading.Thread(target=other_process)
    holder.start()
    locked.wait(5)
    ticks = 0

    async def ticker() -> None:
        nonlocal ticks
        while True:
            await asyncio.sleep(0.01)
            ticks += 1

    async def write() -> bool:
        if through == "unit_of_work":
            async with db.unit_of_work(NOW) as uow:
                return await uow.chats.claim_update("telegram", "7")
        async with db.session() as session:
            return await UnitOfWork(session, NOW).chats.claim_update("telegram", "7")

    ticking = asyncio.create_task(ticker())
    writing = asyncio.create_task(write())
    await asyncio.sleep(0.5)
    assert not writing.done()  # still waiting for the other writer...
    assert ticks >= 20  # ...and the loop was not blocked while it did
    started = time.monotonic()
    release.set()
    assert await asyncio.wait_for(writing, 10)
    assert time.monotonic() - started < 5
    ticking.cancel()
    holder.join()
    await db.dispose()


async def test_the_wal_is_checkpointed_in_the_background(sqlite_url: str) -> None:
    path = sqlite_file(sqlite_url)
    assert path is not None
    db = Database(sqlite_url)
    checkpointer = Checkpointer(path, interval=0.05, pages=1)
    before = Path(path).stat().st_size
    async with db.session() as session:
        uow = UnitOfWork(session, NOW)
        for n in range(300):
            await uow.chats.claim_update("telegram", f"{n:0>90}")
    checkpointer.start()
    deadline = time.monotonic() + 10
    while Path(path).stat().st_size <= before and time.monotonic() < deadline:
        await asyncio.sleep(0.05)
    checkpointer.stop()
    # The pages went from the WAL into the database file.
    assert Path(path).stat().st_size > before
    await db.dispose()


async def _kill_pooled_connection(engine: AsyncEngine, url: str) -> None:
    """Use a connection, give it back to the pool, then kill it behind the pool's back (as a
    database restart does)."""
    async with engine.connect() as conn:
        if is_sqlite(url):
            raw = (await conn.get_raw_connection()).driver_connection
        else:
            pid = await conn.scalar(text("SELECT pg_backend_pid()"))
    if is_sqlite(url):
        raw._conn.close()
    else:
        from tests.conftest import POSTGRES_URL, _admin

        assert POSTGRES_URL
        await _admin(POSTGRES_URL, f"SELECT pg_terminate_backend({int(pid)})")


@pytest.mark.parametrize("idle_ping", [0.05, 1e9])
async def test_a_connection_that_died_while_idle_is_replaced_before_use(
    database_url: str, monkeypatch: pytest.MonkeyPatch, idle_ping: float
) -> None:
    """PostgreSQL connections are not pinged at every checkout (3 of a message's 14 round
    trips): only one that sat idle longer than IDLE_PING_SECONDS, which is replaced if dead.
    One used again sooner goes unchecked: the statement fails (and the pool is renewed)."""
    monkeypatch.setattr(storage_db, "IDLE_PING_SECONDS", idle_ping)
    engine = create_engine(database_url, pool_size=1, max_overflow=0)
    if is_sqlite(database_url):
        storage_db._ping_when_idle(engine)  # PostgreSQL engines have it from create_engine
    try:
        await _kill_pooled_connection(engine, database_url)
        await asyncio.sleep(0.1)
        if idle_ping > 1:
            with pytest.raises(DBAPIError):
                async with engine.connect() as conn:
                    await conn.scalar(text("SELECT 1"))
        async with engine.connect() as conn:
            assert await conn.scalar(text("SELECT 1")) == 1
    finally:
        await engine.dispose()
