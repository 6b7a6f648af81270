"""What the load is driven into: the real bot in this process, or the bare-aiogram baseline.

Both take Telegram update JSON exactly as a webhook receives it (bytes), parse it into an
aiogram `Update` and feed it to a dispatcher whose Bot talks to the same `MemorySession`, so
the only difference between them is what happens between the update and the reply.
"""

from __future__ import annotations

import asyncio
import json
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from aiogram import Bot, Dispatcher, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.fsm.storage.memory import MemoryStorage
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update

from bench.session import MemorySession
from bench.users import SCRIPT, register_households
from bot.answering import Answering
from bot.bootstrap import App, build_app
from bot.settings import Settings
from bot.telegram.responses import PinResponseTypes
from storage.db import upgrade

if TYPE_CHECKING:
    from bot.telegram.sender import TelegramLimits

TOKEN = "123456:BENCH"


class Target(Protocol):
    name: str
    session: MemorySession

    async def feed(self, raw: bytes) -> None: ...

    async def close(self) -> None: ...


class Baseline:
    """A bare aiogram dispatcher with the in-memory FSM storage and no persistence: each step
    keeps the answer in FSM data and answers with the next question and an inline keyboard."""

    name = "baseline (aiogram + MemoryStorage)"

    def __init__(self) -> None:
        self.session = MemorySession()
        # The same fix for aiogram's response parsing as the bot has (bot.telegram.responses):
        # without it either side pays a rebuild after every garbage collection, at random.
        self.session.middleware(PinResponseTypes())
        self.bot = Bot(TOKEN, session=self.session)
        self.dispatcher = Dispatcher(storage=MemoryStorage())
        router = Router()
        router.message.register(self._step, F.text)
        self.dispatcher.include_router(router)
        self._keyboard = InlineKeyboardMarkup(
            inline_keyboard=[
                [InlineKeyboardButton(text="1. Có", callback_data="a:1:yes")],
                [InlineKeyboardButton(text="2. Không", callback_data="a:1:no")],
                [
                    InlineKeyboardButton(text="◀ Quay lại", callback_data="n:1:back"),
                    InlineKeyboardButton(text="💾 Lưu", callback_data="n:1:leave"),
                ],
            ]
        )

    async def _step(self, message: Message, state: FSMContext) -> None:
        data = await state.get_data()
        answers = [*data.get("answers", []), message.text]
        await state.update_data(answers=answers)
        await message.answer(
            f"Câu {len(answers)}/{len(SCRIPT)}\nGia đình có bao nhiêu người?",
            reply_markup=self._keyboard,
        )

    async def feed(self, raw: bytes) -> None:
        update = Update.model_validate(json.loads(raw), context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update)

    async def close(self) -> None:
        await self.dispatcher.storage.close()
        await self.bot.session.close()


def wide_open() -> TelegramLimits:
    from bot.telegram.sender import TelegramLimits

    return TelegramLimits(math.inf, push_per_second=math.inf, group_per_minute=math.inf)


class HocTap:
    """The real bot: our Telegram router, service, engine, storage and sender, in process."""

    def __init__(
        self,
        app: App,
        name: str,
        *,
        session: MemorySession | None = None,
        limits: TelegramLimits | None = None,
    ) -> None:
        from bot.telegram.handlers import TelegramBridge
        from bot.telegram.runner import make_dispatcher
        from bot.telegram.sender import TelegramChannel

        self.app = app
        self.name = name
        self.session = session or MemorySession()
        self.session.middleware(PinResponseTypes())  # as make_bot does
        self.bot = Bot(TOKEN, session=self.session)
        # Telegram's limits (30 messages/s overall) are a limit of the far end, not a cost of
        # handling: the throughput phases measure the handling, so unless given (the latency
        # phase gives the running bot's) the limits are opened wide. The limiters still run.
        limits = limits or wide_open()
        self.channel = TelegramChannel(self.bot, app.translator, chats=app.chats, limits=limits)
        answers = Answering(app.service, self.channel.chats, apology="telegram-error")
        bridge = TelegramBridge(answers, self.channel)
        self.dispatcher: Dispatcher = make_dispatcher(bridge)

    @classmethod
    async def open(
        cls,
        url: str,
        name: str,
        households: int,
        *,
        migrate: bool = True,
        session: MemorySession | None = None,
        limits: Callable[[Settings], TelegramLimits] | None = None,
    ) -> HocTap:
        if migrate:
            await asyncio.to_thread(upgrade, url)
        settings = Settings(database_url=url, telegram_bot_token=TOKEN, _env_file=None)
        app = build_app(settings)
        if app.service.push_sink is None:
            # Notices to the collaborator go to the outbox in the same transaction, as in the
            # running bot.
            from bot.notices import queue_pushes

            app.service.push_sink = queue_pushes
        if households:
            await register_households(app.db, households)
        return cls(app, name, session=session, limits=limits(settings) if limits else None)

    async def feed(self, raw: bytes) -> None:
        update = Update.model_validate(json.loads(raw), context={"bot": self.bot})
        await self.dispatcher.feed_update(self.bot, update)

    async def close(self) -> None:
        await self.dispatcher.fsm.close()
        await self.bot.session.close()
        await self.app.close()
