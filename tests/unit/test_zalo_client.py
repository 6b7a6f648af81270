"""ZaloBotClient against the local Zalo Bot API double, plus the pure helpers."""

from __future__ import annotations

import asyncio
import socket
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from aiohttp import web
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.textsplit import split_text, utf16_len
from bot.zalo.client import (
    EVENT_IMAGE,
    EVENT_STICKER,
    EVENT_TEXT,
    EVENT_UNSUPPORTED,
    SECRET_HEADER,
    UpdateDeduplicator,
    ZaloAPIError,
    ZaloBotClient,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloServerError,
    ZaloUpdate,
    parse_webhook_payload,
    secret_matches,
)
from bot.zalo.client import split_text as reexported_split_text

try:
    from tests.support.zalo_double import ZaloDouble
except ModuleNotFoundError:
    # tests/unit has no __init__.py, so pytest only puts this directory on sys.path while
    # collecting; make the repository root importable for the shared test doubles.
    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    from tests.support.zalo_double import ZaloDouble

TOKEN = "1459232241454765289:testtoken-abcdef"
USER = "e4ea2cd5189df1c3a88c"
SECRET = "s3cret-token-for-tests"


@pytest.fixture
async def double() -> AsyncIterator[ZaloDouble]:
    async with ZaloDouble(seed=1, timeout_hold=5.0, webhook_retry_delay=0.05) as d:
        yield d


@pytest.fixture
async def client(double: ZaloDouble) -> AsyncIterator[ZaloBotClient]:
    async with ZaloBotClient(TOKEN, double.base_url, request_timeout=5) as c:
        yield c


async def poll_one(client: ZaloBotClient) -> ZaloUpdate:
    updates = await client.get_updates(timeout=2)
    assert len(updates) == 1
    return updates[0]


# -- receiving ------------------------------------------------------------------------------


async def test_get_me(client: ZaloBotClient, double: ZaloDouble) -> None:
    me = await client.get_me()
    assert me.id == double.bot_id
    assert me.account_name == "bot.HocTap"
    assert double.requests[-1] == ("getMe", {})


async def test_get_updates_returns_pushed_text(client: ZaloBotClient, double: ZaloDouble) -> None:
    before = datetime.now(UTC)
    message_id = double.push_text(USER, "Xin chào")
    update = await poll_one(client)

    assert update.event_name == EVENT_TEXT
    msg = update.message
    assert msg is not None
    assert msg.message_id == message_id
    assert len(message_id) == 20 and int(message_id, 16) >= 0
    assert msg.text == "Xin chào"
    assert msg.from_.id == USER and msg.chat.id == USER
    assert msg.chat.chat_type == "PRIVATE"
    assert msg.from_.name == "Chị Lan"
    assert msg.sent_at.tzinfo is UTC
    assert abs((msg.sent_at - before).total_seconds()) < 5
    # The documented wire format sends timeout as a string.
    assert double.requests[-1] == ("getUpdates", {"timeout": "2"})


async def test_idle_poll_returns_empty(client: ZaloBotClient, double: ZaloDouble) -> None:
    started = time.monotonic()
    assert await client.get_updates(timeout=0) == []
    assert await client.get_updates(timeout=1) == []
    assert 0.9 <= time.monotonic() - started < 3


async def test_long_poll_wakes_on_push(client: ZaloBotClient, double: ZaloDouble) -> None:
    poll = asyncio.create_task(client.get_updates(timeout=5))
    await asyncio.sleep(0.1)
    started = time.monotonic()
    double.push_text(USER, "muộn một chút")
    updates = await poll
    assert time.monotonic() - started < 1
    assert [u.message.text for u in updates if u.message] == ["muộn một chút"]


async def test_image_sticker_and_unsupported_events_parse(
    client: ZaloBotClient, double: ZaloDouble
) -> None:
    double.push_image(USER, "https://example.test/bang-diem.jpg", caption="bảng điểm")
    double.push_sticker(USER, sticker="0e078a2fb66a5f34067b")
    double.push_unsupported(USER)

    image = await poll_one(client)
    assert image.event_name == EVENT_IMAGE and image.message is not None
    assert image.message.photo_url == "https://example.test/bang-diem.jpg"
    assert image.message.caption == "bảng điểm" and image.message.text is None

    sticker = await poll_one(client)
    assert sticker.event_name == EVENT_STICKER and sticker.message is not None
    assert sticker.message.sticker == "0e078a2fb66a5f34067b"

    unsupported = await poll_one(client)
    assert unsupported.event_name == EVENT_UNSUPPORTED and unsupported.message is not None
    assert unsupported.message.text is None and unsupported.message.photo_url is None
    assert unsupported.message.from_.id == USER


