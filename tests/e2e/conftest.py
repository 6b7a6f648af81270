"""End-to-end helpers: the real bot process against a local Bot API double.

`bot_database` prepares a migrated SQLite database with the demo commune and hands out its
invite codes; `bot_process` starts `python -m bot` with whatever channel variables a test gives
(Telegram here, Zalo the same way) and always stops it afterwards. The Telegram fixtures build
on those: `tg` is the double, `telegram_bot` starts the bot against it in polling or webhook
mode and waits until it is ready.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import sqlite3
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp
import pytest

from bot.demo import DemoCommune, ensure_demo
from bot.i18n import Translator
from bot.settings import PROJECT_ROOT
from storage.db import Database, upgrade
from tests.support.botprocess import BotProcess, free_port
from tests.support.telegram_double import SentMessage, TelegramDouble

pytestmark = pytest.mark.e2e

TOKEN = "123456:TEST"
WEBHOOK_SECRET = "e2e-secret_0123456789"


# --------------------------------------------------------------------------- generic


@dataclass
class BotDatabase:
    """The bot process's SQLite database, prepared (migrated, demo commune) before it starts."""

    path: Path
    demo: DemoCommune

    @property
    def url(self) -> str:
        return f"sqlite+aiosqlite:///{self.path}"

    def invite(self, role: str = "collaborator") -> str:
        return self.demo.invites[role].code

    def query(self, sql: str, *params: Any) -> list[dict[str, Any]]:
        """Read what the bot stored (a separate connection: the bot may be running)."""
        with contextlib.closing(sqlite3.connect(self.path, timeout=10)) as conn:
            conn.row_factory = sqlite3.Row
            return [dict(row) for row in conn.execute(sql, params)]

    def json(self, value: Any) -> Any:
        return json.loads(value) if isinstance(value, str) else value


@pytest.fixture
async def bot_database(tmp_path: Path) -> BotDatabase:
    path = tmp_path / "bot.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    db = Database(url)
    try:
        demo = await ensure_demo(db)
    finally:
        await db.dispose()
    return BotDatabase(path, demo)


MakeBot = Callable[..., BotProcess]


@pytest.fixture
async def bot_process(tmp_path: Path) -> AsyncIterator[MakeBot]:
    """`bot_process(env)` makes a `python -m bot` process with these variables (start it with
    `await process.start(ready)`); whatever was started is stopped after the test."""
    made: list[BotProcess] = []

    def make(env: Mapping[str, str], *, name: str = "bot") -> BotProcess:
        process = BotProcess(env, tmp_path / name, name=name)
        made.append(process)
        return process

    yield make
    for process in made:
        await process.close()


@pytest.fixture
def t() -> Translator:
    """The bot's own strings, so tests do not copy them."""
    return Translator(PROJECT_ROOT / "locales")


# --------------------------------------------------------------------------- telegram


@pytest.fixture
async def tg() -> AsyncIterator[TelegramDouble]:
    # Webhook retries for a minute, like Telegram keeps retrying: enough for a restart. A
    # "timeout" fault holds a request 1 s: slow, as the fault means; 3 s only made the flaky
    # network test 12 s longer.
    async with TelegramDouble(
        webhook_retry_delay=0.1, webhook_max_attempts=600, timeout_fault_delay=1
    ) as double:
        yield double
        assert not double.errors, f"the double itself failed: {double.errors}"


@dataclass
class TelegramBot:
    """The bot process plus what a test needs to talk to it and check on it."""

    tg: TelegramDouble
    db: BotDatabase
    process: BotProcess
    mode: str
    env: dict[str, str]
    webhook_port: int | None = None
    # getUpdates calls the double had seen when this run started.
    polls_before: int = 0

    @property
    def webhook_url(self) -> str:
        assert self.webhook_port is not None
        return f"http://127.0.0.1:{self.webhook_port}/telegram/webhook"

    async def ready(self) -> bool:
        return await telegram_ready(self)

    async def kill(self) -> None:
        await self.process.kill()

    async def restart(self) -> None:
        """Start (again, after a kill or stop) and wait until it is ready."""
        self.polls_before = len(self.tg.calls("getUpdates"))
        await self.process.start(self.ready, timeout=30)

    async def stop(self) -> int:
        return await self.process.stop()


async def telegram_ready(bot: TelegramBot) -> bool:
    if "telegram: ready" not in bot.process.output():
        return False
    if bot.mode == "polling":
        # Ready once this run asks for updates (an earlier run may have asked before).
        return len(bot.tg.calls("getUpdates")) > bot.polls_before
    hook = bot.tg.webhook
    return hook is not None and hook.url == bot.webhook_url


StartTelegram = Callable[..., Awaitable[TelegramBot]]


