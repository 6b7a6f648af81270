"""The Zalo channel over real HTTP (the Zalo double) with a real database (SQLite, and
PostgreSQL when TEST_DATABASE_URL is set): retries, unreachable people, pacing at Zalo's real
rates, pictures by URL, and the runner's polling with the real service."""

from __future__ import annotations

import asyncio
import itertools
import time
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from aiohttp import web
from sqlalchemy import select

from bot.bootstrap import StoredChats, build_app, utc_now, zalo_runner
from bot.demo import ensure_demo
from bot.i18n import Translator
from bot.outbox.delivery import RetryLater, Unreachable
from bot.rendering import Reply
from bot.settings import PROJECT_ROOT, Settings
from bot.zalo.channel import ZaloChannel, ZaloLimits
from bot.zalo.client import ZaloBotClient
from bot.zalo.media import MediaStore
from storage.db import Database
from storage.tables import ChannelIdentityRow
from storage.uow import UnitOfWork
from tests.support.botprocess import free_port
from tests.support.zalo_double import ZaloDouble

PNG = b"\x89PNG\r\n\x1a\n" + b"\x01" * 64


@pytest.fixture
async def zalo() -> AsyncIterator[ZaloDouble]:
    async with ZaloDouble(timeout_hold=2.0) as double:
        yield double


@pytest.fixture
async def client(zalo: ZaloDouble) -> AsyncIterator[ZaloBotClient]:
    async with ZaloBotClient("test", zalo.base_url, request_timeout=0.5) as api:
        yield api


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator(PROJECT_ROOT / "locales")


def make_channel(
    client: ZaloBotClient,
    translator: Translator,
    db: Database | None = None,
    media: MediaStore | None = None,
) -> ZaloChannel:
    chats = StoredChats(db.unit_of_work) if db is not None else None
    return ZaloChannel(client, translator, chats=chats, limits=ZaloLimits(), media=media)


async def identity(db: Database, chat_id: str) -> int:
    async with db.session() as session:
        found = await UnitOfWork(session, utc_now()).chats.identity("zalo", chat_id, chat_id)
    return found.id


async def unreachable(db: Database, identity_id: int) -> bool:
    async with db.session() as session:
        flag = await session.scalar(
            select(ChannelIdentityRow.unreachable).where(ChannelIdentityRow.id == identity_id)
        )
    return bool(flag)


async def test_rate_limited_then_sent_once_after_retry_after(
    zalo: ZaloDouble, client: ZaloBotClient, translator: Translator
) -> None:
    zalo.inject("sendMessage", "429")
    started = time.monotonic()
    await make_channel(client, translator).send("c1", [Reply("Báo cáo tuần")])
    assert time.monotonic() - started >= 0.9  # the double's Retry-After: 1
    assert zalo.messages("c1") == ["Báo cáo tuần"]
    assert zalo.faults["429"] == 1


async def test_server_errors_and_timeouts_are_retried(
    zalo: ZaloDouble, client: ZaloBotClient, translator: Translator
) -> None:
    zalo.inject("sendMessage", "500")
    zalo.inject("sendMessage", "timeout")
    await make_channel(client, translator).send("c1", [Reply("Xin chào")])
    assert zalo.messages("c1") == ["Xin chào"]
    assert (zalo.faults["500"], zalo.faults["timeout"]) == (1, 1)


async def test_giving_up_reports_retry_later(
    zalo: ZaloDouble, client: ZaloBotClient, translator: Translator
) -> None:
    zalo.inject("sendMessage", "500", times=10)
    # Each attempt is a call that counts against the rates (here high, so none waits).
    limits = ZaloLimits(100, push_per_second=100, push_chat_interval=0)
    channel = ZaloChannel(client, translator, limits=limits, attempts=3, backoff=False)
    with pytest.raises(RetryLater):
        await channel.send("c1", [Reply("Xin chào")])
    assert zalo.messages("c1") == []


async def test_blocked_person_is_marked_unreachable(
    zalo: ZaloDouble, client: ZaloBotClient, translator: Translator, db: Database
) -> None:
    blocked, other = await identity(db, "c-blocked"), await identity(db, "c-ok")
    zalo.block_chat("c-blocked")
    channel = make_channel(client, translator, db)
    with pytest.raises(Unreachable):
        await channel.send("c-blocked", [Reply("Báo cáo tuần")])
    assert await unreachable(db, blocked)
    assert not await unreachable(db, other)
    # Answering a person who just wrote flags them the same way.
    zalo.block_chat("c-ok")
    with pytest.raises(Unreachable):
        await channel.reply("c-ok", [Reply("Câu 1/12")])
    assert await unreachable(db, other)


