"""What every channel shares: rate limits, retries, the outcomes of a send, and the two
shapes a channel package provides (`Channel` sends, `ChannelRunner` runs it).

Channel packages translate their API's errors into `RetryLater` (429, 5xx, network),
`Unreachable` (blocked, deleted) and `DeliveryUnknown` (a send answered with something
unreadable). Each call that shows something waits for its turn (`ChannelLimits.acquire`: a
few comparisons when nothing holds it back) and is made once; only a call that failed with
`RetryLater` goes on to `retry`, which honours `retry_after` by pausing the whole channel.
"""

from __future__ import annotations

import asyncio
import logging
import math
import random
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Sequence
from typing import Protocol, TypeVar

from aiohttp import web

from bot.rendering import Reply

log = logging.getLogger(__name__)

T = TypeVar("T")
# Pushes and group chats are paced per chat: that many recent chats are remembered.
MAX_CHATS = 10_000
# Between attempts that failed without a `retry_after`: 0.5 s, 1 s, 2 s... (+ up to 1 s of
# jitter, so that chats failing together do not retry together), at most 30 s.
BACKOFF_FIRST = 0.5
BACKOFF_MAX = 30.0

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]
# A channel's error → the shared outcome: `RetryLater` to try again; anything else (the
# error itself, `Unreachable`, `DeliveryUnknown`) is raised to the caller.
Judge = Callable[[Exception], Exception]


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


class Rate:
    """`count` calls per `period` seconds, the first `count` at once: a leaky bucket, as
    aiolimiter's `AsyncLimiter` (python-telegram-bot's `AIORateLimiter` uses it). Once the
    bucket is full, calls go out evenly, one every `period / count` seconds, in the order
    they came (each reserves its moment and waits for it)."""

    __slots__ = ("due", "interval", "tolerance")

    def __init__(self, count: float, period: float) -> None:
        self.interval = period / count
        self.tolerance = period - self.interval
        # When the bucket would be empty again ("theoretical arrival time", GCRA).
        self.due = -math.inf

    @classmethod
    def per_second(cls, rate: float) -> Rate | None:
        """`rate` calls a second, bursts of as many (None: unlimited)."""
        return None if math.isinf(rate) else cls(max(1.0, rate), max(1.0, rate) / rate)

    def reserve(self, now: float) -> float:
        """Take the next free moment; how long until it comes (0: now)."""
        due = self.due if self.due > now else now
        self.due = due + self.interval
        wait = due - self.tolerance - now
        # Within rounding of the moment (0.2 s added up five times is not quite 1 s): now.
        return wait if wait > 1e-9 else 0.0


class Window:
    """At most `count` calls in any `period` seconds (stricter than `Rate`, which lets up to
    twice `count` through in the first period after a quiet spell); up to `count` go at once.
    Each caller reserves its moment in the order they come and waits for it."""

    __slots__ = ("period", "times")

    def __init__(self, count: int, period: float) -> None:
        self.period = period
        self.times: deque[float] = deque(maxlen=max(1, count))

    def reserve(self, now: float) -> float:
        """Take the next free moment; how long until it comes (0: now)."""
        times = self.times
        at = now
        if len(times) == times.maxlen:
            # The call `count` places back must be a whole period old.
            earliest = times[0] + self.period
            if earliest > at:
                at = earliest
        times.append(at)
        return at - now


