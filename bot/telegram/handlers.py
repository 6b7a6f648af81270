"""Thin aiogram handlers: a Telegram update in, `ChatService.handle`, the replies out.

Everything the handlers need arrives as the `telegram` workflow value (a `TelegramBridge`), so
they never build their own dependencies. The dispatcher's event isolation (per chat) runs them
one at a time per chat, sending included, so a person's messages are answered in order.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence
from typing import Protocol

from aiogram import F, Router
from aiogram.enums import ChatType
from aiogram.exceptions import TelegramAPIError
from aiogram.types import CallbackQuery, ChatMemberUpdated, Message, Update

from bot.delivery import RetryLater, Unreachable
from bot.i18n import Translator
from bot.rendering import Reply
from bot.service import Inbound
from storage.db import Database
from storage.identities import chat_locale, set_unreachable

from .convert import CHANNEL, inbound_from_callback, inbound_from_message
from .sender import TelegramChannel, typing

log = logging.getLogger(__name__)

# Update types the bot asks Telegram for: anything else is not even delivered.
ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"]


def build_router() -> Router:
    """A fresh router (aiogram attaches a router to one dispatcher only)."""
    router = Router(name="telegram")
    # People talk to the bot one to one; in a group every member's chatter would reach the
    # service as if it were an answer.
    router.message.filter(F.chat.type == ChatType.PRIVATE)
    router.my_chat_member.filter(F.chat.type == ChatType.PRIVATE)
    router.message.register(on_message)
    router.callback_query.register(on_callback)
    router.my_chat_member.register(on_member)
    return router


class InboundHandler(Protocol):
    """The one thing the channel needs from the service (`ChatService` is one)."""

    async def handle(self, inbound: Inbound) -> list[Reply]: ...


class TelegramBridge:
    """What a handler needs: the service, the channel that sends, and the few strings and
    records the channel keeps itself."""

    def __init__(
        self,
        service: InboundHandler,
        channel: TelegramChannel,
        translator: Translator,
        db: Database | None,
    ) -> None:
        self.service = service
        self.channel = channel
        self.t = translator
        self.db = db

    async def say(self, chat_id: int, message_id: str) -> str:
        lang = await chat_locale(self.db, CHANNEL, str(chat_id)) if self.db is not None else None
        return self.t(lang or self.t.default, message_id)

    async def handle(self, inbound: Inbound, chat_id: int) -> list[Reply]:
        """The service's answer; a short apology instead of silence if it failed."""
        indicator = asyncio.create_task(typing(self.channel.bot, chat_id))
        try:
            return await self.service.handle(inbound)
        except Exception:
            # The transaction was rolled back (the update is not marked as applied), so a
            # redelivery or the person trying again can still succeed.
            log.exception("telegram update %s in chat %s failed", inbound.update_key, chat_id)
            try:
                return [Reply(await self.say(chat_id, "telegram-error"))]
            except Exception:
                log.exception("could not even prepare the apology")
                return []
        finally:
            indicator.cancel()

    async def send(
        self, chat_id: int, replies: Sequence[Reply], *, tapped: int | None = None
    ) -> None:
        try:
            await self.channel.reply(chat_id, replies, tapped=tapped)
        except Unreachable:
            pass  # flagged and logged by the channel; nobody is there to tell
        except RetryLater as error:
            log.error("gave up answering telegram chat %s: %s", chat_id, error)
        except Exception:
            log.exception("answering telegram chat %s failed", chat_id)


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
    if telegram.db is None:
        return
    blocked = update.new_chat_member.status == "kicked"
    await set_unreachable(telegram.db, CHANNEL, str(update.chat.id), blocked)
    log.info("telegram chat %s %s the bot", update.chat.id, "blocked" if blocked else "unblocked")
