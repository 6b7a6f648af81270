"""Whatever body reaches a webhook with the right secret, the answer is 400 when it is not an
update, never a 500: against the web application the runners build for `hoctap run`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer

from bot.bootstrap import build_app, telegram_runner, zalo_runner
from bot.settings import Settings
from bot.telegram.webhook import SECRET_HEADER as TELEGRAM_SECRET_HEADER
from bot.zalo.client import SECRET_HEADER as ZALO_SECRET_HEADER

TELEGRAM_SECRET = "telegram_secret-1"
ZALO_SECRET = "zalo-secret-0123"

DEEP = b"[" * 100_000 + b"]" * 100_000  # exhausts the JSON parser's recursion
BAD_BODIES: list[tuple[str, bytes, str]] = [
    ("deeply nested array", DEEP, "application/json"),
    ("deeply nested object", b'{"a":' * 50_000 + b"1" + b"}" * 50_000, "application/json"),
    ("not UTF-8", b'{"update_id": "\xff\xfe"}', "application/json"),
    ("unknown charset", b"[1]", "application/json; charset=klingon"),
    ("empty", b"", "application/json"),
    ("not JSON", b"<html>hello</html>", "text/html"),
    ("a bare string", b'"update"', "application/json"),
    ("null", b"null", "application/json"),
]


@pytest.fixture
async def client(tmp_path: Path) -> AsyncIterator[TestClient[Any, Any]]:
    settings = Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        telegram_bot_token="123456:TEST",
        telegram_webhook_url="https://bot.example.vn/",
        telegram_webhook_secret=TELEGRAM_SECRET,
        zalo_bot_token="zalo-token",
        zalo_webhook_url="https://bot.example.vn/",
        zalo_webhook_secret=ZALO_SECRET,
        _env_file=None,
    )
    app = build_app(settings)
    telegram, zalo = telegram_runner(app), zalo_runner(app)
    web_app = web.Application()
    assert telegram.register(web_app) and zalo.register(web_app)
    http: TestClient[Any, Any] = TestClient(TestServer(web_app))
    await http.start_server()
    try:
        yield http
    finally:
        await http.close()
        await zalo.client.close()
        await telegram.bot.session.close()
        await app.close()


@pytest.mark.parametrize(
    ("what", "body", "content_type"), BAD_BODIES, ids=[b[0] for b in BAD_BODIES]
)
async def test_deeply_nested_or_undecodable_webhook_body_is_a_bad_request(
    client: TestClient[Any, Any], what: str, body: bytes, content_type: str
) -> None:
    telegram = await client.post(
        "/telegram/webhook",
        data=body,
        headers={TELEGRAM_SECRET_HEADER: TELEGRAM_SECRET, "Content-Type": content_type},
    )
    assert telegram.status == 400, what
    zalo = await client.post(
        "/zalo/webhook",
        data=body,
        headers={ZALO_SECRET_HEADER: ZALO_SECRET, "Content-Type": content_type},
    )
    assert zalo.status == 400, what
