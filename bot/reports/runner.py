"""Runs the report scheduler and the outbox worker beside the channels (bot.channels)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from datetime import timedelta
from typing import TYPE_CHECKING

from bot.delivery import Channel
from bot.reports.scheduler import ReportScheduler
from bot.reports.service import Reports
from bot.reports.worker import OutboxWorker

if TYPE_CHECKING:
    from bot.bootstrap import App


def make_worker(app: App, channels: Mapping[str, Channel]) -> OutboxWorker:
    settings = app.settings
    return OutboxWorker(
        app.db,
        channels,
        Reports.from_app(app).render,
        clock=app.service.clock,
        lease=timedelta(seconds=settings.outbox_lease_seconds),
        max_attempts=settings.outbox_max_attempts,
        backoff=settings.outbox_backoff_seconds,
        concurrency=settings.outbox_concurrency,
    )


async def run_reports(app: App, channels: Mapping[str, Channel], stop: asyncio.Event) -> None:
    """Queue scheduled pushes every minute and deliver the outbox until `stop` is set.
    Channels pace and retry their own sends (ChannelLimits, with_retries)."""
    scheduler = ReportScheduler(app.db, app.settings, app.service.clock)
    worker = make_worker(app, channels)
    await asyncio.gather(
        scheduler.run(stop),
        worker.run(stop, poll_seconds=app.settings.outbox_poll_seconds),
    )


@contextlib.asynccontextmanager
async def open_senders(app: App) -> AsyncIterator[dict[str, Channel]]:
    """Sending-only channels for a one-off command (`hoctap digest run --send`): Telegram and
    Zalo when their tokens are set, closed afterwards."""
    settings = app.settings
    senders: dict[str, Channel] = {}
    closers: list[Callable[[], Awaitable[object]]] = []
    try:
        if settings.telegram_bot_token:
            from bot.telegram import make_bot
            from bot.telegram import make_channel as telegram_channel

            bot = make_bot(settings)
            closers.append(bot.session.close)
            senders["telegram"] = telegram_channel(bot, settings, app.translator, app.db)
        if settings.zalo_bot_token:
            from bot.zalo import make_channel as zalo_channel
            from bot.zalo import make_client

            client = make_client(settings)
            closers.append(client.close)
            senders["zalo"] = zalo_channel(client, settings, app.translator, app.db)
        yield senders
    finally:
        for close in closers:
            await close()
