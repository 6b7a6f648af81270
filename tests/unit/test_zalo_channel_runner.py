"""How the Zalo runner is wired from settings, and how it shares the web server with Telegram."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web

from bot.bootstrap import App, build_app, telegram_runner, zalo_runner
from bot.settings import Settings
from bot.zalo import make_channel, make_client


def settings(tmp_path: Path, **values: Any) -> Settings:
    return Settings(
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}",
        zalo_bot_token="zalo-token",
        _env_file=None,
        **values,
    )


@pytest.fixture
async def close() -> AsyncIterator[list[App]]:
    apps: list[App] = []
    yield apps
    for app in apps:
        await app.close()


def routes(web_app: web.Application) -> set[tuple[str, str]]:
    return {
        (route.method, route.resource.canonical)
        for route in web_app.router.routes()
        if route.resource is not None and route.method != "HEAD"
    }


async def test_polling_needs_no_web_server(tmp_path: Path, close: list[App]) -> None:
    app = build_app(settings(tmp_path))
    close.append(app)
    runner = zalo_runner(app)
    assert runner.mode == "polling"
    web_app = web.Application()
    assert runner.register(web_app) is False
    assert routes(web_app) == set()
    assert runner.channel.has_buttons is False and runner.channel.name == "zalo"
    await runner.client.close()


async def test_webhook_and_pictures_are_served_by_the_shared_server(
    tmp_path: Path, close: list[App]
) -> None:
    app = build_app(
        settings(
            tmp_path,
            zalo_webhook_url="https://bot.example.vn/",
            zalo_webhook_secret="0123456789",
            zalo_media_url="https://bot.example.vn/zalo/media",
            zalo_media_dir=tmp_path / "media",
            telegram_bot_token="123456:TEST",
            telegram_webhook_url="https://bot.example.vn/",
        )
    )
    close.append(app)
    zalo, telegram = zalo_runner(app), telegram_runner(app)
    web_app = web.Application()
    # The same aiohttp application (one host and port), a path each.
    assert zalo.register(web_app) and telegram.register(web_app)
    assert routes(web_app) == {
        ("POST", "/zalo/webhook"),
        ("GET", "/zalo/media/{name}"),
        ("POST", "/telegram/webhook"),
    }
    await zalo.client.close()
    await telegram.bot.session.close()


async def test_the_webhook_path_can_be_set(tmp_path: Path, close: list[App]) -> None:
    app = build_app(
        settings(
            tmp_path,
            zalo_webhook_url="https://proxy.example.vn/public/zalo",
            zalo_webhook_path="/internal/zalo",
        )
    )
    close.append(app)
    runner = zalo_runner(app)
    web_app = web.Application()
    assert runner.register(web_app)
    assert routes(web_app) == {("POST", "/internal/zalo")}
    await runner.client.close()


async def test_a_sending_only_channel_for_the_outbox_gets_the_picture_store(
    tmp_path: Path,
) -> None:
    configured = settings(
        tmp_path, zalo_media_url="https://bot.example.vn/m", zalo_rate_per_second=3
    )
    client = make_client(configured)
    from bot.i18n import Translator

    channel = make_channel(client, configured, Translator(configured.locales_dir), None)
    assert channel.media is not None and channel.media.public_url == "https://bot.example.vn/m"
    overall = channel.limits.overall
    assert overall is not None and overall.interval == pytest.approx(1 / 3)
    await client.close()
