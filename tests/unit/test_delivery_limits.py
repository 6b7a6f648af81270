"""The channels' sending limits and retries (bot/outbox/delivery.py) on a fake clock: no
pacing in a private chat, Telegram's 30 a second overall and 20 a minute in a group, pushes
slower, a 429's retry_after pausing everything, and retries only after a failure."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from bot.outbox.delivery import ChannelLimits, RetryLater, Unreachable, call_within_limits
from bot.telegram.sender import TelegramLimits
from bot.zalo.channel import ZaloLimits

GROUP = -1001234567890
PERSON = 5_000_000_001


class FakeTime:
    """Monotonic seconds that move only when something sleeps. Tests await one call at a
    time, so every sleep is exactly the wait that call had."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


def telegram(time_: FakeTime) -> TelegramLimits:
    return TelegramLimits(clock=time_.clock, sleep=time_.sleep)


async def moments(
    limits: ChannelLimits, time_: FakeTime, chat: int | str, n: int, **kw: bool
) -> list[float]:
    """When each of `n` calls to `chat`, one after the other, was let through."""
    times = []
    for _ in range(n):
        await limits.acquire(chat, **kw)
        times.append(time_.now)
    return times


async def test_a_private_chat_is_not_paced(time_: FakeTime) -> None:
    limits = telegram(time_)
    # Six answers in a row, an edit and the next question each: all at once.
    assert await moments(limits, time_, PERSON, 12) == [1000.0] * 12
    assert time_.sleeps == []


async def test_thirty_a_second_overall_then_evenly(time_: FakeTime) -> None:
    limits = telegram(time_)
    start = time_.now
    times = []
    for chat in range(PERSON, PERSON + 40):
        times += await moments(limits, time_, chat, 1)
    assert times[:30] == [start] * 30
    # Then one every 1/30 s, as python-telegram-bot's AIORateLimiter lets them through.
    gaps = [b - a for a, b in itertools.pairwise(times[29:])]
    assert all(gap == pytest.approx(1 / 30) for gap in gaps), gaps


async def test_a_group_gets_at_most_twenty_a_minute(time_: FakeTime) -> None:
    limits = telegram(time_)
    start = time_.now
    times = await moments(limits, time_, GROUP, 45)
    assert times[:20] == [start] * 20
    # No minute ever holds more than 20 of them.
    assert all(later - earlier >= 60 for earlier, later in zip(times, times[20:], strict=False))
    assert times[20] == pytest.approx(start + 60)
    assert times[-1] == pytest.approx(start + 120)
    # A group named by its id as text (a push) counts against the same minute: 15 more
    # make that minute's 20, the next waits for the one after.
    more = await moments(limits, time_, str(GROUP), 16)
    assert more[:15] == pytest.approx([start + 120] * 15)
    assert more[15] == pytest.approx(start + 180)


async def test_a_busy_group_holds_back_nobody_else(time_: FakeTime) -> None:
    limits = telegram(time_)
    await moments(limits, time_, GROUP, 20)
    before = time_.now
    assert await moments(limits, time_, PERSON, 4) == [before] * 4
    assert await moments(limits, time_, GROUP - 1, 3) == [before] * 3


async def test_pushes_go_slower_than_answers(time_: FakeTime) -> None:
    limits = TelegramLimits(30, push_per_second=5, clock=time_.clock, sleep=time_.sleep)
    start = time_.now
    pushes = []
    for chat in range(PERSON, PERSON + 10):
        pushes += await moments(limits, time_, chat, 1, push=True)
    # Five at once, then one every 0.2 s: the other 25 a second stay free for answers.
    assert pushes[:5] == [start] * 5
    assert pushes[-1] == pytest.approx(start + 1.0)
    # An answer to a chat that was just pushed to is not held back by the pushes.
    now = time_.now
    assert await moments(limits, time_, PERSON + 9, 2) == [now, now]


async def test_pushes_to_one_chat_are_one_a_second(time_: FakeTime) -> None:
    limits = telegram(time_)
    start = time_.now
    times = await moments(limits, time_, PERSON, 3, push=True)
    assert times == [start, start + 1, start + 2]
    # By its id as text (the outbox's) or as a number (the sender's): the same chat.
    await limits.acquire(str(PERSON), push=True)
    assert time_.now == start + 3


