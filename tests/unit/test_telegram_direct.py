"""The hot Bot API calls written directly as JSON (bot/telegram/direct.py), against the Bot API
double over real HTTP: what Telegram receives is what aiogram would have sent, only the
message id is read back, and a bot whose calls aiogram must complete still goes through it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest

from bot.i18n import Translator
from bot.rendering import Button, Reply
from bot.settings import PROJECT_ROOT
from bot.telegram.direct import DirectCalls
from bot.telegram.sender import TelegramChannel, TelegramLimits
from tests.support.telegram_double import TelegramDouble

CHAT = 502
TOKEN = "123456:TEST"
BUTTONS = ((Button("1. Có", "a:3:yes"), Button("2. Không", "a:3:no")), (Button("◀", "n:3:back"),))


@pytest.fixture
async def tg() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble() as double:
        yield double
        assert not double.errors


@pytest.fixture
async def bot(tg: TelegramDouble) -> AsyncIterator[Bot]:
    bot = tg.make_bot(TOKEN)
    yield bot
    await bot.session.close()


def channel_of(bot: Bot) -> TelegramChannel:
    return TelegramChannel(
        bot,
        Translator(PROJECT_ROOT / "locales"),
        limits=TelegramLimits(1000, push_per_second=1000, push_chat_interval=0),
    )


async def test_a_question_and_its_echo_reach_telegram_as_aiogram_would_send_them(
    tg: TelegramDouble, bot: Bot
) -> None:
    channel = channel_of(bot)
    await channel.reply(CHAT, [Reply("Câu 3/14\nCó “góc học tập” không?", BUTTONS, True)])
    await channel.reply(
        CHAT,
        [
            Reply("Có “góc học tập” không?\n✓ Có", replaces_prompt=True),
            Reply("Câu 4/14", ((Button("Tiếp", "a:4:next"),),), True),
        ],
    )
    sent, edit, question = (r for r in tg.requests if r.method != "getMe")
    assert (sent.method, edit.method, question.method) == (
        "sendMessage",
        "editMessageText",
        "sendMessage",
    )
    assert sent.params == {
        "chat_id": CHAT,
        "text": "Câu 3/14\nCó “góc học tập” không?",
        "reply_markup": {
            "inline_keyboard": [
                [
                    {"text": "1. Có", "callback_data": "a:3:yes"},
                    {"text": "2. Không", "callback_data": "a:3:no"},
                ],
                [{"text": "◀", "callback_data": "n:3:back"}],
            ]
        },
    }
    first, second = tg.messages(CHAT)
    # The id read back from the answer is the one the edit then names.
    assert edit.params == {
        "chat_id": CHAT,
        "message_id": first.message_id,
        "text": "Có “góc học tập” không?\n✓ Có",
    }
    assert first.text.endswith("✓ Có") and not first.buttons
    assert channel.live_prompt(CHAT) == second.message_id


async def test_a_refused_call_raises_what_aiogram_raises(tg: TelegramDouble, bot: Bot) -> None:
    calls = DirectCalls(bot)
    with pytest.raises(TelegramBadRequest) as refused:
        await calls.edit_text(CHAT, 987654, "không có tin nhắn này", None)
    assert "message to edit not found" in refused.value.message.lower()


async def test_a_bot_with_default_properties_sends_them_through_aiogram(
    tg: TelegramDouble,
) -> None:
    bot = tg.make_bot(TOKEN, default=DefaultBotProperties(parse_mode="HTML"))
    try:
        await channel_of(bot).reply(CHAT, [Reply("<b>Câu 1/14</b>", BUTTONS, True)])
    finally:
        await bot.session.close()
    [sent] = (r for r in tg.requests if r.method == "sendMessage")
    assert sent.params["parse_mode"] == "HTML"
    assert tg.messages(CHAT)[0].buttons


def test_each_keyboard_is_written_once() -> None:
    calls = DirectCalls(Bot(TOKEN))
    first = calls.keyboard(BUTTONS)
    assert first is not None and calls.keyboard(BUTTONS) is first
    assert '"callback_data":"a:3:yes"' in first.json.replace(" ", "")
    assert calls.keyboard(()) is None
