"""`hoctap export`, `hoctap report summary`, `hoctap digest …` and `hoctap outbox …`."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Mapping
from contextlib import AbstractAsyncContextManager
from pathlib import Path
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.outbox.delivery import Channel
from bot.outbox.scheduler import default_times, times_for
from bot.outbox.worker import OutboxWorker
from bot.reports.periods import PERIOD_KINDS, on_demand, parse_clock, parse_day_month
from bot.reports.service import Reports, slug
from bot.settings import Settings
from storage.db import Database
from storage.outbox import OutboxItem
from storage.places import CommuneRef, PlaceError
from storage.schedules import Schedule


class App(Protocol):
    """What these commands use of bot.bootstrap's App (which this module must not import:
    the bootstrap builds the reports)."""

    settings: Settings
    db: Database
    reports: Reports

    def outbox_worker(self, channels: Mapping[str, Channel]) -> OutboxWorker: ...

    def open_senders(self) -> AbstractAsyncContextManager[dict[str, Channel]]: ...


WithApp = Callable[[Callable[[Any, argparse.Namespace], Any]], Callable[[argparse.Namespace], int]]
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _error(message: str) -> int:
    print(message, file=sys.stderr)
    return 1


async def _commune(app: App, args: argparse.Namespace) -> CommuneRef | None:
    """The commune named by --commune (and --province when the name is not unique)."""
    async with app.db.unit_of_work(app.reports.now()) as uow:
        try:
            commune, province = await uow.places.find_commune(
                args.commune, getattr(args, "province", None)
            )
        except PlaceError as err:
            _error(f"error: {err}")
            return None
    return CommuneRef(commune.id, commune.name, commune.province_id, province)


def _output(args: argparse.Namespace, default: str) -> Path:
    return Path(args.output) if args.output else Path(default)


# --- exports ----------------------------------------------------------------------------------


async def _export(app: App, args: argparse.Namespace) -> int:
    reports = app.reports
    year = args.year or reports.year()
    if args.commune is None:
        if args.province is None:
            return _error("Give --commune or --province (each as xlsx or csv).")
        async with app.db.unit_of_work(reports.now()) as uow:
            try:
                province = await uow.places.find_province(args.province)
            except PlaceError as err:
                return _error(f"error: {err}")
        if args.format == "xlsx":
            # The roll-up: one row per commune against its targets (the CSV lists assessments).
            file = await reports.province_xlsx(province[0], year, args.lang)
            path = _output(args, file.filename)
            path.write_bytes(file.data)
            print(f"{path}: communes of {province[1]}, {year}, against their targets.")
            return 0
        path = _output(args, f"danh-sach-{slug(province[1])}-{year}.csv")
        # utf-8-sig: Excel on Windows opens the file as UTF-8 only with the BOM.
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            count = await reports.province_csv(province[0], year, out, args.lang)
        print(f"{path}: {count} assessments of {province[1]}, {year}.")
        return 0
    commune = await _commune(app, args)
    if commune is None:
        return 1
    if args.format == "csv":
        path = _output(args, f"danh-sach-{slug(commune.name)}-{year}.csv")
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            count = await reports.export_csv(commune.id, year, out, args.lang)
        print(f"{path}: {count} assessments of {commune.name}, {year}.")
        return 0
    file = await reports.export_xlsx(commune.id, year, args.lang)
    path = _output(args, file.filename)
    path.write_bytes(file.data)
    print(f"{path}: assessments of {commune.name}, {year}.")
    return 0


async def _summary(app: App, args: argparse.Namespace) -> int:
    reports = app.reports
    commune = await _commune(app, args)
    if commune is None:
        return 1
    year = args.year or reports.year()
    if args.format == "csv":
        path = _output(args, f"bao-cao-nam-{slug(commune.name)}-{year}.csv")
        with path.open("w", encoding="utf-8-sig", newline="") as out:
            await reports.summary_csv(commune.id, year, out, args.lang)
    else:
        file = await reports.summary_xlsx(commune.id, year, args.lang)
        path = _output(args, file.filename)
        path.write_bytes(file.data)
    print(f"{path}: yearly summary of {commune.name}, {year} (due {reports.summary_due(year)}).")
    return 0


# --- digests ----------------------------------------------------------------------------------


async def _digest_show(app: App, args: argparse.Namespace) -> int:
    reports = app.reports
    commune = await _commune(app, args)
    if commune is None:
        return 1
    period = on_demand(args.period, reports.now(), reports.tz)
    replies = await reports.digest(
        commune.id, period, args.lang, buttons=False, chart=bool(args.chart)
    )
    print(replies[0].text)
    if args.chart and len(replies) > 1 and replies[1].photo:
        Path(args.chart).write_bytes(replies[1].photo)
        print(f"\nChart: {args.chart}")
    return 0


async def _digest_run(app: App, args: argparse.Namespace) -> int:
    """Queue the digest for the commune's chairs now (and send it, with --send)."""
    reports = app.reports
    commune = await _commune(app, args)
    if commune is None:
        return 1
    now = reports.now()
    period = on_demand(args.period, now, reports.tz)
    # One run per minute and period: running the command twice by mistake sends nothing more.
    stamp = now.astimezone(reports.tz).strftime("%Y-%m-%dT%H:%M")
    async with app.db.unit_of_work(now) as uow:
        chairs = (await uow.people.chairs_by_commune()).get(commune.id, [])
        queued = 0
        for person in chairs:
            new = await uow.outbox.enqueue(
                key=f"digest:{period.kind}:run-{stamp}:c{commune.id}:p{person}",
                kind="digest",
                person_id=person,
                commune_id=commune.id,
                payload=period.payload(),
            )
            queued += new is not None
    if not chairs:
        return _error(f"{commune.name} has no chair to send a digest to.")
    print(f"Queued {queued} digest(s) for {len(chairs)} chair(s) of {commune.name}.")
    if not args.send:
        print("The running bot sends them within seconds; follow with: hoctap outbox list")
        return 0
    async with app.open_senders() as senders:
        if not senders:
            return _error("No channel token is set (TELEGRAM_BOT_TOKEN, ZALO_BOT_TOKEN).")
        await app.outbox_worker(senders).run_until_idle()
    async with app.db.unit_of_work(reports.now()) as uow:
        items = await uow.outbox.list(commune_id=commune.id, limit=len(chairs))
    _print_items(items, reports.tz)
    return 0


