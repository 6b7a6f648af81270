"""Thin aiogram handlers: a Telegram update in, `ChatService.handle`, the replies out.

Everything the handlers need arrives as the `telegram` workflow value (a `TelegramBridge`, built
by bot.bootstrap), so they never build their own dependencies. The dispatcher's event isolation
(per chat) runs them one at a time per chat, sending included, so a person's messages are
answered in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from aiogram import Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update

from bot.answering import Answering
from bot.inbound import Inbound
from bot.rendering import Reply

from .convert import inbound_from_callback, inbound_from_message
from .sender import TelegramChannel, typing

log = logging.getLogger(__name__)

# Update types the bot asks Telegram for: anything else is not even delivered.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]
# "typing…" is shown once an answer has taken this long (seconds).
TYPING_AFTER = 0.8


def build_router() -> Router:
    """A fresh router (aiogram attaches a router to one dispatcher only)."""
    router = Router(name="telegram")
    # People talk to the bot one to one; in a group every member's chatter would reach the
    # service as if it were an answer.
    router.message.filter(_private)
    router.my_chat_member.filter(_private)
    router.message.register(on_message)
    router.callback_query.register(on_callback)
    router.my_chat_member.register(on_member)
    return router


async def _private(event: Message | ChatMemberUpdated) -> bool:
    # A coroutine on purpose: aiogram runs a plain function filter (`F.chat.type == …` too) in
    # a worker thread, a thread round trip for every update.
    return event.chat.type == ChatType.PRIVATE


class TelegramBridge:
    """What a handler needs: the service behind the one errors wrapper, and the channel that
    sends (and knows each chat's language and records blocked chats)."""

    def __init__(self, answers: Answering, channel: TelegramChannel) -> None:
        self.answers = answers
        self.channel = channel

    async def say(self, chat_id: int, message_id: str) -> str:
        return await self.channel.chats.say(str(chat_id), message_id)

    async def handle(self, inbound: Inbound, chat_id: int) -> list[Reply]:
        """The service's answer (an apology if it failed), "typing…" while it is slow."""
        # A timer, not a task per update: most answers are ready long before it fires.
        loop = asyncio.get_running_loop()
        shown: list[asyncio.Task[None]] = []
        timer = loop.call_later(
            TYPING_AFTER,
            lambda: shown.append(loop.create_task(typing(self.channel.bot, chat_id))),
        )
        try:
            return await self.answers.answer(inbound)
        finally:
            timer.cancel()
            for indicator in shown:
                indicator.cancel()

    async def send(
        self, chat_id: int, replies: Sequence[Reply], *, tapped: int | None = None
    ) -> None:
        await self.answers.deliver(
            str(chat_id), lambda: self.channel.reply(chat_id, replies, tapped=tapped)
        )


async def on_message(message: Message, event_update: Update, telegram: TelegramBridge) -> None:
    inbound = inbound_from_message(message, event_update.update_id)
    replies = await telegram.handle(inbound, message.chat.id)
    await telegram.send(message.chat.id, replies)


async def on_callback(query: CallbackQuery, event_update: Update, telegram: TelegramBridge) -> None:
    inbound = inbound_from_callback(query, event_update.update_id)
    message = query.message
    if inbound is None or message is None or message.chat.type != ChatType.PRIVATE:
        await _answer(query)
        return
    chat_id = message.chat.id
    # A tap on a question already answered or replaced (a double tap, an old screen).
    stale = telegram.channel.is_retired(chat_id, message.message_id)
    replies = await telegram.handle(inbound, chat_id)
    # Answer before sending: it stops the spinner on the button even if sending is slow.
    await _answer(query, await telegram.say(chat_id, "telegram-stale-button") if stale else None)
    await telegram.send(chat_id, replies, tapped=message.message_id)


async def _answer(query: CallbackQuery, text: str | None = None) -> None:
    try:
        await query.answer(text)
    except TelegramAPIError as error:
        # Too old (Telegram forgets a query after a while): the tap is still handled.
        log.info("could not answer callback query %s: %s", query.id, error)


async def on_member(update: ChatMemberUpdated, telegram: TelegramBridge) -> None:
    """Telegram says when a person blocks or unblocks the bot: digests stop or resume."""
    blocked = update.new_chat_member.status == "kicked"
    await telegram.channel.chats.mark_unreachable(str(update.chat.id), blocked)
    log.info("telegram chat %s %s the bot", update.chat.id, "blocked" if blocked else "unblocked")
