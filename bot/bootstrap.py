"""The one place that knows every concrete piece and wires them together.

`build_app` builds the database, the packs, the reports and the chat service; `App` then
builds, on demand, what runs beside them: each channel whose token is set (its sender, the
bridge from its updates to the service, its runner), the report scheduler and the outbox
worker. Everything else gets what it needs through its constructor: channels get the service
behind `Answering` and their chats' records as a `ChatDirectory`, never storage itself.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from bot.answering import Answering
from bot.chats import ChatDirectory
from bot.i18n import Translator
from bot.notices import queue_pushes
from bot.outbox.delivery import Channel, ChannelRunner
from bot.outbox.scheduler import ReportScheduler
from bot.outbox.worker import OutboxWorker
from bot.packs import PackLibrary
from bot.photos import Download, PhotoFetcher
from bot.reports.chat import make_report_hook
from bot.reports.service import Reports
from bot.service import ChatService
from bot.settings import Settings
from bot.webaccess import WebAccess, make_document_link, make_web_hook
from bot.webview import WebView
from bot.zalo import ZaloBridge, ZaloChannel, ZaloRunner, make_channel, make_client, make_media
from bot.zalo.client import ZaloBotClient
from bot.zalo.media import MediaStore
from storage.db import Database
from storage.ports import UnitsOfWork

if TYPE_CHECKING:
    # Imported where they are built, for start-up time: see telegram_channel.
    from bot.telegram import TelegramChannel, TelegramRunner
    from bot.web import WebSite


def utc_now() -> datetime:
    return datetime.now(UTC)


class StoredChats:
    """The `ChatDirectory` the channels use: each call a short unit of work of its own."""

    def __init__(self, units: UnitsOfWork, clock: Callable[[], datetime] = utc_now) -> None:
        self.units = units
        self.clock = clock

    async def language(self, channel: str, chat_id: str) -> str | None:
        async with self.units(self.clock()) as uow:
            return await uow.chats.locale(channel, chat_id)

    async def mark_unreachable(self, channel: str, chat_id: str, unreachable: bool) -> None:
        async with self.units(self.clock()) as uow:
            await uow.chats.set_unreachable(channel, chat_id, unreachable)

    async def chats_with_role(self, channel: str, roles: Sequence[str]) -> list[tuple[str, str]]:
        async with self.units(self.clock()) as uow:
            return await uow.chats.chats_with_role(channel, roles)


@dataclass
class App:
    """Everything built at start-up, and the builders of what runs beside the service."""

    settings: Settings
    db: Database
    packs: PackLibrary
    translator: Translator
    reports: Reports
    service: ChatService
    chats: ChatDirectory
    # The web page (issue 16): who gets in, and what it shows.
    web: WebAccess
    view: WebView
    # How each running channel downloads a photo a person sent (filled as channels are built).
    downloads: dict[str, Download] = field(default_factory=dict)

    async def close(self) -> None:
        await self.db.dispose()

    def runners(self) -> list[ChannelRunner]:
        """A runner for each channel whose token is set (none: the terminal chat instead)."""
        runners: list[ChannelRunner] = []
        if self.settings.telegram_bot_token:
            runners.append(telegram_runner(self))
        if self.settings.zalo_bot_token:
            runners.append(zalo_runner(self))
        return runners

    def report_scheduler(self) -> ReportScheduler:
        return ReportScheduler(self.db, self.settings, self.service.clock)

    def outbox_worker(self, channels: Mapping[str, Channel]) -> OutboxWorker:
        """Delivers the outbox through `channels` (by name), which pace and retry their
        own sends."""
        settings = self.settings
        return OutboxWorker(
            self.db,
            channels,
            self.reports.render,
            clock=self.service.clock,
            lease=timedelta(seconds=settings.outbox_lease_seconds),
            max_attempts=settings.outbox_max_attempts,
            backoff=settings.outbox_backoff_seconds,
            concurrency=settings.outbox_concurrency,
        )

    def photo_fetcher(self) -> PhotoFetcher:
        """Copies evidence photos into the photo store through the channels built so far."""
        settings = self.settings
        return PhotoFetcher(
            self.db,
            self.downloads,
            self.service.clock,
            max_attempts=settings.photo_fetch_max_attempts,
            backoff=settings.photo_fetch_backoff_seconds,
        )

    def web_site(self) -> WebSite:
        """The web page's routes, to add to the web server (`hoctap run`, `hoctap web`)."""
        from bot.web import WebSite  # Jinja2 only when the page is served

        return WebSite(self.web, self.view, self.translator)

    def load_photo(self, name: str) -> bytes | None:
        """A stored evidence photo's bytes, for a channel that cannot send it by its id."""
        return self.db.photos.read(name) if self.db.photos is not None else None

    @contextlib.asynccontextmanager
    async def open_senders(self) -> AsyncIterator[dict[str, Channel]]:
        """Sending-only channels for a one-off command (`hoctap digest run --send`):
        Telegram and Zalo when their tokens are set, closed afterwards."""
        senders: dict[str, Channel] = {}
        closers: list[Callable[[], Awaitable[object]]] = []
        try:
            if self.settings.telegram_bot_token:
                telegram = telegram_channel(self)
                closers.append(telegram.bot.session.close)
                senders["telegram"] = telegram
            if self.settings.zalo_bot_token:
                client = make_client(self.settings)
                closers.append(client.close)
                senders["zalo"] = zalo_channel(self, client)
            yield senders
        finally:
            for close in closers:
                await close()


