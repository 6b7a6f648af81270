"""Files for the paperwork: the assessment list (XLSX with one sheet per title, the list
proposed for recognition and a summary per village) and CSV for one commune or a whole
province (streamed); the yearly summary due before 15/11 is in summary.py, on the same columns.

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
import math
from collections.abc import AsyncIterable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TextIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.reports import formatting as fmt
from bot.reports import shares
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
HEADER_ROW = 4

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)
_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_THIN = Side(style="thin", color="999999")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP = Alignment(wrap_text=True, vertical="center", horizontal="center")


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
                "export-provisional-note",
                pack=pack.name.get(ctx.lang),
                id=pack.id,
                version=pack.version,
                what=what,
                indicators=", ".join(ids),
            )
        )
    return " ".join(notes)


def _result(ctx: ExportContext, passed: bool | None) -> str:
    if passed is None:
        return ""
    return ctx.say("report-result-passed" if passed else "report-result-failed")


# --- sheets ---------------------------------------------------------------------------------


@dataclass
class _Column:
    header: str
    width: float
    number_format: str | None = None


class _Sheet:
    """A titled table: heading rows, a frozen header, widths, formats, borders, a filter."""

    def __init__(
        self,
        ws: Worksheet,
        heading: str,
        subheading: str,
        columns: Sequence[_Column],
        *,
        freeze_columns: int = 2,
    ) -> None:
        self.ws = ws
        self.columns = columns
        self.row = HEADER_ROW
        ws["A1"] = heading
        ws["A1"].font = _TITLE
        ws["A2"] = subheading
        ws["A2"].font = Font(italic=True)
        for index, column in enumerate(columns, 1):
            cell = ws.cell(HEADER_ROW, index, column.header)
            cell.font = _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = _WRAP
            cell.border = _BORDER
            ws.column_dimensions[get_column_letter(index)].width = column.width
        ws.row_dimensions[HEADER_ROW].height = _header_height(columns)
        ws.freeze_panes = ws.cell(HEADER_ROW + 1, freeze_columns + 1).coordinate
        ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
        ws.page_setup.orientation = "landscape"
        ws.page_setup.paperSize = ws.PAPERSIZE_A4
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)

    def add(self, values: Sequence[Any], *, bold: bool = False) -> None:
        self.row += 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True), 1):
            cell = self.ws.cell(self.row, index, value)
            cell.border = _BORDER
            if column.number_format and isinstance(value, int | float | date):
                cell.number_format = column.number_format
            if bold:
                cell.font = _BOLD

    def finish(self, empty_message: str | None = None) -> None:
        if self.row == HEADER_ROW and empty_message:
            self.ws.cell(HEADER_ROW + 1, 1, empty_message)
        last = get_column_letter(len(self.columns))
        self.ws.auto_filter.ref = f"A{HEADER_ROW}:{last}{max(self.row, HEADER_ROW + 1)}"


def _header_height(columns: Sequence[_Column]) -> float:
    """Tall enough for the longest wrapped header (15 points a line)."""
    lines = max((math.ceil(len(c.header) / max(c.width - 2, 4)) for c in columns), default=1)
    return float(15 * max(lines, 2) + 4)


def _width(texts: Iterable[str], low: float = 8, high: float = 40) -> float:
    longest = max((len(t) for t in texts), default=0)
    return float(min(max(longest + 2, low), high))


def _assessment_sheet(
    wb: Workbook,
    title: str,
    rows: list[ExportRow],
    ctx: ExportContext,
    heading: str,
    subheading: str,
) -> None:
    ws = wb.create_sheet(ctx.say(f"export-sheet-{title}"))
    criteria = criteria_columns(rows, ctx)
    name_header = ctx.say("export-col-head" if title == "household" else "export-col-clan")
    names = [r.name or ctx.say("digest-unnamed") for r in rows]
    villages = [r.village or "" for r in rows]
    columns = [
        _Column(ctx.say("export-col-no"), 6),
        _Column(name_header, _width([name_header, *names], 18, 35)),
        _Column(ctx.say("export-col-village"), _width(villages, 14, 30)),
        *(_Column(_header(ctx, c), 16) for c in criteria),
        _Column(ctx.say("export-col-total"), 10),
        _Column(ctx.say("export-col-result"), 12),
        _Column(ctx.say("export-col-status"), 20),
        _Column(ctx.say("export-col-verified-by"), 20),
        _Column(ctx.say("export-col-verified-at"), 13, DATE_FORMAT),
        _Column(ctx.say("export-col-decision-number"), 16),
        _Column(ctx.say("export-col-decision-date"), 13, DATE_FORMAT),
        _Column(ctx.say("export-col-pack"), 14),
        _Column(ctx.say("export-col-pack-version"), 10),
    ]
    if title == "clan":
        columns.insert(2, _Column(ctx.say("export-col-clan-head"), 20))
    sheet = _Sheet(ws, heading, subheading, columns)
    note = provisional_note(rows, ctx)
    if note:
        ws["A3"] = note
        ws["A3"].font = Font(italic=True, color="C00000")
    for number, (row, name) in enumerate(zip(rows, names, strict=True), 1):
        values: list[Any] = [number, name, row.village or ""]
        if title == "clan":
            values.insert(2, row.head_name or "")
        values += [row.points.get(c.id) for c in criteria]
        values += [
            row.total,
            _result(ctx, row.passed),
            ctx.say(f"report-status-{row.status}"),
            row.verified_by or "",
            ctx.local_date(row.verified_at),
            row.decision_number or "",
            row.decision_date,
            row.pack_id,
            row.pack_version,
        ]
        sheet.add(values)
    sheet.finish(ctx.say("export-no-data"))


def _proposed_sheet(
    wb: Workbook,
    rows: list[ExportRow],
    ctx: ExportContext,
    village_order: dict[str, int],
    subheading: str,
) -> None:
    """The list proposed for recognition in filing order: households before clans, villages
    in the commune's order, people by Vietnamese name order."""
    ws = wb.create_sheet(ctx.say("export-sheet-proposed"))
    chosen = [r for r in rows if r.status in PROPOSED and r.title in ("household", "clan")]
    chosen.sort(
        key=lambda r: (
            0 if r.title == "household" else 1,
            village_order.get(r.village or "", len(village_order)),
            vietnamese_name_key(r.name),
        )
    )
    columns = [
        _Column(ctx.say("export-col-no"), 6),
        _Column(ctx.say("export-col-name"), _width([r.name for r in chosen], 18, 35)),
        _Column(ctx.say("export-col-title"), 14),
        _Column(ctx.say("export-col-village"), _width([r.village or "" for r in chosen], 14, 30)),
        _Column(ctx.say("export-col-total"), 10),
        _Column(ctx.say("export-col-status"), 20),
        _Column(ctx.say("export-col-decision-number"), 16),
        _Column(ctx.say("export-col-decision-date"), 13, DATE_FORMAT),
    ]
    year = rows[0].year if rows else ""
    sheet = _Sheet(ws, ctx.say("export-heading-proposed", year=str(year)), subheading, columns)
    for number, row in enumerate(chosen, 1):
        sheet.add(
            [
                number,
                row.name or ctx.say("digest-unnamed"),
                ctx.say(f"report-title-{row.title}"),
                row.village or "",
                row.total,
                ctx.say(f"report-status-{row.status}"),
                row.decision_number or "",
                row.decision_date,
            ]
        )
    sheet.finish(ctx.say("export-no-data"))