class ChannelLimits:
    """A channel's sending limits, the way python-telegram-bot's `AIORateLimiter` keeps
    Telegram's: `per_second` calls overall (a `Rate`); at most `group_per_minute` in any
    minute in each group chat (when the channel has groups: `is_group`); no limit per private
    chat, since answering a person is a short burst (the choice shown, the next question)
    that must not wait. Pushes (digests, reminders, notices), which nobody is waiting for, go
    slower: `push_per_second` overall and one every `push_chat_interval` seconds in a chat,
    so that answers keep a share. After a 429, `pause` holds every call of the channel for
    its `retry_after`.

    `clock` and `sleep` are injected for tests (monotonic seconds)."""

    def __init__(
        self,
        per_second: float,
        *,
        push_per_second: float | None = None,
        push_chat_interval: float = 1.0,
        group_per_minute: float | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.clock = clock
        self.sleep = sleep
        self.overall = Rate.per_second(per_second)
        self.pushes = Rate.per_second(min(push_per_second or per_second, per_second))
        self.push_chat_interval = push_chat_interval
        # None (or infinite): no group limit, the channel has no groups.
        self.group_per_minute = (
            None if group_per_minute is None or math.isinf(group_per_minute) else group_per_minute
        )
        self.paused_until = -math.inf
        # Bounded: the chats recently pushed to (their next free moment), and recent groups.
        self._push_chats: OrderedDict[str, float] = OrderedDict()
        self._groups: OrderedDict[str, Window] = OrderedDict()

    def is_group(self, chat_id: int | str) -> bool:
        """Whether a chat is a group (held to `group_per_minute`); a channel with groups
        says how to tell."""
        return False

    async def acquire(self, chat_id: int | str, *, push: bool = False) -> None:
        """Wait until one more call to `chat_id` is within the limits, and count it.

        An answer in a private chat, with nothing paused and the overall rate not reached,
        returns without waiting."""
        grouped = self.group_per_minute is not None and self.is_group(chat_id)
        if not (push or grouped) and (now := self.clock()) >= self.paused_until:
            wait = self.overall.reserve(now) if self.overall is not None else 0.0
            if wait <= 0:
                return
            await self.sleep(wait)
            if self.clock() >= self.paused_until:
                return
        await self._acquire_slowly(str(chat_id), push, grouped)

    async def _acquire_slowly(self, chat_id: str, push: bool, grouped: bool) -> None:
        while True:
            await self._paused()
            if push:
                await self._wait(self.pushes)
                await self._wait_push_turn(chat_id)
            if grouped:
                await self._wait(self._group(chat_id))
            await self._wait(self.overall)
            if self.clock() >= self.paused_until:
                return
            # A 429 came while this call waited: its slots are lost, it starts again.

    async def _paused(self) -> None:
        while (left := self.paused_until - self.clock()) > 0:
            await self.sleep(left)

    async def _wait(self, limit: Rate | Window | None) -> None:
        if limit is not None and (wait := limit.reserve(self.clock())) > 0:
            await self.sleep(wait)

    async def _wait_push_turn(self, chat_id: str) -> None:
        now = self.clock()
        at = max(now, self._push_chats.pop(chat_id, now))
        self._push_chats[chat_id] = at + self.push_chat_interval
        while len(self._push_chats) > MAX_CHATS:
            self._push_chats.popitem(last=False)
        if at > now:
            await self.sleep(at - now)

    def _group(self, chat_id: str) -> Window:
        assert self.group_per_minute is not None
        window = self._groups.pop(chat_id, None)
        if window is None:
            count = max(1, round(self.group_per_minute))
            window = Window(count, 60.0 * count / self.group_per_minute)
        self._groups[chat_id] = window
        while len(self._groups) > MAX_CHATS:
            self._groups.popitem(last=False)
        return window

    def pause(self, seconds: float) -> None:
        """The platform said "too many requests, retry after `seconds`": nothing of this
        channel is sent until then (the calls already waiting included)."""
        self.paused_until = max(self.paused_until, self.clock() + seconds)


def backoff_delay(attempt: int) -> float:
    """Seconds before attempt `attempt` + 1 of a call that failed without a `retry_after`."""
    delay: float = BACKOFF_FIRST * 2 ** (attempt - 1) + random.uniform(0, 1)
    return min(BACKOFF_MAX, delay)


def retry_outcome(error: Exception, judge: Judge) -> RetryLater:
    """What a failed call's error means: a `RetryLater` to try again; anything else is
    raised here (the error itself, or what the channel translated it into)."""
    outcome = judge(error)
    if isinstance(outcome, RetryLater):
        if outcome is not error:
            outcome.__cause__ = error
        return outcome
    if outcome is error:
        raise error
    raise outcome from error


async def retry(
    limits: ChannelLimits,
    chat_id: int | str,
    operation: Callable[[], Awaitable[T]],
    judge: Judge,
    failed: RetryLater,
    *,
    push: bool = False,
    attempts: int = 6,
    backoff: bool = True,
) -> T:
    """After the first attempt failed with `failed`: try again, up to `attempts` in all,
    each within the limits. Every `retry_after` pauses the whole channel that long (as
    Telegram asks, and python-telegram-bot does), the last one too; otherwise this call backs
    off (`backoff_delay`; at once when `backoff` is False, as tests like it). Raises the last
    `RetryLater`."""
    attempt = 1
    while True:
        if failed.retry_after is not None:
            log.info(
                "too many requests (chat %s): every chat waits %.1f s", chat_id, failed.retry_after
            )
            limits.pause(failed.retry_after)
        if attempt >= attempts:
            raise failed
        if failed.retry_after is None and backoff:
            await limits.sleep(backoff_delay(attempt))
        attempt += 1
        await limits.acquire(chat_id, push=push)
        try:
            return await operation()
        except Exception as error:
            failed = retry_outcome(error, judge)


async def call_within_limits(
    limits: ChannelLimits,
    chat_id: int | str,
    operation: Callable[[], Awaitable[T]],
    judge: Judge,
    *,
    push: bool = False,
    attempts: int = 6,
    backoff: bool = True,
) -> T:
    """One call that shows something in a chat: its turn within the limits, the call, and
    only if it failed with `RetryLater` (see `judge`) the retries."""
    await limits.acquire(chat_id, push=push)
    try:
        return await operation()
    except Exception as error:
        failed = retry_outcome(error, judge)
    return await retry(
        limits, chat_id, operation, judge, failed, push=push, attempts=attempts, backoff=backoff
    )
