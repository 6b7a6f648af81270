"""The benchmark phases: in-process against the baseline, and webhook workers."""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import aiohttp
from sqlalchemy.engine import make_url

from bench.check import expect_complete
from bench.load import Memory, Result, drive, measure_memory
from bench.targets import Baseline, HocTap
from bench.users import SCRIPT, UpdateFactory, register_households, user_ids
from bench.worker import PATH, SECRET
from bot.channels import freeze_startup_objects
from storage.db import Database, upgrade

PROJECT_ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 20


@dataclass
class Measured:
    """What one target did in the in-process phases."""

    name: str
    rates: list[float] = field(default_factory=list)
    # CPU seconds this process spent per update in each saturated round: on a machine shared
    # with other jobs the throughput ratio moves with the neighbours, this much less.
    cpu: list[float] = field(default_factory=list)
    saturated: Result = field(default_factory=Result)
    paced: Result = field(default_factory=Result)
    memory: Memory | None = None

    @property
    def rate(self) -> float:
        return statistics.median(self.rates) if self.rates else 0.0

    @property
    def cpu_per_update(self) -> float:
        return statistics.median(self.cpu) if self.cpu else 0.0


@dataclass
class Options:
    users: int = 200
    think: float = 2.0
    rounds: int = 3
    quiet: bool = False

    def say(self, text: str) -> None:
        if not self.quiet:
            print(f"  {text}", file=sys.stderr, flush=True)


async def in_process(url: str, label: str, options: Options) -> tuple[Measured, Measured]:
    """Ours and the baseline, in this process, on the same simulated people: saturated
    throughput in alternating rounds, then latency at a person's pace, then memory."""
    n = options.users
    ids = user_ids(WARM_UP + n * (options.rounds + 2))
    groups = [ids[WARM_UP + i * n : WARM_UP + (i + 1) * n] for i in range(options.rounds + 2)]
    options.say(f"{label}: registering {len(ids)} households")
    ours = await HocTap.open(url, label, len(ids))
    baseline = Baseline()
    mine, base = Measured(label), Measured(baseline.name)
    factory = UpdateFactory()
    try:
        await drive(baseline.feed, ids[:WARM_UP], factory)
        await drive(ours.feed, ids[:WARM_UP], factory)
        # As the running bot does once it has started (bot.channels); it serves both sides.
        freeze_startup_objects()
        for round_, group in enumerate(groups[: options.rounds], 1):
            # Alternating, so a noisy neighbour on a shared machine hurts both alike.
            started = time.process_time()
            b = await drive(baseline.feed, group, factory)
            between = time.process_time()
            o = await drive(ours.feed, group, factory)
            ended = time.process_time()
            base.rates.append(b.rate)
            mine.rates.append(o.rate)
            base.cpu.append((between - started) / max(1, b.updates))
            mine.cpu.append((ended - between) / max(1, o.updates))
            base.saturated.latencies += b.latencies
            mine.saturated.latencies += o.latencies
            options.say(
                f"{label}: round {round_}: ours {o.rate:.0f}/s, baseline {b.rate:.0f}/s"
                f" ({o.rate / b.rate:.2f}x); CPU per update: ours {mine.cpu[-1] * 1e3:.2f} ms,"
                f" baseline {base.cpu[-1] * 1e3:.2f} ms ({base.cpu[-1] / mine.cpu[-1]:.2f}x)"
            )
        paced = groups[options.rounds]
        options.say(f"{label}: {n} people at a person's pace ({options.think:g} s per answer)")
        # One after the other: run together, each would slow the other down.
        mine.paced = await drive(ours.feed, paced, factory, think=options.think)
        base.paced = await drive(
            baseline.feed, [u + 10**9 for u in paced], factory, think=options.think
        )
        options.say(f"{label}: memory of {n} open conversations")
        mine.memory = await measure_memory(ours.feed, groups[options.rounds + 1], factory)
        base.memory = await measure_memory(
            baseline.feed, [u + 10**9 for u in groups[options.rounds + 1]], factory
        )
        # Every answer a person was answered for is in the database, once.
        await expect_complete(ours.app.db, ids)
    finally:
        await ours.close()
        await baseline.close()
    return mine, base


# --- several processes ------------------------------------------------------------------