async def test_documented_and_legacy_shapes_parse(
    client: ZaloBotClient, double: ZaloDouble
) -> None:
    # The docs' getUpdates sample: no event_name, `first_name`, wrapped in the envelope.
    double.push_raw(
        {
            "ok": True,
            "result": {
                "message": {
                    "chat": {"id": "e4ea2cd5189df1c3a88c", "chat_type": "PRIVATE"},
                    "text": "Xin chào",
                    "message_id": "16f6366b3f02645a3d15",
                    "date": 1766619597466,
                    "from": {"id": "e4ea2cd5189df1c3a88c", "first_name": "Nguyen Van A"},
                    "some_future_field": {"x": 1},
                }
            },
        }
    )
    # Older payloads carry the image URL in `photo`; unsupported may come without a message.
    double.push_raw(
        {
            "event_name": EVENT_IMAGE,
            "message": {
                "message_id": 42,
                "from": {"id": USER},
                "chat": {"id": USER},
                "photo": "https://example.test/a.png",
                "date": "1750316131602",
            },
        }
    )
    double.push_raw({"event_name": EVENT_UNSUPPORTED})

    first = await poll_one(client)
    assert first.event_name == EVENT_TEXT and first.message is not None
    assert first.message.from_.name == "Nguyen Van A"
    assert first.message.sent_at == datetime(2025, 12, 24, 23, 39, 57, 466000, tzinfo=UTC)

    second = await poll_one(client)
    assert second.message is not None
    assert second.message.photo_url == "https://example.test/a.png"
    assert second.message.message_id == "42" and second.message.date == 1750316131602

    third = await poll_one(client)
    assert third.event_name == EVENT_UNSUPPORTED and third.message is None


async def test_malformed_update_is_skipped(client: ZaloBotClient, double: ZaloDouble) -> None:
    double.push_raw({"event_name": EVENT_TEXT, "message": {"text": "no ids"}})
    assert await client.get_updates(timeout=1) == []


async def test_redelivered_message_is_deduplicated(
    client: ZaloBotClient, double: ZaloDouble
) -> None:
    dedup = UpdateDeduplicator()
    message_id = double.push_text(USER, "một lần thôi")
    double.redeliver(message_id)

    handled = []
    for _ in range(2):
        update = await poll_one(client)
        assert update.message is not None and update.message.message_id == message_id
        if not dedup.seen(update.message.message_id):
            handled.append(update)
    assert len(handled) == 1


def test_deduplicator_is_bounded_and_ordered() -> None:
    dedup = UpdateDeduplicator(maxsize=3)
    assert [dedup.seen(i) for i in "abc"] == [False, False, False]
    assert dedup.seen("a") is True  # refreshes "a"
    assert dedup.seen("d") is False  # evicts "b", the oldest
    assert len(dedup) == 3
    assert "b" not in dedup and "a" in dedup
    assert dedup.seen("b") is False


# -- sending --------------------------------------------------------------------------------


async def test_send_message_photo_and_action_recorded(
    client: ZaloBotClient, double: ZaloDouble
) -> None:
    sent = await client.send_message(USER, "Chào chị Lan!")
    assert sent.message_id and sent.date
    await client.send_photo(USER, "https://example.test/qr.png", caption="Mã QR")
    await client.send_chat_action(USER)

    assert double.messages(USER) == ["Chào chị Lan!"]
    assert double.last_text(USER) == "Chào chị Lan!"
    assert [(p.photo, p.caption) for p in double.photos(USER)] == [
        ("https://example.test/qr.png", "Mã QR")
    ]
    assert double.chat_actions(USER) == ["typing"]
    assert ("sendMessage", {"chat_id": USER, "text": "Chào chị Lan!"}) in double.requests
    assert await double.wait_for_messages(USER, 1, timeout=1) == ["Chào chị Lan!"]


@pytest.mark.parametrize("text", ["x" * 2001, ""])
async def test_text_outside_limits_is_rejected(
    client: ZaloBotClient, double: ZaloDouble, text: str
) -> None:
    with pytest.raises(ZaloAPIError) as info:
        await client.send_message(USER, text)
    assert type(info.value) is ZaloAPIError
    assert info.value.error_code == 400
    assert double.messages(USER) == []


async def test_2000_chars_is_accepted(client: ZaloBotClient, double: ZaloDouble) -> None:
    await client.send_message(USER, "x" * 2000)
    assert double.messages(USER) == ["x" * 2000]


async def test_wait_for_messages_times_out_with_context(double: ZaloDouble) -> None:
    with pytest.raises(TimeoutError, match="1 bot message"):
        await double.wait_for_messages(USER, 1, timeout=0.05)


# -- errors ---------------------------------------------------------------------------------


