"""Zalo updates in, `ChatService.handle`, replies out.

Polling and the webhook both hand updates to `ZaloBridge.submit`. It drops repeats (getUpdates
has no offset, so Zalo may hand out a message twice; the service also refuses a message id it
has applied before, which covers a restart), then queues the update behind the ones from the
same chat: one chat's messages are answered in order, different chats in parallel.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from collections.abc import Sequence
from typing import Final

from bot.answering import Answering
from bot.rendering import Reply
from bot.zalo.client import UpdateDeduplicator, ZaloUpdate

from .channel import ZaloChannel, keep_typing
from .convert import inbound_from_update, is_private, is_unsupported

log = logging.getLogger(__name__)

# How many chats are answered at once; the rest wait their turn (their order is kept).
DEFAULT_CONCURRENCY: Final = 32


class ZaloBridge:
    """Answers each chat's updates in order through the one errors wrapper (`answers`)."""

    def __init__(
        self,
        answers: Answering,
        channel: ZaloChannel,
        *,
        concurrency: int = DEFAULT_CONCURRENCY,
        remember: int = 10_000,
    ) -> None:
        self.answers = answers
        self.channel = channel
        self._seen = UpdateDeduplicator(remember)
        self._queues: dict[str, deque[ZaloUpdate]] = {}
        self._workers: dict[str, asyncio.Task[None]] = {}
        self._slots = asyncio.Semaphore(concurrency)
        self._closing = False

    @property
    def busy(self) -> int:
        """Chats with an update in progress or waiting (for tests and health)."""
        return len(self._workers)

    def submit(self, update: ZaloUpdate) -> bool:
        """Queue an update to be answered; False when it is a repeat, comes after `drain`, or
        has nobody to answer (no message, a group, a bot)."""
        message = update.message
        if message is None:
            log.warning("zalo: %s without a message: nobody to answer", update.event_name)
            return False
        if self._seen.seen(message.message_id):
            log.info("zalo: message %s delivered again: ignored", message.message_id)
            return False
        if not is_private(update):
            log.info("zalo: ignoring a message outside a one-to-one chat")
            return False
        if self._closing:
            log.warning("zalo: message %s arrived while stopping: dropped", message.message_id)
            return False
        chat_id = message.chat.id
        self._queues.setdefault(chat_id, deque()).append(update)
        if chat_id not in self._workers:
            self._workers[chat_id] = asyncio.create_task(
                self._work(chat_id), name=f"zalo-chat-{chat_id}"
            )
        return True

    async def _work(self, chat_id: str) -> None:
        queue = self._queues[chat_id]
        try:
            while queue:
                update = queue.popleft()
                async with self._slots:
                    await self.process(update)
        finally:
            # No await between the empty check and here, so submit cannot slip an update in.
            self._workers.pop(chat_id, None)
            if not queue:
                self._queues.pop(chat_id, None)

    async def process(self, update: ZaloUpdate) -> None:
        """Answer one update: the service's replies (or the channel's own note), then send."""
        message = update.message
        assert message is not None
        chat_id = message.chat.id
        indicator = asyncio.create_task(keep_typing(self.channel, chat_id))
        try:
            replies = await self._answer(update, chat_id)
            await self._send(chat_id, replies)
        finally:
            indicator.cancel()

    async def _answer(self, update: ZaloUpdate, chat_id: str) -> list[Reply]:
        if is_unsupported(update):
            # Zalo withheld the content (a protected account): only a collaborator can help.
            return [Reply(await self.channel.chats.say(chat_id, "zalo-unsupported"))]
        inbound = inbound_from_update(update)
        return [] if inbound is None else await self.answers.answer(inbound)

    async def _send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        if replies:
            await self.answers.deliver(chat_id, lambda: self.channel.reply(chat_id, replies))

    async def drain(self, grace: float = 10.0) -> None:
        """Take no new updates and let the queued ones finish (bounded by `grace`)."""
        self._closing = True
        workers = set(self._workers.values())
        if not workers:
            return
        log.info("zalo: finishing %d chat(s) in progress", len(workers))
        _, late = await asyncio.wait(workers, timeout=grace)
        for task in late:
            task.cancel()
        if late:
            await asyncio.wait(late, timeout=1.0)
