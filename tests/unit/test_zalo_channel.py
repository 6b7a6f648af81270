"""The Zalo channel without a network: updates → Inbound, replies → API calls, errors →
shared outcomes, pacing, pictures served by URL, and the channel's own strings."""

from __future__ import annotations

import itertools
import time
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.i18n import LOCALES, Translator
from bot.outbox.delivery import RetryLater, Unreachable
from bot.rendering import Button, Reply
from bot.settings import PROJECT_ROOT
from bot.zalo.channel import ZaloChannel, ZaloLimits, translate_error
from bot.zalo.client import (
    ZaloAPIError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloSentMessage,
    ZaloServerError,
    ZaloUpdate,
)
from bot.zalo.convert import inbound_from_update, is_private, is_unsupported
from bot.zalo.media import MediaStore

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def update(event: str, **message: Any) -> ZaloUpdate:
    body: dict[str, Any] = {
        "from": {"id": "a1b2", "display_name": "Chị Lan"},
        "chat": {"id": "a1b2", "chat_type": "PRIVATE"},
        "message_id": "m-1",
        "date": 1_760_000_000_000,
        **message,
    }
    return ZaloUpdate.model_validate({"event_name": event, "message": body})


# --- updates → Inbound ---------------------------------------------------------------------


def test_text_becomes_a_text_inbound_keyed_by_message_id() -> None:
    inbound = inbound_from_update(update("message.text.received", text="quay lai"))
    assert inbound is not None
    assert (inbound.channel, inbound.chat_id, inbound.user_id) == ("zalo", "a1b2", "a1b2")
    assert (inbound.kind, inbound.text, inbound.update_key) == ("text", "quay lai", "m-1")
    assert inbound.display_name == "Chị Lan"
    assert inbound.data == ""  # no buttons on Zalo, so never callback data


def test_first_name_is_used_when_there_is_no_display_name() -> None:
    raw = update("message.text.received", text="1").model_dump(by_alias=True)
    raw["message"]["from"] = {"id": 42, "first_name": "Lan"}  # a numeric id, too
    inbound = inbound_from_update(ZaloUpdate.model_validate(raw))
    assert inbound is not None
    assert (inbound.user_id, inbound.display_name) == ("42", "Lan")


def test_an_image_is_an_evidence_photo_referenced_by_its_url() -> None:
    url = "https://photo-stal.zadn.vn/abc.jpg"
    inbound = inbound_from_update(
        update("message.image.received", photo_url=url, caption="giấy khen")
    )
    assert inbound is not None
    assert (inbound.kind, inbound.file_ref, inbound.text) == ("photo", url, "giấy khen")


def test_sticker_and_unknown_events() -> None:
    sticker = inbound_from_update(update("message.sticker.received", sticker="s1"))
    assert sticker is not None and sticker.kind == "sticker"
    voice = inbound_from_update(update("message.voice.received"))
    assert voice is not None and voice.kind == "other"
    unsupported = update("message.unsupported.received")
    assert is_unsupported(unsupported) and not is_unsupported(voice_update())


def voice_update() -> ZaloUpdate:
    return update("message.voice.received")


def test_groups_bots_and_empty_updates_are_not_answered() -> None:
    group = update("message.text.received", text="hi", chat={"id": "g1", "chat_type": "GROUP"})
    assert not is_private(group) and inbound_from_update(group) is None
    robot = update("message.text.received", text="hi", **{"from": {"id": "b", "is_bot": True}})
    assert inbound_from_update(robot) is None
    empty = ZaloUpdate.model_validate({"event_name": "message.unsupported.received"})
    assert inbound_from_update(empty) is None


# --- errors ----------------------------------------------------------------------------------


def test_errors_become_the_shared_outcomes() -> None:
    limited = translate_error(ZaloRetryAfter(429, "slow down", retry_after=3))
    assert isinstance(limited, RetryLater) and limited.retry_after == 3
    assert isinstance(translate_error(ZaloServerError(502, "bad gateway")), RetryLater)
    assert isinstance(translate_error(ZaloNetworkError("timeout")), RetryLater)
    assert isinstance(translate_error(ZaloForbidden(403, "blocked")), Unreachable)
    refused = ZaloAPIError(400, "text too long")
    assert translate_error(refused) is refused


# --- sending ---------------------------------------------------------------------------------