async def test_one_message_per_second_in_a_chat(
    zalo: ZaloDouble, client: ZaloBotClient, translator: Translator
) -> None:
    await make_channel(client, translator).send("c1", [Reply("1"), Reply("2"), Reply("3")])
    dates = [r.date for r in zalo.sent if r.chat_id == "c1" and r.date is not None]
    assert len(dates) == 3
    assert all(b - a >= 900 for a, b in itertools.pairwise(dates)), dates


async def test_five_messages_per_second_overall(
    zalo: ZaloDouble, client: ZaloBotClient, translator: Translator
) -> None:
    channel = make_channel(client, translator)
    started = time.monotonic()
    await asyncio.gather(*(channel.reply(f"chat-{n}", [Reply("x")]) for n in range(10)))
    # Five at once, then one every 0.2 s.
    assert time.monotonic() - started >= 0.8
    assert sum(1 for r in zalo.sent if r.method == "sendMessage") == 10


async def test_a_picture_goes_out_as_a_url_the_bot_serves(
    zalo: ZaloDouble, client: ZaloBotClient, translator: Translator, tmp_path: Path
) -> None:
    port = free_port()
    media = MediaStore(tmp_path, f"http://127.0.0.1:{port}/zalo/media")
    app = web.Application()
    media.register(app)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port).start()
    try:
        await make_channel(client, translator, media=media).send(
            "c1", [Reply("Tiến độ tuần này", photo=PNG)]
        )
        assert zalo.messages("c1") == ["Tiến độ tuần này"]
        (photo,) = zalo.photos("c1")
        async with aiohttp.ClientSession() as http, http.get(photo.photo) as response:
            assert response.status == 200
            assert await response.read() == PNG
    finally:
        await runner.cleanup()


async def test_the_runner_polls_answers_and_stops_cleanly(
    zalo: ZaloDouble, database_url: str
) -> None:
    settings = Settings(
        database_url=database_url,
        zalo_bot_token="test",
        zalo_api_base=zalo.base_url,
        zalo_polling_timeout=1,
        _env_file=None,
    )
    app = build_app(settings)
    try:
        demo = await ensure_demo(app.db)
        runner = zalo_runner(app)
        stop = asyncio.Event()
        # A flaky start: polling backs off and carries on.
        zalo.inject("getUpdates", "500", times=2)
        task = asyncio.create_task(runner.run(stop))
        user = zalo.new_user_id()
        zalo.push_text(user, demo.invites["household"].code)
        texts = await zalo.wait_for_messages(user, 1, timeout=15)
        assert "Gia đình có đồng ý không?" in texts[0]
        assert zalo.faults["500"] == 2
        zalo.push_text(user, "1")
        await zalo.wait_for_messages(user, 2, timeout=15)
        stop.set()
        await asyncio.wait_for(task, 10)
        assert zalo.calls("deleteWebhook") == 1  # polling clears a stale webhook first
    finally:
        await app.close()


async def test_an_unreadable_answer_from_zalo_is_not_resent(
    zalo: ZaloDouble, client: ZaloBotClient, translator: Translator
) -> None:
    """Zalo carried out sendMessage but answered something unreadable: the message is not sent
    again; a person's other messages follow, a push says the delivery is unknown."""
    from bot.outbox.delivery import DeliveryUnknown

    zalo.inject("sendMessage", "garbage")
    channel = make_channel(client, translator)
    await channel.reply("c1", [Reply("Dạ, đã ghi nhận."), Reply("Câu 2/14")])
    assert zalo.messages("c1") == ["Dạ, đã ghi nhận.", "Câu 2/14"]
    assert [m for m, _ in zalo.requests].count("sendMessage") == 2

    zalo.inject("sendMessage", "garbage")
    with pytest.raises(DeliveryUnknown):
        await channel.send("c2", [Reply("Báo cáo tuần")])
    assert zalo.messages("c2") == ["Báo cáo tuần"]
    assert [m for m, _ in zalo.requests].count("sendMessage") == 3
