"""Digests through the real TelegramChannel against the local Bot API double: text, the chart
photo and the report buttons arrive once; a 429 is retried after its retry_after; a 403
(blocked) marks the chair unreachable instead of retrying forever."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from PIL import Image
from sqlalchemy import select

from bot.bootstrap import App
from bot.outbox.scheduler import ReportScheduler
from bot.outbox.worker import OutboxWorker
from bot.telegram import TelegramChannel
from storage.tables import ChannelIdentityRow
from storage.uow import UnitOfWork
from tests.conftest import FakeClock
from tests.integration.test_reports_fixtures import NOW, seed
from tests.support.outbox import Outbox
from tests.support.telegram_double import TelegramDouble

KIM_LIEN_CHAIR = 5001
DONG_VAN_CHAIR = 5002


@pytest.fixture
async def double() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble() as tg:
        yield tg


async def _queue_monday_digests(app: App, clock: FakeClock) -> None:
    await seed(app.db)
    clock.advance(hours=22)  # Monday 23/11/2026 07:00 in Hà Nội
    await ReportScheduler(app.db, app.settings, clock).tick()


def _worker(app: App, channel: TelegramChannel, clock: FakeClock) -> OutboxWorker:
    return OutboxWorker(
        app.db, {"telegram": channel}, app.reports.render, clock=clock, concurrency=2
    )


async def test_digest_with_chart_and_buttons_reaches_telegram_once(
    app: App, clock: FakeClock, double: TelegramDouble
) -> None:
    await _queue_monday_digests(app, clock)
    bot = double.make_bot()
    try:
        channel = TelegramChannel(bot, app.translator, chats=app.chats)
        worker = _worker(app, channel, clock)
        await worker.run_until_idle()
        await worker.run_until_idle()  # nothing more: each push is sent once
    finally:
        await bot.session.close()

    messages = double.messages(KIM_LIEN_CHAIR)
    assert [m.kind for m in messages] == ["text", "photo"]
    text, photo = messages
    assert text.content.startswith("📊 Báo cáo khuyến học — Kim Liên\n7 ngày qua: 16/11/2026")
    assert "Tỷ lệ công nhận: 5/80 hộ, 6,3%" in text.content
    labels = text.button_labels
    # 23/11: the yearly summary was due before 15/11, and its button says so.
    assert "📥 Danh sách (Excel)" in labels and "📄 Báo cáo năm (Excel) – quá hạn" in labels
    assert all(len(b["callback_data"].encode()) <= 64 for b in text.buttons)

    assert photo.caption == "Tỷ lệ công nhận theo danh hiệu và theo thôn, năm 2026"
    assert photo.data.startswith(b"\x89PNG\r\n\x1a\n")
    Image.open(io.BytesIO(photo.data)).verify()
    # The other commune's chair got their own digest.
    assert double.messages(DONG_VAN_CHAIR)[0].content.startswith("📊 Báo cáo khuyến học — Đồng Văn")
    statuses = {i.key.split(":c")[0]: i.status for i in await Outbox(app.db).list()}
    assert statuses["digest:week:2026-11-23"] == "sent"


async def test_429_waits_for_retry_after_and_403_marks_unreachable(
    app: App, clock: FakeClock, double: TelegramDouble
) -> None:
    await _queue_monday_digests(app, clock)
    # The chair of Đồng Văn blocked the bot; Telegram answers the next sendMessage with 429.
    double.block_chat(DONG_VAN_CHAIR)
    double.inject("sendMessage", "429", times=1, retry_after=5)
    bot = double.make_bot()
    try:
        # One attempt per send: the worker itself must honour retry_after.
        channel = TelegramChannel(bot, app.translator, chats=app.chats, attempts=1)
        worker = OutboxWorker(
            app.db,
            {"telegram": channel},
            app.reports.render,
            clock=clock,
            concurrency=1,
        )
        await worker.run_until_idle()
        outbox = Outbox(app.db)
        items = {i.person_id: i for i in await outbox.list() if i.kind == "digest"}
        waiting = [i for i in items.values() if i.status == "pending"]
        assert len(waiting) == 1 and "retry after 5" in (waiting[0].last_error or "")
        assert waiting[0].next_attempt_at == clock() + timedelta(seconds=5)
        assert double.fault_count("sendMessage", "429") == 1

        clock.advance(seconds=4)
        await worker.run_until_idle()
        assert [i.status for i in await outbox.list() if i.id == waiting[0].id] == ["pending"]
        clock.advance(seconds=1)
        await worker.run_until_idle()
    finally:
        await bot.session.close()

    items = {i.id: i for i in await Outbox(app.db).list() if i.kind == "digest"}
    statuses = sorted(i.status for i in items.values())
    assert statuses == ["sent", "unreachable"]
    blocked = next(i for i in items.values() if i.status == "unreachable")
    assert "blocked" in (blocked.last_error or "")
    # Kim Liên's chair got the digest once despite the 429; the blocked chat got nothing.
    assert [m.kind for m in double.messages(KIM_LIEN_CHAIR)] == ["text", "photo"]
    assert double.messages(DONG_VAN_CHAIR) == []
    async with app.db.session() as s:
        flagged = await s.scalar(
            select(ChannelIdentityRow.unreachable).where(
                ChannelIdentityRow.chat_id == str(DONG_VAN_CHAIR)
            )
        )
    assert flagged is True

    # Writing to the bot again makes the chair reachable (ChatRepository.identity).
    async with app.db.session() as s:
        await UnitOfWork(s, NOW).chats.identity("telegram", "5002", "5002")
        assert not await s.scalar(
            select(ChannelIdentityRow.unreachable).where(ChannelIdentityRow.chat_id == "5002")
        )


async def test_channel_retries_a_429_itself_honouring_retry_after(
    app: App, clock: FakeClock, double: TelegramDouble
) -> None:
    """With the channel's own retries (the default), a short retry_after is waited out inside
    the send, and the push still goes out exactly once."""
    await _queue_monday_digests(app, clock)
    double.inject("sendPhoto", "429", times=1, retry_after=1)
    bot = double.make_bot()
    try:
        await _worker(
            app, TelegramChannel(bot, app.translator, chats=app.chats), clock
        ).run_until_idle()
    finally:
        await bot.session.close()
    photo_calls = double.calls("sendPhoto")
    assert len(photo_calls) == 3  # two chairs, one of them twice
    retried = [c for c in photo_calls if c.fault == "429"]
    assert len(retried) == 1
    later = [c for c in photo_calls if c.params["chat_id"] == retried[0].params["chat_id"]][-1]
    assert later.at - retried[0].at >= 1.0
    for chat in (KIM_LIEN_CHAIR, DONG_VAN_CHAIR):
        assert [m.kind for m in double.messages(chat)] == ["text", "photo"]


async def test_export_button_sends_the_workbook_as_a_document(
    app: App, clock: FakeClock, double: TelegramDouble
) -> None:
    """What the lead wires to a tap on "📥 Danh sách (Excel)": the XLSX as a document."""
    from bot.reports import report_callback

    seeded = await seed(app.db)
    async with app.db.session() as s:
        chair = await UnitOfWork(s, NOW).people.get(seeded.chair_id)
    assert chair is not None
    replies = await report_callback(app.reports, chair, f"x:e:{seeded.commune_id}:2026", "vi")
    bot = double.make_bot()
    try:
        await TelegramChannel(bot, app.translator, chats=app.chats).send(
            str(KIM_LIEN_CHAIR), replies
        )
    finally:
        await bot.session.close()
    [document] = double.documents(KIM_LIEN_CHAIR)
    assert document.filename == "danh-sach-kim-lien-2026.xlsx"
    assert document.caption == "Dạ, gửi danh sách đánh giá năm 2026 của Kim Liên."
    assert document.data[:2] == b"PK"


async def test_an_unreadable_answer_from_telegram_is_not_resent(
    app: App, clock: FakeClock, double: TelegramDouble
) -> None:
    """Telegram carried out sendMessage but its answer could not be decoded: the message is
    not sent again (six times, seconds apart): a person's reply goes on at once with the next
    message, and a push is recorded as "delivery unknown" for the administrator."""
    import time

    from bot.rendering import Button, Reply

    bot = double.make_bot()
    try:
        channel = TelegramChannel(bot, app.translator, chats=app.chats)
        double.inject("sendMessage", "garbage")
        started = time.monotonic()
        question = Reply("Câu 2/14", ((Button("1. Có", "a:2:yes"),),), is_prompt=True)
        await channel.reply(4242, [Reply("Dạ, đã ghi nhận."), question])
        assert time.monotonic() - started < 2  # no backoff between retries
        assert [m.content for m in double.messages(4242)] == ["Dạ, đã ghi nhận.", "Câu 2/14"]
        assert len(double.calls("sendMessage")) == 2
        assert double.messages(4242)[1].button_labels == ["1. Có"]

        await _queue_monday_digests(app, clock)
        double.inject("sendMessage", "garbage")
        worker = _worker(app, channel, clock)
        await worker.run_until_idle()
        await worker.run_until_idle()
    finally:
        await bot.session.close()
    digests = [i for i in await Outbox(app.db).list() if i.kind == "digest"]
    unknown = [i for i in digests if i.status == "failed"]
    assert len(unknown) == 1 and "delivery unknown" in (unknown[0].last_error or "")
    chat = unknown[0].chat_id
    assert chat is not None
    texts = [m for m in double.messages(int(chat)) if m.kind == "text"]
    assert len(texts) == 1  # sent once, not again
