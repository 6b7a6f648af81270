"""From a village QR code to a recognised title, on the Telegram double, against the real bot
process: a household joins and self-assesses, the collaborator returns it with a comment, the
household fixes and resubmits, the collaborator verifies, the chair proposes and records the
decision. The notices each of them is sent travel through the outbox worker."""

from __future__ import annotations

import pytest

from bot.i18n import Translator
from tests.e2e.conftest import Chat, StartTelegram
from tests.support.answers import FULL_ANSWERS
from tests.support.telegram_double import TelegramDouble

pytestmark = pytest.mark.e2e

HOUSEHOLD, COLLABORATOR, CHAIR = 601, 602, 603


async def _join(chat: Chat, code: str, name: str, t: Translator) -> None:
    await chat.say(f"/start {code}")
    await chat.say(name)
    replies = await chat.say("bỏ qua")  # no phone number
    assert any(t("vi", "join-done") in m.content for m in replies), chat.transcript()


async def _wait_text(tg: TelegramDouble, chat: Chat, text: str) -> None:
    await tg.wait_for(
        lambda: any(text in m.content for m in chat.messages),
        timeout=20,
        message=lambda: f"no message with {text!r}\n{chat.transcript()}",
    )


async def test_household_to_recognised_title(
    telegram_bot: StartTelegram, tg: TelegramDouble, t: Translator
) -> None:
    bot = await telegram_bot("polling", OUTBOX_POLL_SECONDS="0.2")
    db = bot.db
    household = Chat(tg, HOUSEHOLD, "Hoa")
    collaborator = Chat(tg, COLLABORATOR, "Tâm")
    chair = Chat(tg, CHAIR, "Chủ")

    # The household scans the village QR code: consent, name, village, then its questions.
    await household.say(f"/start {db.invite('household')}")
    await household.tap(t("vi", "join-agree"))
    await household.say("Trần Thị Hoa")
    replies = await household.tap(t("vi", "join-yes"))
    assert any(m.content.startswith("Câu 1/") for m in replies), household.transcript()
    for answer in FULL_ANSWERS:
        await household.say(answer)
    result = await household.say("gửi")
    assert any("Tổng: 100/100 điểm" in m.content for m in result), household.transcript()

    # The collaborator joins, is told of the submission, and returns it with a comment.
    await _join(collaborator, db.invite("collaborator"), "Lê Văn Tâm", t)
    await collaborator.tap(t("vi", "menu-verify", count=1))
    await collaborator.tap("Trần Thị Hoa")
    await collaborator.tap(t("vi", "action-return"))
    await collaborator.say("Thiếu ảnh góc học tập")
    await _wait_text(tg, household, "Thiếu ảnh góc học tập")

    # The household fixes one answer from the review screen and sends it again.
    await household.say("/start")
    await household.tap(t("vi", "menu-fix", comment="Thiếu ảnh góc học tập"))
    await household.say("12")
    await household.say("không")
    result = await household.say("gửi")
    assert any("Tổng: 90/100 điểm" in m.content for m in result), household.transcript()

    # Verified; the household is told.
    await collaborator.say("/start")
    await collaborator.tap(t("vi", "menu-verify", count=1))
    await collaborator.tap("Trần Thị Hoa")
    await collaborator.tap(t("vi", "action-verify"))
    await _wait_text(tg, household, "đã được cộng tác viên xác nhận")

    # The chair proposes it and records the decision.
    await _join(chair, db.invite("chair"), "Phạm Văn Chủ", t)
    await chair.tap(t("vi", "menu-propose", count=1))
    await chair.tap("Trần Thị Hoa")
    await chair.tap(t("vi", "action-propose"))
    await chair.say("/start")
    await chair.tap(t("vi", "menu-decide"))
    await chair.say("15/QĐ-UBND")
    replies = await chair.say("20/11/2026")
    assert any("Quyết định số 15/QĐ-UBND ngày 20/11/2026 cho 1 phiếu" in m.content for m in replies)
    await _wait_text(tg, household, "Chúc mừng")

    [row] = db.query("SELECT status, total, decision_number, decision_date FROM assessments")
    assert (row["status"], row["total"], row["decision_number"]) == ("recognised", 90, "15/QĐ-UBND")
    assert str(row["decision_date"]).startswith("2026-11-20")
    statuses = [
        r["new"]
        for r in db.query("SELECT new FROM assessment_log WHERE action = 'status' ORDER BY id")
    ]
    assert [db.json(s) for s in statuses] == [
        "draft",
        "submitted",
        "returned",
        "draft",
        "submitted",
        "verified",
        "proposed",
        "recognised",
    ]
    # Each notice was sent once and recorded so (the last one is recorded just after sending).
    await tg.wait_for(
        lambda: (
            {r["status"] for r in db.query("SELECT status FROM outbox WHERE kind = 'notice'")}
            == {"sent"}
        ),
        timeout=10,
    )
    texts = [m.content for m in household.messages]
    assert sum("Chúc mừng" in text for text in texts) == 1
    assert await bot.stop() == 0
