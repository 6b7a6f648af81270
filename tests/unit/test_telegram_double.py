"""The Telegram Bot API double, driven by a real aiogram Bot over HTTP."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramBadRequest,
    TelegramConflictError,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.filters import CommandStart
from aiogram.methods import GetMe
from aiogram.types import (
    BotCommand,
    BufferedInputFile,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)
from aiohttp import web

from tests.support.telegram_double import SECRET_HEADER, DoubleTimeout, TelegramDouble

CHAT = 501
TOKEN = "123456:TEST"


def inline(*buttons: tuple[str, str]) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(text=t, callback_data=d)] for t, d in buttons]
    )


@pytest.fixture
async def tg() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble(webhook_retry_delay=0.05, timeout_fault_delay=5) as double:
        yield double


@pytest.fixture
async def bot(tg: TelegramDouble) -> AsyncIterator[Bot]:
    bot = tg.make_bot(TOKEN)
    yield bot
    await bot.session.close()


async def test_get_me_and_unknown_method(tg: TelegramDouble, bot: Bot) -> None:
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (7000000001, "hoctap_test_bot", True)

    async with (
        aiohttp.ClientSession() as http,
        http.post(f"{tg.base_url}/bot{TOKEN}/fooBar") as response,
    ):
        assert response.status == 404
        assert await response.json() == {
            "ok": False,
            "error_code": 404,
            "description": "Not Found: method not found",
        }
    assert [r.method for r in tg.requests] == ["getMe", "fooBar"]


async def test_request_encodings_json_form_and_query(tg: TelegramDouble) -> None:
    url = f"{tg.base_url}/bot{TOKEN}/sendMessage"
    markup = {"inline_keyboard": [[{"text": "A", "callback_data": "a"}]]}
    async with aiohttp.ClientSession() as http:
        async with http.post(url, json={"chat_id": CHAT, "text": "json", "reply_markup": markup}):
            pass
        async with http.post(url, data={"chat_id": str(CHAT), "text": "form"}):
            pass
        async with http.get(url, params={"chat_id": str(CHAT), "text": "query"}) as response:
            body = await response.json()
    assert body["ok"] is True
    assert body["result"]["chat"] == {"id": CHAT, "type": "private", "first_name": "Lan"}
    assert [m.text for m in tg.messages(CHAT)] == ["json", "form", "query"]
    assert tg.messages(CHAT)[0].reply_markup == markup
    assert tg.calls("sendMessage")[1].params["chat_id"] == CHAT  # decoded from the form string


async def test_send_message_with_inline_keyboard_is_recorded(tg: TelegramDouble, bot: Bot) -> None:
    sent = await bot.send_message(
        CHAT, "Chọn <b>gói</b>", parse_mode="HTML", reply_markup=inline(("Gia đình", "pk:fam"))
    )
    assert sent.from_user is not None and sent.from_user.id == tg.bot_user["id"]
    assert sent.text == "Chọn gói"  # markup parsed away, as Telegram does
    assert sent.entities is not None and sent.entities[0].type == "bold"

    recorded = tg.last_message(CHAT)
    assert recorded.message_id == sent.message_id
    assert recorded.raw_text == "Chọn <b>gói</b>"
    assert recorded.button_labels == ["Gia đình"]
    assert tg.button_data(recorded, "gia") == "pk:fam"
    assert recorded.button_data("Gia đình") == "pk:fam"


async def test_reply_keyboard_with_contact_button_then_removed(
    tg: TelegramDouble, bot: Bot
) -> None:
    keyboard = ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text="Gửi số điện thoại", request_contact=True)]],
        resize_keyboard=True,
    )
    await bot.send_message(CHAT, "Số của bạn?", reply_markup=keyboard)
    assert tg.last_message(CHAT).reply_buttons[0]["request_contact"] is True
    assert tg.reply_keyboard(CHAT) is not None

    await bot.send_message(CHAT, "Cảm ơn", reply_markup=ReplyKeyboardRemove())
    assert tg.last_message(CHAT).removes_keyboard
    assert tg.reply_keyboard(CHAT) is None


async def test_get_updates_text_callback_photo_and_offset(tg: TelegramDouble, bot: Bot) -> None:
    tg.push_command(CHAT, "start", "ref42")
    sent = await bot.send_message(CHAT, "Menu", reply_markup=inline(("Bắt đầu", "go")))
    callback_id = tg.push_callback(CHAT, sent.message_id, "go")
    tg.push_photo(CHAT, caption="ảnh")
    tg.push_contact(CHAT, "+84901234567")

    updates = await bot.get_updates()
    assert len(updates) == 4
    first, press, photo, contact = updates
    assert first.message is not None and first.message.text == "/start ref42"
    assert first.message.entities is not None and first.message.entities[0].type == "bot_command"
    assert press.callback_query is not None and press.callback_query.id == callback_id
    assert press.callback_query.data == "go"
    assert isinstance(press.callback_query.message, Message)
    assert press.callback_query.message.message_id == sent.message_id
    assert photo.message is not None and photo.message.photo and photo.message.caption == "ảnh"
    assert contact.message is not None and contact.message.contact is not None
    assert contact.message.contact.user_id == CHAT
    # Message ids are per chat and shared between the user and the bot.
    assert [first.message.message_id, sent.message_id, photo.message.message_id] == [1, 2, 3]

    ids = [u.update_id for u in updates]
    assert ids == sorted(ids)
    assert len(await bot.get_updates()) == 4  # nothing confirmed yet
    rest = await bot.get_updates(offset=ids[2])  # confirms the first two
    assert [u.update_id for u in rest] == ids[2:]
    assert await bot.get_updates(offset=ids[-1] + 1, timeout=0) == []
    assert tg.pending_updates == []


async def test_long_poll_returns_on_push_and_times_out(tg: TelegramDouble, bot: Bot) -> None:
    started = time.monotonic()
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await tg.wait_for_call("getUpdates")
    tg.push_text(CHAT, "xin chào")
    updates = await asyncio.wait_for(poll, 2)
    assert time.monotonic() - started < 1.5
    assert updates[0].message is not None and updates[0].message.text == "xin chào"

    started = time.monotonic()
    assert await bot.get_updates(offset=updates[0].update_id + 1, timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 2


async def test_newer_poll_terminates_older_one(tg: TelegramDouble, bot: Bot) -> None:
    old = asyncio.create_task(bot.get_updates(timeout=5))
    await tg.wait_for_call("getUpdates")
    new = asyncio.create_task(bot.get_updates(timeout=5))
    with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
        await asyncio.wait_for(old, 2)
    tg.push_text(CHAT, "hi")
    assert len(await asyncio.wait_for(new, 2)) == 1


async def test_edit_message_text_and_not_modified(tg: TelegramDouble, bot: Bot) -> None:
    sent = await bot.send_message(CHAT, "Câu 1", reply_markup=inline(("A", "a")))
    edited = await bot.edit_message_text(
        "Câu 2", chat_id=CHAT, message_id=sent.message_id, reply_markup=inline(("B", "b"))
    )
    assert isinstance(edited, Message) and edited.edit_date is not None

    recorded = tg.message(CHAT, sent.message_id)
    assert recorded.text == "Câu 2" and recorded.button_labels == ["B"]
    assert recorded.texts == ["Câu 1", "Câu 2"]
    assert len(tg.messages(CHAT)) == 1

    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_text(
            "Câu 2", chat_id=CHAT, message_id=sent.message_id, reply_markup=inline(("B", "b"))
        )
    # Omitting reply_markup removes the inline keyboard, so this is a modification.
    await bot.edit_message_text("Câu 2", chat_id=CHAT, message_id=sent.message_id)
    assert recorded.buttons == []
    with pytest.raises(TelegramBadRequest, match="message is not modified"):
        await bot.edit_message_reply_markup(chat_id=CHAT, message_id=sent.message_id)
    with pytest.raises(TelegramBadRequest, match="message to edit not found"):
        await bot.edit_message_text("x", chat_id=CHAT, message_id=999)

    assert await bot.delete_message(CHAT, sent.message_id) is True
    assert recorded.deleted
    with pytest.raises(TelegramBadRequest, match="message to delete not found"):
        await bot.delete_message(CHAT, sent.message_id)


async def test_validation_like_telegram(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CHAT, "")
    with pytest.raises(TelegramBadRequest, match="message text is empty"):
        await bot.send_message(CHAT, "   ")
    with pytest.raises(TelegramBadRequest, match="message is too long"):
        await bot.send_message(CHAT, "a" * 4097)
    await bot.send_message(CHAT, "ă" * 4096)
    with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
        await bot.send_message(CHAT, "x", reply_markup=inline(("A", "d" * 65)))
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(CHAT, "dòng 1<br>dòng 2", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="can't parse entities"):
        await bot.send_message(CHAT, "<b>đậm", parse_mode="HTML")
    with pytest.raises(TelegramBadRequest, match="reserved and must be escaped"):
        await bot.send_message(CHAT, "Xong.", parse_mode="MarkdownV2")
    ok = await bot.send_message(CHAT, "*Xong*\\.", parse_mode="MarkdownV2")
    assert ok.text == "Xong." and ok.entities is not None and ok.entities[0].type == "bold"


async def test_injected_faults(tg: TelegramDouble, bot: Bot) -> None:
    tg.inject("sendMessage", "429", retry_after=3)
    with pytest.raises(TelegramRetryAfter) as caught:
        await bot.send_message(CHAT, "hi")
    assert caught.value.retry_after == 3
    await bot.send_message(CHAT, "hi")  # only the next call failed

    tg.inject(None, "500")
    tg.inject("getMe", "502")
    with pytest.raises(TelegramServerError):
        await bot.get_me()
    with pytest.raises(TelegramServerError, match="Bad Gateway"):
        await bot.get_me()
    await bot.get_me()

    tg.set_fault_rate(0.5, ["500"], seed=7, methods=["getMe"])
    outcomes = []
    for _ in range(20):
        try:
            await bot.get_me()
            outcomes.append(True)
        except TelegramServerError:
            outcomes.append(False)
    assert 0 < outcomes.count(False) < 20
    tg.clear_faults()
    await bot.get_me()

    assert tg.fault_count("sendMessage", "429") == 1
    assert tg.fault_count(kind="502") == 1
    assert tg.fault_count() == 2 + 1 + outcomes.count(False)
    assert [r.fault for r in tg.calls("sendMessage")] == ["429", None]


async def test_timeout_fault_holds_request(tg: TelegramDouble, bot: Bot) -> None:
    tg.inject("getMe", "timeout")
    with pytest.raises(TelegramNetworkError):
        await bot(GetMe(), request_timeout=1)
    assert tg.fault_count("getMe", "timeout") == 1


async def test_stop_never_hangs_on_held_requests() -> None:
    double = TelegramDouble()  # default 30 s timeout fault
    await double.start()
    bot = double.make_bot()
    try:
        double.inject("sendMessage", "timeout")
        held = asyncio.create_task(bot.send_message(CHAT, "x"))
        poll = asyncio.create_task(bot.get_updates(timeout=30))
        await double.wait_for(lambda: len(double.requests) == 2)
        started = time.monotonic()
        await double.stop()
        assert time.monotonic() - started < 3
        with pytest.raises(TelegramServerError):
            await held  # released with 502 instead of hanging for 30 s
        assert await poll == []
    finally:
        await bot.session.close()
        await double.stop()


async def test_blocked_chat_is_forbidden(tg: TelegramDouble, bot: Bot) -> None:
    tg.block_chat(CHAT)
    with pytest.raises(TelegramForbiddenError, match="bot was blocked by the user"):
        await bot.send_message(CHAT, "hi")
    assert tg.blocked_attempts == [("sendMessage", CHAT)]
    tg.unblock_chat(CHAT)
    await bot.send_message(CHAT, "hi")


async def test_send_document_stores_bytes_and_file_id_reuse(tg: TelegramDouble, bot: Bot) -> None:
    data = b"PK\x03\x04 fake xlsx"
    sent = await bot.send_document(
        CHAT, BufferedInputFile(data, filename="ket_qua.xlsx"), caption="Kết quả"
    )
    assert sent.document is not None and sent.document.file_name == "ket_qua.xlsx"
    again = await bot.send_document(CHAT + 1, sent.document.file_id)
    assert again.document is not None and again.document.file_id == sent.document.file_id

    (doc,) = tg.documents(CHAT)
    assert (doc.data, doc.filename, doc.caption) == (data, "ket_qua.xlsx", "Kết quả")
    assert doc.file is not None and doc.file.mime_type is not None
    assert "spreadsheetml" in doc.file.mime_type
    assert tg.documents(CHAT + 1)[0].data == data
    assert tg.calls("sendDocument")[0].files  # arrived as a multipart file part

    with pytest.raises(TelegramBadRequest, match="wrong file identifier"):
        await bot.send_document(CHAT, "no-such-file-id")


async def test_send_photo_and_download_pushed_photo(tg: TelegramDouble, bot: Bot) -> None:
    file_id = tg.push_photo(CHAT)
    info = await bot.get_file(file_id)
    assert info.file_path is not None
    downloaded = await bot.download(file_id)
    assert downloaded is not None
    content = downloaded.read()
    assert content == tg.file_bytes(file_id) and content.startswith(b"\xff\xd8")
    assert tg.downloads == [info.file_path]

    sent = await bot.send_photo(CHAT, BufferedInputFile(content, "p.jpg"), caption="lại nè")
    assert sent.photo is not None and sent.photo[-1].width == 320
    assert tg.photos(CHAT)[0].data == content

    with pytest.raises(TelegramBadRequest, match="invalid file_id"):
        await bot.get_file("nope")


async def test_callback_answers_are_recorded(tg: TelegramDouble, bot: Bot) -> None:
    await bot.send_message(CHAT, "Chọn", reply_markup=inline(("Có", "yes"), ("Không", "no")))
    query_id = tg.press_button(CHAT, "Không")
    await bot.answer_callback_query(query_id, text="Đã lưu", show_alert=True)
    answer = await tg.wait_for_callback_answer(query_id)
    assert (answer.data, answer.text, answer.show_alert) == ("no", "Đã lưu", True)
    with pytest.raises(TelegramBadRequest, match="query ID is invalid"):
        await bot.answer_callback_query(query_id)


async def test_set_my_commands_stored_per_language(tg: TelegramDouble, bot: Bot) -> None:
    await bot.set_my_commands([BotCommand(command="start", description="Bắt đầu")])
    await bot.set_my_commands(
        [BotCommand(command="start", description="Start")], language_code="en"
    )
    assert tg.commands() == [{"command": "start", "description": "Bắt đầu"}]
    assert tg.commands("en") == [{"command": "start", "description": "Start"}]
    assert tg.commands("fr") is None
    assert len(tg.calls("setMyCommands")) == 2
    assert [c.description for c in await bot.get_my_commands(language_code="en")] == ["Start"]
    await bot.delete_my_commands(language_code="en")
    assert tg.commands("en") is None
    with pytest.raises(TelegramBadRequest, match="BOT_COMMAND_INVALID"):
        await bot.set_my_commands([BotCommand(command="Bad Command", description="x")])


async def test_webhook_mode_delivers_with_secret_and_retries(tg: TelegramDouble, bot: Bot) -> None:
    received: list[tuple[str | None, dict[str, Any]]] = []
    fail_first = [True]

    async def hook(request: web.Request) -> web.Response:
        received.append((request.headers.get(SECRET_HEADER), await request.json()))
        if fail_first[0]:
            fail_first[0] = False
            return web.Response(status=500)
        return web.json_response({})

    app = web.Application()
    app.router.add_post("/hook", hook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    url = f"http://127.0.0.1:{runner.addresses[0][1]}/hook"
    try:
        assert await bot.set_webhook(url, secret_token="s3cret_token")
        with pytest.raises(TelegramConflictError):
            await bot.get_updates()
        update_id = tg.push_text(CHAT, "qua webhook")
        await tg.wait_for(lambda: not tg.pending_updates and len(received) >= 2)
        assert [r[1]["update_id"] for r in received] == [update_id, update_id]  # retried
        assert {r[0] for r in received} == {"s3cret_token"}
        assert received[-1][1]["message"]["text"] == "qua webhook"
        assert [d.status for d in tg.webhook_deliveries] == [500, 200]
        info = await bot.get_webhook_info()
        assert info.url == url and info.pending_update_count == 0
        assert info.last_error_message is not None

        assert await tg.post_forged_update("giả mạo") == 200
        assert received[-1][0] is None and received[-1][1]["message"]["text"] == "giả mạo"
        assert await tg.post_forged_update("giả mạo", secret="wrong") == 200
        assert received[-1][0] not in (None, "s3cret_token")

        assert await bot.delete_webhook()
        tg.push_text(CHAT, "lại polling")
        assert len(await bot.get_updates()) == 1
    finally:
        await runner.cleanup()


async def test_real_dispatcher_polling_round_trip(tg: TelegramDouble, bot: Bot) -> None:
    dp = Dispatcher()

    @dp.message(CommandStart())
    async def start(message: Message) -> None:
        await message.answer(f"Chào {message.from_user.first_name if message.from_user else ''}")

    polling = asyncio.create_task(dp.start_polling(bot, polling_timeout=1, handle_signals=False))
    try:
        replies = await tg.ask(CHAT, "/start", first_name="Minh")
        assert [m.text for m in replies] == ["Chào Minh"]
        await tg.wait_idle(quiet=0.1)
        with pytest.raises(DoubleTimeout, match="expected 2 bot messages"):
            await tg.wait_for_messages(CHAT, 2, timeout=0.2)
    finally:
        await dp.stop_polling()
        await asyncio.wait_for(polling, 5)


async def test_unknown_chat_is_not_found(bot: Bot) -> None:
    with pytest.raises(TelegramBadRequest, match="chat not found"):
        await bot.send_message("@someone", "hi")
