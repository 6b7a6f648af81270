"""Receiving updates by webhook: Zalo POSTs each update to our URL.

Only Zalo knows the secret we gave it in setWebhook and sends it back in
`X-Bot-Api-Secret-Token`; a request without it, or with another, is refused with 403 before
its body is read. The update is acknowledged as soon as it is queued: Zalo documents no
redelivery for webhooks (and getUpdates has no offset, so polling cannot promise one either),
and answers in one chat are paced at 1 message/s, so holding the request until they are sent
would only make Zalo's request time out.
"""

from __future__ import annotations

import logging
import secrets
from typing import Final
from urllib.parse import urlsplit

from aiohttp import web

from bot.webjson import json_body
from bot.zalo.client import SECRET_HEADER, parse_webhook_payload, secret_matches

from .bridge import ZaloBridge

log = logging.getLogger(__name__)

DEFAULT_PATH: Final = "/zalo/webhook"


def webhook_path(url: str, configured: str | None = None) -> str:
    """Where the web server listens: ZALO_WEBHOOK_PATH, else the path of the public URL (a
    reverse proxy forwards it as is), else /zalo/webhook."""
    if configured:
        return "/" + configured.strip("/")
    path = urlsplit(url).path
    return path if path and path != "/" else DEFAULT_PATH


def webhook_secret(configured: str | None) -> str:
    """The configured secret, or a random one for this run (setWebhook is sent at every start,
    so Zalo always has the current one)."""
    if not configured:
        return secrets.token_urlsafe(32)
    if not 8 <= len(configured) <= 256:
        # What setWebhook accepts; better to stop here than to fail at every start-up call.
        raise ValueError("ZALO_WEBHOOK_SECRET must be 8 to 256 characters long")
    return configured


class ZaloWebhookReceiver:
    def __init__(self, bridge: ZaloBridge, secret: str) -> None:
        self.bridge = bridge
        self._secret = secret
        self.closing = False

    async def handle(self, request: web.Request) -> web.Response:
        # secret_matches compares in constant time: the time taken tells nothing of a guess.
        if not secret_matches(self._secret, request.headers.get(SECRET_HEADER)):
            log.warning(
                "zalo webhook: refused a request without the secret from %s", request.remote
            )
            return web.Response(status=403, text="Forbidden")
        if self.closing:
            return web.Response(status=503, text="Shutting down")
        try:
            update = parse_webhook_payload(await json_body(request))
        except (ValueError, RecursionError) as error:  # bad JSON, pydantic's ValidationError
            log.warning("zalo webhook: not an update: %s", error)
            return web.Response(status=400, text="Bad Request")
        self.bridge.submit(update)
        return web.json_response({"ok": True})