def _target_years(progress: CommuneProgress) -> list[int]:
    """The current period's targets (from 2026: 2030's and the year's own, not 2025's)."""
    return shares.column_years(progress.targets, progress.year)


def _fraction(part: int, total: int | None) -> float | None:
    share = None if total is None else fmt.share(part, total)
    return None if share is None else share / 100


def _counts_values(
    ctx: ExportContext, progress: CommuneProgress, title: str, counts: Counts, total: int | None
) -> list[Any]:
    """Total, registered in the bot and its share of the total, the stages, recognised and
    its share of the total, then each target and how many are still needed to reach it."""
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
    for year in _target_years(progress):
        target = progress.targets.get((year, title))
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
) -> list[_Column]:
    columns = [
        _Column(ctx.say(total), 12, COUNT_FORMAT),
        _Column(ctx.say(registered), 12, COUNT_FORMAT),
        _Column(ctx.say("export-col-registered-share"), 12, SHARE_FORMAT),
        _Column(ctx.say("export-col-assessed"), 12, COUNT_FORMAT),
        _Column(ctx.say("export-col-passing"), 12, COUNT_FORMAT),
        _Column(ctx.say("export-col-verified"), 12, COUNT_FORMAT),
        _Column(ctx.say("export-col-recognised"), 12, COUNT_FORMAT),
        _Column(ctx.say("export-col-share"), 12, SHARE_FORMAT),
    ]
    for year in _target_years(progress):
        columns += [
            _Column(ctx.say("export-col-target", year=str(year)), 12, SHARE_FORMAT),
            _Column(ctx.say("export-col-missing", year=str(year)), 14, COUNT_FORMAT),
        ]
    return columns


def _villages_sheet(
    wb: Workbook, progress: CommuneProgress, ctx: ExportContext, subheading: str
) -> None:
    ws = wb.create_sheet(ctx.say("export-sheet-villages"))
    names = [v.name for v in progress.villages]
    total_label = ctx.say("export-total-row")
    columns = [
        _Column(ctx.say("export-col-no"), 6),
        _Column(ctx.say("export-col-village"), _width([*names, total_label], 14, 30)),
        *_counts_columns(ctx, progress),
    ]
    sheet = _Sheet(
        ws,
        ctx.say("export-heading-villages", year=str(progress.year)),
        subheading,
        columns,
    )
    for number, village in enumerate(progress.villages, 1):
        sheet.add(
            [
                number,
                village.name,
                *_counts_values(
                    ctx, progress, "household", village.households, village.households_total
                ),
            ]
        )
    sheet.add(
        [
            "",
            total_label,
            *_counts_values(
                ctx, progress, "household", progress.households, progress.total("household")
            ),
        ],
        bold=True,
    )
    sheet.finish()
    note = _missing_note(ctx, progress)
    if note:
        ws.cell(sheet.row + 2, 1, note).font = Font(italic=True)


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


def _subheading(ctx: ExportContext, progress: CommuneProgress) -> str:
    return ctx.say(
        "export-subheading",
        commune=progress.commune,
        province=progress.province,
        date=fmt.day(ctx.now, ctx.tz),
    )


def assessments_workbook(
    rows: Sequence[ExportRow], progress: CommuneProgress, ctx: ExportContext
) -> bytes:
    """One sheet per title, the list proposed for recognition, a summary per village."""
    subheading = _subheading(ctx, progress)
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for title in ("household", "clan"):
        chosen = [r for r in rows if r.title == title]
        heading = ctx.say(f"export-heading-{title}", year=str(progress.year))
        _assessment_sheet(wb, title, chosen, ctx, heading, subheading)
    village_order = {v.name: i for i, v in enumerate(progress.villages)}
    _proposed_sheet(wb, list(rows), ctx, village_order, subheading)
    _villages_sheet(wb, progress, ctx, subheading)
    wb.properties.title = ctx.say("export-heading-household", year=str(progress.year))
    return _save(wb)


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
        _result(ctx, row.passed),
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
