"""Evidence the verifier sees (issue 13): the household's photos go with the form a collaborator
opens, as an album of its own file ids on Telegram and by the bot's URLs on Zalo, and the form
says how many photos each answer has; a form can be returned asking for more photos; every
photo is copied once into the photo store (file and row, tried again when Telegram fails) and
/xoa deletes the copies. Against the Telegram and Zalo doubles, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import App, build_app, telegram_channel
from bot.demo import ensure_demo
from bot.i18n import Translator
from bot.photos import PhotoFetcher
from bot.settings import PROJECT_ROOT, Settings
from bot.zalo.channel import ZaloChannel, ZaloLimits
from bot.zalo.client import ZaloBotClient
from bot.zalo.media import MediaStore
from storage.db import Database, downgrade, upgrade
from storage.tables import EvidenceRow, StoredPhotoRow
from storage.uow import UnitOfWork
from tests.conftest import FakeClock
from tests.integration.test_telegram_menus import run_bot, stop_bot
from tests.support.answers import FULL_ANSWERS
from tests.support.chat import Chat
from tests.support.telegram_double import TelegramDouble
from tests.support.zalo_double import ZaloDouble

HOUSEHOLD, COLLABORATOR = 7101, 7102
EVIDENCE_HINT = "Có thể gửi ảnh minh chứng"
JPEG = b"\xff\xd8\xff\xe0" + b"\x10" * 200


@pytest.fixture
async def photo_app(settings: Settings, clock: FakeClock, tmp_path: Path) -> AsyncIterator[App]:
    evidence = settings.model_copy(update={"evidence_dir": tmp_path / "evidence"})
    application = build_app(evidence, clock=clock)
    yield application
    await application.close()


@pytest.fixture
async def double() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble() as tg:
        yield tg


async def _rows(app: App, table: type) -> int:
    async with app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def _register_on_telegram(app: App) -> None:
    """The demo commune, a household and its collaborator, each with a Telegram chat."""
    demo = await ensure_demo(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, app.service.clock())
        person = await uow.people.add(
            "Nguyễn Văn An", "household", commune_id=demo.commune_id, village_id=demo.village_ids[0]
        )
        await uow.households.register(demo.village_ids[0], "Nguyễn Văn An", person.id)
        for chat, person_id in ((HOUSEHOLD, person.id), (COLLABORATOR, demo.collaborator_id)):
            identity = await uow.chats.identity("telegram", str(chat), str(chat))
            await uow.chats.bind(identity.id, person_id)


async def _say(double: TelegramDouble, chat: int, text: str) -> str:
    double.push_text(chat, text)
    await double.wait_idle()
    return double.last_message(chat).content


async def _press(double: TelegramDouble, chat: int, label: str) -> None:
    double.press_button(chat, label)
    await double.wait_idle()


async def _fill_in_with_photos(double: TelegramDouble) -> dict[str, list[str]]:
    """The household answers every question, sending two photos at the first question that
    takes them and one at the second; returns the photos' file ids by question text."""
    await _say(double, HOUSEHOLD, "/start")
    menu = double.last_message(HOUSEHOLD)
    start = next(b for b in menu.buttons if b["callback_data"].endswith(":start"))
    double.push_callback(HOUSEHOLD, menu, start["callback_data"])
    await double.wait_idle()
    sent: dict[str, list[str]] = {}
    for answer in FULL_ANSWERS:
        question = double.last_message(HOUSEHOLD).content
        if EVIDENCE_HINT in question and len(sent) < 2:
            label = question.splitlines()[1]
            for _ in range(2 - len(sent)):
                sent.setdefault(label, []).append(double.push_photo(HOUSEHOLD))
                await double.wait_idle()
        await _say(double, HOUSEHOLD, answer)
    before = len(double.messages(HOUSEHOLD))
    await _say(double, HOUSEHOLD, "gửi")
    result = "\n".join(m.content for m in double.messages(HOUSEHOLD)[before:])
    assert "Tổng: 100/100 điểm" in result, double.transcript(HOUSEHOLD)
    return sent


