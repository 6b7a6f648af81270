"""A collaborator does a whole household assessment on Telegram, against the real bot process.

The same conversation runs in long-polling and in webhook mode. On the way it goes back,
gives an answer the bot refuses, sends an evidence photo, taps an old button and a button
twice, loses the bot (SIGKILL) in the middle and carries on after the restart, changes an
answer from the review screen and submits. Then it checks what was stored and what the
person saw.
"""

from __future__ import annotations

import asyncio

import pytest

from bot.i18n import Translator
from tests.e2e.conftest import Chat, StartTelegram, join_as_collaborator
from tests.support.telegram_double import SentMessage, TelegramDouble, button_data

pytestmark = pytest.mark.e2e

CHAT_ID = 501
COLLABORATOR = "Nguyễn Thị Lan"
HEAD = "Nguyễn Văn An"


def vi(t: Translator, message_id: str, **args: object) -> str:
    return t("vi", message_id, **args)


async def tap_twice(chat: Chat, message: SentMessage, label: str) -> None:
    """Two taps on the same button before the bot has seen either (an impatient thumb)."""
    data = message.button_data(label)
    first = chat.tg.push_callback(chat.id, message, data)
    second = chat.tg.push_callback(chat.id, message, data)
    await chat.tg.wait_for_callback_answer(first, timeout=15)
    await chat.tg.wait_for_callback_answer(second, timeout=15)
    await chat.settle()


