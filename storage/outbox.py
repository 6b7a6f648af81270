"""The outbox: every push (digest, reminder, notice) as a row with a unique key, claimed with
a lease by the delivery worker and moved through pending → sending → sent | failed."""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, null, select, update

from storage import tables as t
from storage.sql import Repository


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    kind: str
    person_id: int
    commune_id: int | None
    payload: Mapping[str, Any]
    status: str
    attempts: int
    parts_sent: int
    next_attempt_at: datetime
    lease_owner: str | None
    lease_until: datetime | None
    channel: str | None
    chat_id: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_row(cls, row: Any) -> OutboxItem:
        """From a row selected with `_ITEM` (the columns named like the fields; the time
        columns come back aware, in UTC: storage.tables.UtcDateTime)."""
        values = dict(zip(_ITEM_FIELDS, row, strict=True))
        values["payload"] = dict(values["payload"] or {})
        return cls(**values)


class OutboxRepository(Repository):
    """The push queue. The worker runs each state change in its own short unit of work.

    Every change made on behalf of a claim names the claim's `owner` token, so a worker
    whose lease was taken away can never overwrite what happened after.
    """

    async def enqueue(
        self,
        *,
        key: str,
        kind: str,
        person_id: int,
        commune_id: int | None,
        payload: Mapping[str, Any],
    ) -> int | None:
        """Queue a push once: the id of the new row, or None if `key` was queued before (by
        this process, another one, or before a restart)."""
        o = t.outbox.c
        stmt = (
            self.sql.upsert(t.outbox)
            .values(
                key=key,
                kind=kind,
                person_id=person_id,
                commune_id=commune_id,
                payload=dict(payload),
                status="pending",
                attempts=0,
                parts_sent=0,
                next_attempt_at=self.now,
                created_at=self.now,
                updated_at=self.now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
            .returning(o.id)
        )
        found = await self.sql.scalar(stmt)
        return None if found is None else int(found)

    async def existing_keys(self, keys: Iterable[str]) -> set[str]:
        wanted = list(keys)
        if not wanted:
            return set()
        o = t.outbox.c
        return {str(k) for k in await self.sql.scalars(select(o.key).where(o.key.in_(wanted)))}

    async def claim(
        self, now: datetime, lease: timedelta, limit: int, worker: str
    ) -> tuple[str, list[OutboxItem]]:
        """Take up to `limit` due rows: 'pending' -> 'sending' with a lease, committed before
        anything is sent. PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers take
        different rows without waiting. SQLite ignores FOR UPDATE, but its transactions start
        with BEGIN IMMEDIATE (one writer at a time), and the `status = 'pending'` guard on
        the UPDATE makes a row claimable once either way."""
        owner = f"{worker}/{uuid.uuid4().hex[:12]}"
        ids = list(
            await self.sql.scalars(
                select(t.outbox.c.id)
                .where(t.outbox.c.status == "pending", t.outbox.c.next_attempt_at <= now)
                .order_by(t.outbox.c.next_attempt_at, t.outbox.c.id)
                .limit(limit)
                .with_for_update(skip_locked=True)
            )
        )
        if not ids:
            return owner, []
        await self.sql.execute(
            update(t.outbox)
            .where(t.outbox.c.id.in_(ids), t.outbox.c.status == "pending")
            .values(
                status="sending",
                lease_owner=owner,
                lease_until=now + lease,
                attempts=t.outbox.c.attempts + 1,
                # No chat until `start` names one just before sending (kept when a part
                # already went out there): that is how `expire_leases` knows whether a
                # dead worker had begun sending.
                channel=case((t.outbox.c.parts_sent == 0, null()), else_=t.outbox.c.channel),
                chat_id=case((t.outbox.c.parts_sent == 0, null()), else_=t.outbox.c.chat_id),
                updated_at=now,
            )
        )
        rows = await self.sql.all(
            select(*_ITEM)
            .where(t.outbox.c.id.in_(ids), t.outbox.c.lease_owner == owner)
            .order_by(t.outbox.c.id)
        )
        return owner, [OutboxItem.from_row(r) for r in rows]

    async def _set(self, item_id: int, owner: str, statuses: Sequence[str], **values: Any) -> bool:
        return (
            await self.sql.rowcount(
                update(t.outbox)
                .where(
                    t.outbox.c.id == item_id,
                    t.outbox.c.lease_owner == owner,
                    t.outbox.c.status.in_(statuses),
                )
                .values(**values)
            )
            > 0
        )

    async def start(
        self, item_id: int, owner: str, channel: str, chat_id: str, now: datetime
    ) -> bool:
        return await self._set(
            item_id, owner, ("sending",), channel=channel, chat_id=chat_id, updated_at=now
        )

    async def part_sent(
        self, item_id: int, owner: str, parts_sent: int, now: datetime, lease: timedelta
    ) -> bool:
        """One message of the push went out: record it and extend the lease."""
        return await self._set(
            item_id,
            owner,
            ("sending",),
            parts_sent=parts_sent,
            lease_until=now + lease,
            updated_at=now,
        )

    async def sent(self, item_id: int, owner: str, now: datetime) -> bool:
        # 'failed' too: if our lease ran out while we were (slowly) sending, the row was
        # marked as interrupted; we now know better, and nobody resent it meanwhile.
        return await self._set(
            item_id,
            owner,
            ("sending", "failed"),
            status="sent",
            sent_at=now,
            lease_until=None,
            last_error=None,
            updated_at=now,
        )

    async def retry_later(
        self, item_id: int, owner: str, at: datetime, error: str, now: datetime
    ) -> bool:
        return await self._set(
            item_id,
            owner,
            ("sending",),
            status="pending",
            next_attempt_at=at,
            lease_owner=None,
            lease_until=None,
            last_error=error[:2000],
            updated_at=now,
        )

    async def fail(
        self, item_id: int, owner: str, error: str, now: datetime, status: str = "failed"
    ) -> bool:
        return await self._set(
            item_id,
            owner,
            ("sending",),
            status=status,
            lease_until=None,
            last_error=error[:2000],
            updated_at=now,
        )

    async def switch_channel(self, item_id: int, owner: str, error: str, now: datetime) -> bool:
        """Requeue a push from its first message, for another of the person's channels."""
        return await self._set(
            item_id,
            owner,
            ("sending",),
            status="pending",
            parts_sent=0,
            channel=None,
            chat_id=None,
            next_attempt_at=now,
            lease_owner=None,
            lease_until=None,
            last_error=error[:2000],
            updated_at=now,
        )

    async def release(self, item_id: int, owner: str, now: datetime) -> bool:
        """Give back a claimed row nothing was sent for (a graceful stop)."""
        return await self._set(
            item_id,
            owner,
            ("sending",),
            status="pending",
            attempts=t.outbox.c.attempts - 1,
            lease_owner=None,
            lease_until=None,
            updated_at=now,
        )

    async def expire_leases(self, now: datetime) -> int:
        """Rows left 'sending' by a worker that died; returns how many were marked failed.

        A worker that died before naming the chat (`start`, committed just before the first
        network call) sent nothing: its row simply goes back to 'pending'.

        One that died after may have died before its message went out or after it was
        delivered but before it recorded so, and nothing tells the two apart (Telegram and
        Zalo have no idempotency key for sendMessage). Sending again would risk a second
        copy, which must never happen; dropping it silently would lose a digest. So the row
        becomes 'failed' with an explanation, shown by `hoctap outbox list`, and an
        administrator who checks with the chair can resend it (`hoctap outbox retry ID`).
        Messages of the push confirmed before the crash are counted in `parts_sent`, so at
        most one message is in doubt. A graceful stop never gets here: it finishes the
        message in flight and records it.
        """
        expired = (t.outbox.c.status == "sending", t.outbox.c.lease_until < now)
        await self.sql.execute(
            update(t.outbox)
            .where(*expired, t.outbox.c.channel.is_(None))
            .values(
                status="pending",
                attempts=t.outbox.c.attempts - 1,
                next_attempt_at=now,
                lease_owner=None,
                lease_until=None,
                last_error="the worker stopped before sending: queued again",
                updated_at=now,
            )
        )
        return await self.sql.rowcount(
            update(t.outbox)
            .where(*expired)
            .values(
                status="failed",
                last_error="interrupted while sending: delivery unknown, not resent "
                "automatically (hoctap outbox retry ID to resend)",
                updated_at=now,
            )
        )

    async def list(
        self, *, status: str | None = None, commune_id: int | None = None, limit: int = 50
    ) -> list[OutboxItem]:
        stmt = select(*_ITEM).order_by(t.outbox.c.id.desc()).limit(limit)
        if status:
            stmt = stmt.where(t.outbox.c.status == status)
        if commune_id is not None:
            stmt = stmt.where(t.outbox.c.commune_id == commune_id)
        return [OutboxItem.from_row(r) for r in await self.sql.all(stmt)]

    async def counts(self) -> dict[str, int]:
        rows = await self.sql.execute(
            select(t.outbox.c.status, func.count()).group_by(t.outbox.c.status)
        )
        return {str(r[0]): int(r[1]) for r in rows.all()}

    async def requeue(self, ids: Sequence[int], now: datetime) -> int:
        """An administrator's resend of failed or unreachable pushes (from their first part
        not yet confirmed)."""
        return await self.sql.rowcount(
            update(t.outbox)
            .where(t.outbox.c.id.in_(list(ids)), t.outbox.c.status.in_(("failed", "unreachable")))
            .values(
                status="pending",
                attempts=0,
                next_attempt_at=now,
                lease_owner=None,
                lease_until=None,
                updated_at=now,
            )
        )


_ITEM_FIELDS = tuple(f.name for f in fields(OutboxItem))
_ITEM = tuple(t.outbox.c[name] for name in _ITEM_FIELDS)
