"""The web page served by the real bot process (issue 16): `hoctap run` serves it on the same
server as the webhooks and /healthz, `/web` in the chat sends a link into it, and `hoctap web
--port P` serves the page alone, for links `hoctap web-link --user ID` prints."""

from __future__ import annotations

import asyncio
import re
import subprocess
import sys

import aiohttp
import pytest
from yarl import URL

from bot.i18n import Translator
from tests.e2e.conftest import BotDatabase, Chat, MakeBot, StartTelegram
from tests.support.botprocess import clean_environment, free_port
from tests.support.telegram_double import TelegramDouble

pytestmark = pytest.mark.e2e

CHAIR = 701
# `python -m bot` is `hoctap run`: other commands through the CLI's own entry point.
HOCTAP = ["-c", "import sys; from bot.cli import main; sys.exit(main(sys.argv[1:]))"]


async def _open(url: str) -> tuple[int, str, str]:
    """Open a sign-in link as a browser would (cookies kept, redirects followed)."""
    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1 too
    async with (
        aiohttp.ClientSession(cookie_jar=jar) as http,
        http.get(url) as response,
    ):
        return response.status, str(response.url), await response.text()


async def test_web_in_the_telegram_chat_opens_the_page_on_the_webhook_server(
    telegram_bot: StartTelegram, tg: TelegramDouble, t: Translator
) -> None:
    # No WEB_BASE_URL: links then start with the webhook server's own address.
    bot = await telegram_bot("webhook")
    base = f"http://127.0.0.1:{bot.webhook_port}"
    chair = Chat(tg, CHAIR, "Bình")
    await chair.say(f"/start {bot.db.invite('chair')}")
    await chair.say("Trần Văn Bình")
    await chair.say("bỏ qua")
    replies = await chair.say("/web")
    text = "\n".join(m.content for m in replies)
    links = re.findall(rf"{re.escape(base)}/web/login/\S+", text)
    assert len(links) == 1, chair.transcript()

    status, landed, html = await _open(links[0])
    assert (status, landed) == (200, f"{base}/web/")
    assert "Kim Liên" in html and "Trần Văn Bình" in html
    # The same server still answers /healthz, and the link works once only.
    async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as health:
        assert health.status == 200
    status, _, html = await _open(links[0])
    assert status == 410 and "đã được dùng" in html
    assert await bot.stop() == 0


async def test_hoctap_web_serves_the_page_alone_for_a_printed_link(
    bot_database: BotDatabase, bot_process: MakeBot
) -> None:
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    env = {"DATABASE_URL": bot_database.url, "WEB_BASE_URL": base, "WEB_SECRET": "e2e-web"}
    printed = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, *HOCTAP, "web-link", "--user", str(bot_database.demo.chair_id)],
        env=clean_environment(env),
        cwd=bot_database.path.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert printed.returncode == 0, printed.stderr
    link = printed.stdout.strip()
    assert URL(link).path.startswith("/web/login/")

    process = bot_process(env, name="web")
    process.args = [*HOCTAP, "web", "--port", str(port)]

    async def healthy() -> bool:
        try:
            async with aiohttp.ClientSession() as http, http.get(f"{base}/healthz") as r:
                return r.status == 200
        except aiohttp.ClientError:
            return False

    await process.start(healthy, timeout=30)
    status, landed, html = await _open(link)
    assert (status, landed) == (200, f"{base}/web/")
    assert "Kim Liên" in html
    assert await process.stop() == 0

    refused = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, *HOCTAP, "web-link", "--user", "99999"],
        env=clean_environment(env),
        cwd=bot_database.path.parent,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert refused.returncode == 1 and "not found" in refused.stderr


async def test_behind_https_a_chair_opens_the_page_as_a_mini_app_from_telegram(
    telegram_bot: StartTelegram, tg: TelegramDouble
) -> None:
    public = "https://hoctap.example.vn"
    # Long polling, so no webhook server: WEB_PORT alone makes `hoctap run` serve the page.
    port = free_port()
    bot = await telegram_bot("polling", WEB_BASE_URL=public, WEB_PORT=str(port))
    async with aiohttp.ClientSession() as http, http.get(f"http://127.0.0.1:{port}/web/app") as r:
        assert r.status == 200 and "Đang đăng nhập qua Telegram" in await r.text()
    chair = Chat(tg, CHAIR, "Bình")
    await chair.say(f"/start {bot.db.invite('chair')}")
    await chair.say("Trần Văn Bình")
    await chair.say("bỏ qua")
    # The chat's menu button opens the page as a Mini App once the chair has joined...
    await tg.wait_for(
        lambda: tg.menu_buttons.get(CHAIR, {}).get("type") == "web_app",
        timeout=15,
        message=lambda: f"menu buttons: {tg.menu_buttons}",
    )
    button = tg.menu_buttons[CHAIR]
    assert button["web_app"] == {"url": f"{public}/web/app"}
    assert button["text"] == "Mở trang theo dõi"
    # ...and so does the button under the link /web sends.
    [reply] = [m for m in await chair.say("/web") if f"{public}/web/login/" in m.content]
    assert reply.buttons == [{"text": "Mở trang theo dõi", "web_app": {"url": f"{public}/web/app"}}]
    assert await bot.stop() == 0