@pytest.fixture
async def telegram_bot(
    tg: TelegramDouble, bot_database: BotDatabase, bot_process: MakeBot
) -> StartTelegram:
    """`await telegram_bot(mode="polling"|"webhook", **env)`: the real bot, ready to chat."""

    async def start(mode: str = "polling", **env: str) -> TelegramBot:
        values = {
            "DATABASE_URL": bot_database.url,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE": tg.base_url,
            "TELEGRAM_POLLING_TIMEOUT": "5",
        }
        port = None
        if mode == "webhook":
            port = free_port()
            values |= {
                "WEBHOOK_HOST": "127.0.0.1",
                "WEBHOOK_PORT": str(port),
                "TELEGRAM_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
                "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
            }
        values |= env
        process = bot_process(values, name=f"telegram-{mode}")
        bot = TelegramBot(tg, bot_database, process, mode, values, port)
        await bot.restart()
        return bot

    return start


# --------------------------------------------------------------------------- conversation


class Chat:
    """One person on Telegram, for tests that read like a conversation."""

    def __init__(self, tg: TelegramDouble, chat_id: int, first_name: str = "Lan") -> None:
        self.tg = tg
        self.id = chat_id
        self.first_name = first_name

    @property
    def messages(self) -> list[SentMessage]:
        return self.tg.messages(self.id)

    @property
    def last(self) -> SentMessage:
        return self.tg.last_message(self.id)

    def message(self, message_id: int) -> SentMessage:
        """A bot message in its current state (after edits)."""
        return self.tg.message(self.id, message_id)

    def transcript(self) -> str:
        return self.tg.transcript(self.id)

    def activity(self) -> int:
        """How many API calls (other than polling) the bot has made so far."""
        return sum(1 for r in self.tg.requests if r.method != "getUpdates")

    async def settle(self, since: int | None = None) -> None:
        """Until the bot has reacted (an API call after `since`, if given) and then gone
        quiet: it has answered everything sent so far."""
        if since is not None:
            await self.tg.wait_for(
                lambda: self.activity() > since,
                timeout=15,
                message=lambda: f"the bot did not react\n{self.transcript()}",
            )
        await self.tg.wait_idle(quiet=0.1, timeout=15)

    async def say(self, text: str) -> list[SentMessage]:
        """Send text; return the bot messages that are new once the bot is done."""
        before, mark = len(self.messages), self.activity()
        self.tg.push_text(self.id, text, first_name=self.first_name)
        await self.settle(mark)
        return self.messages[before:]

    async def tap(self, label: str, message: SentMessage | None = None) -> list[SentMessage]:
        """Tap the button labelled `label` (on `message`, else the newest that has it)."""
        before = len(self.messages)
        if message is None:
            query = self.tg.press_button(self.id, label)
        else:
            query = self.tg.push_callback(self.id, message, message.button_data(label))
        await self.tg.wait_for_callback_answer(query, timeout=15)
        await self.settle()
        return self.messages[before:]

    async def photo(self) -> str:
        mark = self.activity()
        file_id = self.tg.push_photo(self.id)
        await self.settle(mark)
        return file_id

    def prompt(self) -> SentMessage:
        """The newest bot message that still has inline buttons: the question on screen."""
        for message in reversed(self.messages):
            if message.buttons:
                return message
        raise AssertionError(f"no message with buttons\n{self.transcript()}")

    def live_prompts(self) -> list[SentMessage]:
        return [m for m in self.messages if m.buttons]


async def join_as_collaborator(chat: Chat, db: BotDatabase, t: Translator, name: str) -> None:
    """The real registration: the deep link `/start <code>`, a name, the phone by contact."""
    replies = await chat.say(f"/start {db.invite('collaborator')}")
    assert t("vi", "join-ask-name") in [m.text for m in replies], chat.transcript()
    replies = await chat.say(name)
    assert replies[-1].text == t("vi", "join-ask-phone"), chat.transcript()
    # The phone question comes with Telegram's "share my number" button.
    keyboard = chat.tg.reply_keyboard(chat.id)
    assert keyboard is not None and keyboard["keyboard"][0][0]["request_contact"] is True
    before, mark = len(chat.messages), chat.activity()
    chat.tg.push_contact(chat.id, "+84912345678")
    await chat.settle(mark)
    texts = [m.content for m in chat.messages[before:]]
    assert any(t("vi", "join-done") in text for text in texts), chat.transcript()
    # ...and once answered, the keyboard is taken away again.
    assert chat.tg.reply_keyboard(chat.id) is None, chat.transcript()


async def get_json(url: str, **kwargs: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.get(url, **kwargs) as response:
        body = await response.text()
        try:
            return response.status, json.loads(body)
        except ValueError:
            return response.status, body
