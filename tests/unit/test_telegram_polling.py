"""The poller and the dispatcher's per-chat isolation, against the Bot API double: one chat in
order, chats in parallel, and an update confirmed to Telegram only once it has been handled."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.fsm.strategy import FSMStrategy
from aiogram.types import Message

from bot.telegram.isolation import ChatIsolation
from bot.telegram.polling import Poller
from tests.support.telegram_double import TelegramDouble

A, B = 601, 602
Handler = Callable[[Message], Awaitable[None]]


@pytest.fixture
async def tg() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble() as double:
        yield double


@pytest.fixture
async def bot(tg: TelegramDouble) -> AsyncIterator[Bot]:
    bot = tg.make_bot()
    yield bot
    await bot.session.close()


@contextlib.asynccontextmanager
async def polling(bot: Bot, handler: Handler, *, grace: float = 5.0) -> AsyncIterator[Poller]:
    """Run a poller whose dispatcher sends every message to `handler`."""
    router = Router()

    @router.message()
    async def on_message(message: Message) -> None:
        await handler(message)

    dispatcher = Dispatcher(events_isolation=ChatIsolation(), fsm_strategy=FSMStrategy.CHAT)
    dispatcher.include_router(router)
    poller = Poller(bot, dispatcher, allowed_updates=["message"], timeout=1, grace=grace)
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    try:
        yield poller
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)


async def test_one_chat_in_order_different_chats_in_parallel(tg: TelegramDouble, bot: Bot) -> None:
    seen: list[str] = []
    started: list[str] = []

    async def handler(message: Message) -> None:
        started.append(message.text or "")
        if message.text == "a1":
            await asyncio.sleep(0.4)  # a slow first update in chat A
        seen.append(message.text or "")

    async with polling(bot, handler):
        for text in ("a1", "a2", "a3"):
            tg.push_text(A, text)
        tg.push_text(B, "b1")
        await tg.wait_for(lambda: len(seen) == 4, timeout=5)

    assert [t for t in seen if t.startswith("a")] == ["a1", "a2", "a3"]
    # B did not wait for A's slow update; A's later updates did.
    assert seen.index("b1") < seen.index("a1")
    assert started.index("a2") > seen.index("a1")


async def test_an_update_is_confirmed_only_after_it_was_handled(
    tg: TelegramDouble, bot: Bot
) -> None:
    release = asyncio.Event()
    handled: list[str] = []

    async def handler(message: Message) -> None:
        if message.text == "slow":
            await release.wait()
        handled.append(message.text or "")

    async with polling(bot, handler) as poller:
        slow = tg.push_text(A, "slow")
        await tg.wait_for(lambda: poller.offset == slow, timeout=5)
        tg.push_text(B, "fast")
        await tg.wait_for(lambda: "fast" in handled, timeout=5)
        await asyncio.sleep(0.3)  # a few more polls
        # Still in progress: a crash now would get it back from Telegram.
        assert slow in [u["update_id"] for u in tg.pending_updates]
        assert poller.offset == slow
        release.set()
        await tg.wait_for(lambda: not tg.pending_updates, timeout=5)
    assert handled == ["fast", "slow"]


async def test_a_failing_update_does_not_stop_polling(tg: TelegramDouble, bot: Bot) -> None:
    handled: list[str] = []

    async def handler(message: Message) -> None:
        if message.text == "boom":
            raise RuntimeError("bug in a handler")
        handled.append(message.text or "")

    async with polling(bot, handler):
        tg.push_text(A, "boom")
        tg.push_text(A, "after")
        await tg.wait_for(lambda: handled == ["after"], timeout=5)
        await tg.wait_for(lambda: not tg.pending_updates, timeout=5)


async def test_the_same_update_twice_in_a_batch_is_handled_once(
    tg: TelegramDouble, bot: Bot
) -> None:
    handled: list[int] = []

    async def handler(message: Message) -> None:
        handled.append(message.message_id)

    update = {
        "update_id": 800000001,
        "message": {
            "message_id": 42,
            "date": 1_790_000_000,
            "chat": {"id": A, "type": "private", "first_name": "Lan"},
            "from": {"id": A, "is_bot": False, "first_name": "Lan"},
            "text": "5",
        },
    }
    tg.push_raw_update(update)
    tg.push_raw_update(update)
    async with polling(bot, handler):
        await tg.wait_for(lambda: not tg.pending_updates and handled, timeout=5)
        await asyncio.sleep(0.2)
    assert handled == [42]


async def test_stop_lets_the_update_in_progress_finish(tg: TelegramDouble, bot: Bot) -> None:
    finished: list[str] = []
    entered = asyncio.Event()

    async def handler(message: Message) -> None:
        entered.set()
        await asyncio.sleep(0.3)
        finished.append(message.text or "")

    async with polling(bot, handler):
        update_id = tg.push_text(A, "đang làm")
        await asyncio.wait_for(entered.wait(), 5)
    # run() returned only after the update was done, and told Telegram so.
    assert finished == ["đang làm"]
    assert update_id not in [u["update_id"] for u in tg.pending_updates]


async def test_isolation_forgets_idle_chats() -> None:
    from aiogram.fsm.storage.base import StorageKey

    isolation = ChatIsolation()
    key = StorageKey(bot_id=1, chat_id=A, user_id=A)
    async with isolation.lock(key):
        assert isolation.active == 1
    assert isolation.active == 0


async def test_an_unreadable_update_is_skipped_not_retried_for_ever(
    tg: TelegramDouble, bot: Bot
) -> None:
    handled: list[str] = []

    async def handler(message: Message) -> None:
        handled.append(message.text or "")

    tg.push_text(A, "trước")
    # Telegram will not send this, but a newer Bot API might send something aiogram cannot
    # read yet: without care the whole batch fails to parse on every poll.
    poison = tg.push_raw_update({"message": {"message_id": "x", "chat": {"id": A}}})
    tg.push_text(A, "sau")
    async with polling(bot, handler):
        await tg.wait_for(lambda: handled == ["trước", "sau"], timeout=5)
        await tg.wait_for(lambda: not tg.pending_updates, timeout=5)
    assert poison not in [u["update_id"] for u in tg.pending_updates]
