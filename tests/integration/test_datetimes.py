"""Every point in time read from either database is aware and in UTC (issue 11).

An invite made with `hoctap invite create … --days N` came back from SQLite with a naive
`expires_at`, and comparing it with the aware clock raised TypeError: the terminal chat died,
Telegram users got the generic error and `python -m bot` exited at start-up. Every datetime
column is now one type (storage.tables.UtcDateTime); these tests discover the columns from the
metadata, so a column added later is covered without touching them.
"""

from __future__ import annotations

import asyncio
import io
import re
import sys
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import Column, DateTime, bindparam, func, insert, select, text
from sqlalchemy.engine import Dialect
from sqlalchemy.sql import ClauseElement

from bot.bootstrap import build_app
from bot.cli import main
from bot.settings import Settings
from storage.db import Database
from storage.fastsql import Statement, driver
from storage.tables import Base, UtcDateTime
from storage.uow import UnitOfWork
from tests.support.chat import Chat

HANOI = timezone(timedelta(hours=7))
# 22/11/2026 17:30 in Hà Nội: 10:30 UTC. Written with a non-UTC offset on purpose, so a type
# that kept the wall time instead of the instant would be caught.
WRITTEN = datetime(2026, 11, 22, 17, 30, 15, 123456, tzinfo=HANOI)
EXPECTED = datetime(2026, 11, 22, 10, 30, 15, 123456, tzinfo=UTC)


def datetime_columns() -> list[Column[Any]]:
    return [
        column
        for table in Base.metadata.sorted_tables
        for column in table.columns
        if isinstance(column.type, DateTime | UtcDateTime)
    ]


def test_every_datetime_column_is_the_one_utc_type() -> None:
    columns = datetime_columns()
    assert len(columns) >= 20  # the discovery itself works
    wrong = [str(c) for c in columns if not isinstance(c.type, UtcDateTime)]
    assert wrong == []


def _value(column: Column[Any]) -> Any:
    """Something storable for a column that is not a point in time."""
    if column.foreign_keys:
        # Self references (a merged household) stay empty; others point at row 1 of the
        # parent table, inserted before (sorted_tables puts parents first).
        [fk] = list(column.foreign_keys)
        return None if fk.column.table is column.table else 1
    kind = column.type.python_type
    if kind is bool:
        return False
    if kind is int:
        return 1
    if kind is float:
        return 1.0
    if kind is date:
        return date(2026, 11, 22)
    if kind is dict:
        return {}
    return "x"


async def _fill_every_table(db: Database) -> None:
    async with db.session() as session:
        for table in Base.metadata.sorted_tables:
            values = {
                c.name: WRITTEN if isinstance(c.type, UtcDateTime) else _value(c)
                for c in table.columns
            }
            await session.execute(insert(table).values(**values))


def _read_after(column: Column[Any]) -> Statement:
    def build(dialect: Dialect) -> ClauseElement:
        return select(column).where(column > bindparam("before"))

    return Statement(build)


def _write(column: Column[Any]) -> Statement:
    def build(dialect: Dialect) -> ClauseElement:
        return column.table.update().values({column: bindparam("at")})

    return Statement(build)


async def test_every_datetime_column_round_trips_aware_in_utc(db: Database) -> None:
    await _fill_every_table(db)
    columns = datetime_columns()
    async with db.session() as session:
        for column in columns:
            table = column.table
            # Through SQLAlchemy (the ORM and Core queries).
            read = await session.scalar(select(column))
            assert read == EXPECTED, column
            assert read.utcoffset() == timedelta(0), column
            # Compared in SQL with an aware bound value: the stored instant, not a wall time.
            found = await session.scalar(
                select(func.count()).select_from(table).where(column == EXPECTED.astimezone(HANOI))
            )
            assert found == 1, column
            # Through the compiled fast path (storage.fastsql; on SQLite, the inline driver).
            fast = await driver(session)
            row = await fast.one(_read_after(column), {"before": EXPECTED - timedelta(seconds=1)})
            assert row is not None and row[0] == EXPECTED, column
            assert row[0].utcoffset() == timedelta(0), column
            # A naive value written through the fast path is taken to be UTC.
            await fast.run(_write(column), {"at": EXPECTED.replace(tzinfo=None)})
            assert await session.scalar(select(column)) == EXPECTED, column


async def test_every_datetime_column_is_declared_one_way_in_the_migrated_schema(
    db: Database,
) -> None:
    """timestamptz on PostgreSQL; DATETIME on SQLite, which has no time zones (UtcDateTime
    attaches UTC when reading there, as the round trip above shows)."""
    if db.sqlite:
        query = (
            "SELECT m.name, p.name, p.type FROM sqlite_master m"
            " JOIN pragma_table_info(m.name) p"
            " WHERE m.type = 'table' AND p.type LIKE 'DATETIME%'"
        )
        declared = "DATETIME"
    else:
        query = (
            "SELECT table_name, column_name, data_type FROM information_schema.columns"
            " WHERE table_schema = 'public' AND data_type LIKE 'timestamp%'"
        )
        declared = "timestamp with time zone"
    async with db.session() as session:
        rows = await session.execute(text(query))
        found = {(t, c): kind for t, c, kind in rows.all()}
    expected = {(str(c.table.name), c.name) for c in datetime_columns()}
    assert set(found) == expected
    assert set(found.values()) == {declared}


# --- the defect, through the command and the terminal chat ---------------------------------


@pytest.fixture
def cli(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., str]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    for token in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(token, raising=False)

    def run(*argv: str, stdin: str = "") -> str:
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        assert main(list(argv)) == 0
        return capsys.readouterr().out

    return run


def test_invite_with_days_opens_in_the_terminal_chat(
    cli: Callable[..., str], database_url: str
) -> None:
    cli("demo")
    out = cli(
        "invite", "create", "--role", "collaborator", "--commune", "kim lien", "--days", "7",
        "--no-qr",
    )  # fmt: skip
    found = re.search(r"collaborator invite: (\w{8}) \(0/1 lần, hết hạn (\d\d/\d\d/\d{4})", out)
    assert found is not None
    code, expiry = found.groups()
    assert expiry == (datetime.now(UTC) + timedelta(days=7)).strftime("%d/%m/%Y")

    # Someone new types the code in the terminal chat: asked for their name, not a traceback.
    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    app = build_app(settings)
    ask_name = app.translator("vi", "join-ask-name")
    asyncio.run(app.close())
    shown = cli("chat", "--user", "newcomer", stdin=f"{code}\nNguyễn Văn Minh\nbỏ qua\n")
    assert ask_name in shown
    assert app.translator("vi", "join-done") in shown

    # `hoctap demo` (which looks at every demo invite) still starts with it in the database.
    assert "Demo commune ready" in cli("demo")


async def test_invite_with_days_is_checked_through_the_service(
    database_url: str, clock: Any
) -> None:
    """The same, at the service: the expiry is compared with the injected clock."""
    from bot.demo import ensure_demo

    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    app = build_app(settings, clock=clock)
    try:
        demo = await ensure_demo(app.db)
        async with app.db.session() as session:
            uow = UnitOfWork(session, clock())
            invite = await uow.invites.add(
                "collaborator", demo.commune_id, expires_at=clock() + timedelta(days=2)
            )
        t = app.translator
        early, late = Chat(app, "early"), Chat(app, "late")
        assert t("vi", "join-ask-name") in await early.say(invite.code)
        clock.advance(days=3)
        assert t("vi", "invite-invalid") in await late.say(invite.code)
    finally:
        await app.close()
