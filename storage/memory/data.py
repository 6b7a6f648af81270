"""The tables of the in-memory twin: plain dicts of rows (column name -> value), one per table
of storage/tables.py, with only the columns the chat path reads or writes."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, TypeVar

from pydantic import BaseModel

from storage.media import PhotoFiles

Row = dict[str, Any]
Table = dict[int, Row]
M = TypeVar("M", bound=BaseModel)


@dataclass
class Data:
    """Everything one memory database holds; a unit of work works on a deep copy of it."""

    provinces: Table = field(default_factory=dict)
    communes: Table = field(default_factory=dict)
    villages: Table = field(default_factory=dict)
    people: Table = field(default_factory=dict)
    identities: Table = field(default_factory=dict)
    households: Table = field(default_factory=dict)
    clans: Table = field(default_factory=dict)
    clan_villages: set[tuple[int, int]] = field(default_factory=set)
    clan_households: set[tuple[int, int]] = field(default_factory=set)
    units: Table = field(default_factory=dict)
    citizens: Table = field(default_factory=dict)
    assessments: Table = field(default_factory=dict)
    log: Table = field(default_factory=dict)
    evidence: Table = field(default_factory=dict)
    stored_photos: Table = field(default_factory=dict)
    chat_states: Table = field(default_factory=dict)
    processed_updates: set[tuple[str, str]] = field(default_factory=set)
    invites: Table = field(default_factory=dict)
    invite_attempts: Table = field(default_factory=dict)
    outbox: Table = field(default_factory=dict)


class Tx:
    """What the repositories of one memory unit of work share: its copy of the data and the
    clock reading its writes record."""

    def __init__(self, data: Data, now: datetime, files: PhotoFiles | None = None) -> None:
        self.data = data
        self.now = now
        # The photo store whose files /xoa deletes with their rows.
        self.files = files


class MemoryRepository:
    def __init__(self, tx: Tx) -> None:
        self.tx = tx

    @property
    def data(self) -> Data:
        return self.tx.data

    @property
    def now(self) -> datetime:
        return utc(self.tx.now)


def insert(table: Table, row: Row) -> Row:
    """Add a row under the next id (max + 1, as SQLite's INTEGER PRIMARY KEY)."""
    row["id"] = max(table, default=0) + 1
    table[row["id"]] = row
    return row


def json_copy(value: Any) -> Any:
    """The value as a JSON column gives it back: a fresh copy, tuples as lists, keys as
    strings."""
    return json.loads(json.dumps(value))


def utc(moment: datetime) -> datetime:
    """As the UtcDateTime columns give times back: aware, in UTC."""
    return moment.astimezone(UTC)


def model(kind: type[M], row: Row | None) -> M | None:
    """A domain model from a row (its fields, named like the columns); None for no row."""
    if row is None:
        return None
    return kind.model_validate({name: row.get(name) for name in kind.model_fields})


def models(kind: type[M], rows: list[Row]) -> list[M]:
    return [
        kind.model_validate({name: row.get(name) for name in kind.model_fields}) for row in rows
    ]
