"""The one place that knows every concrete piece and wires them together."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.i18n import Translator
from bot.service import ChatService, PackLibrary
from bot.settings import Settings
from storage.db import Database


def utc_now() -> datetime:
    return datetime.now(UTC)


@dataclass
class App:
    settings: Settings
    db: Database
    packs: PackLibrary
    translator: Translator
    service: ChatService

    async def close(self) -> None:
        await self.db.dispose()


def build_app(settings: Settings | None = None, *, clock: Callable[[], datetime] = utc_now) -> App:
    settings = settings or Settings()
    db = Database(settings.database_url)
    packs = PackLibrary.from_directory(settings.packs_dir)
    translator = Translator(settings.locales_dir, settings.default_locale)
    from bot.reports import make_report_hook
    from bot.reports.notices import queue_pushes
    from bot.reports.service import Reports

    # Notices to other people go through the reports' outbox, in the same transaction as the
    # change they announce; /baocao and the report buttons are answered by the reports.
    reports = Reports(db, packs, translator, settings, clock)
    service = ChatService(
        db,
        packs,
        translator,
        clock=clock,
        timezone=settings.timezone,
        push_sink=queue_pushes,
        report_hook=make_report_hook(reports),
    )
    return App(settings, db, packs, translator, service)
