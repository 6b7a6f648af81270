"""Telegram's command menu per role: everyone's list has no /baocao; a chair's chat lists it
and a household's lists /dulieu and /xoa. Set when a person joins and again at start-up;
against the Bot API double, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import replace

import pytest

from bot.bootstrap import App, telegram_runner
from bot.demo import ensure_demo
from storage.uow import UnitOfWork
from tests.support.telegram_double import TelegramDouble

CHAIR_CHAT = 6101
HOUSEHOLD_CHAT = 6102


@pytest.fixture
async def double() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble() as tg:
        yield tg


def chat_scope(chat_id: int) -> dict[str, object]:
    return {"type": "chat", "chat_id": chat_id}


def names(commands: list[dict[str, str]] | None) -> list[str]:
    return [c["command"] for c in commands or []]


async def run_bot(app: App, double: TelegramDouble) -> tuple[asyncio.Event, asyncio.Task[None]]:
    settings = app.settings.model_copy(
        update={
            "telegram_bot_token": "123456:TEST",
            "telegram_api_base": double.base_url,
            # What is tested here is not pacing: the menus (paced as pushes) go out at once.
            "telegram_push_chat_interval": 0.0,
        }
    )
    runner = telegram_runner(replace(app, settings=settings))
    stop = asyncio.Event()
    polls = len(double.calls("getUpdates"))
    task = asyncio.create_task(runner.run(stop))
    await double.wait_for_call("getUpdates", count=polls + 1)
    return stop, task


async def stop_bot(app: App, stop: asyncio.Event, task: asyncio.Task[None]) -> None:
    stop.set()
    await asyncio.wait_for(task, 30)
    app.service.role_listeners.clear()


async def test_report_command_only_for_chairs_and_data_commands_for_households(
    app: App, double: TelegramDouble
) -> None:
    demo = await ensure_demo(app.db)
    # A household registered earlier (its chat known from a first message).
    async with app.db.session() as s:
        uow = UnitOfWork(s, app.service.clock())
        person = await uow.people.add(
            "Nguyễn Văn An", "household", commune_id=demo.commune_id, village_id=demo.village_ids[0]
        )
        await uow.households.register(demo.village_ids[0], "Nguyễn Văn An", person.id)
        identity = await uow.chats.identity("telegram", str(HOUSEHOLD_CHAT), str(HOUSEHOLD_CHAT))
        await uow.chats.bind(identity.id, person.id)

    stop, task = await run_bot(app, double)
    try:
        await double.wait_idle()
        # Everyone's list: what anyone may use.
        for language in ("", "en"):
            assert names(double.commands(language)) == ["start", "menu", "help"]
        # At start-up the household's chat got its own list, in both languages.
        for language in ("", "en"):
            household = double.commands(language, chat_scope(HOUSEHOLD_CHAT))
            assert names(household) == ["start", "menu", "help", "dulieu", "xoa"]
        assert double.commands("", chat_scope(HOUSEHOLD_CHAT))[3]["description"] == (
            app.translator("vi", "telegram-command-mydata")
        )
        assert double.commands("", chat_scope(CHAIR_CHAT)) is None

        # A chair joins with an invite: their chat lists /baocao.
        double.push_text(CHAIR_CHAT, f"/start {demo.invites['chair'].code}")
        await double.wait_idle()
        double.push_text(CHAIR_CHAT, "Trần Văn Bình")
        await double.wait_idle()
        double.push_text(CHAIR_CHAT, "0912345678")
        await double.wait_for_call("setMyCommands", count=6)
        await double.wait_idle()
        for language in ("", "en"):
            chair = double.commands(language, chat_scope(CHAIR_CHAT))
            assert names(chair) == ["start", "menu", "help", "baocao"], double.transcript(
                CHAIR_CHAT
            )
        assert "baocao" not in names(double.commands())
    finally:
        await stop_bot(app, stop, task)

    # Started again: the chair's chat gets its list at start-up too.
    before = len(double.calls("setMyCommands"))
    stop, task = await run_bot(app, double)
    try:
        await double.wait_idle()
        scopes = [c.params.get("scope") for c in double.calls("setMyCommands")[before:]]
        assert scopes.count(chat_scope(CHAIR_CHAT)) == 2  # vi and en
        assert scopes.count(chat_scope(HOUSEHOLD_CHAT)) == 2
    finally:
        await stop_bot(app, stop, task)
