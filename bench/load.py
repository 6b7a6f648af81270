"""Driving simulated people through a target and measuring what they experience."""

from __future__ import annotations

import asyncio
import gc
import random
import time
import tracemalloc
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field

from bench.users import SCRIPT, UpdateFactory

Feed = Callable[[bytes], Awaitable[None]]


@dataclass
class Result:
    """One phase: how many updates, how long it took, each update's latency (seconds)."""

    updates: int = 0
    seconds: float = 0.0
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return self.updates / self.seconds if self.seconds else 0.0

    def percentile(self, p: float) -> float:
        """Nearest-rank percentile, in milliseconds."""
        if not self.latencies:
            return 0.0
        ordered = sorted(self.latencies)
        rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered) + 0.5) - 1))
        return ordered[rank] * 1000


async def drive(
    feed: Feed,
    users: Sequence[int],
    factory: UpdateFactory,
    *,
    script: Sequence[str] = SCRIPT,
    think: float = 0.0,
    seed: int = 0,
) -> Result:
    """Every user sends `script` one message at a time, the next only once the previous one
    has been answered (as a person does), all users at once.

    `think` = 0: no pause between messages, a closed loop that saturates the target (its
    throughput). `think` > 0: each person pauses uniformly 0.5–1.5 × `think` seconds before
    each message (and starts at a random moment in the first `think` seconds), an open load
    of about len(users) / think updates per second whose latency is what people feel."""
    result = Result()

    async def person(user_id: int) -> None:
        rng = random.Random(seed * 1_000_003 + user_id)
        if think:
            await asyncio.sleep(rng.uniform(0, think))
        for text in script:
            raw = factory.text(user_id, text)
            started = time.perf_counter()
            await feed(raw)
            result.latencies.append(time.perf_counter() - started)
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)

    started = time.perf_counter()
    await asyncio.gather(*(person(u) for u in users))
    result.seconds = time.perf_counter() - started
    result.updates = len(result.latencies)
    return result


def rss_bytes() -> int:
    """Resident set size of this process (Linux /proc; 0 elsewhere)."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    import os

    return pages * os.sysconf("SC_PAGE_SIZE")


@dataclass
class Memory:
    """What one open conversation costs: Python heap (tracemalloc) and RSS growth, bytes."""

    conversations: int
    traced_per: float
    rss_per: float


async def measure_memory(
    feed: Feed,
    users: Sequence[int],
    factory: UpdateFactory,
    *,
    script: Sequence[str] = SCRIPT,
    primer: int = 20,
) -> Memory:
    """Bring users half-way through the questionnaire and measure what stays allocated while
    all those conversations are open; then let them finish.

    Heap: tracemalloc, after `primer` users have filled the bounded caches (aiogram keeps the
    last 128 updates) with traced objects, so replacing their entries nets out. RSS: the
    process's growth for another group, without tracemalloc (whose bookkeeping is itself
    resident), which includes what the allocators keep."""
    half = len(script) // 2
    first, rest = users[:primer], users[primer:]
    by_rss, by_trace = rest[: len(rest) // 2], rest[len(rest) // 2 :]
    gc.collect()
    rss_before = rss_bytes()
    await drive(feed, by_rss, factory, script=script[:half])
    gc.collect()
    rss_after = rss_bytes()
    tracemalloc.start()
    try:
        await drive(feed, first, factory, script=script[:half])
        gc.collect()
        traced_before = tracemalloc.get_traced_memory()[0]
        await drive(feed, by_trace, factory, script=script[:half])
        gc.collect()
        traced_after = tracemalloc.get_traced_memory()[0]
    finally:
        tracemalloc.stop()
    await drive(feed, users, factory, script=script[half:])
    return Memory(
        len(by_trace),
        (traced_after - traced_before) / max(1, len(by_trace)),
        max(0, rss_after - rss_before) / max(1, len(by_rss)),
    )
