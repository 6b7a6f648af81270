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
    service = ChatService(db, packs, translator, clock=clock, timezone=settings.timezone)
    return App(settings, db, packs, translator, service)
