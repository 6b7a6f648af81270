"""The Zalo channel as a whole: the client, the bridge, and polling or webhook mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Final, TypeVar

from aiohttp import web

from bot.chats import ChatDirectory
from bot.i18n import Translator
from bot.settings import Settings
from bot.zalo.client import (
    ZaloAPIError,
    ZaloBotClient,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloServerError,
)

from .bridge import ZaloBridge
from .channel import ZaloChannel, ZaloLimits
from .media import MediaStore
from .webhook import ZaloWebhookReceiver, webhook_path, webhook_secret

log = logging.getLogger(__name__)
T = TypeVar("T")

# How long a stop waits for answers in progress.
GRACE: Final = 10.0
BACKOFF_MIN: Final = 0.5
BACKOFF_MAX: Final = 30.0
# getUpdates while a webhook is set (Telegram's code; Zalo documents none).
_CONFLICT: Final = 409


def make_client(settings: Settings) -> ZaloBotClient:
    assert settings.zalo_bot_token
    return ZaloBotClient(
        settings.zalo_bot_token,
        settings.zalo_api_base,
        request_timeout=settings.zalo_request_timeout,
    )


def make_media(settings: Settings) -> MediaStore | None:
    if not settings.zalo_media_url:
        return None
    return MediaStore(
        settings.zalo_media_dir, settings.zalo_media_url, path=settings.zalo_media_path
    )


def make_channel(
    client: ZaloBotClient,
    settings: Settings,
    translator: Translator,
    chats: ChatDirectory | None,
    media: MediaStore | None = None,
) -> ZaloChannel:
    """The sending side alone: what the outbox needs to push digests and notices. Pictures
    go to ZALO_MEDIA_DIR whichever process sends them; the bot's web server serves them."""
    limits = ZaloLimits(
        settings.zalo_rate_per_second,
        push_per_second=settings.zalo_push_rate_per_second,
        push_chat_interval=settings.zalo_push_chat_interval,
    )
    media = media or make_media(settings)
    return ZaloChannel(client, translator, chats=chats, limits=limits, media=media)


class ZaloRunner:
    """Runs the Zalo channel until `stop` is set (see bot.channels)."""

    name = "zalo"

    def __init__(self, settings: Settings, bridge: ZaloBridge) -> None:
        """`bridge`: the updates' way to the service; its channel's client is closed at the
        end, its picture store (if any) served on the shared web server."""
        self.settings = settings
        self.bridge = bridge
        self.channel = bridge.channel
        self.client = self.channel.client
        self.media = self.channel.media
        self.webhook_url = settings.zalo_webhook_url or None
        self.receiver: ZaloWebhookReceiver | None = None
        self._secret = ""
        if self.webhook_url:
            self._secret = webhook_secret(settings.zalo_webhook_secret)
            self.receiver = ZaloWebhookReceiver(self.bridge, self._secret)

    @property
    def mode(self) -> str:
        return "webhook" if self.receiver else "polling"

    def register(self, web_app: web.Application) -> bool:
        """Add the webhook route (and the pictures' route) to the shared web server; False
        when neither is needed."""
        used = False
        if self.media is not None:
            self.media.register(web_app)
            used = True
        if self.receiver is not None and self.webhook_url is not None:
            path = webhook_path(self.webhook_url, self.settings.zalo_webhook_path)
            web_app.router.add_post(path, self.receiver.handle)
            used = True
        return used

    async def run(self, stop: asyncio.Event) -> None:
        try:
            me = await until_done(stop, self.client.get_me)
            if me is None:
                return
            log.info("zalo: bot %s (%s mode)", me.account_name or me.id, self.mode)
            if self.receiver is not None:
                await self._run_webhook(stop)
            else:
                if await until_done(stop, self.client.delete_webhook) is None:
                    return
                log.info("zalo: ready")
                await self._poll(stop)
        finally:
            if self.receiver is not None:
                self.receiver.closing = True
            await self.bridge.drain(GRACE)
            await self.client.close()
            log.info("zalo: stopped")

    async def _run_webhook(self, stop: asyncio.Event) -> None:
        url = self.webhook_url
        assert url is not None
        done = await until_done(stop, lambda: self.client.set_webhook(url, self._secret))
        if done is None:
            return
        log.info("zalo: ready")
        await stop.wait()

    async def _poll(self, stop: asyncio.Event) -> None:
        """Long-poll until stopped. One update per call and no offset: the bridge drops
        repeats by message id."""
        delay = BACKOFF_MIN
        while not stop.is_set():
            poll = asyncio.create_task(self.client.get_updates(self.settings.zalo_polling_timeout))
            stopped = asyncio.create_task(stop.wait())
            await asyncio.wait({poll, stopped}, return_when=asyncio.FIRST_COMPLETED)
            stopped.cancel()
            if not poll.done():
                poll.cancel()
                with contextlib.suppress(asyncio.CancelledError, Exception):
                    await poll
                return
            try:
                updates = poll.result()
            except (ZaloRetryAfter, ZaloServerError, ZaloNetworkError) as error:
                wait = getattr(error, "retry_after", None) or delay
                log.warning("zalo: getUpdates failed (%s); trying again in %.1f s", error, wait)
                await _sleep(stop, wait)
                delay = min(delay * 2, BACKOFF_MAX)
                continue
            except ZaloAPIError as error:
                if error.error_code == _CONFLICT:
                    # Someone set a webhook (another process?): polling cannot work meanwhile.
                    log.error("zalo: a webhook is set, so getUpdates is refused: %s", error)
                else:
                    log.error("zalo: getUpdates refused: %s", error)
                await _sleep(stop, BACKOFF_MAX)
                continue
            delay = BACKOFF_MIN
            for update in updates:
                self.bridge.submit(update)


async def _sleep(stop: asyncio.Event, seconds: float) -> None:
    """Sleep, but wake at once when stopped."""
    with contextlib.suppress(TimeoutError):
        async with asyncio.timeout(seconds):
            await stop.wait()


async def until_done(stop: asyncio.Event, operation: Callable[[], Awaitable[T]]) -> T | None:
    """Retry a start-up call with backoff until it works or `stop` is set (None). A refusal
    that asking again cannot change (a wrong token, a bad webhook URL) is raised."""
    delay = BACKOFF_MIN
    while not stop.is_set():
        try:
            return await operation()
        except (ZaloRetryAfter, ZaloServerError, ZaloNetworkError) as error:
            wait = getattr(error, "retry_after", None) or delay
            log.warning("zalo: %s; trying again in %.1f s", error, wait)
            await _sleep(stop, wait)
            delay = min(delay * 2, BACKOFF_MAX)
        except ZaloAPIError as error:
            log.critical("zalo refused a start-up call (check ZALO_BOT_TOKEN and URLs): %s", error)
            raise
    return None