class FakeClient:
    """Records what would have been sent; raises the queued errors first."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[tuple[str, str, str, float]] = []

    async def _record(self, method: str, chat_id: str, value: str) -> ZaloSentMessage:
        if self.errors:
            raise self.errors.pop(0)
        self.calls.append((method, chat_id, value, time.monotonic()))
        return ZaloSentMessage(message_id=str(len(self.calls)), date=0)

    async def send_message(self, chat_id: str, text: str) -> ZaloSentMessage:
        return await self._record("sendMessage", chat_id, text)

    async def send_photo(
        self, chat_id: str, photo_url: str, caption: str | None = None
    ) -> ZaloSentMessage:
        return await self._record("sendPhoto", chat_id, photo_url)

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self._record("sendChatAction", chat_id, action)

    def texts(self) -> list[str]:
        return [value for method, _, value, _ in self.calls if method == "sendMessage"]


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator(PROJECT_ROOT / "locales")


def channel(client: FakeClient, translator: Translator, **kwargs: Any) -> ZaloChannel:
    kwargs.setdefault("limits", ZaloLimits(1000, push_per_second=1000, push_chat_interval=0))
    return ZaloChannel(client, translator, backoff=False, **kwargs)  # type: ignore[arg-type]


async def test_text_is_sent_without_buttons_and_without_the_edit_echo(
    translator: Translator,
) -> None:
    client = FakeClient()
    replies = [
        Reply("Câu 4/14\n✓ Có", replaces_prompt=True),  # Telegram's edit of the question
        Reply("Câu 5/14\n1. Có\n2. Không", ((Button("1. Có", "a:5:yes"),),), is_prompt=True),
    ]
    await channel(client, translator).reply("c1", replies)
    assert client.texts() == ["Câu 5/14\n1. Có\n2. Không"]


async def test_long_text_is_split_at_2000_characters(translator: Translator) -> None:
    client = FakeClient()
    text = "\n".join(f"{i}. " + " ".join(["chữ"] * 40) for i in range(30))  # about 5,000 characters
    await channel(client, translator).send("c1", [Reply(text)])
    parts = client.texts()
    assert len(parts) == 3
    assert all(0 < len(part) <= 2000 for part in parts)
    assert "\n".join(parts) == text  # cut at line breaks: nothing else lost


async def test_a_picture_is_sent_by_url_when_the_bot_can_serve_it(
    translator: Translator, tmp_path: Path
) -> None:
    client = FakeClient()
    media = MediaStore(tmp_path, "https://bot.example.vn/zalo/media/")
    await channel(client, translator, media=media).send("c1", [Reply("Tuần này", photo=PNG)])
    (text_call, photo_call) = client.calls
    assert text_call[:3] == ("sendMessage", "c1", "Tuần này")
    assert photo_call[0] == "sendPhoto"
    name = photo_call[2].removeprefix("https://bot.example.vn/zalo/media/")
    assert name.endswith(".png") and (tmp_path / name).read_bytes() == PNG


async def test_without_a_media_url_a_picture_or_a_file_becomes_a_note_that_does_not_send_zalo_users_to_telegram(
    translator: Translator,
) -> None:
    client = FakeClient()
    replies = [Reply("Tuần này", photo=PNG), Reply("Danh sách", document=("ds.xlsx", b"x"))]
    await channel(client, translator).send("c1", replies)
    assert client.texts() == [
        "Tuần này\n\n(Zalo chưa gửi được hình ảnh kèm theo; các số liệu đã có ở trên.)",
        "Danh sách\n\n(Zalo chưa gửi được tệp “ds.xlsx”. Vui lòng nhờ quản trị viên gửi tệp này.)",
    ]
    assert not any("Telegram" in text for text in client.texts())


async def test_temporary_failures_are_retried(translator: Translator) -> None:
    client = FakeClient(
        ZaloRetryAfter(429, "slow down", retry_after=0),
        ZaloServerError(500, "oops"),
        ZaloNetworkError("timeout"),
    )
    await channel(client, translator).send("c1", [Reply("Xin chào")])
    assert client.texts() == ["Xin chào"]


async def test_giving_up_raises_retry_later(translator: Translator) -> None:
    client = FakeClient(*(ZaloServerError(500, "down") for _ in range(3)))
    with pytest.raises(RetryLater):
        await channel(client, translator, attempts=3).send("c1", [Reply("Xin chào")])
    assert client.texts() == []


async def test_blocked_raises_unreachable_and_a_bad_request_is_not_retried(
    translator: Translator,
) -> None:
    client = FakeClient(ZaloForbidden(403, "blocked"))
    with pytest.raises(Unreachable):
        await channel(client, translator).send("c1", [Reply("a"), Reply("b")])
    assert client.texts() == []  # nothing after the first refusal
    client = FakeClient(ZaloAPIError(400, "bad"))
    with pytest.raises(ZaloAPIError):
        await channel(client, translator).send("c1", [Reply("a")])
    assert client.errors == []  # tried once


async def test_typing_never_fails(translator: Translator) -> None:
    client = FakeClient(ZaloNetworkError("down"))
    await channel(client, translator).typing("c1")
    await channel(client, translator).typing("c1")
    assert [call[:3] for call in client.calls] == [("sendChatAction", "c1", "typing")]


def test_default_limits_are_zalos_ceilings() -> None:
    limits = ZaloLimits()
    assert limits.overall is not None and limits.overall.interval == pytest.approx(1 / 5)
    assert limits.pushes is not None and limits.pushes.interval == pytest.approx(1 / 4)
    assert limits.push_chat_interval == 1
    assert limits.group_per_minute is None


async def test_answers_to_one_chat_are_not_paced(translator: Translator) -> None:
    client = FakeClient()
    chan = ZaloChannel(client, translator, limits=ZaloLimits())  # type: ignore[arg-type]
    await chan.reply("c1", [Reply("Dạ, đã ghi."), Reply("Câu 2/12")])
    await chan.reply("c1", [Reply("Dạ, đã ghi."), Reply("Câu 3/12")])
    times = [call[3] for call in client.calls]
    assert len(times) == 4 and times[-1] - times[0] < 0.1  # within the 5 a second overall


async def test_pushes_to_one_chat_get_one_message_per_period(translator: Translator) -> None:
    client = FakeClient()
    # 0.1 s keeps the test short; the shape is the same at 1 s.
    limits = ZaloLimits(100, push_per_second=100, push_chat_interval=0.1)
    await ZaloChannel(client, translator, limits=limits).send(  # type: ignore[arg-type]
        "c1", [Reply("1"), Reply("2"), Reply("3")]
    )
    times = [call[3] for call in client.calls]
    assert all(later - earlier >= 0.09 for earlier, later in itertools.pairwise(times))


async def test_the_overall_rate_spans_chats(translator: Translator) -> None:
    client = FakeClient()
    limits = ZaloLimits(10, push_per_second=10, push_chat_interval=0)
    chan = ZaloChannel(client, translator, limits=limits)  # type: ignore[arg-type]
    started = time.monotonic()
    for chat in range(15):
        await chan.send(f"c{chat}", [Reply("x")])
    # A burst of 10, then 10 per second: the last 5 take about half a second.
    assert time.monotonic() - started >= 0.4


# --- pictures served by the bot ------------------------------------------------------------


async def test_media_store_serves_what_it_published_and_nothing_else(tmp_path: Path) -> None:
    store = MediaStore(tmp_path / "media", "https://bot.example.vn/pics", path="/pics")
    url = store.publish(PNG)
    assert url is not None and url.startswith("https://bot.example.vn/pics/")
    assert store.publish(b"GIF89a not a png") is None
    app = web.Application()
    store.register(app)
    async with TestClient(TestServer(app)) as http:
        response = await http.get("/pics/" + url.rsplit("/", 1)[1])
        assert response.status == 200
        assert await response.read() == PNG
        for bad in ("/pics/..%2Fsecret.png", "/pics/short.png", "/pics/" + "a" * 30 + ".png"):
            assert (await http.get(bad)).status == 404


def test_media_store_forgets_old_pictures(tmp_path: Path) -> None:
    store = MediaStore(tmp_path, "https://x.vn/m", ttl=0)
    url = store.publish(PNG)
    assert url is not None
    time.sleep(0.01)
    assert store.prune() == 1
    assert list(tmp_path.iterdir()) == []


# --- the channel's own strings ---------------------------------------------------------------


def test_every_zalo_message_exists_in_every_locale(translator: Translator) -> None:
    ids = {
        lang: {m for m in translator.message_ids(lang) if m.startswith("zalo-")} for lang in LOCALES
    }
    assert (
        ids["vi"]
        == ids["en"]
        == {
            "zalo-unsupported",
            "zalo-error",
            "zalo-photo-unavailable",
            "zalo-document-unavailable",
            "zalo-evidence-unavailable",
        }
    )
    for lang in LOCALES:
        for message_id in ids[lang]:
            assert translator(lang, message_id, filename="a.xlsx", count=2).strip()
