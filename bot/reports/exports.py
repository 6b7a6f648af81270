"""Files for the paperwork: the columns and helpers every workbook shares (each printed
between the administrative heading and the signature blocks of bot/reports/printing.py), and
CSV for one commune or a whole province (streamed). The yearly summary due before 15/11 is in
summary.py, the province roll-up in rollup.py and the workbook's sheets in lists.py, all on
the columns defined here.

Every share is recognised ÷ every household (clan, village) of the place, with that total in
its own column; where the total is not known yet the cell says so and no share is given.

Numbers are stored as numbers with Excel formats ("#,##0", "0.0%"), so Excel shows them the
way the reader's Windows is set up (1.234 and 72,5% on a Vietnamese one) and they can still be
added up; dates are real dates shown as dd/mm/yyyy. CSV has no formats, so it is written the
Vietnamese way as text, with a BOM so that Excel opens it as UTF-8.
"""

from __future__ import annotations

import csv
import io
from collections.abc import AsyncIterable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports import formatting as fmt
from bot.reports import shares
from bot.reports.printing import PrintColumn
from conversations.packs import CriteriaPack
from conversations.text import fold
from storage.exports import ExportRow
from storage.progress import CommuneProgress, Counts

Translate = Callable[..., str]
PackLookup = Callable[[str, str], CriteriaPack | None]

PROPOSED = ("proposed", "recognised")
DATE_FORMAT = "dd/mm/yyyy"
COUNT_FORMAT = "#,##0"
SHARE_FORMAT = "0.0%"
# The points sheet has many columns: one size up keeps it above 10 pt once fitted to A4.
POINTS_SIZE = 13


@dataclass(frozen=True)
class ExportContext:
    t: Translate
    lang: str
    tz: ZoneInfo
    now: datetime
    packs: PackLookup

    def say(self, message_id: str, **args: object) -> str:
        return self.t(self.lang, message_id, **args)

    def local_date(self, value: datetime | date | None) -> date | None:
        if value is None or not isinstance(value, datetime):
            return value
        return value.astimezone(self.tz).date()


def vietnamese_name_key(name: str) -> tuple[str, str, str]:
    """Lists of people are ordered by given name (the last word), then family and middle
    names, as Vietnamese lists are; accents only break ties."""
    words = fold(name).split()
    return (words[-1] if words else "", " ".join(words[:-1]), name)


@dataclass(frozen=True)
class CriterionColumn:
    id: str
    name: str | None
    max_points: float | None


def criteria_columns(rows: Iterable[ExportRow], ctx: ExportContext) -> list[CriterionColumn]:
    """Criteria of the packs these rows were scored with, in pack order (the first pack seen
    names them); ids found only in scores are added at the end."""
    columns: dict[str, CriterionColumn] = {}
    seen_packs: set[tuple[str, str]] = set()
    extra: list[str] = []
    for row in rows:
        key = (row.pack_id, row.pack_version)
        if key not in seen_packs:
            seen_packs.add(key)
            pack = ctx.packs(*key)
            for criterion in pack.criteria if pack else ():
                columns.setdefault(
                    criterion.id,
                    CriterionColumn(
                        criterion.id, criterion.name.get(ctx.lang), criterion.max_points
                    ),
                )
        extra += [cid for cid in row.points if cid not in columns and cid not in extra]
    for cid in extra:
        columns[cid] = CriterionColumn(cid, None, None)
    return list(columns.values())


def _header(ctx: ExportContext, column: CriterionColumn) -> str:
    if column.name is None or column.max_points is None:
        return ctx.say("export-col-criterion-short", id=column.id)
    return ctx.say(
        "export-col-criterion",
        id=column.id,
        name=column.name,
        max=fmt.number(column.max_points, ctx.lang),
    )


def _provisional(pack: CriteriaPack | None) -> str | None:
    """What of a pack is provisional: "both", "indicators", "rule" or nothing."""
    if pack is None:
        return None
    indicators, rule = pack.provisional, pack.pass_rule.provisional
    return (
        "both" if indicators and rule else "indicators" if indicators else "rule" if rule else None
    )


