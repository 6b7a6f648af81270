"""The aiogram handlers between the double and a scripted service: what reaches the service as
an `Inbound`, and what comes back to the person (answers to taps, apologies, blocked chats)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

import pytest
from aiogram import Bot

from bot.answering import Answering
from bot.bootstrap import StoredChats
from bot.i18n import Translator
from bot.inbound import Inbound
from bot.rendering import Button, Reply
from bot.settings import PROJECT_ROOT
from bot.telegram.handlers import ALLOWED_UPDATES, TelegramBridge
from bot.telegram.polling import Poller
from bot.telegram.runner import make_dispatcher
from bot.telegram.sender import TelegramChannel, TelegramLimits
from storage.db import Database
from storage.tables import ChannelIdentityRow
from storage.uow import UnitOfWork
from tests.conftest import FakeClock
from tests.support.telegram_double import TelegramDouble

CHAT = 701


@dataclass
class ScriptedService:
    """Stands in for ChatService: records what arrives, answers with `answer(inbound)`."""

    answer: Callable[[Inbound], list[Reply]] = lambda inbound: [Reply(f"Dạ: {inbound.kind}")]
    delay: float = 0.0
    seen: list[Inbound] = field(default_factory=list)

    async def handle(self, inbound: Inbound) -> list[Reply]:
        self.seen.append(inbound)
        if self.delay:
            await asyncio.sleep(self.delay)
        return self.answer(inbound)


@pytest.fixture
async def tg() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble() as double:
        yield double
        assert not double.errors


@pytest.fixture
def translator() -> Translator:
    return Translator(PROJECT_ROOT / "locales")


@contextlib.asynccontextmanager
async def running(
    tg: TelegramDouble,
    service: ScriptedService,
    translator: Translator,
    db: Database | None = None,
) -> AsyncIterator[TelegramChannel]:
    bot: Bot = tg.make_bot()
    limits = TelegramLimits(1000, push_per_second=1000, push_chat_interval=0)
    chats = StoredChats(db.unit_of_work) if db is not None else None
    channel = TelegramChannel(bot, translator, chats=chats, limits=limits)
    bridge = TelegramBridge(Answering(service, channel.chats, apology="telegram-error"), channel)
    poller = Poller(bot, make_dispatcher(bridge), allowed_updates=ALLOWED_UPDATES, timeout=1)
    stop = asyncio.Event()
    task = asyncio.create_task(poller.run(stop))
    try:
        yield channel
    finally:
        stop.set()
        await asyncio.wait_for(task, 10)
        await bot.session.close()


async def until(tg: TelegramDouble, condition: Callable[[], Any]) -> None:
    await tg.wait_for(condition, timeout=5)
    await tg.wait_idle(quiet=0.1, timeout=5)


async def test_what_people_send_reaches_the_service_as_inbound(
    tg: TelegramDouble, translator: Translator
) -> None:
    service = ScriptedService()
    async with running(tg, service, translator):
        text_update = tg.push_text(CHAT, "/start@hoctap_test_bot ABCD2345", first_name="Lan")
        photo_id = tg.push_photo(CHAT, caption="giấy khen")
        scan_id = tg.push_document(CHAT, b"\xff\xd8jpeg", "hoc-ba.jpg", mime_type="image/jpeg")
        tg.push_document(CHAT, b"%PDF", "don.pdf")
        tg.push_contact(CHAT, "+84912345678")
        tg.push_contact(CHAT, "+84987654321", user_id=999)  # somebody else's card
        tg.push_sticker(CHAT)
        await until(tg, lambda: len(service.seen) == 7)

    first = service.seen[0]
    assert first == Inbound(
        channel="telegram",
        chat_id=str(CHAT),
        user_id=str(CHAT),
        kind="text",
        text="/start ABCD2345",
        display_name="Lan",
        language_code="vi",
        update_key=str(text_update),
    )
    kinds = [(i.kind, i.text, i.file_ref) for i in service.seen[1:]]
    assert kinds == [
        ("photo", "giấy khen", photo_id),
        ("photo", "", scan_id),
        ("other", "", None),
        ("contact", "+84912345678", None),
        ("other", "", None),
        ("sticker", "", None),
    ]
    assert len(tg.messages(CHAT)) == 7  # each got its answer


async def test_a_tap_is_answered_and_its_echo_edits_the_question(
    tg: TelegramDouble, translator: Translator
) -> None:
    question = Reply("Câu 1/1\nCó?", ((Button("1. Có", "a:1:yes"),),), is_prompt=True)

    def answer(inbound: Inbound) -> list[Reply]:
        if inbound.kind == "callback":
            return [Reply("Có?\n✓ Có", replaces_prompt=True), Reply("Xong.")]
        return [question]

    service = ScriptedService(answer)
    async with running(tg, service, translator):
        tg.push_text(CHAT, "/start")
        await until(tg, lambda: tg.messages(CHAT))
        query = tg.press_button(CHAT, "Có")
        reply = await tg.wait_for_callback_answer(query)
        await until(tg, lambda: len(tg.messages(CHAT)) == 2)

    assert reply.text is None  # a fresh tap needs no toast
    assert service.seen[-1].kind == "callback" and service.seen[-1].data == "a:1:yes"
    first, done = tg.messages(CHAT)
    assert first.text == "Có?\n✓ Có" and not first.buttons
    assert done.text == "Xong."


async def test_a_tap_on_an_old_question_gets_a_short_answer(
    tg: TelegramDouble, translator: Translator
) -> None:
    steps = iter(range(1, 10))

    def answer(inbound: Inbound) -> list[Reply]:
        step = next(steps)
        return [Reply(f"Câu {step}", ((Button("Có", f"a:{step}:yes"),),), is_prompt=True)]

    async with running(tg, ScriptedService(answer), translator):
        tg.push_text(CHAT, "1")
        await until(tg, lambda: len(tg.messages(CHAT)) == 1)
        old = tg.messages(CHAT)[0]
        tg.push_text(CHAT, "2")
        await until(tg, lambda: len(tg.messages(CHAT)) == 2)
        query = tg.push_callback(CHAT, old, "a:1:yes")
        reply = await tg.wait_for_callback_answer(query)
    assert reply.text == translator("vi", "telegram-stale-button")


async def test_a_failure_in_the_service_gets_an_apology_not_silence(
    tg: TelegramDouble, translator: Translator
) -> None:
    def answer(inbound: Inbound) -> list[Reply]:
        if inbound.kind == "callback":
            raise RuntimeError("database unavailable")
        return [Reply("Hỏi?", ((Button("Có", "a:1:yes"),),), is_prompt=True)]

    async with running(tg, ScriptedService(answer), translator):
        tg.push_text(CHAT, "/start")
        await until(tg, lambda: tg.messages(CHAT))
        query = tg.press_button(CHAT, "Có")
        await tg.wait_for_callback_answer(query)  # the spinner stops even so
        await until(tg, lambda: len(tg.messages(CHAT)) == 2)
    assert tg.last_message(CHAT).text == translator("vi", "telegram-error")


async def test_group_chats_are_ignored(tg: TelegramDouble, translator: Translator) -> None:
    service = ScriptedService()
    group = {"id": -100123, "type": "supergroup", "title": "Chi hội thôn Sen"}
    async with running(tg, service, translator):
        tg.push_raw_update(
            {
                "message": {
                    "message_id": 5,
                    "date": 1_790_000_000,
                    "chat": group,
                    "from": {"id": CHAT, "is_bot": False, "first_name": "Lan"},
                    "text": "1",
                }
            }
        )
        tg.push_text(CHAT, "riêng")
        await until(tg, lambda: service.seen)
    assert [i.text for i in service.seen] == ["riêng"]


async def test_slow_answers_show_typing(tg: TelegramDouble, translator: Translator) -> None:
    async with running(tg, ScriptedService(delay=1.2), translator):
        tg.push_text(CHAT, "xem lại")
        await until(tg, lambda: tg.messages(CHAT))
    assert tg.chat_actions(CHAT) == ["typing"]


async def test_blocking_and_unblocking_the_bot_is_recorded(
    tg: TelegramDouble, translator: Translator, db: Database
) -> None:
    async with db.session() as session:
        await UnitOfWork(session, FakeClock()()).chats.identity("telegram", str(CHAT), str(CHAT))

    async def unreachable() -> bool:
        async with db.session() as session:
            row = (await session.execute(ChannelIdentityRow.__table__.select())).one()
        return bool(row.unreachable)

    async def reachable() -> bool:
        return not await unreachable()

    async with running(tg, ScriptedService(), translator, db):
        tg.block_chat(CHAT, notify=True)
        await tg.wait_for(unreachable, timeout=5)
        tg.unblock_chat(CHAT, notify=True)
        await tg.wait_for(reachable, timeout=5)
