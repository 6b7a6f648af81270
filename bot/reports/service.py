"""Reports for commune chairs: digests (text and chart), reminders, and the export files.

Loads through a unit of work (storage/uow.py), writes with the pure modules beside this one, and renders the
outbox's pushes at send time (so a retried digest is written in the recipient's language
with the figures as they are when it goes out; its period stays the one it was queued for).
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TextIO
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.notices import reply_from_payload
from bot.outbox.delivery import Channel
from bot.packs import PackLibrary
from bot.papers.settings import commune_letterhead
from bot.rendering import Button, Reply
from bot.reports import formatting as fmt
from bot.reports.digest import DigestLimits, DigestWriter, inactive_since
from bot.reports.exports import (
    ExportContext,
    criteria_ids,
    write_csv,
    write_csv_stream,
)
from bot.reports.lists import assessments_workbook
from bot.reports.periods import Period, PeriodKind, on_demand, parse_day_month
from bot.reports.rollup import province_letterhead, rollup_workbook
from bot.reports.summary import overdue_days, summary_workbook, write_summary_csv
from bot.settings import Settings
from conversations.domain import Person
from conversations.packs import CriteriaPack
from conversations.text import fold
from storage.db import Database
from storage.outbox import OutboxItem
from storage.progress import CommuneProgress
from storage.uow import UnitOfWork

Clock = Callable[[], datetime]
# Callback data of report buttons: "x:<what>:<commune id>:<argument>" (Telegram allows 64 bytes).
CALLBACK_PREFIX = "x:"


def slug(text: str) -> str:
    """ASCII file-name part: "Kim Liên" -> "kim-lien" (old phones garble other names)."""
    return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split()) or "xa"


def may_see(person: Person, commune_id: int) -> bool:
    """Chairs see their own commune; administrators theirs, or every one when not tied to one."""
    if person.disabled or person.role not in ("chair", "admin"):
        return False
    return person.commune_id == commune_id or (person.role == "admin" and person.commune_id is None)


@dataclass(frozen=True)
class ReportFile:
    filename: str
    data: bytes


class Reports:
    def __init__(
        self,
        db: Database,
        packs: PackLibrary,
        translator: Translator,
        settings: Settings,
        clock: Clock,
        limits: DigestLimits | None = None,
    ) -> None:
        self.db = db
        self.packs = packs
        self.t = translator
        self.settings = settings
        self.clock = clock
        self.tz = ZoneInfo(settings.timezone)
        self.limits = limits or DigestLimits()

    def now(self) -> datetime:
        return self.clock().astimezone(UTC)

    def year(self) -> int:
        return self.now().astimezone(self.tz).year

    def year_period(self, year: int) -> Period:
        """The whole of `year` (up to now, if it is not over)."""
        start = datetime(year, 1, 1, tzinfo=self.tz).astimezone(UTC)
        end = min(self.now(), datetime(year + 1, 1, 1, tzinfo=self.tz).astimezone(UTC))
        return Period("year", start, max(start, end), year)

    def summary_due(self, year: int) -> date:
        day, month = parse_day_month(self.settings.summary_due)
        return date(year, month, day)

    def today(self) -> date:
        return self.now().astimezone(self.tz).date()

    def summary_overdue(self, year: int) -> int:
        """Days the yearly summary of `year` is past its due date (0: still in time)."""
        return overdue_days(self.today(), self.summary_due(year))

    def summary_button(self, lang: str, year: int) -> str:
        overdue = self.summary_overdue(year)
        return self.t(
            lang, "printing-button-summary-overdue" if overdue else "report-button-summary"
        )

    def _pack(self, pack_id: str, version: str) -> CriteriaPack | None:
        try:
            return self.packs.get(pack_id, version)
        except KeyError:
            return None

    def _export_context(self, lang: str) -> ExportContext:
        return ExportContext(self.t, lang, self.tz, self.now(), self._pack)

    @contextlib.asynccontextmanager
    async def _unit_of_work(self, uow: UnitOfWork | None) -> AsyncIterator[UnitOfWork]:
        """The caller's unit of work when it has one (the chat service answering /baocao
        holds SQLite's write lock: opening a second transaction would wait for itself), else
        a short one of our own."""
        if uow is not None:
            yield uow
        else:
            async with self.db.unit_of_work(self.now()) as own:
                yield own

    # --- figures ----------------------------------------------------------------------------

    async def progress(
        self, commune_id: int, period: Period, uow: UnitOfWork | None = None
    ) -> CommuneProgress:
        async with self._unit_of_work(uow) as work:
            return await work.progress.commune(
                commune_id,
                period.year,
                period.start,
                period.end,
                now=self.now(),
                waiting_days=self.limits.waiting_days,
                waiting_limit=self.limits.waiting,
                inactive_since=inactive_since(period, self.limits),
            )

    # --- the digest -------------------------------------------------------------------------

    def buttons(self, commune_id: int, year: int, lang: str) -> tuple[tuple[Button, ...], ...]:
        def period(kind: PeriodKind) -> Button:
            return Button(
                self.t(lang, f"report-button-{kind}"), f"{CALLBACK_PREFIX}d:{commune_id}:{kind}"
            )

        return (
            (period("day"), period("week")),
            (period("month"), period("year")),
            (
                Button(
                    self.t(lang, "report-button-export"),
                    f"{CALLBACK_PREFIX}e:{commune_id}:{year}",
                ),
            ),
            (
                Button(
                    self.summary_button(lang, year),
                    f"{CALLBACK_PREFIX}s:{commune_id}:{year}",
                ),
            ),
            # The recognition dossier as Word and PDF (bot/papers/chat.py answers it).
            (
                Button(
                    self.t(lang, "report-button-dossier"),
                    f"{CALLBACK_PREFIX}h:{commune_id}:{year}",
                ),
            ),
        )

    async def digest(
        self,
        commune_id: int,
        period: Period,
        lang: str,
        *,
        buttons: bool = True,
        chart: bool = True,
        uow: UnitOfWork | None = None,
    ) -> list[Reply]:
        """The digest text (with report buttons where the channel has them), then the chart."""
        progress = await self.progress(commune_id, period, uow)
        writer = DigestWriter(self.t, lang, self.tz)
        text = writer.text(progress, period, self.now(), self.limits, hint=not buttons)
        keyboard = self.buttons(commune_id, period.year, lang) if buttons else ()
        replies = [Reply(text, keyboard)]
        if chart:
            png = await self.chart(progress, lang)
            caption = self.t(lang, "digest-chart-caption", year=str(progress.year))
            replies.append(Reply(caption, photo=png))
        return replies

    async def chart(self, progress: CommuneProgress, lang: str) -> bytes:
        from bot.reports.chart import progress_chart

        # matplotlib takes a few hundred milliseconds: keep the event loop free meanwhile.
        return await asyncio.to_thread(progress_chart, progress, self.t, lang)

    async def on_demand(
        self,
        commune_id: int,
        kind: PeriodKind,
        lang: str,
        *,
        buttons: bool,
        chart: bool,
        uow: UnitOfWork | None = None,
    ) -> list[Reply]:
        period = on_demand(kind, self.now(), self.tz)
        return await self.digest(commune_id, period, lang, buttons=buttons, chart=chart, uow=uow)

    # --- files ------------------------------------------------------------------------------

    async def export_xlsx(
        self, commune_id: int, year: int, lang: str = "vi", uow: UnitOfWork | None = None
    ) -> ReportFile:
        async with self._unit_of_work(uow) as work:
            progress = await self.progress(commune_id, self.year_period(year), work)
            rows = await work.exports.commune_rows(commune_id, year)
            head = await commune_letterhead(work, commune_id, self.today(), "list", lang=lang)
        ctx = self._export_context(lang)
        data = await asyncio.to_thread(assessments_workbook, rows, progress, ctx, head)
        return ReportFile(f"danh-sach-{slug(progress.commune)}-{year}.xlsx", data)

    async def summary_xlsx(
        self, commune_id: int, year: int, lang: str = "vi", uow: UnitOfWork | None = None
    ) -> ReportFile:
        async with self._unit_of_work(uow) as work:
            progress = await self.progress(commune_id, self.year_period(year), work)
            head = await commune_letterhead(work, commune_id, self.today(), "report", lang=lang)
        # A báo cáo, not the tờ trình the "report" papers are numbered as.
        head = replace(head, number=self.t(lang, "printing-number-summary"))
        ctx = self._export_context(lang)
        due = self.summary_due(year)
        data = await asyncio.to_thread(summary_workbook, progress, ctx, due, head)
        return ReportFile(f"bao-cao-nam-{slug(progress.commune)}-{year}.xlsx", data)

    async def summary_csv(self, commune_id: int, year: int, out: TextIO, lang: str = "vi") -> int:
        """The yearly summary as one CSV table (rows written)."""
        progress = await self.progress(commune_id, self.year_period(year))
        return write_summary_csv(progress, out, self._export_context(lang))

    async def export_csv(self, commune_id: int, year: int, out: TextIO, lang: str = "vi") -> int:
        async with self.db.unit_of_work(self.now()) as uow:
            rows = await uow.exports.commune_rows(commune_id, year)
        return write_csv(rows, out, self._export_context(lang), criteria_ids(self.packs))

    async def province_xlsx(self, province_id: int, year: int, lang: str = "vi") -> ReportFile:
        """The province roll-up: one row per commune, against each commune's targets."""
        async with self.db.unit_of_work(self.now()) as work:
            province = next(
                p.name for p in await work.places.units("province") if p.id == province_id
            )
            communes = [
                await self.progress(c.id, self.year_period(year), work)
                for c in await work.places.units("commune", province_id)
            ]
        ctx = self._export_context(lang)
        head = province_letterhead(ctx, province, self.today())
        data = await asyncio.to_thread(rollup_workbook, province, year, communes, ctx, head)
        return ReportFile(f"tong-hop-{slug(province)}-{year}.xlsx", data)

    async def province_csv(self, province_id: int, year: int, out: TextIO, lang: str = "vi") -> int:
        """Every assessed subject of a province's year, streamed row by row."""
        rows = self.db.export_province(province_id, year, self.now())
        return await write_csv_stream(
            rows, out, self._export_context(lang), criteria_ids(self.packs)
        )

    async def export_reply(
        self,
        what: str,
        commune_id: int,
        year: int,
        lang: str,
        uow: UnitOfWork | None = None,
    ) -> list[Reply]:
        """The XLSX as a document message ("e": assessment list, "s": yearly summary)."""
        async with self._unit_of_work(uow) as work:
            commune = await work.places.commune_name(commune_id)
            if what == "s":
                file = await self.summary_xlsx(commune_id, year, lang, work)
                overdue = self.summary_overdue(year)
                caption = self.t(
                    lang,
                    "printing-summary-ready-overdue" if overdue else "report-summary-ready",
                    year=str(year),
                    commune=commune,
                    due=fmt.day(self.summary_due(year)),
                    days=overdue,
                )
            else:
                file = await self.export_xlsx(commune_id, year, lang, work)
                caption = self.t(lang, "report-export-ready", year=str(year), commune=commune)
        return [Reply(caption, document=(file.filename, file.data))]

    # --- pushes from the outbox -------------------------------------------------------------

    async def render(self, item: OutboxItem, lang: str, channel: Channel) -> list[Reply]:
        """What an outbox row says, written now for this recipient and channel."""
        if item.kind == "digest":
            assert item.commune_id is not None
            period = Period.from_payload(dict(item.payload))
            chart = channel.name in self.settings.report_chart_channels
            return await self.digest(
                item.commune_id, period, lang, buttons=channel.has_buttons, chart=chart
            )
        if item.kind == "summary_due":
            assert item.commune_id is not None
            return await self._summary_reminder(item, lang, channel)
        if item.kind == "draft_idle":
            return await self._draft_reminder(item, lang)
        if item.kind == "household_idle":
            return await self._household_reminder(item, lang)
        if item.kind == "study_month":
            assert item.commune_id is not None
            year = str(item.payload["year"])
            commune = await self._name(item.commune_id)
            return [Reply(self.t(lang, "study-month-announcement", year=year, commune=commune))]
        if item.kind == "notice":
            # Written by the chat service in the reader's language when it was queued.
            reply = reply_from_payload(dict(item.payload))
            return [reply if channel.has_buttons else Reply(reply.text)]
        raise ValueError(f"unknown outbox kind {item.kind!r}")

    async def _name(self, commune_id: int) -> str:
        async with self.db.unit_of_work(self.now()) as uow:
            return await uow.places.commune_name(commune_id)

    async def _summary_reminder(self, item: OutboxItem, lang: str, channel: Channel) -> list[Reply]:
        assert item.commune_id is not None
        year = int(item.payload["year"])
        due = date.fromisoformat(str(item.payload["due"]))
        lines = [
            self.t(
                lang,
                "reminder-summary-due",
                year=str(year),
                commune=await self._name(item.commune_id),
                due=fmt.day(due),
                days=int(item.payload["days"]),
            )
        ]
        keyboard: tuple[tuple[Button, ...], ...] = ()
        if channel.has_buttons:
            lines.append(self.t(lang, "reminder-summary-button"))
            data = f"{CALLBACK_PREFIX}s:{item.commune_id}:{year}"
            keyboard = ((Button(self.summary_button(lang, year), data),),)
        else:
            lines.append(self.t(lang, "reminder-summary-text"))
        return [Reply("\n".join(lines), keyboard)]

    async def _household_reminder(self, item: OutboxItem, lang: str) -> list[Reply]:
        ids = [int(i) for i in item.payload.get("assessments", [])]
        async with self.db.unit_of_work(self.now()) as uow:
            if not await uow.schedules.drafts_info(ids):
                return []  # finished (or forgotten) meanwhile: nothing to remind
        days = int(item.payload.get("idle_days", self.settings.draft_idle_days))
        return [Reply(self.t(lang, "reminder-household-draft", days=days))]

    async def _draft_reminder(self, item: OutboxItem, lang: str, shown: int = 5) -> list[Reply]:
        ids = [int(i) for i in item.payload.get("assessments", [])]
        async with self.db.unit_of_work(self.now()) as uow:
            drafts = await uow.schedules.drafts_info(ids)
        if not drafts:
            return []  # finished meanwhile: nothing to remind
        days = int(item.payload.get("idle_days", self.settings.draft_idle_days))
        lines = [self.t(lang, "reminder-draft-title", count=len(drafts), days=days)]
        for draft in drafts[:shown]:
            lines.append(
                self.t(
                    lang,
                    "reminder-draft-item",
                    title=self.t(lang, f"report-title-{draft.title}"),
                    name=draft.name or self.t(lang, "digest-unnamed"),
                    village=draft.village or self.t(lang, "digest-no-village"),
                    date=fmt.day(draft.updated_at, self.tz),
                )
            )
        if len(drafts) > shown:
            lines.append(self.t(lang, "reminder-draft-more", count=len(drafts) - shown))
        lines.append(self.t(lang, "reminder-draft-action"))
        return [Reply("\n".join(lines))]
