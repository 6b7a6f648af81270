"""TelegramChannel.send / reply against the Bot API double over real HTTP: what the person
sees (splitting, editing, keyboards, files) and what happens when Telegram pushes back (429,
5xx, timeouts, a blocked chat)."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest, TelegramForbiddenError, TelegramRetryAfter
from sqlalchemy import select

from bot.bootstrap import StoredChats
from bot.i18n import Translator
from bot.outbox.delivery import RetryLater, Unreachable
from bot.rendering import Button, Reply
from bot.settings import PROJECT_ROOT
from bot.telegram.sender import TelegramChannel, TelegramLimits, translate_errors
from storage.db import Database
from storage.tables import ChannelIdentityRow
from storage.uow import UnitOfWork
from tests.conftest import FakeClock
from tests.support.telegram_double import TelegramDouble

CHAT = 501
TOKEN = "123456:TEST"


def fast() -> TelegramLimits:
    # Limiters belong to one event loop: a fresh one per test.
    return TelegramLimits(1000, push_per_second=1000, push_chat_interval=0)


@pytest.fixture
async def tg() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble(timeout_fault_delay=1.5) as double:
        yield double
        assert not double.errors


@pytest.fixture
def translator() -> Translator:
    return Translator(PROJECT_ROOT / "locales")


@pytest.fixture
async def bot(tg: TelegramDouble) -> AsyncIterator[Bot]:
    bot = tg.make_bot(TOKEN)
    # A short request timeout, so an injected "timeout" fault is a quick network error.
    bot.session.timeout = 0.5
    yield bot
    await bot.session.close()


@pytest.fixture
def channel(bot: Bot, translator: Translator) -> TelegramChannel:
    return TelegramChannel(bot, translator, limits=fast())


def question(text: str, step: int) -> Reply:
    buttons = ((Button("1. Có", f"a:{step}:yes"),), (Button("2. Không", f"a:{step}:no"),))
    return Reply(text, buttons, is_prompt=True)


async def test_a_question_arrives_with_its_buttons(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    await channel.reply(CHAT, [question("Câu 1/2\nCó góc học tập không?", 1)])
    [message] = tg.messages(CHAT)
    assert message.text == "Câu 1/2\nCó góc học tập không?"
    assert [b["callback_data"] for b in message.buttons] == ["a:1:yes", "a:1:no"]
    assert channel.live_prompt(CHAT) == message.message_id


async def test_long_text_is_split_on_line_boundaries_with_buttons_on_the_last_part(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    lines = [f"{i:03}. Hộ gia đình số {i} — đã tự đánh giá, chờ xác nhận" for i in range(300)]
    text = "\n".join(lines)
    assert len(text) > 2 * 4096
    await channel.send(str(CHAT), [Reply(text, ((Button("Tiếp", "m:next"),),), True)])

    parts = tg.messages(CHAT)
    assert len(text) == 16_389 and len(parts) == 5
    assert all(len(p.content) <= 4096 for p in parts)
    # Cut only between lines: every part is whole lines, and nothing is lost or reordered.
    assert "\n".join(p.content for p in parts) == text
    assert all(set(p.content.splitlines()) <= set(lines) for p in parts)
    assert [bool(p.buttons) for p in parts] == [False] * (len(parts) - 1) + [True]


async def test_the_echo_of_a_typed_answer_edits_the_question(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    await channel.reply(CHAT, [question("Câu 1/2\nCó góc học tập không?", 1)])
    first = tg.last_message(CHAT)
    echo = Reply("Có góc học tập không?\n✓ Có", replaces_prompt=True)
    await channel.reply(CHAT, [echo, question("Câu 2/2\nCó tủ sách không?", 2)])

    messages = tg.messages(CHAT)
    assert len(messages) == 2
    assert messages[0].text == "Có góc học tập không?\n✓ Có"
    assert not messages[0].buttons  # answered: its buttons are gone
    assert messages[1].buttons and channel.live_prompt(CHAT) == messages[1].message_id
    assert tg.message(CHAT, first.message_id).edited


async def test_the_echo_of_a_tap_edits_the_tapped_message(
    tg: TelegramDouble, translator: Translator, bot: Bot
) -> None:
    # Another process sent the question (a restart): only the tap says which message it was.
    earlier = TelegramChannel(bot, translator, limits=fast())
    await earlier.reply(CHAT, [question("Câu 1/1\nCó?", 1)])
    tapped = tg.last_message(CHAT).message_id
    fresh = TelegramChannel(bot, translator, limits=fast())
    await fresh.reply(CHAT, [Reply("Có?\n✓ Có", replaces_prompt=True)], tapped=tapped)
    assert [m.text for m in tg.messages(CHAT)] == ["Có?\n✓ Có"]


async def test_an_echo_with_nothing_to_edit_is_sent(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    await channel.reply(CHAT, [Reply("Có?\n✓ Có", replaces_prompt=True)])
    assert [m.text for m in tg.messages(CHAT)] == ["Có?\n✓ Có"]


async def test_a_new_question_retires_the_buttons_of_the_previous_one(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    await channel.reply(CHAT, [question("Câu 2/3\nHỏi?", 2)])
    # "Back": the previous question is asked again without an echo.
    await channel.reply(CHAT, [Reply("Dạ, chưa rõ ý ạ."), question("Câu 1/3\nHỏi lại?", 1)])
    old, refusal, new = tg.messages(CHAT)
    assert not old.buttons and old.text == "Câu 2/3\nHỏi?"
    assert not refusal.buttons and new.buttons
    # A plain message (no new question) leaves the current one alone.
    await channel.reply(CHAT, [Reply("Dạ, đã nhận ảnh minh chứng.")])
    assert tg.message(CHAT, new.message_id).buttons


async def test_a_push_with_buttons_leaves_the_question_on_screen_alone(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    await channel.reply(CHAT, [question("Câu 3/15\nHỏi?", 3)])
    current = tg.last_message(CHAT)
    digest = Reply("Bản tin tuần", ((Button("Xem chi tiết", "m:report"),),), is_prompt=True)
    await channel.send(str(CHAT), [digest])
    assert tg.message(CHAT, current.message_id).buttons
    assert tg.last_message(CHAT).buttons
    assert channel.live_prompt(CHAT) == current.message_id
    assert not channel.is_retired(CHAT, tg.last_message(CHAT).message_id)


async def test_a_tap_on_an_old_message_takes_its_buttons_away(
    tg: TelegramDouble, channel: TelegramChannel, translator: Translator, bot: Bot
) -> None:
    earlier = TelegramChannel(bot, translator, limits=fast())
    await earlier.reply(CHAT, [question("Câu 1/2\nCũ?", 1)])
    stale = tg.last_message(CHAT)
    await channel.reply(
        CHAT, [Reply("Dạ, nút này đã cũ."), question("Câu 2/2\nMới?", 2)], tapped=stale.message_id
    )
    assert not tg.message(CHAT, stale.message_id).buttons
    assert tg.last_message(CHAT).buttons
    assert channel.is_retired(CHAT, stale.message_id)


async def test_documents_and_photos(tg: TelegramDouble, channel: TelegramChannel) -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"0" * 64
    await channel.send(
        str(CHAT),
        [
            Reply("Danh sách đề nghị công nhận", document=("de-nghi.xlsx", b"PK\x03\x04 data")),
            Reply("Tiến độ năm 2026", photo=png),
            Reply("x" * 1500, photo=png),  # too long for a caption: text first, then the photo
        ],
    )
    document, photo, long_text, bare_photo = tg.messages(CHAT)
    assert (document.kind, document.filename, document.caption) == (
        "document",
        "de-nghi.xlsx",
        "Danh sách đề nghị công nhận",
    )
    assert document.data == b"PK\x03\x04 data"
    assert (photo.kind, photo.caption) == ("photo", "Tiến độ năm 2026")
    assert long_text.text == "x" * 1500
    assert bare_photo.kind == "photo" and bare_photo.caption is None


async def test_contact_request_shows_the_share_button_until_answered(
    tg: TelegramDouble, channel: TelegramChannel, translator: Translator
) -> None:
    await channel.reply(CHAT, [Reply("Số điện thoại?", request_contact=True)])
    keyboard = tg.reply_keyboard(CHAT)
    assert keyboard is not None
    [[button]] = keyboard["keyboard"]
    assert button == {
        "text": translator("vi", "telegram-share-contact"),
        "request_contact": True,
    }
    # The next plain message takes the keyboard away; messages with inline buttons cannot.
    await channel.reply(CHAT, [question("Câu 1\nHỏi?", 1), Reply("Dạ, cảm ơn.")])
    assert tg.reply_keyboard(CHAT) is None
    assert tg.last_message(CHAT).removes_keyboard


async def test_retry_after_is_waited_out(tg: TelegramDouble, channel: TelegramChannel) -> None:
    tg.inject("sendMessage", "429", retry_after=1)
    started = time.monotonic()
    await channel.send(str(CHAT), [Reply("Báo cáo tuần")])
    assert time.monotonic() - started >= 1.0
    assert [m.text for m in tg.messages(CHAT)] == ["Báo cáo tuần"]
    assert [c.fault for c in tg.calls("sendMessage")] == ["429", None]


async def test_server_errors_and_timeouts_are_retried(
    tg: TelegramDouble, bot: Bot, translator: Translator
) -> None:
    # Retried at once here; the backoff between attempts is tested in test_delivery_limits.
    channel = TelegramChannel(bot, translator, limits=fast(), backoff=False)
    tg.inject("sendMessage", "500")
    tg.inject("sendMessage", "502")
    await channel.send(str(CHAT), [Reply("Một")])
    assert [m.text for m in tg.messages(CHAT)] == ["Một"]
    assert tg.fault_count("sendMessage") == 2

    tg.inject("sendMessage", "timeout")  # held longer than the bot waits
    await channel.send(str(CHAT), [Reply("Hai")])
    assert "Hai" in [m.text for m in tg.messages(CHAT)]


async def test_retries_give_up_with_retry_later(
    tg: TelegramDouble, bot: Bot, translator: Translator
) -> None:
    channel = TelegramChannel(bot, translator, limits=fast(), attempts=3, backoff=False)
    tg.inject("sendMessage", "502", times=3)
    with pytest.raises(RetryLater):
        await channel.send(str(CHAT), [Reply("Không tới")])
    assert tg.messages(CHAT) == []


async def test_a_blocked_chat_is_unreachable_and_flagged(
    tg: TelegramDouble, bot: Bot, translator: Translator, db: Database
) -> None:
    async with db.session() as session:
        uow = UnitOfWork(session, FakeClock()())
        await uow.chats.identity("telegram", "777", "777")
        await uow.chats.identity("telegram", "778", "778")
    channel = TelegramChannel(bot, translator, chats=StoredChats(db.unit_of_work), limits=fast())
    tg.block_chat(777)

    with pytest.raises(Unreachable):
        await channel.send("777", [Reply("Nhắc: phiếu còn dở"), Reply("Câu tiếp")])
    # Given up at once: no retries, nothing after the first refusal.
    assert tg.blocked_attempts == [("sendMessage", 777)]

    async with db.session() as session:
        rows = (await session.execute(select(ChannelIdentityRow))).scalars().all()
        flags = {row.external_id: row.unreachable for row in rows}
    assert flags == {"777": True, "778": False}


async def test_answers_in_a_private_chat_go_out_at_once(
    tg: TelegramDouble, bot: Bot, translator: Translator
) -> None:
    # Telegram's own limits, as the running bot has them: no pacing per private chat.
    channel = TelegramChannel(bot, translator, limits=TelegramLimits())
    started = time.monotonic()
    for n in range(4):
        # An answer: the question edited to show the choice, then the next question.
        await channel.reply(
            CHAT, [Reply(f"Câu {n}: Có", replaces_prompt=True), question(f"Câu {n + 1}", n + 1)]
        )
    assert time.monotonic() - started < 0.5  # was a second per message at 1/s per chat
    assert [m.text for m in tg.messages(CHAT)] == [
        "Câu 0: Có",
        "Câu 1: Có",
        "Câu 2: Có",
        "Câu 3: Có",
        "Câu 4",
    ]


async def test_pushes_to_one_chat_are_spaced_and_have_a_lower_overall_rate(
    tg: TelegramDouble, bot: Bot, translator: Translator
) -> None:
    limits = TelegramLimits(1000, push_per_second=5, push_chat_interval=0.2)
    channel = TelegramChannel(bot, translator, limits=limits)
    await channel.send(str(CHAT), [Reply("Bản tin"), Reply("Biểu đồ"), Reply("Ghi chú")])
    times = [r.at for r in tg.calls("sendMessage")]
    assert all(later - earlier >= 0.18 for earlier, later in itertools.pairwise(times)), times
    started = time.monotonic()
    for chat in range(2000, 2010):
        await channel.send(str(chat), [Reply("Bản tin tuần")])
    assert time.monotonic() - started >= 0.8  # 10 pushes at 5/s: 5 at once, 5 over a second
    started = time.monotonic()
    for chat in range(3000, 3010):
        await channel.reply(chat, [Reply("Dạ")])
    assert time.monotonic() - started < 0.5  # answers are not queued behind pushes


async def test_a_429_holds_every_chat_for_its_retry_after(
    tg: TelegramDouble, bot: Bot, translator: Translator
) -> None:
    channel = TelegramChannel(bot, translator, limits=TelegramLimits())
    tg.inject("sendMessage", "429", retry_after=1)
    first = asyncio.create_task(channel.reply(CHAT, [Reply("Một")]))
    await tg.wait_for(lambda: tg.fault_count("sendMessage", "429") == 1, timeout=5)
    refused_at = tg.calls("sendMessage")[0].at
    await channel.reply(CHAT + 1, [Reply("Hai")])  # another chat, after the refusal
    await first
    sent = {r.params["chat_id"]: r.at for r in tg.calls("sendMessage") if r.fault is None}
    assert min(sent.values()) - refused_at >= 0.95, sent
    assert [m.text for m in tg.messages(CHAT)] == ["Một"]
    assert [m.text for m in tg.messages(CHAT + 1)] == ["Hai"]


def test_telegram_errors_become_shared_outcomes() -> None:
    method = None
    retry = translate_errors(TelegramRetryAfter(method, "Too Many Requests", 7))  # type: ignore[arg-type]
    assert isinstance(retry, RetryLater) and retry.retry_after == 7
    blocked = translate_errors(TelegramForbiddenError(method, "bot was blocked"))  # type: ignore[arg-type]
    assert isinstance(blocked, Unreachable)
    gone = translate_errors(TelegramBadRequest(method, "Bad Request: chat not found"))  # type: ignore[arg-type]
    assert isinstance(gone, Unreachable)
    other = TelegramBadRequest(method, "Bad Request: message text is empty")  # type: ignore[arg-type]
    assert translate_errors(other) is other