def provisional_note(rows: Iterable[ExportRow], ctx: ExportContext) -> str:
    """The note above a list scored with provisional packs: which pack, which indicators,
    whether the pass mark too (empty when every pack used is confirmed)."""
    notes: list[str] = []
    seen: set[tuple[str, str]] = set()
    for row in rows:
        key = (row.pack_id, row.pack_version)
        if key in seen:
            continue
        seen.add(key)
        pack = ctx.packs(*key)
        what = _provisional(pack)
        if pack is None or what is None:
            continue
        # Partly provisional ones too (a choice's points, the not-applicable rule).
        ids = [i.id for i in pack.indicators() if i.partly_provisional]
        notes.append(
            ctx.say(
                "printing-provisional-note",
                pack=pack.name.get(ctx.lang),
                version=pack.version,
                what=what,
                indicators=", ".join(ids),
            )
        )
    return " ".join(notes)


def _result(ctx: ExportContext, passed: bool | None, grade: Mapping[str, str] | None = None) -> str:
    if passed is None:
        return ""
    if passed and grade:
        # A graded pack (xếp loại): the grade reached is the result, "Khá" rather than "Đạt".
        return grade.get(ctx.lang) or grade["vi"]
    return ctx.say("report-result-passed" if passed else "report-result-failed")


# --- what the sheets share -------------------------------------------------------------------


def _width(texts: Iterable[str], low: float = 8, high: float = 40) -> float:
    """Wide enough for the longest text, within [low, high] (longer ones wrap)."""
    longest = max((len(t) for t in texts), default=0)
    return float(min(max(longest + 2, low), high))


def title_words(ctx: ExportContext, title: str) -> str:
    """ "Gia đình học tập": the title itself, not the kind of subject."""
    return ctx.say("printing-title", title=title)


def pack_words(ctx: ExportContext, pack_id: str, version: str) -> str:
    """ "“Gia đình học tập”, phiên bản 2015.1": the pack in words, never its file id."""
    pack = ctx.packs(pack_id, version)
    name = pack.name.get(ctx.lang) if pack else pack_id
    return ctx.say("printing-pack", name=name, version=version)


def _target_years(progress: CommuneProgress) -> list[int]:
    """The current period's targets (from 2026: 2030's and the year's own, not 2025's)."""
    return shares.column_years(progress.targets, progress.year)


def _fraction(part: int, total: int | None) -> float | None:
    share = None if total is None else fmt.share(part, total)
    return None if share is None else share / 100


def _counts_values(
    ctx: ExportContext,
    progress: CommuneProgress,
    key: str,
    counts: Counts,
    total: int | None,
    years: Sequence[int] | None = None,
) -> list[Any]:
    """Total, registered in the bot and its share of the total, the stages, recognised and
    its share of the total, then each target (of `key`: a title, or a part of one such as
    "citizen_staff") and how many are still needed to reach it."""
    values: list[Any] = [
        ctx.say("export-no-total") if total is None else total,
        counts.registered,
        _fraction(counts.registered, total),
        counts.assessed,
        counts.passing,
        counts.verified,
        counts.recognised,
        _fraction(counts.recognised, total),
    ]
    for year in _target_years(progress) if years is None else years:
        target = progress.targets.get((year, key))
        if target is None:
            values += [ctx.say("export-no-target"), None]
        else:
            missing = None if total is None else fmt.still_needed(target, counts.recognised, total)
            values += [target / 100, missing]
    return values


def _counts_columns(
    ctx: ExportContext,
    progress: CommuneProgress,
    total: str = "export-col-households-total",
    registered: str = "export-col-registered",
    years: Sequence[int] | None = None,
) -> list[PrintColumn]:
    columns = [
        PrintColumn(ctx.say(total), 10, COUNT_FORMAT),
        PrintColumn(ctx.say(registered), 10, COUNT_FORMAT),
        PrintColumn(ctx.say("export-col-registered-share"), 10, SHARE_FORMAT),
        PrintColumn(ctx.say("export-col-assessed"), 9, COUNT_FORMAT),
        PrintColumn(ctx.say("export-col-passing"), 9, COUNT_FORMAT),
        PrintColumn(ctx.say("export-col-verified"), 9, COUNT_FORMAT),
        PrintColumn(ctx.say("export-col-recognised"), 10, COUNT_FORMAT),
        PrintColumn(ctx.say("export-col-share"), 10, SHARE_FORMAT),
    ]
    for year in _target_years(progress) if years is None else years:
        columns += [
            PrintColumn(ctx.say("export-col-target", year=str(year)), 9, SHARE_FORMAT),
            PrintColumn(ctx.say("export-col-missing", year=str(year)), 11, COUNT_FORMAT),
        ]
    return columns


