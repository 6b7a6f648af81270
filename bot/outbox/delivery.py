"""What every channel shares: rate limits, retries, the outcomes of a send, and the two
shapes a channel package provides (`Channel` sends, `ChannelRunner` runs it).

Channel packages translate their API's errors into `RetryLater` (429, 5xx, network),
`Unreachable` (blocked, deleted) and `DeliveryUnknown` (a send answered with something
unreadable), and send through `ChannelLimits` and `with_retries`.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from typing import Protocol, TypeVar

from aiohttp import web
from aiolimiter import AsyncLimiter
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
)

from bot.rendering import Reply

T = TypeVar("T")
MAX_CHATS = 10_000


class Unreachable(Exception):
    """The person blocked the bot or their account is gone: retrying cannot help."""


class RetryLater(Exception):
    """A temporary failure (rate limit, server error, network). `retry_after` in seconds."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class DeliveryUnknown(Exception):
    """The platform answered a send with something that cannot be read: the message most
    likely went out. Sending it again could show it twice, so it is never retried."""


class Channel(Protocol):
    """A way to reach people: sends channel-neutral replies to one chat."""

    name: str
    has_buttons: bool

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None: ...


class ChannelRunner(Protocol):
    """A channel that talks to people until `stop` is set (bot.channels runs them)."""

    name: str

    @property
    def channel(self) -> Channel:
        """The sending side, which the outbox also uses for pushes."""
        ...

    def register(self, web_app: web.Application) -> bool:
        """Add its webhook routes to the shared server; False when it needs none (polling)."""
        ...

    async def run(self, stop: asyncio.Event) -> None: ...


class ChannelLimits:
    """A channel's send rates: `per_second` overall; each chat `per_chat_per_second` on
    average with bursts of `chat_burst` (answering a tap takes an edit and the next question at
    once); pushes (digests, notices) also under `push_per_second`, so the answers to people
    who are chatting keep a share."""

    def __init__(
        self,
        per_second: float,
        per_chat_per_second: float = 1.0,
        *,
        push_per_second: float | None = None,
        chat_burst: int = 1,
    ) -> None:
        self.overall = AsyncLimiter(per_second, 1)
        self.pushes = AsyncLimiter(min(push_per_second or per_second, per_second), 1)
        self.per_chat_rate = per_chat_per_second
        self.chat_burst = max(1, chat_burst)
        # Bounded: a limiter per recently active chat is enough to keep per-chat pacing.
        self._chats: OrderedDict[str, AsyncLimiter] = OrderedDict()

    def _chat(self, chat_id: str) -> AsyncLimiter:
        limiter = self._chats.pop(chat_id, None) or AsyncLimiter(
            self.chat_burst, self.chat_burst / self.per_chat_rate
        )
        self._chats[chat_id] = limiter
        while len(self._chats) > MAX_CHATS:
            self._chats.popitem(last=False)
        return limiter

    @asynccontextmanager
    async def slot(self, chat_id: str) -> AsyncIterator[None]:
        async with self._chat(chat_id), self.overall:
            yield

    @asynccontextmanager
    async def push_slot(self, chat_id: str) -> AsyncIterator[None]:
        async with self.pushes, self.slot(chat_id):
            yield


def _wait(state: RetryCallState) -> float:
    error = state.outcome.exception() if state.outcome else None
    if isinstance(error, RetryLater) and error.retry_after is not None:
        return float(error.retry_after)
    return float(wait_exponential_jitter(multiplier=0.5, max=30)(state))


async def with_retries(
    operation: Callable[[], Awaitable[T]], *, attempts: int = 6, wait: bool = True
) -> T:
    """Run `operation`, retrying `RetryLater` (honouring retry_after, else backing off).
    `Unreachable` and other errors go straight to the caller."""
    async for attempt in AsyncRetrying(
        retry=retry_if_exception_type(RetryLater),
        stop=stop_after_attempt(attempts),
        wait=_wait if wait else (lambda _state: 0.0),
        reraise=True,
    ):
        with attempt:
            return await operation()
    raise AssertionError("unreachable")  # AsyncRetrying either returns or raises