@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_household_assessment_end_to_end(
    mode: str, telegram_bot: StartTelegram, tg: TelegramDouble, t: Translator
) -> None:
    bot = await telegram_bot(mode)
    db = bot.db
    chat = Chat(tg, CHAT_ID)

    # Commands in Telegram's menu: Vietnamese by default, English for English phones.
    names = [c["command"] for c in tg.commands() or []]
    # /baocao only once reports are wired into the service.
    assert names[:3] == ["start", "menu", "help"] and set(names[3:]) <= {"baocao"}
    assert (tg.commands() or [])[0]["description"] == vi(t, "telegram-command-start")
    assert (tg.commands("en") or [])[2]["description"] == t("en", "telegram-command-help")

    # Joining through the invite deep link; the phone number by Telegram's contact button.
    await join_as_collaborator(chat, db, t, COLLABORATOR)
    menu = chat.prompt()
    await chat.tap(vi(t, "menu-household"))
    assert not chat.tg.message(CHAT_ID, menu.message_id).buttons  # the tapped menu is spent
    await chat.tap("Thôn Sen 1")

    # Typed answers; the answered question is edited in place to show the answer.
    question = chat.prompt()
    assert question.content.startswith("Câu 1/")
    await chat.say(HEAD)
    assert chat.message(question.message_id).content.endswith(f"✓ {HEAD}")
    assert not chat.message(question.message_id).buttons

    replies = await chat.say("nhiều lắm")  # not a number: refused, asked again
    assert replies[0].content == vi(t, "rejected-not-a-number"), chat.transcript()
    assert replies[-1].content.startswith("Câu 2/")
    await chat.say("5")
    # Telegram says "too many requests, retry after 1 s": the bot waits, then it arrives.
    tg.inject("sendMessage", "429", retry_after=1)
    replies = await chat.say("2")
    assert replies[-1].content.startswith("Câu 4/"), chat.transcript()
    assert tg.fault_count("sendMessage", "429") == 1
    [refused, retried] = [
        c for c in tg.calls("sendMessage") if c.params["text"] == replies[-1].content
    ]
    assert retried.at - refused.at >= 1.0
    await chat.say("3")

    # Buttons: an option tap edits the question to the choice and asks the next one.
    attendance = chat.prompt()
    assert "đến trường" in attendance.content
    await chat.tap("Có, tất cả")
    assert chat.message(attendance.message_id).content.endswith("✓ Có, tất cả đều đi học")
    assert not chat.message(attendance.message_id).buttons

    # Evidence photo for the question on screen, then the answer.
    results = chat.prompt()
    assert "Kết quả học tập" in results.content
    photo_id = await chat.photo()
    assert chat.last.content.startswith("Dạ, đã nhận ảnh minh chứng (1 ảnh)"), chat.transcript()
    await chat.tap("Tất cả các cháu đều đạt")

    # Back: the previous question again, showing the answer it has; change it.
    await chat.tap(vi(t, "button-back"))
    assert chat.prompt().content.startswith("Câu 6/"), chat.transcript()
    assert "Tất cả các cháu đều đạt" in chat.prompt().content
    await chat.tap("Có cháu chưa đạt")
    conduct = chat.prompt()
    assert conduct.content.startswith("Câu 7/"), chat.transcript()

    # A stale button (an option of a question answered long ago): a short answer and the
    # question on screen again; nothing changes.
    before = len(tg.callback_answers)
    # Its keyboard as it was when sent (the echo has since taken it away).
    old_keyboard = {"reply_markup": attendance.history[0].reply_markup}
    old = tg.push_callback(CHAT_ID, attendance, button_data(old_keyboard, "chưa đi học"))
    toast = await tg.wait_for_callback_answer(old, timeout=15)
    await chat.settle()
    assert toast.text == vi(t, "telegram-stale-button")
    assert vi(t, "rejected-stale") in [m.content for m in chat.messages[-2:]], chat.transcript()
    assert chat.prompt().content.startswith("Câu 7/")
    assert len(tg.callback_answers) == before + 1

    # A double tap: the first is the answer, the second is stale.
    await tap_twice(chat, chat.prompt(), "Có")
    literacy = chat.prompt()
    assert literacy.content.startswith("Câu 8/"), chat.transcript()

    # The bot dies without warning; the person taps while it is down; it comes back.
    await bot.kill()
    query = tg.push_callback(CHAT_ID, literacy, literacy.button_data("Có"))
    await asyncio.sleep(0.3)
    await bot.restart()
    await tg.wait_for_callback_answer(query, timeout=20)
    await chat.settle()
    assert chat.prompt().content.startswith("Câu 9/"), chat.transcript()

    # The rest: yes, yes, yes; devices typed as numbers (several at once); yes, yes, yes.
    for _ in range(3):
        await chat.tap("Có")
    devices = chat.prompt()
    assert "phương tiện" in devices.content
    await chat.say("1, 4")
    for _ in range(3):
        await chat.tap("Có")

    # The review screen lists every answer and counts the photo.
    review = chat.prompt()
    assert review.content.startswith(vi(t, "review-title")), chat.transcript()
    assert f"{HEAD}" in review.content
    assert "Có cháu chưa đạt 📷 1" in review.content
    assert vi(t, "review-evidence-total", count=1) in review.content
    # Change one answer from the review, then come back to it.
    await chat.tap(vi(t, "button-change", number=3), review)
    assert chat.prompt().content.startswith("Câu 2/"), chat.transcript()
    await chat.say("6")
    review = chat.prompt()
    assert "Gia đình có bao nhiêu người? — 6" in review.content, chat.transcript()

    # Submit: the result card with points per criterion and the preliminary title.
    await chat.tap(vi(t, "button-submit"), review)
    card = next(m for m in reversed(chat.messages) if m.content.startswith(vi(t, "result-title")))
    assert "Tiêu chí 1 – Học tập của trẻ em trong gia đình: 25/30 điểm" in card.content
    assert "Tổng: 95/100 điểm" in card.content
    assert "Sơ bộ: ĐẠT danh hiệu “Gia đình học tập”." in card.content
    assert chat.last.buttons, "the menu comes back after the result"

    # --- what was stored ---------------------------------------------------------------
    [row] = db.query("SELECT * FROM assessments WHERE status = 'submitted'")
    answers = db.json(row["answers"])
    assert answers["head_name"] == HEAD
    assert answers["members"] == 6
    assert answers["school_attendance"] == "all"
    assert answers["school_results"] == "some"
    assert answers["children_conduct"] == "yes"
    assert answers["adult_literacy"] == "yes"
    assert sorted(answers["info_devices"]) == ["smartphone", "tv"]
    assert (row["total"], bool(row["passed"])) == (95.0, True)
    [evidence] = db.query("SELECT * FROM evidence")
    assert (evidence["question"], evidence["channel"]) == ("school_results", "telegram")
    assert evidence["file_ref"] == photo_id
    # The double tap and the stale tap changed nothing: one change of the conduct answer.
    log = db.query(
        "SELECT * FROM assessment_log WHERE assessment_id = ? AND field = 'children_conduct'",
        row["id"],
    )
    assert len(log) == 1
    [person] = db.query(
        "SELECT p.name, p.phone, p.role FROM people p JOIN channel_identities c"
        " ON c.person_id = p.id WHERE c.channel = 'telegram' AND c.chat_id = ?",
        str(CHAT_ID),
    )
    assert person == {"name": COLLABORATOR, "phone": "0912345678", "role": "collaborator"}

    # --- what the person saw -------------------------------------------------------------
    # Only the menu on screen still has buttons; every tap got its spinner stopped.
    assert [m.message_id for m in chat.live_prompts()] == [chat.last.message_id]
    taps = [u for u in tg.pushed_updates if "callback_query" in u]
    assert len({a.callback_query_id for a in tg.callback_answers}) == len(taps)
    echoes = [m for m in chat.messages if m.edited and "✓" in m.content]
    assert len(echoes) >= 15, chat.transcript()
    assert all(len(m.content) <= 4096 for m in chat.messages)

    # A polite stop: SIGTERM, in-flight work finished, exit code 0.
    assert await bot.stop() == 0
    assert "telegram: stopped" in bot.process.output()