def _schedule_text(times: Any, tz: ZoneInfo, now: Any) -> str:
    if times is None:
        return "off"
    daily = (
        f", daily {times.daily_from[0]:02d}/{times.daily_from[1]:02d}"
        f"–{times.daily_to[0]:02d}/{times.daily_to[1]:02d}"
        if times.daily_from and times.daily_to
        else ""
    )
    upcoming = ", ".join(
        f"{at.astimezone(tz).strftime('%d/%m/%Y %H:%M')} ({kind})"
        for at, kind in times.next_fires(now, tz, 3)
    )
    return (
        f"weekly {WEEKDAYS[times.weekday]} {times.at.strftime('%H:%M')}{daily} ({tz.key}); "
        f"next: {upcoming}"
    )


async def _digest_schedule(app: App, args: argparse.Namespace) -> int:
    reports = app.reports
    commune = await _commune(app, args)
    if commune is None:
        return 1
    async with app.db.unit_of_work(reports.now()) as uow:
        current = (await uow.schedules.digests()).get(commune.id)
    changes = (args.weekday, args.time, args.daily_from, args.daily_to, args.no_daily, args.off)
    if any(c not in (None, False) for c in changes) or args.on:
        defaults = default_times(app.settings)
        base = times_for(defaults, current) or defaults
        try:
            if args.time:
                parse_clock(args.time)
            for text in (args.daily_from, args.daily_to):
                if text:
                    parse_day_month(text)
        except ValueError:
            return _error("Times are HH:MM and days DD/MM, e.g. --time 07:00 --daily-from 10/08.")
        daily_from = None if args.no_daily else args.daily_from
        daily_to = None if args.no_daily else args.daily_to
        if not args.no_daily and daily_from is None and base.daily_from:
            daily_from = f"{base.daily_from[0]:02d}/{base.daily_from[1]:02d}"
        if not args.no_daily and daily_to is None and base.daily_to:
            daily_to = f"{base.daily_to[0]:02d}/{base.daily_to[1]:02d}"
        schedule = Schedule(
            enabled=not args.off,
            weekday=base.weekday if args.weekday is None else args.weekday,
            at_time=args.time or base.at.strftime("%H:%M"),
            daily_from=daily_from,
            daily_to=daily_to,
        )
        async with app.db.unit_of_work(reports.now()) as uow:
            await uow.schedules.set_digest(commune.id, schedule)
        current = schedule
    times = times_for(default_times(app.settings), current)
    print(f"{commune.name}: {_schedule_text(times, reports.tz, reports.now())}")
    return 0


# --- the outbox -------------------------------------------------------------------------------


def _print_items(items: list[OutboxItem], tz: ZoneInfo) -> None:
    def when(value: Any) -> str:
        return value.astimezone(tz).strftime("%d/%m/%Y %H:%M") if value else "-"

    print(f"{'id':>6}  {'status':<11} {'kind':<11} {'person':>6} {'tries':>5}  channel   sent")
    for item in items:
        print(
            f"{item.id:>6}  {item.status:<11} {item.kind:<11} {item.person_id:>6} "
            f"{item.attempts:>5}  {(item.channel or '-'):<9} {when(item.sent_at)}"
        )
        print(f"        {item.key}  (queued {when(item.created_at)})")
        if item.status == "pending" and item.attempts:
            print(f"        next try {when(item.next_attempt_at)}")
        if item.last_error and item.status != "sent":
            print(f"        {item.last_error}")


