"""`python -m bench`: throughput, latency and memory of the real update path against a bare
aiogram baseline measured in the same run, then (with flags) PostgreSQL with one and two
webhook workers, and digests/exports at the scale of a province.

    python -m bench                       # SQLite vs the baseline, 200 people (~2-3 min)
    python -m bench --postgres            # + PostgreSQL in process, 1 and 2 webhook workers
    python -m bench --scale               # + digest, commune XLSX, province CSV at scale
    python -m bench --latency             # only: people answering at once, Telegram's limits kept
    python -m bench --all                 # all of it
    python -m bench --users 50 --rounds 1 --think 0.5   # a quick look

Ratios, not absolute numbers, are what carry from one machine to another: the baseline runs
in the same process, on the same simulated people, in alternating rounds.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import sys
import tempfile
from pathlib import Path

from bench.latency import DEFAULT_MODES, Latency, Mode, latency
from bench.run import (
    Measured,
    Options,
    WebhookResult,
    in_process,
    postgres_database,
    several_workers,
    steps,
)

DEFAULT_POSTGRES = "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"


def _ms(value: float) -> str:
    return f"{value:.1f}"


def _kib(value: float) -> str:
    return f"{value / 1024:.1f}"


def _table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(h), *(len(r[i]) for r in rows)) for i, h in enumerate(headers)]
    line = "| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |"
    rule = "|" + "|".join("-" * (w + 2) for w in widths) + "|"
    body = [
        "| " + " | ".join(c.rjust(w) for c, w in zip(r, widths, strict=True)) + " |" for r in rows
    ]
    return "\n".join([line, rule, *body])


def in_process_table(results: list[tuple[Measured, Measured]], options: Options) -> str:
    headers = [
        "mode",
        "updates/s",
        "x baseline",
        "CPU ms/update",
        "x baseline (CPU)",
        f"p50 ms @{options.think:g}s",
        "p95 ms",
        "p99 ms",
        "p99 ms saturated",
        "KiB/conversation (heap)",
        "KiB/conv. (RSS)",
    ]
    rows: list[list[str]] = []
    for ours, base in results:
        cpu_ratio = f"{base.cpu_per_update / ours.cpu_per_update:.2f}" if ours.cpu else ""
        for measured, ratio, cpu in (
            (base, "1.00", "1.00"),
            (ours, f"{ours.rate / base.rate:.2f}", cpu_ratio),
        ):
            memory = measured.memory
            rows.append(
                [
                    measured.name,
                    f"{measured.rate:.0f}",
                    ratio,
                    f"{measured.cpu_per_update * 1e3:.2f}" if measured.cpu else "",
                    cpu if measured.cpu else "",
                    _ms(measured.paced.percentile(50)),
                    _ms(measured.paced.percentile(95)),
                    _ms(measured.paced.percentile(99)),
                    _ms(measured.saturated.percentile(99)),
                    _kib(memory.traced_per) if memory else "",
                    _kib(memory.rss_per) if memory else "",
                ]
            )
    return _table(headers, rows)


def latency_table(results: list[Latency]) -> str:
    rows = [
        [
            str(measured.mode),
            str(len(measured.first.latencies)),
            _ms(measured.first.percentile(50)),
            _ms(measured.first.percentile(95)),
            _ms(measured.turn.percentile(50)),
            _ms(measured.turn.percentile(95)),
        ]
        for measured in results
    ]
    headers = [
        "people (SQLite, Telegram's limits)",
        "answers",
        "first reaction p50 ms",
        "p95 ms (goal 250)",
        "turn p50 ms",
        "p95 ms (goal 500)",
    ]
    return _table(headers, rows)


async def run_latency(modes: list[Mode], options: Options) -> str:
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'latency.db'}"
        results = await latency(url, modes, say=options.say)
    return (
        "Latency: each person answers as soon as the next question is there; first reaction ="
        " the first Bot API call that shows something in that chat, turn = the answer's last"
        " call (the next question sent). In-memory Bot API: Telegram's round trip not"
        " included.\n\n" + latency_table(results)
    )


def workers_table(results: dict[int, WebhookResult]) -> str:
    one = results[min(results)].result.rate
    rows = [
        [
            f"PostgreSQL, webhook, {count} worker{'s' if count > 1 else ''}",
            f"{measured.result.rate:.0f}",
            f"{measured.result.rate / one:.2f}",
            _ms(measured.result.percentile(50)),
            _ms(measured.result.percentile(99)),
            _ms(measured.workers_cpu * 1000),
            _ms(measured.postgres_cpu * 1000),
            _ms(measured.client_cpu * 1000),
        ]
        for count, measured in sorted(results.items())
    ]
    headers = [
        "mode",
        "updates/s",
        "x 1 worker",
        "p50 ms",
        "p99 ms",
        "CPU ms/update: workers",
        "PostgreSQL",
        "load generator",
    ]
    return _table(headers, rows)


async def main(args: argparse.Namespace) -> int:
    options = Options(users=args.users, think=args.think, rounds=args.rounds, quiet=args.quiet)
    if args.latency:
        print(await run_latency(args.latency_modes, options))
        return 0
    postgres = args.postgres or args.all
    scale = args.scale or args.all
    print(
        f"hoctap-bot bench: {options.users} simulated people, {steps()} updates each"
        f" (a household's whole self-assessment); Python {platform.python_version()},"
        f" {os.cpu_count()} CPUs",
        flush=True,
    )
    results: list[tuple[Measured, Measured]] = []
    with tempfile.TemporaryDirectory() as scratch:
        url = f"sqlite+aiosqlite:///{Path(scratch) / 'bench.db'}"
        results.append(await in_process(url, "hoctap, SQLite", options))
    workers: dict[int, WebhookResult] = {}
    if postgres:
        async with postgres_database(args.postgres_url) as url:
            results.append(await in_process(url, "hoctap, PostgreSQL, 1 process", options))
        workers = await several_workers(args.postgres_url, options)
    print()
    print(
        f"Saturated: every person sends the next message as soon as the last is answered"
        f" ({options.rounds} rounds, median). Paced: each waits {options.think / 2:g}-"
        f"{options.think * 1.5:g} s before answering (about"
        f" {options.users / options.think:.0f} updates/s offered). Every answer is committed"
        f" before the reply; afterwards every one is checked in the database. CPU: this"
        f" process's CPU time per update in the saturated rounds (median), which other jobs"
        f" on the machine move much less than the throughput."
    )
    print()
    print(in_process_table(results, options))
    if workers:
        print()
        print(workers_table(workers))
    if args.all:
        print()
        print(await run_latency(args.latency_modes, options))
    if scale:
        from bench.scale import run_scale

        print()
        print(
            await run_scale(
                args.households, args.assessments, options, args.postgres_url if postgres else None
            )
        )
    return 0


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200, help="simulated people (200)")
    parser.add_argument(
        "--think", type=float, default=2.0, help="mean seconds between a person's answers (2)"
    )
    parser.add_argument("--rounds", type=int, default=3, help="saturated rounds per mode (3)")
    parser.add_argument(
        "--postgres", action="store_true", help="PostgreSQL in process and 1-2 webhook workers"
    )
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_POSTGRES_URL", DEFAULT_POSTGRES),
        help="server for throw-away databases (BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--scale", action="store_true", help="digest and exports at scale")
    parser.add_argument("--households", type=int, default=5000, help="commune size (5000)")
    parser.add_argument("--assessments", type=int, default=300_000, help="province size (300000)")
    parser.add_argument(
        "--latency", action="store_true", help="only the latency of people answering at once"
    )
    parser.add_argument(
        "--latency-modes",
        type=Mode.parse,
        nargs="+",
        default=list(DEFAULT_MODES),
        metavar="PEOPLE[:THINK]",
        help="latency phase: people answering at once, optionally each taking 0.5-1.5 x"
        " THINK seconds to answer (3 20 20:2)",
    )
    parser.add_argument("--all", action="store_true", help="everything above")
    parser.add_argument("--quiet", action="store_true", help="only the tables")
    return parser.parse_args(argv)


if __name__ == "__main__":
    logging.basicConfig(level=logging.WARNING)
    sys.exit(asyncio.run(main(parse())))
