"""Evidence photos as each channel shows them: Telegram albums of at most 10 (a lone photo as a
photo message, a photo sent "as a file" one by one), a photo from another channel from the
bot's stored copy; the terminal a line per photo. Against the Bot API double."""

from __future__ import annotations

import io
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot

from bot.console.chat import _print
from bot.i18n import Translator
from bot.rendering import AlbumPhoto, Reply
from bot.settings import PROJECT_ROOT
from bot.telegram.sender import TelegramChannel, TelegramLimits
from tests.support.telegram_double import TelegramDouble

CHAT = 502
JPEG = b"\xff\xd8\xff\xe0" + b"\x07" * 100


@pytest.fixture
async def tg() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble() as double:
        yield double
        assert not double.errors


@pytest.fixture
async def bot(tg: TelegramDouble) -> AsyncIterator[Bot]:
    bot = tg.make_bot("123456:TEST")
    yield bot
    await bot.session.close()


@pytest.fixture
def channel(bot: Bot) -> TelegramChannel:
    limits = TelegramLimits(1000, push_per_second=1000, push_chat_interval=0)
    stored = {"copy-aaaaaaaaaaaaaaaaaaaaaa.jpg": JPEG}
    return TelegramChannel(
        bot, Translator(PROJECT_ROOT / "locales"), limits=limits, load=stored.get
    )


def _photos(tg: TelegramDouble, count: int) -> tuple[list[str], tuple[AlbumPhoto, ...]]:
    ids = [tg.push_photo(CHAT) for _ in range(count)]
    return ids, tuple(AlbumPhoto(f"Câu {i}: ảnh", "telegram", f) for i, f in enumerate(ids, 1))


async def test_twelve_photos_are_two_albums_of_ten_and_two(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    ids, album = _photos(tg, 12)
    await channel.reply(CHAT, [Reply("Ảnh minh chứng: 12 ảnh", album=album)])
    groups = tg.calls("sendMediaGroup")
    assert [len(call.params["media"]) for call in groups] == [10, 2]
    shown = tg.photos(CHAT)
    assert [m.file.file_id for m in shown if m.file] == ids
    assert [m.caption for m in shown] == [f"Câu {i}: ảnh" for i in range(1, 13)]
    assert tg.messages(CHAT)[0].content == "Ảnh minh chứng: 12 ảnh"  # the text first


async def test_eleven_photos_are_an_album_and_a_photo(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    ids, album = _photos(tg, 11)
    await channel.reply(CHAT, [Reply("11", album=album)])
    assert [len(call.params["media"]) for call in tg.calls("sendMediaGroup")] == [10]
    assert [call.params["photo"] for call in tg.calls("sendPhoto")] == [ids[-1]]
    assert len(tg.photos(CHAT)) == 11


async def test_a_photo_sent_as_a_file_and_one_from_zalo(
    tg: TelegramDouble, channel: TelegramChannel
) -> None:
    document = tg.push_document(CHAT, JPEG, "anh.jpg")
    photo = tg.push_photo(CHAT)
    album = (
        AlbumPhoto("Câu 1: tài liệu", "telegram", document),
        AlbumPhoto("Câu 2: ảnh", "telegram", photo),
        # From Zalo: Telegram does not know it; the bot's stored copy is uploaded.
        AlbumPhoto(
            "Câu 3: Zalo", "zalo", "https://zalo.cdn/x.jpg", "copy-aaaaaaaaaaaaaaaaaaaaaa.jpg"
        ),
    )
    await channel.reply(CHAT, [Reply("3 ảnh", album=album)])
    # The album was refused (a document among photos): each one went on its own.
    assert [c.status for c in tg.calls("sendMediaGroup")] == [400]
    shown = [m for m in tg.messages(CHAT) if m.kind != "text"]
    assert [(m.kind, m.caption) for m in shown] == [
        ("document", "Câu 1: tài liệu"),
        ("photo", "Câu 2: ảnh"),
        ("photo", "Câu 3: Zalo"),
    ]
    assert shown[2].file is not None and shown[2].file.data == JPEG


def test_the_terminal_prints_a_line_per_photo() -> None:
    out = io.StringIO()
    album = (AlbumPhoto("Câu 7: Kết quả học tập", "telegram", "f1"),) * 2
    _print([Reply("Ảnh minh chứng: 2 ảnh", album=album)], out)
    assert out.getvalue().splitlines()[1:3] == ["📷 [Câu 7: Kết quả học tập]"] * 2
