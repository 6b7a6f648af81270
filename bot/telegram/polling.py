"""Long polling that confirms an update only once it has been handled.

aiogram's own `start_polling` confirms a batch as soon as it has been read: an update that is
being handled when the process dies is lost. Here the `offset` sent to getUpdates never passes
an update still in progress, so after a crash Telegram hands it out again and the service's
update-id check applies it exactly once. Updates still go to the dispatcher as separate tasks
(its per-chat isolation keeps each chat in order while chats run in parallel).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Sequence

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramConflictError,
    TelegramUnauthorizedError,
)
from aiogram.methods import GetUpdates
from aiogram.types import Update
from aiogram.utils.backoff import Backoff, BackoffConfig
from pydantic import ValidationError

log = logging.getLogger(__name__)

BACKOFF = BackoffConfig(min_delay=0.5, max_delay=30.0, factor=1.6, jitter=0.1)
# While an update is in progress getUpdates returns it again at once; wait this long (or until
# something finishes) before asking again, so a slow update does not turn polling into a spin.
REPOLL_DELAY = 0.5


class Poller:
    def __init__(
        self,
        bot: Bot,
        dispatcher: Dispatcher,
        *,
        allowed_updates: Sequence[str],
        timeout: int = 25,
        grace: float = 10.0,
    ) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self.allowed_updates = list(allowed_updates)
        self.timeout = timeout
        # How long a graceful stop waits for updates in progress.
        self.grace = grace
        self._running: dict[int, asyncio.Task[None]] = {}
        # Fetched and finished, but not yet confirmed to Telegram (an older one still runs).
        self._finished: set[int] = set()
        self._offset: int | None = None
        self._unreadable: list[int] = []
        self._changed = asyncio.Event()

    @property
    def offset(self) -> int | None:
        """The next getUpdates offset: every update below it has been handled."""
        if self._running:
            return min(self._running)
        return self._offset

    async def run(self, stop: asyncio.Event) -> None:
        backoff = Backoff(BACKOFF)
        log.info("telegram: long polling")
        try:
            while not stop.is_set():
                try:
                    updates = await self._fetch(stop)
                except asyncio.CancelledError:
                    raise
                except TelegramUnauthorizedError:
                    log.critical("telegram rejected the bot token; polling stops")
                    raise
                except Exception as error:
                    if isinstance(error, TelegramConflictError):
                        log.error("telegram: another instance is polling or a webhook is set")
                    else:
                        log.warning("telegram getUpdates failed: %s", error)
                    await _sleep_unless(stop, next(backoff))
                    continue
                if updates is None:
                    break  # stop requested while waiting
                backoff.reset()
                started = 0
                for update in updates:
                    # Checked one by one: a batch may hold the same update twice.
                    if self._is_new(update.update_id):
                        self._start(update)
                        started += 1
                # Confirmed like handled ones, but only now: marking them done before the
                # readable ones of the batch had started would confirm those unhandled.
                for update_id in self._unreadable:
                    self._done(update_id)
                self._unreadable.clear()
                if not started and self._running:
                    await self._wait_for_progress()
        finally:
            await self._drain()

    def _is_new(self, update_id: int) -> bool:
        if update_id in self._running or update_id in self._finished:
            return False
        return self._offset is None or update_id >= self._offset

    def _start(self, update: Update) -> None:
        task = asyncio.create_task(self._handle(update), name=f"telegram-update-{update.update_id}")
        self._running[update.update_id] = task

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:
            log.exception("telegram update %s failed", update.update_id)
        finally:
            self._done(update.update_id)

    def _done(self, update_id: int) -> None:
        self._running.pop(update_id, None)
        self._finished.add(update_id)
        # Everything below the oldest update still running is confirmed with the next poll.
        floor = min(self._running) if self._running else max(self._finished) + 1
        self._finished = {u for u in self._finished if u >= floor}
        self._offset = max(self._offset or 0, floor)
        self._changed.set()

    async def _fetch(self, stop: asyncio.Event) -> list[Update] | None:
        request = GetUpdates(
            offset=self.offset, timeout=self.timeout, allowed_updates=self.allowed_updates
        )
        # The HTTP timeout must outlast the long poll itself.
        poll = asyncio.create_task(self.bot(request, request_timeout=self.timeout + 10))
        stopping = asyncio.create_task(stop.wait())
        try:
            await asyncio.wait({poll, stopping}, return_when=asyncio.FIRST_COMPLETED)
        finally:
            stopping.cancel()
        if not poll.done():
            poll.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await poll
            return None
        try:
            return poll.result()
        except ClientDecodeError as error:
            return self._salvage(error)

    def _salvage(self, error: ClientDecodeError) -> list[Update]:
        """One update aiogram cannot read must not block all the others behind it forever:
        read them one by one and skip (log, confirm) the ones that do not parse."""
        data = error.data if isinstance(error.data, dict) else {}
        items = data.get("result")
        if not data.get("ok") or not isinstance(items, list):
            raise error
        updates: list[Update] = []
        for item in items:
            try:
                updates.append(Update.model_validate(item, context={"bot": self.bot}))
            except ValidationError as problem:
                update_id = item.get("update_id") if isinstance(item, dict) else None
                if not isinstance(update_id, int):
                    raise error from problem
                log.error("telegram update %s skipped, unreadable: %s", update_id, problem)
                if self._is_new(update_id):
                    self._unreadable.append(update_id)
        return updates

    async def _wait_for_progress(self) -> None:
        self._changed.clear()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(REPOLL_DELAY):
                await self._changed.wait()

    async def _drain(self) -> None:
        """Let updates in progress finish (bounded), then confirm what was handled."""
        if self._running:
            log.info("telegram: finishing %d update(s) in progress", len(self._running))
            _, late = await asyncio.wait(set(self._running.values()), timeout=self.grace)
            for task in late:
                task.cancel()
        offset = self.offset
        if offset is None:
            return
        try:
            # Confirming costs one quick request and spares the next start a redelivery.
            await self.bot(GetUpdates(offset=offset, timeout=0, limit=1), request_timeout=5)
        except Exception as error:
            log.info("telegram: could not confirm handled updates: %s", error)


async def _sleep_unless(stop: asyncio.Event, delay: float) -> None:
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(delay):
            await stop.wait()
