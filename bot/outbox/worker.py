"""The outbox worker: delivers queued pushes exactly once, or says why it could not.

How a push moves (storage/outbox.py has the statements; `_Steps` below runs each state
change in a short unit of work of its own):

1. claim: 'pending' -> 'sending' with a lease, committed *before* anything is sent
   (FOR UPDATE SKIP LOCKED on PostgreSQL; one writer at a time on SQLite), so two workers
   never hold the same row;
2. send the push's messages one at a time, committing `parts_sent` after each, so a retry
   resumes after the last confirmed message instead of repeating it;
3. commit 'sent'. Or, on `RetryLater` (429, 5xx, network: the channel already retried a few
   times itself, honouring retry_after), back to 'pending' at now + retry_after, else an
   exponential backoff, until `max_attempts`; on `Unreachable` (blocked: 403) the chat is
   flagged and the push goes to the person's other channel if any, else ends 'unreachable';
on `DeliveryUnknown` (the send was answered with something unreadable) 'failed', like a
crash mid-send, never resent on its own.

A worker that dies leaves its row 'sending'. When the lease expires: if it had not yet named
the chat (committed just before the first network call), nothing went out and the row is
simply queued again; otherwise its message may or may not have arrived, so the row is
reported as 'failed' ("delivery unknown") and never resent behind anyone's back: at most
once, visibly, rather than twice (see `OutboxRepository.expire_leases`). A graceful stop (the `stop`
event) lets the message in flight finish and records it, so it never leaves such rows.

Each worker slot claims one row at a time, so a crash can only leave in doubt the messages
that were actually in flight, not a batch claimed but never started.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from datetime import datetime, timedelta

from bot.outbox.delivery import Channel, DeliveryUnknown, RetryLater, Unreachable
from bot.rendering import Reply
from storage.chats import Recipient
from storage.db import Database
from storage.outbox import OutboxItem

log = logging.getLogger(__name__)

Render = Callable[[OutboxItem, str, Channel], Awaitable[list[Reply]]]
Clock = Callable[[], datetime]


def default_worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


class _Steps:
    """Each change of a push's state in its own unit of work, committed before the next
    network call (a crash between two steps loses nothing that was confirmed)."""

    def __init__(self, db: Database, clock: Clock) -> None:
        self.db = db
        self.clock = clock

    async def expire_leases(self, now: datetime) -> int:
        async with self.db.unit_of_work(now) as uow:
            return await uow.outbox.expire_leases(now)

    async def claim(
        self, now: datetime, lease: timedelta, limit: int, worker: str
    ) -> tuple[str, list[OutboxItem]]:
        async with self.db.unit_of_work(now) as uow:
            return await uow.outbox.claim(now, lease, limit, worker)

    async def identity_for(self, channel: str, chat_id: str) -> Recipient | None:
        async with self.db.unit_of_work(self.clock()) as uow:
            return await uow.chats.recipient_for(channel, chat_id)

    async def recipient(
        self, person_id: int, channels: Iterable[str], preferred: Sequence[str]
    ) -> Recipient | None:
        async with self.db.unit_of_work(self.clock()) as uow:
            return await uow.chats.recipient(person_id, channels, preferred)

    async def identity_unreachable(self, identity_id: int) -> None:
        async with self.db.unit_of_work(self.clock()) as uow:
            await uow.chats.identity_unreachable(identity_id)

    async def start(
        self, item_id: int, owner: str, channel: str, chat_id: str, now: datetime
    ) -> bool:
        async with self.db.unit_of_work(now) as uow:
            return await uow.outbox.start(item_id, owner, channel, chat_id, now)

    async def part_sent(
        self, item_id: int, owner: str, parts_sent: int, now: datetime, lease: timedelta
    ) -> bool:
        async with self.db.unit_of_work(now) as uow:
            return await uow.outbox.part_sent(item_id, owner, parts_sent, now, lease)

    async def sent(self, item_id: int, owner: str, now: datetime) -> bool:
        async with self.db.unit_of_work(now) as uow:
            return await uow.outbox.sent(item_id, owner, now)

    async def retry_later(
        self, item_id: int, owner: str, at: datetime, error: str, now: datetime
    ) -> bool:
        async with self.db.unit_of_work(now) as uow:
            return await uow.outbox.retry_later(item_id, owner, at, error, now)

    async def fail(
        self, item_id: int, owner: str, error: str, now: datetime, status: str = "failed"
    ) -> bool:
        async with self.db.unit_of_work(now) as uow:
            return await uow.outbox.fail(item_id, owner, error, now, status)

    async def switch_channel(self, item_id: int, owner: str, error: str, now: datetime) -> bool:
        async with self.db.unit_of_work(now) as uow:
            return await uow.outbox.switch_channel(item_id, owner, error, now)


class OutboxWorker:
    def __init__(
        self,
        db: Database,
        channels: Mapping[str, Channel],
        render: Render,
        *,
        clock: Clock,
        worker_id: str | None = None,
        lease: timedelta = timedelta(minutes=15),
        max_attempts: int = 8,
        backoff: float = 30.0,
        max_backoff: float = 3600.0,
        concurrency: int = 4,
        preferred: Sequence[str] = ("telegram", "zalo", "console"),
    ) -> None:
        self.channels = dict(channels)
        self.render = render
        self.clock = clock
        self.outbox = _Steps(db, clock)
        self.worker_id = worker_id or default_worker_id()
        self.lease = lease
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.max_backoff = max_backoff
        self.concurrency = max(1, concurrency)
        self.preferred = tuple(preferred)

    def _delay(self, attempts: int, retry_after: float | None) -> timedelta:
        if retry_after is not None:
            # Never sooner than the channel said; at least a second, so a 0 cannot spin.
            return timedelta(seconds=max(retry_after, 1.0))
        return timedelta(seconds=min(self.backoff * 2 ** max(attempts - 1, 0), self.max_backoff))

    async def run_until_idle(self, stop: asyncio.Event | None = None) -> int:
        """Deliver everything due now; returns how many rows were handled."""
        expired = await self.outbox.expire_leases(self.clock())
        if expired:
            log.warning("outbox: %s push(es) interrupted mid-send marked failed", expired)
        counts = await asyncio.gather(*(self._slot(stop) for _ in range(self.concurrency)))
        return sum(counts)

    async def _slot(self, stop: asyncio.Event | None) -> int:
        handled = 0
        while stop is None or not stop.is_set():
            owner, items = await self.outbox.claim(self.clock(), self.lease, 1, self.worker_id)
            if not items:
                break
            await self._handle(owner, items[0])
            handled += 1
        return handled

    async def run(self, stop: asyncio.Event, poll_seconds: float = 2.0) -> None:
        """Poll until `stop` is set; the message in flight is finished and recorded."""
        log.info("outbox worker %s started", self.worker_id)
        while not stop.is_set():
            try:
                await self.run_until_idle(stop)
            except Exception:
                log.exception("outbox worker: unexpected error; trying again shortly")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(poll_seconds):
                    await stop.wait()
        log.info("outbox worker %s stopped", self.worker_id)

    async def _handle(self, owner: str, item: OutboxItem) -> None:
        outbox = self.outbox
        recipient = None
        # A push addressed to one chat (a notice), or one that already went partly out there.
        fixed = item.payload.get("channel"), item.payload.get("chat_id")
        if not all(fixed) and item.parts_sent:
            fixed = item.channel, item.chat_id
        if all(fixed):
            channel_name, chat_id = str(fixed[0]), str(fixed[1])
            if channel_name in self.channels:
                recipient = await outbox.identity_for(channel_name, chat_id)
            if recipient is None or recipient.unreachable:
                await outbox.fail(
                    item.id,
                    owner,
                    f"{channel_name} chat {chat_id} is not reachable from this worker",
                    self.clock(),
                    status="unreachable",
                )
                return
        if recipient is None:
            recipient = await outbox.recipient(item.person_id, self.channels, self.preferred)
        if recipient is None:
            names = ", ".join(sorted(self.channels)) or "none"
            await outbox.fail(
                item.id,
                owner,
                f"no reachable chat for this person on: {names}",
                self.clock(),
                status="unreachable",
            )
            return
        channel = self.channels[recipient.channel]
        try:
            replies = await self.render(item, recipient.locale, channel)
        except Exception as error:
            # Perhaps the database hiccuped: nothing was sent, so trying again later is safe.
            log.exception("outbox %s: could not write the message", item.id)
            await self._retry(owner, item, RetryLater(f"render: {error!r}"))
            return
        if not replies:
            await outbox.fail(
                item.id, owner, "nothing left to send", self.clock(), status="cancelled"
            )
            return
        if not await outbox.start(
            item.id, owner, recipient.channel, recipient.chat_id, self.clock()
        ):
            return  # the lease was lost (an administrator requeued it): leave it alone
        for index in range(item.parts_sent, len(replies)):
            try:
                await channel.send(recipient.chat_id, [replies[index]])
            except RetryLater as error:
                await self._retry(owner, item, error)
                return
            except Unreachable as error:
                await self._unreachable(owner, item, recipient.identity_id, str(error))
                return
            except DeliveryUnknown as error:
                # The platform got it and answered something unreadable: most likely shown.
                # As after a crash mid-send, an administrator decides whether to resend.
                log.warning("outbox %s: delivery unknown: %s", item.id, error)
                await outbox.fail(
                    item.id,
                    owner,
                    f"delivery unknown, not resent automatically (hoctap outbox retry ID to "
                    f"resend): {error}",
                    self.clock(),
                )
                return
            except Exception as error:
                # A refusal such as 400 Bad Request: the message did not go out, and sending
                # the same one again would be refused again.
                log.exception("outbox %s: %s refused the message", item.id, channel.name)
                await outbox.fail(item.id, owner, f"{type(error).__name__}: {error}", self.clock())
                return
            if index + 1 < len(replies) and not await outbox.part_sent(
                item.id, owner, index + 1, self.clock(), self.lease
            ):
                log.warning("outbox %s: lease lost mid-push; stopping", item.id)
                return
        await outbox.sent(item.id, owner, self.clock())

    async def _retry(self, owner: str, item: OutboxItem, error: RetryLater) -> None:
        now = self.clock()
        if item.attempts >= self.max_attempts:
            await self.outbox.fail(item.id, owner, f"gave up: {error}", now)
        else:
            at = now + self._delay(item.attempts, error.retry_after)
            await self.outbox.retry_later(item.id, owner, at, str(error), now)

    async def _unreachable(
        self, owner: str, item: OutboxItem, identity_id: int, error: str
    ) -> None:
        outbox = self.outbox
        await outbox.identity_unreachable(identity_id)
        other = None
        if not item.payload.get("chat_id"):  # a push for the person, not for that one chat
            other = await outbox.recipient(item.person_id, self.channels, self.preferred)
        now = self.clock()
        if other is not None:
            await outbox.switch_channel(item.id, owner, f"unreachable: {error}", now)
        else:
            await outbox.fail(item.id, owner, f"unreachable: {error}", now, status="unreachable")