async def test_the_verifier_sees_the_album_and_the_photos_are_stored_once_then_deleted(
    photo_app: App, double: TelegramDouble, clock: FakeClock
) -> None:
    app = photo_app
    await _register_on_telegram(app)
    app.service.push_channels = frozenset({"telegram"})
    stop, task = await run_bot(app, double)
    try:
        photos = await _fill_in_with_photos(double)
        assert [len(ids) for ids in photos.values()] == [2, 1]
        # The answers were not held up: nothing was downloaded while the household answered.
        assert double.calls("getFile") == []

        await _say(double, COLLABORATOR, "/start")
        await _press(double, COLLABORATOR, "Phiếu chờ xác nhận")
        before = len(double.messages(COLLABORATOR))
        await _press(double, COLLABORATOR, "Nguyễn Văn An")
        shown = double.messages(COLLABORATOR)[before:]
        text = "\n".join(m.content for m in shown if m.kind == "text")
        first, second = photos
        assert f"📷 2 ảnh – Câu {_number(text, first)}: {first}" in text
        assert f"📷 1 ảnh – Câu {_number(text, second)}: {second}" in text
        assert "Ảnh minh chứng: 3 ảnh" in text
        album = [m for m in shown if m.kind == "photo"]
        # An album of the household's own photos, by their file ids, captioned by question.
        assert [m.file.file_id for m in album if m.file] == [*photos[first], *photos[second]]
        assert len({m.media.get("media_group_id") for m in album}) == 1
        assert [m.caption for m in album] == [
            *[f"Câu {_number(text, first)}: {first}"] * 2,
            f"Câu {_number(text, second)}: {second}",
        ]
        assert len(double.calls("sendMediaGroup")) == 1
        # The options come after the photos, still answerable.
        assert "Trả lại" in " ".join(double.last_message(COLLABORATOR).button_labels)

        # The copies: fetched beside the chat, once; Telegram failing once is tried again.
        double.inject("getFile", "500")
        fetcher = app.photo_fetcher()
        assert await fetcher.run_once() == 2
        assert await fetcher.run_once() == 0  # the failed one waits for its turn
        clock.advance(seconds=app.settings.photo_fetch_backoff_seconds + 1)
        assert await fetcher.run_once() == 1
        assert await fetcher.run_once() == 0
        assert len(double.calls("getFile")) == 4
        assert app.db.photos is not None
        stored = app.db.photos.names()
        assert len(stored) == 3
        wanted = sorted(double.file_bytes(i) for ids in photos.values() for i in ids)
        assert sorted(app.db.photos.read(n) or b"" for n in stored) == wanted
        async with app.db.session() as session:
            names = set(await session.scalars(select(StoredPhotoRow.name)))
        assert names == stored

        # Returned asking for more photos: the household is told so.
        await _press(double, COLLABORATOR, "Trả lại")
        assert "Cần thêm ảnh minh chứng" in double.last_message(COLLABORATOR).button_labels
        await _press(double, COLLABORATOR, "Cần thêm ảnh minh chứng")
        sender = telegram_channel(replace(app, settings=_on_double(app, double)))
        try:
            await app.outbox_worker({"telegram": sender}).run_until_idle()
        finally:
            await sender.bot.session.close()
        notice = double.last_message(HOUSEHOLD).content
        assert "cần bổ sung" in notice and "Cần thêm ảnh minh chứng" in notice, notice

        # /xoa: the copies go with the rows.
        assert "chắc chắn muốn xóa" in await _say(double, HOUSEHOLD, "/xoa")
        await _press(double, HOUSEHOLD, "Xóa dữ liệu")
        assert "đã xóa dữ liệu" in double.last_message(HOUSEHOLD).content
        assert app.db.photos.names() == set()
        assert await _rows(app, StoredPhotoRow) == 0 and await _rows(app, EvidenceRow) == 0
    finally:
        await stop_bot(app, stop, task)


def _number(text: str, question: str) -> str:
    """The question's number as the form's text gives it."""
    match = re.search(rf"ảnh – Câu (\d+): {re.escape(question)}", text)
    assert match, text
    return match.group(1)