async def test_zalo_has_an_overall_rate_and_no_per_chat_one(time_: FakeTime) -> None:
    limits = ZaloLimits(clock=time_.clock, sleep=time_.sleep)
    start = time_.now
    times = await moments(limits, time_, "c1", 7)
    assert times[:5] == [start] * 5  # five a second, all of them to one chat if need be
    assert times[5] == pytest.approx(start + 0.2)
    assert limits.group_per_minute is None


async def test_a_pause_holds_every_chat_and_every_push(time_: FakeTime) -> None:
    limits = telegram(time_)
    start = time_.now
    limits.pause(3)
    await limits.acquire(PERSON)
    assert time_.now == start + 3
    limits.pause(2)
    await limits.acquire(PERSON + 1, push=True)
    await limits.acquire(GROUP)
    assert time_.now == start + 5
    # A shorter pause asked meanwhile does not cut a longer one short.
    limits.pause(4)
    limits.pause(1)
    await limits.acquire(PERSON + 2)
    assert time_.now == start + 9


async def test_a_pause_that_begins_while_a_call_waits_holds_it_too() -> None:
    # Real time, briefly: one call waits for the overall rate while a 429 comes in.
    limits = ChannelLimits(2)
    await limits.acquire("a")
    await limits.acquire("b")
    loop = asyncio.get_running_loop()
    started = loop.time()
    waiting = asyncio.create_task(limits.acquire("c"))  # its turn comes in 0.5 s
    await asyncio.sleep(0.1)
    limits.pause(0.8)
    await waiting
    assert loop.time() - started >= 0.85


# --- retries ------------------------------------------------------------------------------


class Flaky:
    """An operation that fails with the given errors first, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls: list[float] = []
        self.time: FakeTime | None = None

    async def __call__(self) -> str:
        self.calls.append(self.time.now if self.time else 0.0)
        if self.errors:
            raise self.errors.pop(0)
        return "ok"


def judge(error: Exception) -> Exception:
    if isinstance(error, ConnectionError):
        return RetryLater(str(error))
    if isinstance(error, PermissionError):
        return Unreachable(str(error))
    return error  # RetryLater stays itself, anything else is raised


async def test_the_happy_path_calls_once_and_never_sleeps(time_: FakeTime) -> None:
    operation = Flaky()
    result = await call_within_limits(telegram(time_), PERSON, operation, judge)
    assert result == "ok"
    assert len(operation.calls) == 1
    assert time_.sleeps == []


async def test_retry_after_pauses_the_whole_channel_then_retries_once(time_: FakeTime) -> None:
    limits = telegram(time_)
    operation = Flaky(RetryLater("Too Many Requests", retry_after=7))
    operation.time = time_
    start = time_.now
    assert await call_within_limits(limits, PERSON, operation, judge, backoff=False) == "ok"
    # Honoured even without backoff: Telegram asked for it.
    assert operation.calls == [start, start + 7]
    # Whoever comes next, in any chat, waits out the same pause (here: already over).
    await limits.acquire(PERSON + 1)
    assert time_.now == start + 7


async def test_other_failures_back_off_and_give_up_with_retry_later(time_: FakeTime) -> None:
    operation = Flaky(*(ConnectionError("reset") for _ in range(3)))
    with pytest.raises(RetryLater):
        await call_within_limits(telegram(time_), PERSON, operation, judge, attempts=3)
    assert len(operation.calls) == 3
    # 0.5 s, then 1 s, each with up to 1 s of jitter.
    first, second = time_.sleeps
    assert 0.5 <= first < 1.5 and 1.0 <= second < 2.0


async def test_a_429_on_the_last_attempt_still_pauses_the_channel(time_: FakeTime) -> None:
    limits = telegram(time_)
    operation = Flaky(RetryLater("Too Many Requests", retry_after=5))
    start = time_.now
    with pytest.raises(RetryLater):
        await call_within_limits(limits, PERSON, operation, judge, attempts=1)
    await limits.acquire(PERSON + 1)
    assert time_.now == start + 5


async def test_what_cannot_be_retried_is_raised_at_once(time_: FakeTime) -> None:
    blocked = Flaky(PermissionError("blocked"))
    with pytest.raises(Unreachable):
        await call_within_limits(telegram(time_), PERSON, blocked, judge)
    refused = Flaky(ValueError("Bad Request: message text is empty"))
    with pytest.raises(ValueError):
        await call_within_limits(telegram(time_), PERSON, refused, judge)
    assert len(blocked.calls) == len(refused.calls) == 1
    assert time_.sleeps == []
