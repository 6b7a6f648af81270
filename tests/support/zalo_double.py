"""A local HTTP double of the Zalo Bot Platform API.

It listens on 127.0.0.1 (free port) so the real bot, started as a subprocess with its Zalo base
URL pointed at :attr:`ZaloDouble.base_url`, talks to it exactly as it would to
``bot-api.zaloplatforms.com``. Tests play users (``push_*``), read what the bot sent
(``messages``, ``wait_for_messages``) and inject faults.

Behaviour follows the wire format described in ``bot/zalo/client.py`` (Zalo's docs, the
official python-zalo-bot SDK, openclaw and go-zalo-bot): ``getUpdates`` returns one update per
call as ``{"ok": true, "result": <update>}`` and has no offset; an idle poll ends with error 408
"Request timeout"; webhook bodies use the same envelope and carry ``X-Bot-Api-Secret-Token``.
Where Zalo documents nothing, the double borrows Telegram's behaviour and says so:

* errors are answered with the HTTP status equal to ``error_code``;
* ``getUpdates`` while a webhook is set answers 409 (Zalo only says polling "will not work");
* a 429 carries a ``Retry-After`` header.

Fault injection never records the faulted call as delivered, so a retrying sender that ends up
succeeding leaves exactly one message behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import random
import socket
import time
from collections import Counter, deque
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from types import TracebackType
from typing import Any, Final, Literal, Self

import aiohttp
from aiohttp import web

__all__ = [
    "FaultKind",
    "SentPhoto",
    "SentRecord",
    "WebhookAttempt",
    "ZaloDouble",
]

# "garbage": the call is carried out, then answered 200 with a body that is not JSON.
FaultKind = Literal["429", "500", "timeout", "403", "garbage"]
_FAULT_KINDS: Final[frozenset[str]] = frozenset({"429", "500", "timeout", "403", "garbage"})

SECRET_HEADER: Final = "X-Bot-Api-Secret-Token"
TEXT_LIMIT: Final = 2000
EVENT_TEXT: Final = "message.text.received"
EVENT_IMAGE: Final = "message.image.received"
EVENT_STICKER: Final = "message.sticker.received"
EVENT_UNSUPPORTED: Final = "message.unsupported.received"

# GET is accepted for the read-only methods (the docs' curl examples use it for getMe).
_GET_METHODS: Final = frozenset({"getMe", "getUpdates", "getWebhookInfo"})
_SEND_METHODS: Final = frozenset({"sendMessage", "sendPhoto", "sendChatAction", "sendSticker"})
_CHAT_ACTIONS: Final = frozenset({"typing", "upload_photo"})

Handler = Callable[[dict[str, Any]], Awaitable[web.Response]]


@dataclass(frozen=True)
class SentPhoto:
    photo: str
    caption: str | None


@dataclass(frozen=True)
class SentRecord:
    """One successful bot call that produced something in a chat."""

    method: str
    chat_id: str
    text: str | None = None
    photo: str | None = None
    caption: str | None = None
    action: str | None = None
    sticker: str | None = None
    message_id: str | None = None
    date: int | None = None


@dataclass(frozen=True)
class WebhookAttempt:
    message_id: str | None
    attempt: int
    status: int | None  # None: the bot was unreachable or did not answer in time


@dataclass
class _Injection:
    method: str | None
    kind: FaultKind
    remaining: int


def _now_ms() -> int:
    return int(time.time() * 1000)


def _ok(result: Any = None, *, has_result: bool = True) -> web.Response:
    body: dict[str, Any] = {"ok": True}
    if has_result:
        body["result"] = result
    return web.json_response(body)


def _error(code: int, description: str, headers: dict[str, str] | None = None) -> web.Response:
    return web.json_response(
        {"ok": False, "error_code": code, "description": description},
        status=code,
        headers=headers,
    )


def _message_id_of(update: dict[str, Any]) -> str | None:
    message = update.get("message")
    if isinstance(message, dict) and message.get("message_id") is not None:
        return str(message["message_id"])
    return None


class ZaloDouble:
    """In-process fake of the Zalo Bot API; any token is accepted."""

    def __init__(
        self,
        *,
        seed: int | None = 0,
        bot_id: str = "1459232241454765289",
        account_name: str = "bot.HocTap",
        timeout_hold: float = 5.0,
        retry_after: int = 1,
        max_poll_timeout: float = 60.0,
        webhook_max_attempts: int = 5,
        webhook_retry_delay: float = 0.2,
        webhook_request_timeout: float = 5.0,
    ) -> None:
        self.bot_id = bot_id
        self.account_name = account_name
        # How long a "timeout" fault holds the request before giving up with a 504.
        self.timeout_hold = timeout_hold
        self.retry_after = retry_after
        self.max_poll_timeout = max_poll_timeout
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_request_timeout = webhook_request_timeout

        self._rng = random.Random(seed)
        self._fault_rng = random.Random(seed)
        self._runner: web.AppRunner | None = None
        self._port: int | None = None
        self._session: aiohttp.ClientSession | None = None
        self._closing = asyncio.Event()
        self._poll_wakeup = asyncio.Event()
        self._webhook_wakeup = asyncio.Event()
        self._webhook_task: asyncio.Task[None] | None = None

        self._pending: deque[dict[str, Any]] = deque()
        self._by_id: dict[str, dict[str, Any]] = {}
        self._sent: list[SentRecord] = []
        self._blocked: set[str] = set()
        self._injections: list[_Injection] = []
        self._fault_rate = 0.0
        self._fault_kinds: tuple[FaultKind, ...] = ("429", "500")
        self._fault_methods: frozenset[str] = _SEND_METHODS
        self._webhook_url: str | None = None
        self._webhook_secret: str | None = None

        self.requests: list[tuple[str, dict[str, Any]]] = []
        """Every API call the bot made, as (method, payload), in arrival order."""
        self.pushed: list[dict[str, Any]] = []
        """Every update a test pushed (redeliveries included), in order."""
        self.delivered: list[dict[str, Any]] = []
        """Updates handed to the bot, by getUpdates or by an accepted webhook POST."""
        self.faults: Counter[str] = Counter()
        """Injected faults served, by kind."""
        self.fault_log: list[tuple[str, str]] = []
        """Injected faults served, as (method, kind)."""
        self.webhook_attempts: list[WebhookAttempt] = []
        self.webhook_failures: list[dict[str, Any]] = []
        """Updates dropped after ``webhook_max_attempts`` failed deliveries."""

        self._methods: dict[str, Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendSticker": self._send_sticker,
            "sendChatAction": self._send_chat_action,
        }

    # -- lifecycle ----------------------------------------------------------------------------

    async def start(self) -> None:
        if self._runner is not None:
            return
        self._closing.clear()
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        # A short shutdown_timeout keeps stop() from waiting on a hung keep-alive connection.
        runner = web.AppRunner(app, shutdown_timeout=1.0, handle_signals=False)
        await runner.setup()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", 0))
        self._port = sock.getsockname()[1]
        await web.SockSite(runner, sock).start()
        self._runner = runner
        self._session = aiohttp.ClientSession()

    async def stop(self) -> None:
        """Shut down; wakes held long polls and faults first so this never hangs."""
        self._closing.set()
        self._poll_wakeup.set()
        self._webhook_wakeup.set()
        task, self._webhook_task = self._webhook_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await asyncio.wait_for(task, 2)
        session, self._session = self._session, None
        if session is not None:
            await session.close()
        runner, self._runner = self._runner, None
        if runner is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(runner.cleanup(), 5)

    async def __aenter__(self) -> Self:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.stop()

    @property
    def base_url(self) -> str:
        if self._port is None:
            raise RuntimeError("ZaloDouble is not started")
        return f"http://127.0.0.1:{self._port}"

    # -- playing a user ----------------------------------------------------------------------

    def new_user_id(self) -> str:
        """A fresh id shaped like a real one (20 hex digits)."""
        return self._hex_id()

    def push_text(self, user_id: str, text: str, display_name: str = "Chị Lan") -> str:
        return self._push(EVENT_TEXT, user_id, display_name, {"text": text})

    def push_image(
        self,
        user_id: str,
        photo_url: str | None = None,
        caption: str | None = None,
        display_name: str = "Chị Lan",
    ) -> str:
        content: dict[str, Any] = {
            "photo_url": photo_url or f"https://photo-stal.zadn.vn/{self._hex_id()}.jpg"
        }
        if caption is not None:
            content["caption"] = caption
        return self._push(EVENT_IMAGE, user_id, display_name, content)

    def push_sticker(
        self, user_id: str, sticker: str | None = None, display_name: str = "Chị Lan"
    ) -> str:
        sticker_id = sticker or self._hex_id()
        content = {"sticker": sticker_id, "url": f"https://zalo-api.zadn.vn/sticker/{sticker_id}"}
        return self._push(EVENT_STICKER, user_id, display_name, content)

    def push_unsupported(self, user_id: str, display_name: str = "Chị Lan") -> str:
        # Zalo sends this instead of the content for users in protected groups: no text at all.
        return self._push(EVENT_UNSUPPORTED, user_id, display_name, {})

    def push_raw(self, update: dict[str, Any]) -> str | None:
        """Queue any update as-is (a bare update or a ``{"ok", "result"}`` envelope)."""
        if "result" in update and "event_name" not in update:
            update = update["result"]
        return self._enqueue(copy.deepcopy(update))

    def redeliver(self, message_id: str) -> None:
        """Deliver an already pushed message again, as Zalo may do without an offset."""
        try:
            update = self._by_id[message_id]
        except KeyError:
            raise KeyError(f"no pushed message with id {message_id!r}") from None
        self._enqueue(copy.deepcopy(update))

    @property
    def pending(self) -> int:
        """Updates queued but not yet handed to the bot."""
        return len(self._pending)

    def _hex_id(self) -> str:
        return f"{self._rng.getrandbits(80):020x}"

    def _push(self, event: str, user_id: str, display_name: str, content: dict[str, Any]) -> str:
        message_id = self._hex_id()
        message: dict[str, Any] = {
            "from": {"id": user_id, "display_name": display_name, "is_bot": False},
            # A private chat's id is the user's id.
            "chat": {"id": user_id, "chat_type": "PRIVATE"},
            "message_id": message_id,
            "date": _now_ms(),
            **content,
        }
        self._enqueue({"event_name": event, "message": message})
        return message_id

    def _enqueue(self, update: dict[str, Any]) -> str | None:
        message_id = _message_id_of(update)
        if message_id is not None:
            self._by_id.setdefault(message_id, copy.deepcopy(update))
        self.pushed.append(update)
        self._pending.append(update)
        self._poll_wakeup.set()
        self._webhook_wakeup.set()
        return message_id

    # -- what the bot sent --------------------------------------------------------------------

    @property
    def sent(self) -> list[SentRecord]:
        return list(self._sent)

    def messages(self, chat_id: str) -> list[str]:
        return [
            r.text
            for r in self._sent
            if r.method == "sendMessage" and r.chat_id == chat_id and r.text is not None
        ]

    def photos(self, chat_id: str) -> list[SentPhoto]:
        return [
            SentPhoto(r.photo, r.caption)
            for r in self._sent
            if r.method == "sendPhoto" and r.chat_id == chat_id and r.photo is not None
        ]

    def chat_actions(self, chat_id: str) -> list[str]:
        return [
            r.action
            for r in self._sent
            if r.method == "sendChatAction" and r.chat_id == chat_id and r.action is not None
        ]

    def last_text(self, chat_id: str) -> str | None:
        texts = self.messages(chat_id)
        return texts[-1] if texts else None

    def calls(self, method: str) -> int:
        return sum(1 for name, _ in self.requests if name == method)

    async def wait_for(
        self,
        predicate: Callable[[], bool],
        timeout: float = 10,
        *,
        description: str | None = None,
    ) -> None:
        """Wait until ``predicate()`` is true; TimeoutError says what the bot sent so far."""
        deadline = asyncio.get_running_loop().time() + timeout
        while not predicate():
            if asyncio.get_running_loop().time() >= deadline:
                what = description or getattr(predicate, "__name__", "condition")
                recent = [(r.method, r.chat_id, r.text or r.photo or r.action) for r in self._sent]
                raise TimeoutError(
                    f"{what} not met within {timeout:g}s; bot sent {recent[-10:]!r}; "
                    f"faults {dict(self.faults)!r}"
                )
            await asyncio.sleep(0.01)

    async def wait_for_messages(self, chat_id: str, count: int, timeout: float = 10) -> list[str]:
        """Wait until the chat holds at least ``count`` bot text messages; return them all."""
        await self.wait_for(
            lambda: len(self.messages(chat_id)) >= count,
            timeout,
            description=f"{count} bot message(s) in chat {chat_id}",
        )
        return self.messages(chat_id)

    # -- fault injection ----------------------------------------------------------------------

    def inject(self, method: str | None, kind: FaultKind, times: int = 1) -> None:
        """Fail the next ``times`` calls of ``method``.

        ``None`` means any method except getUpdates, which the bot calls non-stop and would
        otherwise swallow the faults meant for sends.
        """
        if kind not in _FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}")
        if times > 0:
            self._injections.append(_Injection(method, kind, times))

    def set_fault_rate(
        self,
        rate: float,
        kinds: Iterable[FaultKind] = ("429", "500"),
        seed: int | None = None,
        methods: Iterable[str] | None = None,
    ) -> None:
        """Fail a random ``rate`` share of send calls (or of ``methods``) with ``kinds``."""
        kinds = tuple(kinds)
        if not 0 <= rate <= 1:
            raise ValueError("rate must be within 0..1")
        if rate and (not kinds or any(k not in _FAULT_KINDS for k in kinds)):
            raise ValueError(f"fault kinds must be among {sorted(_FAULT_KINDS)}")
        self._fault_rate = rate
        self._fault_kinds = kinds
        self._fault_methods = frozenset(methods) if methods is not None else _SEND_METHODS
        if seed is not None:
            self._fault_rng = random.Random(seed)

    def block_chat(self, chat_id: str) -> None:
        """The user blocked the bot: sends to this chat answer 403."""
        self._blocked.add(chat_id)

    def unblock_chat(self, chat_id: str) -> None:
        self._blocked.discard(chat_id)

    @property
    def fault_count(self) -> int:
        return sum(self.faults.values())

    def _take_fault(self, method: str) -> FaultKind | None:
        for injection in self._injections:
            matches = injection.method == method or (
                injection.method is None and method != "getUpdates"
            )
            if matches and injection.remaining > 0:
                injection.remaining -= 1
                self._injections = [i for i in self._injections if i.remaining > 0]
                return injection.kind
        if (
            self._fault_rate
            and method in self._fault_methods
            and self._fault_rng.random() < self._fault_rate
        ):
            return self._fault_rng.choice(self._fault_kinds)
        return None

    async def _fault_response(self, method: str, kind: FaultKind) -> web.Response:
        self.faults[kind] += 1
        self.fault_log.append((method, kind))
        if kind == "429":
            return _error(
                429,
                f"Too Many Requests: retry after {self.retry_after}",
                headers={"Retry-After": str(self.retry_after)},
            )
        if kind == "403":
            return _error(403, "Forbidden: the user has blocked the bot")
        if kind == "timeout":
            # Hold past the client's timeout; stop() cuts the hold short.
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), self.timeout_hold)
            return _error(504, "Gateway Timeout")
        return _error(500, "Internal Server Error")

    # -- HTTP entry ---------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        payload = await self._read_payload(request)
        self.requests.append((method, payload if payload is not None else {}))
        if request.method not in ("POST", "GET") or (
            request.method == "GET" and method not in _GET_METHODS
        ):
            return _error(405, "Method Not Allowed")
        handler = self._methods.get(method)
        if handler is None:
            return _error(404, f"Not Found: method {method} not found")
        if payload is None:
            return _error(400, "Bad Request: body is not valid JSON")
        fault = self._take_fault(method)
        if fault == "garbage":
            await self._fault_response(method, fault)
            await handler(payload)  # done; only the answer is spoiled
            return web.Response(status=200, text="<html>OK</html>", content_type="text/html")
        if fault is not None:
            return await self._fault_response(method, fault)
        return await handler(payload)

    @staticmethod
    async def _read_payload(request: web.Request) -> dict[str, Any] | None:
        payload: dict[str, Any] = dict(request.query)
        if not request.body_exists:
            return payload
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            payload.update({k: v for k, v in form.items() if isinstance(v, str)})
            return payload
        raw = await request.read()
        if not raw.strip():
            return payload
        try:
            data = json.loads(raw)
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        payload.update(data)
        return payload

    # -- methods ------------------------------------------------------------------------------

    async def _get_me(self, payload: dict[str, Any]) -> web.Response:
        return _ok(
            {
                "id": self.bot_id,
                "account_name": self.account_name,
                "account_type": "BASIC",
                "can_join_groups": False,
            }
        )

    def _conflict(self) -> web.Response:
        return _error(
            409,
            "Conflict: can't use getUpdates while a webhook is set; call deleteWebhook first",
        )

    async def _get_updates(self, payload: dict[str, Any]) -> web.Response:
        if self._webhook_url is not None:
            return self._conflict()
        try:
            timeout = float(payload.get("timeout", 30))
        except (TypeError, ValueError):
            timeout = 30.0
        timeout = min(max(timeout, 0.0), self.max_poll_timeout)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not self._closing.is_set():
            if self._webhook_url is not None:
                return self._conflict()
            if self._pending:
                update = self._pending.popleft()
                self.delivered.append(update)
                return _ok(update)
            remaining = deadline - loop.time()
            if remaining <= 0:
                break
            # Check-clear-wait has no await in between, so a push cannot slip through.
            self._poll_wakeup.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._poll_wakeup.wait(), remaining)
        return _error(408, "Request timeout")

    async def _set_webhook(self, payload: dict[str, Any]) -> web.Response:
        url = payload.get("url")
        secret = payload.get("secret_token")
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            return _error(400, "Bad Request: url is required")
        if not isinstance(secret, str) or not 8 <= len(secret) <= 256:
            return _error(400, "Bad Request: secret_token must be 8-256 characters")
        self._webhook_url, self._webhook_secret = url, secret
        self._poll_wakeup.set()  # held polls now answer 409
        self._webhook_wakeup.set()
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.create_task(self._webhook_worker())
        return _ok({"url": url, "updated_at": _now_ms()})

    async def _delete_webhook(self, payload: dict[str, Any]) -> web.Response:
        # Undelivered updates stay queued for getUpdates.
        self._webhook_url = self._webhook_secret = None
        self._webhook_wakeup.set()
        return _ok({"url": "", "updated_at": _now_ms()})

    async def _get_webhook_info(self, payload: dict[str, Any]) -> web.Response:
        return _ok({"url": self._webhook_url or "", "updated_at": _now_ms()})

    def _chat_id(self, payload: dict[str, Any]) -> str | None:
        chat_id = payload.get("chat_id")
        if isinstance(chat_id, int | str) and not isinstance(chat_id, bool) and str(chat_id):
            return str(chat_id)
        return None

    def _record(self, method: str, chat_id: str, **fields: Any) -> web.Response:
        message_id, date = self._hex_id(), _now_ms()
        self._sent.append(
            SentRecord(method=method, chat_id=chat_id, message_id=message_id, date=date, **fields)
        )
        return _ok({"message_id": message_id, "date": date})

    async def _send_message(self, payload: dict[str, Any]) -> web.Response:
        chat_id = self._chat_id(payload)
        if chat_id is None:
            return _error(400, "Bad Request: chat_id is required")
        text = payload.get("text")
        if not isinstance(text, str) or not text:
            return _error(400, "Bad Request: text is required")
        if len(text) > TEXT_LIMIT:
            return _error(400, f"Bad Request: text must be 1-{TEXT_LIMIT} characters")
        if chat_id in self._blocked:
            return _error(403, "Forbidden: the user has blocked the bot")
        return self._record("sendMessage", chat_id, text=text)

    async def _send_photo(self, payload: dict[str, Any]) -> web.Response:
        chat_id = self._chat_id(payload)
        if chat_id is None:
            return _error(400, "Bad Request: chat_id is required")
        photo = payload.get("photo")
        if not isinstance(photo, str) or not photo.startswith(("http://", "https://")):
            return _error(400, "Bad Request: photo must be an image URL")
        caption = payload.get("caption")
        if caption is not None and (not isinstance(caption, str) or len(caption) > TEXT_LIMIT):
            return _error(400, f"Bad Request: caption must be 1-{TEXT_LIMIT} characters")
        if chat_id in self._blocked:
            return _error(403, "Forbidden: the user has blocked the bot")
        return self._record("sendPhoto", chat_id, photo=photo, caption=caption or None)

    async def _send_sticker(self, payload: dict[str, Any]) -> web.Response:
        chat_id = self._chat_id(payload)
        sticker = payload.get("sticker")
        if chat_id is None or not isinstance(sticker, str) or not sticker:
            return _error(400, "Bad Request: chat_id and sticker are required")
        if chat_id in self._blocked:
            return _error(403, "Forbidden: the user has blocked the bot")
        return self._record("sendSticker", chat_id, sticker=sticker)

    async def _send_chat_action(self, payload: dict[str, Any]) -> web.Response:
        chat_id = self._chat_id(payload)
        if chat_id is None:
            return _error(400, "Bad Request: chat_id is required")
        action = payload.get("action")
        if action not in _CHAT_ACTIONS:
            return _error(400, "Bad Request: unknown action")
        if chat_id in self._blocked:
            return _error(403, "Forbidden: the user has blocked the bot")
        self._sent.append(SentRecord(method="sendChatAction", chat_id=chat_id, action=action))
        return _ok(has_result=False)  # the docs show a bare {"ok": true}

    # -- webhook delivery ---------------------------------------------------------------------

    async def _webhook_worker(self) -> None:
        """Deliver queued updates one at a time, in order, retrying a bounded number of times."""
        while not self._closing.is_set():
            url, secret = self._webhook_url, self._webhook_secret
            if url is None or secret is None:
                return
            if not self._pending:
                self._webhook_wakeup.clear()
                await self._webhook_wakeup.wait()
                continue
            update = self._pending[0]
            delivered, interrupted = False, False
            for attempt in range(1, self.webhook_max_attempts + 1):
                status = await self._post_update(url, secret, update)
                self.webhook_attempts.append(
                    WebhookAttempt(_message_id_of(update), attempt, status)
                )
                if status is not None and 200 <= status < 300:
                    delivered = True
                    break
                if self._webhook_url != url or self._closing.is_set():
                    interrupted = True  # webhook changed or removed: keep the update queued
                    break
                if attempt < self.webhook_max_attempts:
                    await asyncio.sleep(self.webhook_retry_delay)
            if interrupted:
                continue
            if self._pending and self._pending[0] is update:
                self._pending.popleft()
            if delivered:
                self.delivered.append(update)
            else:
                self.webhook_failures.append(update)

    async def _post_update(self, url: str, secret: str | None, body: dict[str, Any]) -> int | None:
        if self._session is None:
            return None
        if "ok" not in body:
            body = {"ok": True, "result": body}  # the envelope Zalo's webhook docs show
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        try:
            async with self._session.post(
                url,
                json=body,
                headers=headers,
                timeout=aiohttp.ClientTimeout(total=self.webhook_request_timeout),
            ) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, OSError):
            return None

    async def post_forged(
        self,
        update_or_text: dict[str, Any] | str,
        secret: str | None,
        *,
        url: str | None = None,
        user_id: str = "f0f0f0f0f0f0f0f0f0f0",
    ) -> int:
        """POST an update to the webhook as an attacker would; return the bot's HTTP status."""
        target = url or self._webhook_url
        if target is None:
            raise RuntimeError("no webhook set and no url given")
        if self._session is None:
            raise RuntimeError("ZaloDouble is not started")
        if isinstance(update_or_text, str):
            body: dict[str, Any] = {
                "event_name": EVENT_TEXT,
                "message": {
                    "from": {"id": user_id, "display_name": "Mallory", "is_bot": False},
                    "chat": {"id": user_id, "chat_type": "PRIVATE"},
                    "message_id": self._hex_id(),
                    "date": _now_ms(),
                    "text": update_or_text,
                },
            }
        else:
            body = update_or_text
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        if "ok" not in body:
            body = {"ok": True, "result": body}
        async with self._session.post(
            target,
            json=body,
            headers=headers,
            timeout=aiohttp.ClientTimeout(total=self.webhook_request_timeout),
        ) as response:
            await response.read()
            return response.status
