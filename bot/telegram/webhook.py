"""Receiving updates by webhook: Telegram POSTs each update to our URL.

Only Telegram knows the secret token we gave it in setWebhook; a request without it, or with
another, is refused with 403 before anything is parsed. The update is handled before the
response is sent, so if the process dies half-way Telegram delivers it again (and the service
applies it once). Handling is shielded from the request: a caller that hangs up does not
interrupt an answer half-sent.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
import re
import secrets
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError

from bot.webjson import json_body

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
# What Telegram accepts as secret_token in setWebhook.
SECRET_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,256}")
DEFAULT_PATH = "/telegram/webhook"


def webhook_path(url: str) -> str:
    """The path we listen on: the path of the public URL (a reverse proxy forwards it as is)."""
    path = urlsplit(url).path
    return path if path and path != "/" else DEFAULT_PATH


def webhook_secret(configured: str | None) -> str:
    """The configured secret, or a random one for this run (setWebhook is sent at every start,
    so Telegram always has the current one)."""
    if configured is None or configured == "":
        return secrets.token_urlsafe(32)
    if not SECRET_PATTERN.fullmatch(configured):
        raise ValueError("TELEGRAM_WEBHOOK_SECRET: 1–256 characters of A-Z, a-z, 0-9, _ and -")
    return configured


class WebhookReceiver:
    def __init__(self, bot: Bot, dispatcher: Dispatcher, secret: str) -> None:
        self.bot = bot
        self.dispatcher = dispatcher
        self._secret = secret.encode()
        self._tasks: set[asyncio.Task[None]] = set()
        self._closing = False

    def authorised(self, request: web.Request) -> bool:
        given = request.headers.get(SECRET_HEADER)
        # compare_digest: the time taken does not tell an attacker how much of a guess was right.
        return given is not None and hmac.compare_digest(given.encode(), self._secret)

    async def handle(self, request: web.Request) -> web.Response:
        if not self.authorised(request):
            log.warning(
                "telegram webhook: refused a request without the secret from %s", request.remote
            )
            return web.Response(status=403, text="Forbidden")
        if self._closing:
            # Telegram retries later; the next process will take it.
            return web.Response(status=503, text="Shutting down")
        try:
            update = Update.model_validate(await json_body(request), context={"bot": self.bot})
        except (ValueError, ValidationError, RecursionError) as error:
            log.warning("telegram webhook: not an update: %s", error)
            return web.Response(status=400, text="Bad Request")
        task = asyncio.create_task(self._feed(update), name=f"telegram-update-{update.update_id}")
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)
        await asyncio.shield(task)
        return web.json_response({})

    async def _feed(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:
            log.exception("telegram update %s failed", update.update_id)

    async def drain(self, grace: float = 10.0) -> None:
        """Refuse new updates and let the ones in progress finish (bounded)."""
        self._closing = True
        if self._tasks:
            log.info("telegram: finishing %d update(s) in progress", len(self._tasks))
            _, late = await asyncio.wait(set(self._tasks), timeout=grace)
            for task in late:
                task.cancel()
