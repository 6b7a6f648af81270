"""The real bot process in webhook mode: Zalo POSTs updates with the secret in
X-Bot-Api-Secret-Token; anything without it is refused before it is read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import aiohttp
import pytest
import pytest_asyncio

from tests.support.botprocess import BotProcess, free_port
from tests.support.zalo_double import ZaloDouble
from tests.support.zalo_process import ZaloPerson, run_demo, zalo_env

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SECRET = "s3cret-for-the-zalo-webhook"
PATH = "/hooks/zalo"


@dataclass
class RunningBot:
    process: BotProcess
    codes: dict[str, str]
    url: str
    port: int


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def zalo() -> AsyncIterator[ZaloDouble]:
    async with ZaloDouble() as double:
        yield double


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    zalo: ZaloDouble, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningBot]:
    workdir = tmp_path_factory.mktemp("zalo-webhook")
    port = free_port()
    url = f"http://127.0.0.1:{port}{PATH}"
    env = zalo_env(
        zalo,
        workdir / "hoctap.db",
        ZALO_WEBHOOK_URL=url,
        ZALO_WEBHOOK_SECRET=SECRET,
        WEBHOOK_HOST="127.0.0.1",
        WEBHOOK_PORT=str(port),
    )
    codes = run_demo(env, workdir)
    process = BotProcess(env, workdir, name="zalo-bot-webhook")

    async def webhook_set() -> bool:
        # The web server is up before the channel starts, so setWebhook means ready.
        return any(
            m == "setWebhook" and p.get("url") == url and p.get("secret_token") == SECRET
            for m, p in zalo.requests
        )

    try:
        await process.start(webhook_set, timeout=30)
        yield RunningBot(process, codes, url, port)
    finally:
        await process.close()


async def test_updates_delivered_by_webhook_are_answered(zalo: ZaloDouble, bot: RunningBot) -> None:
    assert zalo.calls("getUpdates") == 0
    lan = ZaloPerson(zalo, zalo.new_user_id())
    await lan.say(bot.codes["household"], "Gia đình có đồng ý không?")
    await lan.say("1", "họ và tên chủ hộ")
    delivered = [a for a in zalo.webhook_attempts if a.status is not None]
    assert delivered and all(a.status == 200 for a in delivered)


async def test_forged_or_missing_secret_is_refused(zalo: ZaloDouble, bot: RunningBot) -> None:
    mallory = "f0f0f0f0f0f0f0f0f0f0"
    assert await zalo.post_forged("/help", None, user_id=mallory) == 403
    assert await zalo.post_forged("/help", "not-the-secret", user_id=mallory) == 403
    assert await zalo.post_forged("/help", SECRET[:-1], user_id=mallory) == 403
    # Only requests with the secret are read: the same message with it is answered.
    assert await zalo.post_forged("/help", SECRET, user_id=mallory) == 200
    await zalo.wait_for(lambda: len(zalo.messages(mallory)) == 1, 10, description="one answer")
    assert zalo.messages(mallory)[0].startswith("Dạ, hướng dẫn ngắn:")


async def test_a_webhook_body_that_is_not_an_update_is_rejected(
    zalo: ZaloDouble, bot: RunningBot
) -> None:
    headers = {"X-Bot-Api-Secret-Token": SECRET}
    async with aiohttp.ClientSession() as session:
        async with session.post(bot.url, data=b"not json", headers=headers) as response:
            assert response.status == 400
        async with session.post(bot.url, json={"ok": True, "result": 42}, headers=headers) as r:
            assert r.status == 400
        # The shared web server answers health checks for both channels.
        async with session.get(f"http://127.0.0.1:{bot.port}/healthz") as response:
            assert response.status == 200
            assert "zalo" in (await response.json())["channels"]
