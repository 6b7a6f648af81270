"""A household on Telegram (the real bot process against the Bot API double) joins, answers,
sends an evidence photo, deletes its data with /xoa and writes once more: nothing in the
database names it afterwards, not even the first name Telegram shows."""

from __future__ import annotations

from pathlib import Path

import pytest

from storage.db import Database
from tests.e2e.conftest import BotDatabase, StartTelegram
from tests.support.answers import FULL_ANSWERS
from tests.support.scan import find_anywhere
from tests.support.telegram_double import TelegramDouble

pytestmark = pytest.mark.e2e

CHAT_ID = 7301
NAME = "Hà Thị Xuyến Chi"
FIRST_NAME = "Chi Xuyen Tele"  # Telegram's profile name, sent with every message


async def say(tg: TelegramDouble, text: str, expect: str) -> str:
    """Send `text` as the household; wait for a bot message containing `expect`."""
    seen = len(tg.messages(CHAT_ID))
    tg.push_text(CHAT_ID, text, first_name=FIRST_NAME)
    return await answer(tg, seen, expect, text)


async def answer(tg: TelegramDouble, seen: int, expect: str, sent: str) -> str:
    await tg.wait_for(
        lambda: any(expect in m.content for m in tg.messages(CHAT_ID)[seen:]),
        timeout=30,
        message=lambda: f"no {expect!r} after {sent!r}\n{tg.transcript(CHAT_ID)}",
    )
    return "\n".join(m.content for m in tg.messages(CHAT_ID)[seen:])


async def test_xoa_on_telegram_leaves_no_name_photo_or_profile_name(
    telegram_bot: StartTelegram, tg: TelegramDouble, bot_database: BotDatabase, tmp_path: Path
) -> None:
    evidence = tmp_path / "evidence"
    await telegram_bot("polling", EVIDENCE_DIR=str(evidence), PHOTO_FETCH_POLL_SECONDS="0.2")
    await say(tg, f"/start {bot_database.invite('household')}", "đồng ý")
    await say(tg, "1", "họ và tên chủ hộ")
    await say(tg, NAME, "đúng không")
    shown = await say(tg, "1", "Câu 1/")
    photo = None
    for text in FULL_ANSWERS[:-1]:
        if photo is None and "ảnh minh chứng" in shown:
            seen = len(tg.messages(CHAT_ID))
            photo = tg.push_photo(CHAT_ID)
            await answer(tg, seen, "đã nhận ảnh minh chứng", "a photo")
        shown = await say(tg, text, "Câu ")
    assert photo is not None
    await say(tg, FULL_ANSWERS[-1], "xem lại")
    await say(tg, "gui", "Tổng: 100/100")

    db = Database(bot_database.url)
    try:
        assert {t for t, _, _ in await find_anywhere(db, [NAME, FIRST_NAME, photo])} >= {
            "households",
            "evidence",
        }
        # The running bot copies the photo into its photo store (getFile), beside the chat.
        await tg.wait_for(lambda: len(list(evidence.glob("*.jpg"))) == 1, timeout=30)
        [copy] = evidence.glob("*.jpg")
        assert copy.read_bytes() == tg.file_bytes(photo)
        await say(tg, "/xoa", "chắc chắn muốn xóa")
        await say(tg, "1", "đã xóa dữ liệu")
        await say(tg, "xin chào", "chưa được mời")
        assert await find_anywhere(db, [NAME, FIRST_NAME, photo]) == []
        assert list(evidence.iterdir()) == []  # the copy went with the rows
    finally:
        await db.dispose()
    assert bot_database.query("SELECT status, total FROM assessments") == [
        {"status": "submitted", "total": 100.0}
    ]