def build_app(settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now) -> App:
    settings = settings or Settings()
    db = Database(settings.database_url, photo_dir=settings.evidence_dir)
    packs = PackLibrary.from_directory(settings.packs_dir)
    translator = Translator(settings.locales_dir, settings.default_locale)
    # Notices to other people go to the outbox in the same transaction as the change they
    # announce (bot/notices.py); /baocao and the report buttons are answered by the reports.
    reports = Reports(db, packs, translator, settings, clock)
    web = WebAccess(db, settings, clock)
    service = ChatService(
        db.unit_of_work,
        packs,
        translator,
        clock=clock,
        timezone=settings.timezone,
        push_sink=queue_pushes,
        report_hook=make_report_hook(reports),
        telegram_link=f"https://t.me/{settings.telegram_bot_username}",
        web_hook=make_web_hook(web),
    )
    return App(
        settings,
        db,
        packs,
        translator,
        reports,
        service,
        StoredChats(db.unit_of_work, clock),
        web,
        WebView(reports, packs, translator),
    )


def telegram_channel(app: App) -> TelegramChannel:
    """Telegram's sending side: what the outbox needs to push digests and notices."""
    # Imported here, not at the top: aiogram's types take 1-3 s and some 140 MB to import
    # (python -X importtime), which the terminal chat and every other command would pay for
    # nothing. Not a cycle: bot.telegram never imports this module.
    from bot import telegram

    settings = app.settings
    bot = telegram.make_bot(settings)
    channel = telegram.make_channel(bot, settings, app.translator, app.chats)
    channel.load = app.load_photo
    return channel


def telegram_runner(app: App) -> TelegramRunner:
    """The Telegram channel: sender, handlers' bridge, runner; its chats' menus follow their
    role as people join."""
    from bot import telegram  # for start-up time, as in telegram_channel

    channel = telegram_channel(app)
    app.downloads[channel.name] = channel.download  # evidence photos, into the photo store
    answers = Answering(app.service, channel.chats, apology="telegram-error")
    runner = telegram.TelegramRunner(
        app.settings,
        telegram.TelegramBridge(answers, channel),
        app.translator,
        report_command=app.service.report_hook is not None,
    )
    app.service.role_listeners.append(runner.on_role_changed)
    return runner


def zalo_channel(app: App, client: ZaloBotClient, media: MediaStore | None = None) -> ZaloChannel:
    """Zalo's sending side, with the picture store and the download links of files."""
    channel = make_channel(client, app.settings, app.translator, app.chats, media)
    channel.load = app.load_photo
    channel.document_link = make_document_link(app.web, app.translator)
    return channel


def zalo_runner(app: App) -> ZaloRunner:
    """The Zalo channel: client, sender (with the picture store), bridge, runner."""
    settings = app.settings
    client = make_client(settings)
    channel = zalo_channel(app, client, make_media(settings))
    answers = Answering(app.service, channel.chats, apology="zalo-error")
    return ZaloRunner(settings, ZaloBridge(answers, channel))