def _on_double(app: App, double: TelegramDouble) -> Settings:
    return app.settings.model_copy(
        update={"telegram_bot_token": "123456:TEST", "telegram_api_base": double.base_url}
    )


async def test_a_verifier_on_zalo_gets_the_photos_by_the_bots_urls(
    photo_app: App, clock: FakeClock, tmp_path: Path
) -> None:
    app = photo_app
    demo = await ensure_demo(app.db)
    household = Chat(app, "501", channel="telegram")
    await household.say(f"/start {demo.invites['household'].code}")
    await household.choose("Đồng ý")
    await household.say("Trần Thị Bình")
    assert "đã đăng ký hộ" in await household.choose("Đúng")  # its questions follow
    refs = ["AgACAgIAAxkBAAIZaloOne", "AgACAgIAAxkBAAIZaloTwo"]
    sent = False
    for answer in FULL_ANSWERS:
        if not sent and EVIDENCE_HINT in household.seen[-1]:
            for ref in refs:
                await household.send("photo", file_ref=ref)
            sent = True
        await household.say(answer)
    assert sent and "100/100" in await household.say("gửi")

    downloads: list[str] = []

    async def download(file_id: str) -> bytes:
        downloads.append(file_id)
        return JPEG + file_id.encode()

    fetcher = PhotoFetcher(app.db, {"telegram": download}, clock)
    assert await fetcher.run_once() == 2 and downloads == refs

    collaborator = Chat(app, "col-z", channel="zalo")
    await collaborator.say(demo.invites["collaborator"].code)
    await collaborator.say("Lê Văn Tâm")
    await collaborator.say("bo qua")
    await collaborator.say("/start")
    await collaborator.choose("Phiếu chờ xác nhận")
    shown = await collaborator.choose("Trần Thị Bình")
    assert re.search(r"📷 2 ảnh – Câu \d+: .+", shown), shown

    media_url = "http://127.0.0.1:9/zalo/media"
    media = MediaStore(tmp_path / "zalo-media", media_url)
    async with ZaloDouble() as zalo, ZaloBotClient("t", zalo.base_url) as client:
        channel = ZaloChannel(
            client,
            Translator(PROJECT_ROOT / "locales"),
            limits=ZaloLimits(1000, push_per_second=1000, push_chat_interval=0),
            media=media,
            load=app.load_photo,
        )
        await channel.reply("col-z", collaborator.last_replies)
        await asyncio.sleep(0)
        photos = zalo.photos("col-z")
    assert [p.photo.startswith(media_url + "/") for p in photos] == [True, True]
    assert all(re.fullmatch(r"Câu \d+: .+", p.caption or "") for p in photos)
    served = sorted(
        (tmp_path / "zalo-media" / p.photo.rsplit("/", 1)[1]).read_bytes() for p in photos
    )
    assert served == sorted(JPEG + ref.encode() for ref in refs)


async def test_migration_0007_queues_the_photos_received_before_it(
    database_url: str, clock: FakeClock
) -> None:
    downgrade(database_url, "0006")
    db = Database(database_url)
    try:
        async with db.session() as session:
            uow = UnitOfWork(session, clock())
            province = await uow.places.ensure_province("Tỉnh Nghệ An")
            commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", False)
            village = await uow.places.ensure_village(commune.id, "Thôn Sen 1")
            household = await uow.households.add(village.id, "Hộ Cũ")
            form = await uow.assessments.add(
                title="household",
                subject_kind="household",
                subject_id=household.id,
                commune_id=commune.id,
                village_id=village.id,
                year=2026,
                pack_id="gdht-448",
                pack_version="2015.1",
                session={"answers": {}},
                created_by=None,
            )
            session.add(
                EvidenceRow(
                    assessment_id=form.id,
                    question="books",
                    channel="telegram",
                    file_ref="AgAC-old",
                    created_at=clock(),
                )
            )
    finally:
        await db.dispose()
    upgrade(database_url)
    db = Database(database_url)
    try:
        async with db.unit_of_work(clock()) as uow:
            [due] = await uow.photos.due(["telegram"], max_attempts=3)
            assert (due.file_ref, due.attempts) == ("AgAC-old", 0)
    finally:
        await db.dispose()