async def test_429_raises_retry_after(client: ZaloBotClient, double: ZaloDouble) -> None:
    double.inject("sendMessage", "429")
    with pytest.raises(ZaloRetryAfter) as info:
        await client.send_message(USER, "chậm lại")
    assert info.value.error_code == 429
    assert info.value.retry_after == 1.0
    assert double.messages(USER) == []
    # Only one fault was injected: the retry goes through and is recorded once.
    await client.send_message(USER, "chậm lại")
    assert double.messages(USER) == ["chậm lại"]
    assert double.fault_count == 1 and double.faults["429"] == 1


async def test_blocked_chat_raises_forbidden(client: ZaloBotClient, double: ZaloDouble) -> None:
    double.block_chat(USER)
    with pytest.raises(ZaloForbidden) as info:
        await client.send_message(USER, "bạn còn đó không?")
    assert info.value.error_code == 403
    with pytest.raises(ZaloForbidden):
        await client.send_chat_action(USER)
    double.unblock_chat(USER)
    double.inject(None, "403")
    with pytest.raises(ZaloForbidden):
        await client.send_photo(USER, "https://example.test/x.png")


async def test_500_raises_server_error(client: ZaloBotClient, double: ZaloDouble) -> None:
    double.inject("sendMessage", "500", times=2)
    for _ in range(2):
        with pytest.raises(ZaloServerError) as info:
            await client.send_message(USER, "alo")
        assert info.value.error_code == 500
    await client.send_message(USER, "alo")
    assert double.messages(USER) == ["alo"]
    assert double.fault_log == [("sendMessage", "500"), ("sendMessage", "500")]


async def test_timeout_raises_network_error(double: ZaloDouble) -> None:
    double.inject("sendMessage", "timeout")
    async with ZaloBotClient(TOKEN, double.base_url, request_timeout=0.5) as client:
        started = time.monotonic()
        with pytest.raises(ZaloNetworkError) as info:
            await client.send_message(USER, "có ai không")
        assert time.monotonic() - started < 2
    assert info.value.method == "sendMessage"
    assert double.messages(USER) == []


async def test_unreachable_server_raises_network_error_without_token() -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    async with ZaloBotClient(TOKEN, f"http://127.0.0.1:{port}", request_timeout=2) as client:
        with pytest.raises(ZaloNetworkError) as info:
            await client.get_me()
    assert TOKEN not in str(info.value)


async def test_inject_any_method_spares_get_updates(
    client: ZaloBotClient, double: ZaloDouble
) -> None:
    double.inject(None, "500")
    assert await client.get_updates(timeout=0) == []
    with pytest.raises(ZaloServerError):
        await client.send_message(USER, "x")


async def test_fault_rate_is_seeded(client: ZaloBotClient, double: ZaloDouble) -> None:
    double.set_fault_rate(1.0, ["429"], seed=7)
    with pytest.raises(ZaloRetryAfter):
        await client.send_message(USER, "x")
    assert await client.get_updates(timeout=0) == []  # polling is not faulted by default
    double.set_fault_rate(0.0)
    await client.send_message(USER, "x")
    assert double.messages(USER) == ["x"]


# -- webhook --------------------------------------------------------------------------------


@asynccontextmanager
async def bot_webhook(
    respond: Callable[[web.Request], Awaitable[web.Response]],
) -> AsyncIterator[str]:
    app = web.Application()
    app.router.add_post("/zalo/webhook", respond)
    runner = web.AppRunner(app, shutdown_timeout=1.0)
    await runner.setup()
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    site = web.SockSite(runner, sock)
    await site.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/zalo/webhook"
    finally:
        await runner.cleanup()


async def test_webhook_delivers_with_secret_and_rejects_forgeries(
    client: ZaloBotClient, double: ZaloDouble
) -> None:
    received: list[ZaloUpdate] = []
    failures_left = 1

    async def handle(request: web.Request) -> web.Response:
        nonlocal failures_left
        if not secret_matches(SECRET, request.headers.get(SECRET_HEADER)):
            return web.Response(status=401)
        if failures_left:  # the bot stumbles once: the double must retry
            failures_left -= 1
            return web.Response(status=500)
        received.append(parse_webhook_payload(await request.json()))
        return web.Response(text="ok")

    async with bot_webhook(handle) as url:
        info = await client.set_webhook(url, SECRET)
        assert info.url == url
        assert (await client.get_webhook_info()).url == url

        first = double.push_text(USER, "qua webhook")
        second = double.push_image(USER, "https://example.test/p.jpg")
        await double.wait_for(lambda: len(received) == 2, timeout=5)
        assert [u.message.message_id for u in received if u.message] == [first, second]
        assert [(a.attempt, a.status) for a in double.webhook_attempts] == [
            (1, 500),
            (2, 200),
            (1, 200),
        ]

        with pytest.raises(ZaloAPIError) as info_conflict:
            await client.get_updates(timeout=1)
        assert info_conflict.value.error_code == 409

        assert await double.post_forged("giả mạo", secret="wrong-secret") == 401
        assert await double.post_forged("giả mạo", secret=None) == 401
        assert await double.post_forged("thật", secret=SECRET) == 200
        assert len(received) == 3

        await client.delete_webhook()
        assert (await client.get_webhook_info()).url == ""
        double.push_text(USER, "lại polling")
        update = await poll_one(client)
        assert update.message is not None and update.message.text == "lại polling"


