"""`python -m bot` on a deployment (a channel token set), against the Telegram double (issue 11).

- It used to create the demo commune on every start, with a multi-use chair invite that never
  expires: anyone holding that code became a chair. Now a deployment starts with nothing made.
- An invite made with `--days N` crashed it (a naive expiry from SQLite compared with the
  aware clock): the person opening the link got the generic error. Now the link works.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.i18n import Translator
from storage.db import Database, upgrade
from storage.uow import UnitOfWork
from tests.e2e.conftest import TOKEN, BotDatabase, Chat, MakeBot, StartTelegram
from tests.support.telegram_double import TelegramDouble

pytestmark = pytest.mark.e2e


async def test_bot_with_a_token_creates_no_demo_commune(
    tg: TelegramDouble, bot_process: MakeBot, tmp_path: Path, t: Translator
) -> None:
    path = tmp_path / "deployment.db"
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    env = {
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": tg.base_url,
        "TELEGRAM_POLLING_TIMEOUT": "5",
    }
    process = bot_process(env, name="deployment")

    async def ready() -> bool:
        return "telegram: ready" in process.output() and bool(tg.calls("getUpdates"))

    await process.start(ready, timeout=30)
    chat = Chat(tg, 601)
    replies = await chat.say("/start")
    assert [m.text for m in replies] == [t("vi", "not-registered")], chat.transcript()
    assert await process.stop() == 0

    stored = BotDatabase(path, demo=None)  # type: ignore[arg-type]
    for table in ("provinces", "communes", "villages", "people", "invites"):
        assert stored.query(f"SELECT count(*) AS n FROM {table}") == [{"n": 0}], table


async def test_invite_with_days_opens_on_telegram(
    telegram_bot: StartTelegram, bot_database: BotDatabase, tg: TelegramDouble, t: Translator
) -> None:
    db = Database(bot_database.url)
    try:
        async with db.session() as session:
            uow = UnitOfWork(session, datetime.now(UTC))
            invite = await uow.invites.add(
                "collaborator",
                bot_database.demo.commune_id,
                expires_at=uow.now + timedelta(days=7),
            )
    finally:
        await db.dispose()
    bot = await telegram_bot("polling")  # starts with the invite in the database
    chat = Chat(tg, 602)
    replies = await chat.say(f"/start {invite.code}")
    assert t("vi", "join-ask-name") in [m.text for m in replies], chat.transcript()
    assert await bot.stop() == 0