@contextlib.asynccontextmanager
async def postgres_database(admin_url: str) -> AsyncIterator[str]:
    """A throw-away PostgreSQL database, dropped afterwards."""
    import asyncpg

    parsed = make_url(admin_url)
    name = f"hoctap_bench_{uuid.uuid4().hex[:10]}"
    connect = {
        "host": parsed.host or "127.0.0.1",
        "port": parsed.port or 5432,
        "user": parsed.username or "postgres",
        "password": parsed.password,
        "database": parsed.database or "postgres",
    }
    conn = await asyncpg.connect(**connect)
    try:
        await conn.execute(f'CREATE DATABASE "{name}"')
    finally:
        await conn.close()
    try:
        yield parsed.set(database=name).render_as_string(hide_password=False)
    finally:
        conn = await asyncpg.connect(**connect)
        try:
            await conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        finally:
            await conn.close()


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Workers:
    """`count` worker processes (bench.worker) on one database."""

    def __init__(self, url: str, count: int, logs: Path) -> None:
        self.url = url
        self.ports = [_free_port() for _ in range(count)]
        self.logs = logs
        self.processes: list[subprocess.Popen[bytes]] = []

    async def __aenter__(self) -> Workers:
        env = {**os.environ, "PYTHONPATH": str(PROJECT_ROOT)}
        for port in self.ports:
            log = (self.logs / f"worker-{port}.log").open("wb")
            self.processes.append(
                subprocess.Popen(
                    [sys.executable, "-m", "bench.worker", self.url, str(port)],
                    cwd=PROJECT_ROOT,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
        deadline = time.monotonic() + 60
        for port in self.ports:
            path = self.logs / f"worker-{port}.log"
            while b"ready" not in path.read_bytes():
                if time.monotonic() > deadline or any(p.poll() is not None for p in self.processes):
                    raise RuntimeError(f"worker on {port} did not start:\n{path.read_text()}")
                await asyncio.sleep(0.1)
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(15)
            except subprocess.TimeoutExpired:
                process.kill()


def cpu_times(pids: Sequence[int]) -> dict[int, float]:
    """CPU seconds (user + system) each process has used so far (Linux /proc)."""
    times = {}
    for pid in pids:
        try:
            with open(f"/proc/{pid}/stat") as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except OSError:
            continue  # gone meanwhile
        times[pid] = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return times


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    """CPU seconds used between two readings. A process gone by the second reading (a backend
    of an earlier run exiting) is left out rather than counted as negative; one born in between
    counts whole."""
    return sum(spent - before.get(pid, 0.0) for pid, spent in after.items())


def postgres_pids() -> list[int]:
    """The PostgreSQL server's processes on this machine (its backends do the SQL work)."""
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    if cmdline.read().startswith(b"postgres"):
                        pids.append(int(entry))
            except OSError:
                continue
    return pids


@dataclass
class WebhookResult:
    result: Result
    # CPU seconds per update: the workers, PostgreSQL, and this process sending the load.
    workers_cpu: float
    postgres_cpu: float
    client_cpu: float


async def webhook(
    url: str, workers: int, users: Sequence[int], warm: Sequence[int]
) -> WebhookResult:
    """People's updates POSTed to `workers` webhook processes in turn (round robin, as a
    reverse proxy does): one person's consecutive messages land on different processes."""
    with tempfile.TemporaryDirectory() as logs:
        async with Workers(url, workers, Path(logs)) as running:
            targets = [f"http://127.0.0.1:{port}{PATH}" for port in running.ports]
            turn = itertools.count()
            headers = {"X-Telegram-Bot-Api-Secret-Token": SECRET}
            connector = aiohttp.TCPConnector(limit=0)
            async with aiohttp.ClientSession(connector=connector) as http:

                async def post(raw: bytes) -> None:
                    target = targets[next(turn) % len(targets)]
                    async with http.post(target, data=raw, headers=headers) as response:
                        if response.status != 200:
                            raise RuntimeError(f"{target}: HTTP {response.status}")
                        await response.read()

                factory = UpdateFactory(start=900_000_001 + workers * 10_000_000)
                await drive(post, warm, factory)
                pids = [p.pid for p in running.processes]
                me = [os.getpid()]
                before = (cpu_times(pids), cpu_times(postgres_pids()), cpu_times(me))
                result = await drive(post, users, factory)
                after = (cpu_times(pids), cpu_times(postgres_pids()), cpu_times(me))
                per = [
                    cpu_used(b, a) / max(1, result.updates)
                    for b, a in zip(before, after, strict=True)
                ]
                return WebhookResult(result, *per)


async def several_workers(
    admin_url: str, options: Options, counts: Sequence[int] = (1, 2)
) -> dict[int, WebhookResult]:
    """Throughput of 1 and 2 webhook worker processes sharing one PostgreSQL database."""
    n = options.users
    results: dict[int, WebhookResult] = {}
    async with postgres_database(admin_url) as url:
        await asyncio.to_thread(upgrade, url)
        ids = user_ids(len(counts) * (n + WARM_UP))
        db = Database(url)
        try:
            await register_households(db, len(ids))
            for index, count in enumerate(counts):
                chunk = ids[index * (n + WARM_UP) : (index + 1) * (n + WARM_UP)]
                options.say(f"PostgreSQL webhook: {count} worker(s), {n} people")
                results[count] = await webhook(url, count, chunk[WARM_UP:], chunk[:WARM_UP])
                await expect_complete(db, chunk)
                options.say(f"  {results[count].result.rate:.0f} updates/s")
        finally:
            await db.dispose()
    return results


def steps() -> int:
    return len(SCRIPT)
