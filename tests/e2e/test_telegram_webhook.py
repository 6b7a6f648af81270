"""Webhook mode of the real bot process: only Telegram (who knows the secret) gets in, the
health endpoint answers, and an update Telegram delivers twice is applied once."""

from __future__ import annotations

import time

import pytest

from bot.i18n import Translator
from tests.e2e.conftest import WEBHOOK_SECRET, Chat, StartTelegram, get_json, join_as_collaborator
from tests.support.telegram_double import TelegramDouble

pytestmark = pytest.mark.e2e

CHAT_ID = 502
INTRUDER = 424242


async def test_webhook_secret_health_and_redelivery(
    telegram_bot: StartTelegram, tg: TelegramDouble, t: Translator
) -> None:
    bot = await telegram_bot("webhook")
    assert tg.webhook is not None and tg.webhook.secret_token == WEBHOOK_SECRET

    status, body = await get_json(f"http://127.0.0.1:{bot.webhook_port}/healthz")
    assert (status, body) == (200, {"status": "ok", "channels": ["telegram"]})

    # Forged updates: no secret, a wrong one, a right one with a wrong prefix. All refused.
    assert await tg.post_forged_update("/start", secret=None, chat_id=INTRUDER) == 403
    assert await tg.post_forged_update("/start", secret="wrong", chat_id=INTRUDER) == 403
    assert await tg.post_forged_update("/help", secret="x" + WEBHOOK_SECRET) == 403
    assert tg.messages(INTRUDER) == []
    assert bot.db.query("SELECT * FROM chat_states WHERE chat_id = ?", str(INTRUDER)) == []
    assert bot.db.query("SELECT * FROM processed_updates") == []

    # A collaborator starts a household assessment and types the head of household's name.
    chat = Chat(tg, CHAT_ID)
    await join_as_collaborator(chat, bot.db, t, "Trần Văn Minh")
    await chat.tap(t("vi", "menu-household"))
    await chat.tap("Thôn Hoàng Trù")
    assert chat.prompt().content.startswith("Câu 1/")

    # Telegram delivers the same update twice (it did not get our answer the first time).
    update = {
        "update_id": 790000001,
        "message": {
            "message_id": 9001,
            "date": int(time.time()),
            "chat": {"id": CHAT_ID, "type": "private", "first_name": "Minh"},
            "from": {"id": CHAT_ID, "is_bot": False, "first_name": "Minh"},
            "text": "Lê Thị Hoa",
        },
    }
    before = len(chat.messages)
    tg.push_raw_update(update)
    tg.push_raw_update(update)
    await tg.wait_for(
        lambda: [d.status for d in tg.webhook_deliveries if d.update_id == 790000001] == [200, 200],
        timeout=15,
    )
    await chat.settle()

    # Applied once: the name recorded once, no refusal; the redelivery only shows the current
    # question again (the person may not have seen the first reply).
    new = chat.messages[before:]
    assert len(new) == 2, chat.transcript()
    assert all(m.content.startswith("Câu 2/") for m in new), chat.transcript()
    assert chat.message(chat.messages[before - 1].message_id).content.endswith("✓ Lê Thị Hoa")
    [row] = bot.db.query("SELECT answers FROM assessments")
    assert bot.db.json(row["answers"])["head_name"] == "Lê Thị Hoa"
    keys = [r["update_key"] for r in bot.db.query("SELECT update_key FROM processed_updates")]
    assert keys.count("790000001") == 1

    assert await bot.stop() == 0