async def test_webhook_gives_up_after_bounded_attempts(
    client: ZaloBotClient, double: ZaloDouble
) -> None:
    double.webhook_max_attempts = 3

    async def always_down(request: web.Request) -> web.Response:
        return web.Response(status=503)

    async with bot_webhook(always_down) as url:
        await client.set_webhook(url, SECRET)
        double.push_text(USER, "không tới")
        await double.wait_for(lambda: bool(double.webhook_failures), timeout=5)
    assert [a.status for a in double.webhook_attempts] == [503, 503, 503]


async def test_set_webhook_validates_secret_length(client: ZaloBotClient) -> None:
    with pytest.raises(ZaloAPIError) as info:
        await client.set_webhook("http://127.0.0.1:9/hook", "short")
    assert info.value.error_code == 400


def test_secret_matches() -> None:
    assert secret_matches(SECRET, SECRET)
    assert not secret_matches(SECRET, SECRET + "x")
    assert not secret_matches(SECRET, None)
    assert not secret_matches("", "")
    assert secret_matches("bí-mật-tiếng-việt", "bí-mật-tiếng-việt")


def test_parse_webhook_payload_accepts_bare_update() -> None:
    update = parse_webhook_payload(
        {
            "event_name": EVENT_TEXT,
            "message": {
                "message_id": "m1",
                "from": {"id": USER, "display_name": "Ted"},
                "chat": {"id": USER, "chat_type": "PRIVATE"},
                "text": "hi",
                "date": 1750316131602,
            },
        }
    )
    assert update.message is not None and update.message.from_.name == "Ted"
    with pytest.raises(ValueError):
        parse_webhook_payload(["not", "an", "object"])


async def test_double_stops_promptly_with_held_requests() -> None:
    double = ZaloDouble(timeout_hold=30)
    await double.start()
    double.inject("sendMessage", "timeout")
    async with ZaloBotClient(TOKEN, double.base_url, request_timeout=30) as client:
        poll = asyncio.create_task(client.get_updates(timeout=30))
        send = asyncio.create_task(client.send_message(USER, "x"))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        await double.stop()
        assert time.monotonic() - started < 3
        await asyncio.gather(poll, send, return_exceptions=True)


# -- split_text -----------------------------------------------------------------------------


def test_split_text_is_reexported() -> None:
    assert reexported_split_text is split_text


def test_split_text_on_line_boundaries() -> None:
    lines = [f"Câu {i}: " + "chữ " * (i % 7) for i in range(60)]
    text = "\n".join(line.rstrip() for line in lines)
    chunks = split_text(text, 120)
    assert all(1 <= len(c) <= 120 for c in chunks)
    # Every cut fell on a line break, so joining with "\n" restores the text exactly.
    assert "\n".join(chunks) == text
    assert all(line in text.split("\n") for c in chunks for line in c.split("\n"))


def test_split_text_falls_back_to_spaces_then_hard_cuts() -> None:
    words = " ".join(["học-tập"] * 50)
    chunks = split_text(words, 40)
    assert all(1 <= len(c) <= 40 for c in chunks)
    assert " ".join(chunks) == words

    blob = "a" * 95
    assert split_text(blob, 40) == ["a" * 40, "a" * 40, "a" * 15]


def test_split_text_edges() -> None:
    assert split_text("ngắn", 2000) == ["ngắn"]
    assert split_text("", 10) == []
    assert split_text(" \n\n ", 10) == []
    # Emoji are two UTF-16 units; chunks never exceed the limit by that measure.
    chunks = split_text("😀" * 15, 10)
    assert all(utf16_len(c) <= 10 for c in chunks)
    assert "".join(chunks) == "😀" * 15
    # Blank lines at a cut do not start the next message.
    assert split_text("a" * 8 + "\n\n\n" + "b" * 8, 10) == ["a" * 8, "b" * 8]
    with pytest.raises(ValueError):
        split_text("x", 0)


@settings(max_examples=200, deadline=None)
@given(
    text=st.text(alphabet=st.sampled_from(list("ab cờ\n\tđ😀ệ\u0301")), max_size=400),
    limit=st.integers(min_value=2, max_value=50),
)
def test_split_text_properties(text: str, limit: int) -> None:
    chunks = split_text(text, limit)
    assert all(c.strip() and utf16_len(c) <= limit for c in chunks)
    # Only whitespace at cuts is dropped: the visible content survives in order.
    assert "".join("".join(chunks).split()) == "".join(text.split())