def _missing_note(ctx: ExportContext, progress: CommuneProgress) -> str | None:
    """Which villages have no number of households yet (so no share), or None."""
    missing = progress.without_total("household")
    if not missing:
        return None
    return ctx.say("export-note-no-total", villages=", ".join(v.name for v in missing))


def _save(wb: Workbook) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def place_line(ctx: ExportContext, progress: CommuneProgress) -> str:
    return ctx.say("printing-place", commune=progress.commune, province=progress.province)


# --- CSV ------------------------------------------------------------------------------------


def csv_header(ctx: ExportContext, criteria_ids: Sequence[str]) -> list[str]:
    return [
        ctx.say("export-col-no"),
        ctx.say("export-col-commune"),
        ctx.say("export-col-village"),
        ctx.say("export-col-title"),
        ctx.say("export-col-name"),
        *(ctx.say("export-col-criterion-short", id=cid) for cid in criteria_ids),
        ctx.say("export-col-total"),
        ctx.say("export-col-result"),
        ctx.say("export-col-status"),
        ctx.say("export-col-verified-by"),
        ctx.say("export-col-verified-at"),
        ctx.say("export-col-decision-number"),
        ctx.say("export-col-decision-date"),
        ctx.say("export-col-pack"),
        ctx.say("export-col-pack-version"),
        ctx.say("export-col-note"),
    ]


def _csv_number(value: float | None, lang: str) -> str:
    if value is None:
        return ""
    return fmt.points(value, lang)


def _csv_date(value: date | None) -> str:
    return fmt.day(value) if value is not None else ""


def csv_row(
    number: int, row: ExportRow, ctx: ExportContext, criteria_ids: Sequence[str]
) -> list[str]:
    return [
        str(number),
        row.commune,
        row.village or "",
        ctx.say(f"report-title-{row.title}"),
        row.name,
        *(_csv_number(row.points.get(cid), ctx.lang) for cid in criteria_ids),
        _csv_number(row.total, ctx.lang),
        _result(ctx, row.passed, row.grade),
        ctx.say(f"report-status-{row.status}"),
        row.verified_by or "",
        _csv_date(ctx.local_date(row.verified_at)),
        row.decision_number or "",
        _csv_date(row.decision_date),
        row.pack_id,
        row.pack_version,
        _csv_provisional(row, ctx),
    ]


def _csv_provisional(row: ExportRow, ctx: ExportContext) -> str:
    what = _provisional(ctx.packs(row.pack_id, row.pack_version))
    return ctx.say("export-row-provisional", what=what) if what else ""


def criteria_ids(packs: Iterable[CriteriaPack]) -> list[str]:
    """Every criterion id of every known pack, in natural order ("2" before "10")."""
    ids = {c.id for pack in packs for c in pack.criteria}

    def natural(cid: str) -> tuple[Any, ...]:
        return tuple(int(p) if p.isdigit() else p for p in cid.replace(".", " ").split())

    return sorted(ids, key=natural)


def write_csv(
    rows: Iterable[ExportRow], out: TextIO, ctx: ExportContext, ids: Sequence[str]
) -> int:
    writer = csv.writer(out)
    writer.writerow(csv_header(ctx, ids))
    count = 0
    for count, row in enumerate(rows, 1):
        writer.writerow(csv_row(count, row, ctx, ids))
    return count


async def write_csv_stream(
    rows: AsyncIterable[ExportRow], out: TextIO, ctx: ExportContext, ids: Sequence[str]
) -> int:
    """The same CSV from rows streamed out of the database: memory stays flat however many."""
    writer = csv.writer(out)
    writer.writerow(csv_header(ctx, ids))
    count = 0
    async for row in rows:
        count += 1
        writer.writerow(csv_row(count, row, ctx, ids))
    return count


def _first_sheet(wb: Workbook) -> Worksheet:
    """The sheet a new workbook starts with."""
    sheet = wb.worksheets[0]
    assert isinstance(sheet, Worksheet)
    return sheet
