"""Thin async client for the Zalo Bot Platform API (``bot-api.zaloplatforms.com``).

Wire format, as followed here (no official OpenAPI exists; sources cross-checked):

* Zalo's own docs (https://bot.zaloplatforms.com/docs/, mirrored in the "Zalo Bot API
  Documentation" markdown, updated 10/12/2025): every method is ``POST
  {base}/bot{token}/{method}`` with a JSON body; ``getUpdates`` takes ``timeout`` as a *string*
  of seconds and answers ``{"ok": true, "result": {"event_name": ..., "message": {...}}}``, a
  single update object, not a list; ``setWebhook`` takes ``url`` and ``secret_token`` (8..256
  chars), echoed in the ``X-Bot-Api-Secret-Token`` header; ``sendMessage`` takes ``chat_id``,
  ``text`` (1..2000 chars) and answers ``{"message_id", "date"}``; ``sendPhoto`` takes
  ``photo`` (a URL) and ``caption``; ``sendChatAction`` takes ``action`` ("typing") and answers
  ``{"ok": true}`` without a result; ``getMe`` answers ``{"id", "account_name", ...}``.
* The webhook body is the same ``{"ok": true, "result": <update>}`` envelope (docs sample,
  mirrored by vkhangstack/go-zalo-bot); some integrations (openclaw) also accept a bare update,
  so :func:`parse_webhook_payload` takes both.
* An idle long poll ends with ``{"ok": false, "error_code": 408, "description": "Request
  timeout"}`` (openclaw's ``isPollingTimeout``, hermes' ``POLL_TIMEOUT_ERROR_CODE``), which
  :meth:`ZaloBotClient.get_updates` turns into ``[]``.
* An image message carries the URL in ``photo_url`` (the official python-zalo-bot SDK's
  ``Message.de_json``); older payloads and SDKs use ``photo``, accepted as an alias. ``from``
  carries ``display_name`` (webhook sample) or ``first_name`` (getUpdates sample).
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
from collections import OrderedDict
from datetime import UTC, datetime
from types import TracebackType
from typing import Annotated, Any, Final, Self

import aiohttp
from pydantic import (
    AliasChoices,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ValidationError,
    model_validator,
)

from bot.textsplit import split_text

__all__ = [
    "DEFAULT_BASE_URL",
    "EVENT_IMAGE",
    "EVENT_STICKER",
    "EVENT_TEXT",
    "EVENT_UNSUPPORTED",
    "SECRET_HEADER",
    "TEXT_LIMIT",
    "UpdateDeduplicator",
    "ZaloAPIError",
    "ZaloBotClient",
    "ZaloBotInfo",
    "ZaloChat",
    "ZaloError",
    "ZaloForbidden",
    "ZaloMessage",
    "ZaloNetworkError",
    "ZaloRetryAfter",
    "ZaloSentMessage",
    "ZaloServerError",
    "ZaloUpdate",
    "ZaloUser",
    "ZaloWebhookInfo",
    "parse_webhook_payload",
    "secret_matches",
    "split_text",
]

log = logging.getLogger(__name__)

DEFAULT_BASE_URL: Final = "https://bot-api.zaloplatforms.com"
SECRET_HEADER: Final = "X-Bot-Api-Secret-Token"
TEXT_LIMIT: Final = 2000

EVENT_TEXT: Final = "message.text.received"
EVENT_IMAGE: Final = "message.image.received"
EVENT_STICKER: Final = "message.sticker.received"
EVENT_UNSUPPORTED: Final = "message.unsupported.received"

# Zalo's answer to a long poll that saw nothing; not a failure.
_POLL_TIMEOUT_CODE: Final = 408


# --------------------------------------------------------------------------------------------
# Models
# --------------------------------------------------------------------------------------------


def _id_to_str(value: Any) -> Any:
    # Zalo ids are hex strings, but getMe's id looks numeric; never let an int leak into keys.
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return value


def _sticker_to_str(value: Any) -> Any:
    # Some SDKs model the sticker as an object; the wire sends a plain id string.
    if isinstance(value, dict):
        return value.get("id") or value.get("sticker_id") or value.get("url")
    return value


StrId = Annotated[str, BeforeValidator(_id_to_str)]


class _ZaloModel(BaseModel):
    # Unknown fields are ignored so new platform fields never break parsing.
    model_config = ConfigDict(extra="ignore", populate_by_name=True, frozen=True)


class ZaloUser(_ZaloModel):
    id: StrId
    display_name: str | None = None
    first_name: str | None = None
    is_bot: bool = False

    @property
    def name(self) -> str | None:
        """Best human name the platform gave us (``display_name``, else ``first_name``)."""
        return self.display_name or self.first_name or None


class ZaloChat(_ZaloModel):
    id: StrId
    chat_type: str | None = None  # "PRIVATE" or "GROUP"


class ZaloMessage(_ZaloModel):
    message_id: StrId
    from_: ZaloUser = Field(alias="from")
    chat: ZaloChat
    text: str | None = None
    photo_url: str | None = Field(default=None, validation_alias=AliasChoices("photo_url", "photo"))
    caption: str | None = None
    sticker: Annotated[str | None, BeforeValidator(_sticker_to_str)] = None
    date: int  # milliseconds since the epoch, unlike Telegram's seconds

    @property
    def sent_at(self) -> datetime:
        return datetime.fromtimestamp(self.date / 1000, tz=UTC)


class ZaloUpdate(_ZaloModel):
    event_name: str
    message: ZaloMessage | None = None  # absent in some unsupported-content events

    @model_validator(mode="before")
    @classmethod
    def _infer_event_name(cls, data: Any) -> Any:
        # The docs' getUpdates sample omits event_name; derive it from the content then.
        if isinstance(data, dict) and not data.get("event_name"):
            message = data.get("message")
            event = EVENT_UNSUPPORTED
            if isinstance(message, dict):
                if message.get("photo_url") or message.get("photo"):
                    event = EVENT_IMAGE
                elif message.get("sticker"):
                    event = EVENT_STICKER
                elif message.get("text") is not None:
                    event = EVENT_TEXT
            data = {**data, "event_name": event}
        return data


class ZaloBotInfo(_ZaloModel):
    id: StrId
    account_name: str | None = None
    account_type: str | None = None
    display_name: str | None = None
    can_join_groups: bool | None = None


class ZaloWebhookInfo(_ZaloModel):
    url: str = ""
    updated_at: int | None = None


class ZaloSentMessage(_ZaloModel):
    message_id: StrId | None = None
    date: int | None = None


def parse_webhook_payload(data: Any) -> ZaloUpdate:
    """Parse a webhook body: the documented ``{"ok", "result"}`` envelope or a bare update.

    Raises :class:`ValueError` (pydantic's ``ValidationError`` is one) for anything else.
    """
    if isinstance(data, dict) and "result" in data and "event_name" not in data:
        data = data["result"]
    if not isinstance(data, dict):
        raise ValueError("webhook payload is not a JSON object")
    return ZaloUpdate.model_validate(data)


# --------------------------------------------------------------------------------------------
# Errors
# --------------------------------------------------------------------------------------------


class ZaloError(Exception):
    """Base of everything :class:`ZaloBotClient` raises."""


class ZaloAPIError(ZaloError):
    """The API answered ``ok: false`` (or a non-2xx status without a usable body)."""

    def __init__(self, error_code: int, description: str, *, method: str | None = None) -> None:
        self.error_code = error_code
        self.description = description
        self.method = method
        where = f"{method}: " if method else ""
        super().__init__(f"{where}[{error_code}] {description}")


class ZaloRetryAfter(ZaloAPIError):
    """Rate limited (429); ``retry_after`` is in seconds when the platform said so."""

    def __init__(
        self,
        error_code: int,
        description: str,
        *,
        method: str | None = None,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(error_code, description, method=method)
        self.retry_after = retry_after


class ZaloForbidden(ZaloAPIError):
    """403: the user blocked the bot or the bot may not write to this chat; do not retry."""


class ZaloServerError(ZaloAPIError):
    """5xx or a garbled success response; usually worth a retry."""


class ZaloUndecodable(ZaloServerError):
    """A success status with a body that is not the API's answer: the call most likely took
    effect, so a send must not be repeated (see ZaloChannel)."""


class ZaloNetworkError(ZaloError):
    """The request never got an answer (connection failure or timeout).

    The request may still have reached Zalo, so a retried send can duplicate a message.
    """

    def __init__(self, description: str, *, method: str | None = None) -> None:
        self.description = description
        self.method = method
        where = f"{method}: " if method else ""
        super().__init__(f"{where}{description}")


def _retry_after(body: dict[str, Any], headers: Any) -> float | None:
    # Zalo does not document where a 429 says how long to wait: accept Telegram's
    # parameters.retry_after, a top-level retry_after, or the HTTP Retry-After header.
    candidates: list[Any] = []
    params = body.get("parameters")
    if isinstance(params, dict):
        candidates.append(params.get("retry_after"))
    candidates.append(body.get("retry_after"))
    if headers is not None:
        candidates.append(headers.get("Retry-After"))
    for value in candidates:
        if value is None:
            continue
        try:
            seconds = float(value)
        except (TypeError, ValueError):
            continue
        if seconds >= 0:
            return seconds
    return None


def _error_for(
    code: int, description: str, method: str, body: dict[str, Any], headers: Any
) -> ZaloAPIError:
    if code == 429:
        return ZaloRetryAfter(
            code, description, method=method, retry_after=_retry_after(body, headers)
        )
    if code == 403:
        return ZaloForbidden(code, description, method=method)
    if code >= 500:
        return ZaloServerError(code, description, method=method)
    return ZaloAPIError(code, description, method=method)


# --------------------------------------------------------------------------------------------
# Client
# --------------------------------------------------------------------------------------------


class ZaloBotClient:
    """One bot token's view of the Zalo Bot API. Does not retry: a sender layer decides that."""

    def __init__(
        self,
        token: str,
        base_url: str = DEFAULT_BASE_URL,
        *,
        session: aiohttp.ClientSession | None = None,
        request_timeout: float = 35,
    ) -> None:
        if not token:
            raise ValueError("Zalo bot token is empty")
        self._token = token
        self._base_url = base_url.rstrip("/")
        self._session = session
        self._owns_session = session is None
        self._request_timeout = request_timeout

    @property
    def base_url(self) -> str:
        return self._base_url

    def _url(self, method: str) -> str:
        return f"{self._base_url}/bot{self._token}/{method}"

    def _redact(self, text: str) -> str:
        # The token is part of the URL; keep it out of exceptions and logs.
        return text.replace(self._token, "<token>")

    async def _get_session(self) -> aiohttp.ClientSession:
        # Created lazily so the client can be built outside a running event loop.
        if self._session is None or self._session.closed:
            if not self._owns_session:
                raise ZaloNetworkError("the shared aiohttp session is closed")
            self._session = aiohttp.ClientSession()
        return self._session

    async def _call(
        self,
        method: str,
        payload: dict[str, Any] | None = None,
        *,
        timeout: float | None = None,
    ) -> Any:
        """POST ``payload`` to ``method`` and return ``result`` or raise a typed error."""
        session = await self._get_session()
        client_timeout = aiohttp.ClientTimeout(total=timeout or self._request_timeout)
        try:
            async with session.post(
                self._url(method), json=payload or {}, timeout=client_timeout
            ) as response:
                status = response.status
                headers = response.headers
                raw = (await response.read()).decode("utf-8", errors="replace")
        except TimeoutError as exc:
            raise ZaloNetworkError(
                f"no answer within {client_timeout.total:g}s", method=method
            ) from exc
        except (aiohttp.ClientError, OSError) as exc:
            detail = self._redact(str(exc)) or type(exc).__name__
            raise ZaloNetworkError(f"{type(exc).__name__}: {detail}", method=method) from exc

        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            body = None
        if not isinstance(body, dict) or "ok" not in body:
            # A proxy's HTML error page or an empty reply: all we have is the HTTP status.
            snippet = self._redact(raw[:200]) if raw else "empty body"
            if 200 <= status < 300:
                raise ZaloUndecodable(status, f"unparseable response: {snippet}", method=method)
            raise _error_for(status, f"HTTP {status}: {snippet}", method, {}, headers)

        if body.get("ok") is True:
            return body.get("result")

        code = body.get("error_code")
        if not isinstance(code, int) or isinstance(code, bool):
            code = status if status >= 400 else 400
        description = str(body.get("description") or f"{method} failed")
        raise _error_for(code, self._redact(description), method, body, headers)

    # -- methods --------------------------------------------------------------------------

    async def get_me(self) -> ZaloBotInfo:
        return ZaloBotInfo.model_validate(await self._call("getMe"))

    async def get_updates(self, timeout: int = 30) -> list[ZaloUpdate]:
        """Long-poll for updates. There is no offset: callers must deduplicate on message id.

        Returns ``[]`` when the poll ends idle (Zalo's 408). Updates that do not parse are
        logged and skipped, since without an offset they could not be fetched again anyway.
        """
        try:
            result = await self._call(
                "getUpdates",
                {"timeout": str(timeout)},  # documented as a String
                # Never cut the server's long poll short with our own timeout.
                timeout=max(self._request_timeout, timeout + 5),
            )
        except ZaloAPIError as exc:
            if exc.error_code == _POLL_TIMEOUT_CODE:
                return []
            raise
        if not result:
            return []
        items = result if isinstance(result, list) else [result]
        updates: list[ZaloUpdate] = []
        for item in items:
            try:
                updates.append(ZaloUpdate.model_validate(item))
            except ValidationError as exc:
                log.warning("skipping malformed Zalo update: %s", exc)
        return updates

    async def set_webhook(self, url: str, secret_token: str) -> ZaloWebhookInfo:
        result = await self._call("setWebhook", {"url": url, "secret_token": secret_token})
        return ZaloWebhookInfo.model_validate(result or {"url": url})

    async def delete_webhook(self) -> ZaloWebhookInfo:
        return ZaloWebhookInfo.model_validate(await self._call("deleteWebhook") or {})

    async def get_webhook_info(self) -> ZaloWebhookInfo:
        return ZaloWebhookInfo.model_validate(await self._call("getWebhookInfo") or {})

    async def send_message(self, chat_id: str, text: str) -> ZaloSentMessage:
        """Send one text message; callers split long text with :func:`split_text` first."""
        result = await self._call("sendMessage", {"chat_id": chat_id, "text": text})
        return ZaloSentMessage.model_validate(result or {})

    async def send_photo(
        self, chat_id: str, photo_url: str, caption: str | None = None
    ) -> ZaloSentMessage:
        payload: dict[str, Any] = {"chat_id": chat_id, "photo": photo_url}
        if caption:
            payload["caption"] = caption
        return ZaloSentMessage.model_validate(await self._call("sendPhoto", payload) or {})

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self._call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def close(self) -> None:
        """Close the HTTP session if this client created it; a passed-in one is left open."""
        if self._owns_session and self._session is not None and not self._session.closed:
            await self._session.close()
            # Let aiohttp's connector finish closing transports before the loop moves on.
            await asyncio.sleep(0)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


# --------------------------------------------------------------------------------------------
# Helpers
# --------------------------------------------------------------------------------------------


class UpdateDeduplicator:
    """Remembers the most recent message ids; getUpdates has no offset, so repeats happen."""

    def __init__(self, maxsize: int = 10_000) -> None:
        if maxsize < 1:
            raise ValueError("maxsize must be at least 1")
        self._maxsize = maxsize
        self._ids: OrderedDict[str, None] = OrderedDict()

    def seen(self, message_id: str) -> bool:
        """True if ``message_id`` was seen before; otherwise record it and return False."""
        if message_id in self._ids:
            self._ids.move_to_end(message_id)  # still active: keep it from being evicted
            return True
        self._ids[message_id] = None
        if len(self._ids) > self._maxsize:
            self._ids.popitem(last=False)
        return False

    def __contains__(self, message_id: object) -> bool:
        return message_id in self._ids

    def __len__(self) -> int:
        return len(self._ids)


def secret_matches(expected: str, received: str | None) -> bool:
    """Constant-time check of the ``X-Bot-Api-Secret-Token`` header against our secret."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(expected.encode("utf-8"), received.encode("utf-8"))
