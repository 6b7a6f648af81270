"""Look for strings in every column of every table of a live database.

The tables and columns are read from the database itself (not from storage.tables), so a table
or column added later, by any migration, is searched too."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Connection

from conversations.text import fold
from storage.db import Database


async def find_anywhere(db: Database, needles: Iterable[str]) -> list[tuple[str, str, str]]:
    """(table, column, value) of every stored value holding one of the needles, compared
    without case or diacritics ("Hà Thị" is also found as "ha thi", a name's search key)."""
    wanted = {fold(n): n for n in needles if fold(n)}
    async with db.engine.connect() as conn:
        tables: dict[str, list[str]] = await conn.run_sync(_schema)
        found = []
        for table, columns in tables.items():
            quoted = ", ".join(f'"{c}"' for c in columns)
            rows = await conn.execute(text(f'SELECT {quoted} FROM "{table}"'))
            for row in rows:
                for column, value in zip(columns, row, strict=True):
                    hit = next(
                        (t for t in _readings(value) if any(k in fold(t) for k in wanted)), None
                    )
                    if hit is not None:
                        found.append((table, column, hit))
        return found


async def column_count(db: Database) -> int:
    """How many columns were searched (to show the scan saw the whole schema)."""
    async with db.engine.connect() as conn:
        tables: dict[str, list[str]] = await conn.run_sync(_schema)
    return sum(len(columns) for columns in tables.values())


def _schema(conn: Connection) -> dict[str, list[str]]:
    inspector = inspect(conn)
    return {
        table: [c["name"] for c in inspector.get_columns(table)]
        for table in inspector.get_table_names()
    }


def _readings(value: Any) -> Iterator[str]:
    """The value as text, and JSON decoded (SQLite stores "Hà" as "H\\u00e0")."""
    if value is None:
        return
    if isinstance(value, bytes):
        value = value.decode("utf-8", "replace")
    shown = value if isinstance(value, str) else str(value)
    yield shown
    if isinstance(value, str):
        try:
            decoded = json.loads(value)
        except ValueError:
            return
        yield json.dumps(decoded, ensure_ascii=False)
    elif isinstance(value, dict | list):
        yield json.dumps(value, ensure_ascii=False, default=str)
