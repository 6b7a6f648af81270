"""Updates into the service and answers out (ZaloBridge), and the webhook in front of it."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.answering import Answering
from bot.i18n import Translator
from bot.inbound import Inbound
from bot.rendering import Reply
from bot.settings import PROJECT_ROOT
from bot.zalo.bridge import ZaloBridge
from bot.zalo.channel import ZaloChannel, ZaloLimits
from bot.zalo.client import SECRET_HEADER, ZaloSentMessage, ZaloUpdate
from bot.zalo.webhook import ZaloWebhookReceiver, webhook_path, webhook_secret

SECRET = "a-long-enough-secret"


def text_update(chat: str, message_id: str, text: str) -> dict[str, Any]:
    return {
        "event_name": "message.text.received",
        "message": {
            "from": {"id": chat, "display_name": "Lan"},
            "chat": {"id": chat, "chat_type": "PRIVATE"},
            "message_id": message_id,
            "date": 1_760_000_000_000,
            "text": text,
        },
    }


def parsed(chat: str, message_id: str, text: str = "hi") -> ZaloUpdate:
    return ZaloUpdate.model_validate(text_update(chat, message_id, text))


class Client:
    def __init__(self) -> None:
        self.sent: list[tuple[str, str]] = []
        self.actions: list[str] = []

    async def send_message(self, chat_id: str, text: str) -> ZaloSentMessage:
        self.sent.append((chat_id, text))
        return ZaloSentMessage()

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        self.actions.append(chat_id)


class Service:
    """Echoes each text after `delay` seconds; raises for the text "boom"."""

    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.handled: list[Inbound] = []

    async def handle(self, inbound: Inbound) -> list[Reply]:
        await asyncio.sleep(self.delay)
        if inbound.text == "boom":
            raise RuntimeError("boom")
        self.handled.append(inbound)
        return [Reply(f"echo {inbound.text}")]


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator(PROJECT_ROOT / "locales")


def make(translator: Translator, delay: float = 0.0) -> tuple[ZaloBridge, Service, Client]:
    client, service = Client(), Service(delay)
    channel = ZaloChannel(
        client,  # type: ignore[arg-type]
        translator,
        limits=ZaloLimits(1000, push_per_second=1000, push_chat_interval=0),
        backoff=False,
    )
    answers = Answering(service, channel.chats, apology="zalo-error")
    return ZaloBridge(answers, channel), service, client


async def settle(bridge: ZaloBridge, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while bridge.busy:
        assert time.monotonic() < deadline, "bridge still busy"
        await asyncio.sleep(0.01)


async def test_a_repeated_message_id_is_handled_once(translator: Translator) -> None:
    bridge, service, client = make(translator)
    assert bridge.submit(parsed("c1", "m1", "1"))
    assert not bridge.submit(parsed("c1", "m1", "1"))
    await settle(bridge)
    assert [i.update_key for i in service.handled] == ["m1"]
    assert client.sent == [("c1", "echo 1")]
    assert client.actions  # "typing…" while the answer was prepared


async def test_one_chat_in_order_different_chats_side_by_side(translator: Translator) -> None:
    bridge, _service, client = make(translator, delay=0.2)
    started = time.monotonic()
    for n in range(3):
        bridge.submit(parsed("a", f"a{n}", f"a{n}"))
        bridge.submit(parsed("b", f"b{n}", f"b{n}"))
    await settle(bridge)
    elapsed = time.monotonic() - started
    assert [t for c, t in client.sent if c == "a"] == ["echo a0", "echo a1", "echo a2"]
    assert [t for c, t in client.sent if c == "b"] == ["echo b0", "echo b1", "echo b2"]
    assert 0.6 <= elapsed < 1.1  # three in a row per chat, both chats at once


async def test_unsupported_content_is_answered_without_the_service(
    translator: Translator,
) -> None:
    bridge, service, client = make(translator)
    raw = text_update("c1", "m9", "")
    raw["event_name"] = "message.unsupported.received"
    del raw["message"]["text"]
    bridge.submit(ZaloUpdate.model_validate(raw))
    await settle(bridge)
    assert service.handled == []
    assert client.sent == [("c1", translator("vi", "zalo-unsupported"))]


async def test_a_failure_is_apologised_for_and_the_chat_goes_on(translator: Translator) -> None:
    bridge, _service, client = make(translator)
    bridge.submit(parsed("c1", "m1", "boom"))
    bridge.submit(parsed("c1", "m2", "next"))
    await settle(bridge)
    assert client.sent == [("c1", translator("vi", "zalo-error")), ("c1", "echo next")]


async def test_drain_finishes_what_was_queued_and_takes_nothing_new(
    translator: Translator,
) -> None:
    bridge, _service, client = make(translator, delay=0.05)
    bridge.submit(parsed("c1", "m1", "1"))
    bridge.submit(parsed("c1", "m2", "2"))
    await bridge.drain(grace=5)
    assert [t for _, t in client.sent] == ["echo 1", "echo 2"]
    assert not bridge.submit(parsed("c1", "m3", "3"))


# --- the webhook -----------------------------------------------------------------------------


async def webhook_client(bridge: ZaloBridge) -> tuple[TestClient[Any, Any], ZaloWebhookReceiver]:
    receiver = ZaloWebhookReceiver(bridge, SECRET)
    app = web.Application()
    app.router.add_post("/zalo/webhook", receiver.handle)
    client: TestClient[Any, Any] = TestClient(TestServer(app))
    await client.start_server()
    return client, receiver


async def test_webhook_without_the_right_secret_is_refused(translator: Translator) -> None:
    bridge, service, _ = make(translator)
    http, _ = await webhook_client(bridge)
    try:
        body = {"ok": True, "result": text_update("c1", "m1", "hi")}
        for headers in ({}, {SECRET_HEADER: "wrong"}, {SECRET_HEADER: SECRET + "x"}):
            response = await http.post("/zalo/webhook", json=body, headers=headers)
            assert response.status == 403
        await settle(bridge)
        assert service.handled == []
        response = await http.post("/zalo/webhook", json=body, headers={SECRET_HEADER: SECRET})
        assert response.status == 200
        await settle(bridge)
        assert [i.text for i in service.handled] == ["hi"]
    finally:
        await http.close()


async def test_webhook_takes_a_bare_update_and_rejects_what_is_not_one(
    translator: Translator,
) -> None:
    bridge, service, _ = make(translator)
    http, receiver = await webhook_client(bridge)
    headers = {SECRET_HEADER: SECRET}
    try:
        bare = text_update("c1", "m1", "bare")
        assert (await http.post("/zalo/webhook", json=bare, headers=headers)).status == 200
        assert (await http.post("/zalo/webhook", data=b"{", headers=headers)).status == 400
        assert (await http.post("/zalo/webhook", json=[1], headers=headers)).status == 400
        receiver.closing = True
        again = text_update("c1", "m2", "late")
        assert (await http.post("/zalo/webhook", json=again, headers=headers)).status == 503
        await settle(bridge)
        assert [i.text for i in service.handled] == ["bare"]
    finally:
        await http.close()


def test_webhook_path_and_secret() -> None:
    assert webhook_path("https://bot.example.vn/hooks/zalo") == "/hooks/zalo"
    assert webhook_path("https://bot.example.vn") == "/zalo/webhook"
    assert webhook_path("https://bot.example.vn/x", "custom/path/") == "/custom/path"
    assert webhook_secret("12345678") == "12345678"
    assert len(webhook_secret(None)) >= 32
    assert webhook_secret(None) != webhook_secret(None)
    with pytest.raises(ValueError):
        webhook_secret("short")
