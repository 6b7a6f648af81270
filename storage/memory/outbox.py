"""The outbox's queueing side in memory: storage/outbox.py's `enqueue` and the listings."""

from __future__ import annotations

import builtins
from collections.abc import Iterable, Mapping
from dataclasses import fields
from typing import Any

from storage.memory.data import MemoryRepository, Row, insert, json_copy
from storage.outbox import OutboxItem

_FIELDS = tuple(f.name for f in fields(OutboxItem))


def item(row: Row) -> OutboxItem:
    values = {name: row[name] for name in _FIELDS}
    values["payload"] = dict(json_copy(values["payload"]) or {})
    return OutboxItem(**values)


class MemoryOutbox(MemoryRepository):
    async def enqueue(
        self,
        *,
        key: str,
        kind: str,
        person_id: int,
        commune_id: int | None,
        payload: Mapping[str, Any],
    ) -> int | None:
        if any(row["key"] == key for row in self.data.outbox.values()):
            return None
        row = insert(
            self.data.outbox,
            {
                "key": key,
                "kind": kind,
                "person_id": person_id,
                "commune_id": commune_id,
                "payload": json_copy(dict(payload)),
                "status": "pending",
                "attempts": 0,
                "parts_sent": 0,
                "next_attempt_at": self.now,
                "lease_owner": None,
                "lease_until": None,
                "channel": None,
                "chat_id": None,
                "last_error": None,
                "created_at": self.now,
                "updated_at": self.now,
                "sent_at": None,
            },
        )
        return int(row["id"])

    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = set(keys)
        return {row["key"] for row in self.data.outbox.values() if row["key"] in wanted}

    async def list(
        self, *, status: str | None = None, commune_id: int | None = None, limit: int = 50
    ) -> builtins.list[OutboxItem]:
        rows = [
            row
            for _, row in sorted(self.data.outbox.items(), reverse=True)
            if (not status or row["status"] == status)
            and (commune_id is None or row["commune_id"] == commune_id)
        ]
        return [item(row) for row in rows[:limit]]

    async def counts(self) -> dict[str, int]:
        found: dict[str, int] = {}
        for row in self.data.outbox.values():
            found[row["status"]] = found.get(row["status"], 0) + 1
        return found