async def _outbox_list(app: App, args: argparse.Namespace) -> int:
    commune_id = None
    if args.commune:
        commune = await _commune(app, args)
        if commune is None:
            return 1
        commune_id = commune.id
    async with app.db.unit_of_work(app.reports.now()) as uow:
        items = await uow.outbox.list(status=args.status, commune_id=commune_id, limit=args.limit)
        counts = await uow.outbox.counts()
    print("Outbox: " + (", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "empty"))
    if items:
        _print_items(items, ZoneInfo(app.settings.timezone))
    return 0


async def _outbox_retry(app: App, args: argparse.Namespace) -> int:
    reports = app.reports
    async with app.db.unit_of_work(reports.now()) as uow:
        count = await uow.outbox.requeue(args.ids, reports.now())
    print(f"Requeued {count} push(es).")
    return 0 if count else 1


# --- registration -----------------------------------------------------------------------------


def _commune_args(parser: argparse.ArgumentParser, required: bool = True) -> None:
    parser.add_argument("--commune", required=required, help="commune name (accents optional)")
    parser.add_argument("--province", help="province, when several communes share the name")


def _lang(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--lang", choices=("vi", "en"), default="vi", help="language (vi)")


def register(sub: Any, with_app: WithApp) -> None:
    export = sub.add_parser(
        "export",
        help="assessments of a commune (XLSX or CSV); a province's communes against their "
        "targets (XLSX) or its assessments (CSV)",
    )
    _commune_args(export, required=False)
    export.add_argument("--year", type=int, help="assessment year (this year)")
    export.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    export.add_argument("--output", help="file to write (a name from the commune and year)")
    _lang(export)
    export.set_defaults(handler=with_app(_export))

    report = sub.add_parser("report", help="reports").add_subparsers(
        dest="report_command", required=True
    )
    summary = report.add_parser("summary", help="the yearly summary due before 15/11")
    _commune_args(summary)
    summary.add_argument("--year", type=int, help="year (this year)")
    summary.add_argument("--format", choices=("xlsx", "csv"), default="xlsx")
    summary.add_argument("--output", help="file to write")
    _lang(summary)
    summary.set_defaults(handler=with_app(_summary))

    digest = sub.add_parser("digest", help="chairs' digests").add_subparsers(
        dest="digest_command", required=True
    )
    run = digest.add_parser("run", help="queue the digest for the commune's chairs now")
    _commune_args(run)
    run.add_argument("--period", choices=PERIOD_KINDS, default="week")
    run.add_argument("--send", action="store_true", help="also send now from this command")
    run.set_defaults(handler=with_app(_digest_run))
    show = digest.add_parser("show", help="print the digest here (nothing is sent)")
    _commune_args(show)
    show.add_argument("--period", choices=PERIOD_KINDS, default="week")
    show.add_argument("--chart", help="also write the chart PNG to this file")
    _lang(show)
    show.set_defaults(handler=with_app(_digest_show))
    schedule = digest.add_parser("schedule", help="show or change when digests are sent")
    _commune_args(schedule)
    schedule.add_argument("--weekday", type=int, choices=range(7), help="0 = Monday")
    schedule.add_argument("--time", help="HH:MM, Asia/Ho_Chi_Minh")
    schedule.add_argument("--daily-from", help="DD/MM: daily digests from (10/08)")
    schedule.add_argument("--daily-to", help="DD/MM: daily digests until (10/09)")
    schedule.add_argument("--no-daily", action="store_true", help="weekly all year")
    state = schedule.add_mutually_exclusive_group()
    state.add_argument("--off", action="store_true", help="no scheduled digests")
    state.add_argument("--on", action="store_true", help="scheduled digests again")
    schedule.set_defaults(handler=with_app(_digest_schedule))

    outbox = sub.add_parser("outbox", help="pushes waiting, sent or failed").add_subparsers(
        dest="outbox_command", required=True
    )
    listing = outbox.add_parser("list", help="the latest pushes and their status")
    listing.add_argument(
        "--status",
        choices=("pending", "sending", "sent", "failed", "unreachable", "cancelled"),
    )
    _commune_args(listing, required=False)
    listing.add_argument("--limit", type=int, default=50)
    listing.set_defaults(handler=with_app(_outbox_list))
    retry = outbox.add_parser("retry", help="send failed or unreachable pushes again")
    retry.add_argument("ids", type=int, nargs="+")
    retry.set_defaults(handler=with_app(_outbox_retry))
