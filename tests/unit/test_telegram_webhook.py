"""The webhook receiver: the secret header decides, before anything is parsed."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from aiogram import Bot, Dispatcher, Router
from aiogram.types import Message
from aiohttp import web

from bot.telegram.webhook import (
    DEFAULT_PATH,
    SECRET_HEADER,
    WebhookReceiver,
    webhook_path,
    webhook_secret,
)

SECRET = "s3cret_-token"


def update(update_id: int, text: str) -> dict[str, Any]:
    return {
        "update_id": update_id,
        "message": {
            "message_id": update_id,
            "date": 1_790_000_000,
            "chat": {"id": 5, "type": "private", "first_name": "Lan"},
            "from": {"id": 5, "is_bot": False, "first_name": "Lan"},
            "text": text,
        },
    }


class Server:
    def __init__(self, receiver: WebhookReceiver, url: str, seen: list[str]) -> None:
        self.receiver = receiver
        self.url = url
        self.seen = seen

    async def post(self, body: Any, secret: str | None = SECRET) -> int:
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            headers[SECRET_HEADER] = secret
        data = body if isinstance(body, str) else json.dumps(body)
        async with (
            aiohttp.ClientSession() as http,
            http.post(self.url, data=data, headers=headers) as response,
        ):
            return response.status


@pytest.fixture
async def server() -> AsyncIterator[Server]:
    seen: list[str] = []
    router = Router()

    @router.message()
    async def on_message(message: Message) -> None:
        await asyncio.sleep(0.05)
        seen.append(message.text or "")

    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    bot = Bot("123456:TEST")
    receiver = WebhookReceiver(bot, dispatcher, SECRET)
    app = web.Application()
    app.router.add_post(DEFAULT_PATH, receiver.handle)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    port = runner.addresses[0][1]
    yield Server(receiver, f"http://127.0.0.1:{port}{DEFAULT_PATH}", seen)
    await runner.cleanup()
    await bot.session.close()


async def test_the_right_secret_gets_the_update_handled_before_the_answer(server: Server) -> None:
    assert await server.post(update(1, "xin chào")) == 200
    assert server.seen == ["xin chào"]  # handled before 200: a crash means a redelivery


@pytest.mark.parametrize("secret", [None, "", "wrong", SECRET + "x", SECRET[:-1]])
async def test_without_the_right_secret_the_request_is_refused(
    server: Server, secret: str | None
) -> None:
    assert await server.post(update(2, "giả mạo"), secret=secret) == 403
    assert server.seen == []


async def test_a_body_that_is_not_an_update_is_a_bad_request(server: Server) -> None:
    assert await server.post("not json") == 400
    assert await server.post({"update_id": "x"}) == 400


async def test_while_stopping_new_updates_are_turned_back(server: Server) -> None:
    await server.receiver.drain(grace=1)
    assert await server.post(update(3, "muộn")) == 503  # Telegram will deliver it again
    assert await server.post(update(3, "muộn"), secret=None) == 403  # still no secret, no entry


def test_secret_and_path_settings() -> None:
    assert webhook_secret("abc_DEF-123") == "abc_DEF-123"
    generated = webhook_secret(None)
    assert len(generated) >= 32 and webhook_secret(generated) == generated
    assert webhook_secret(None) != generated
    with pytest.raises(ValueError):
        webhook_secret("có dấu")
    assert webhook_path("https://bot.example.vn/hooks/telegram") == "/hooks/telegram"
    assert webhook_path("https://bot.example.vn") == DEFAULT_PATH
