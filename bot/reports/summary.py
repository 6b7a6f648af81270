"""The yearly summary the commune association sends upward before 15 November, as XLSX or as
one CSV table: each title (each of its shares: Công dân học tập has two) against the targets of
the current period, then the households of each village, every share beside the total it is
taken of (the units import's numbers). The XLSX is a paper to file: the administrative heading,
whether it is overdue, and the signature blocks."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from datetime import date
from typing import Any, TextIO

from openpyxl import Workbook

from bot.papers.letterhead import Letterhead
from bot.reports import formatting as fmt
from bot.reports.exports import (
    SHARE_FORMAT,
    ExportContext,
    _counts_columns,
    _counts_values,
    _first_sheet,
    _missing_note,
    _save,
    _width,
    place_line,
)
from bot.reports.printing import PrintColumn, PrintedSheet
from storage.progress import CommuneProgress, Part


def overdue_days(today: date, due: date) -> int:
    """Days past the due date (0: not overdue; the due day itself is still in time)."""
    return max(0, (today - due).days)


def due_line(ctx: ExportContext, due: date) -> str:
    """ "Hạn gửi: trước ngày 15/11/2026." or, once past, how many days overdue."""
    today = ctx.now.astimezone(ctx.tz).date()
    days = overdue_days(today, due)
    if days:
        return ctx.say("printing-summary-overdue", days=days, due=fmt.day(due))
    return ctx.say("printing-summary-due", due=fmt.day(due))


def every_part(progress: CommuneProgress) -> Iterator[Part]:
    """Every share the commune reports, title by title in report order."""
    for title in progress.titles:
        yield from progress.parts(title)


def _part_values(ctx: ExportContext, progress: CommuneProgress, part: Part) -> list[Any]:
    return _counts_values(ctx, progress, part.key, part.counts, part.total)


def summary_workbook(
    progress: CommuneProgress, ctx: ExportContext, due: date, letterhead: Letterhead
) -> bytes:
    """Results per title against each target year, then households per village, between the
    administrative heading and the signature blocks."""
    wb = Workbook()
    ws = _first_sheet(wb)
    ws.title = ctx.say("summary-sheet")
    counts_columns = _counts_columns(ctx, progress)
    labels = [ctx.say("printing-summary-part", key=p.key) for p in every_part(progress)]
    villages = [v.name for v in progress.villages]
    total_label = ctx.say("export-total-row")
    first = [
        PrintColumn(ctx.say("export-col-no"), 5),
        PrintColumn(
            ctx.say("summary-col-title"), _width([*labels, *villages], 14, 26), align="left"
        ),
    ]
    title_columns = _counts_columns(ctx, progress, "summary-col-total", "summary-col-registered")
    lines = [place_line(ctx, progress)]
    notes: list[str] = []
    line = due_line(ctx, due)
    overdue = overdue_days(ctx.now.astimezone(ctx.tz).date(), due) > 0
    (notes if overdue else lines).append(line)
    if progress.difficult_area:
        lines.append(ctx.say("summary-difficult-area"))
    sheet = PrintedSheet(
        ws,
        letterhead,
        ctx.say,
        ctx.say("summary-heading", year=str(progress.year)),
        [*first, *title_columns],
        lines=lines,
        notes=notes,
        caption=ctx.say("summary-section-titles"),
    )
    for number, (label, part) in enumerate(zip(labels, every_part(progress), strict=True), 1):
        sheet.add([number, label, *_part_values(ctx, progress, part)])

    sheet.row += 2
    sheet.text(sheet.row, ctx.say("summary-section-villages"), bold=True)
    headers = [ctx.say("export-col-no"), ctx.say("export-col-village")]
    sheet.header([*headers, *(c.header for c in counts_columns)])
    for number, village in enumerate(progress.villages, 1):
        values = _counts_values(
            ctx, progress, "household", village.households, village.households_total
        )
        sheet.add([number, village.name, *values])
    household = _counts_values(
        ctx, progress, "household", progress.counts("household"), progress.total("household")
    )
    sheet.add(["", total_label, *household], bold=True)
    note = _missing_note(ctx, progress)
    sheet.finish(notes=[note] if note else (), autofilter=False)
    return _save(wb)


def _csv_cell(value: Any, number_format: str | None, lang: str) -> str:
    if value is None:
        return ""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if number_format == SHARE_FORMAT:
            return fmt.percent(100 * value, lang)
        return fmt.number(value, lang)
    return str(value)


def write_summary_csv(progress: CommuneProgress, out: TextIO, ctx: ExportContext) -> int:
    """The yearly summary as one CSV table: each share of each title for the whole commune,
    then the households of each village, every share beside the total it is taken of."""
    columns = _counts_columns(ctx, progress, "summary-col-total", "summary-col-registered")
    writer = csv.writer(out)
    writer.writerow(
        [
            ctx.say("export-col-no"),
            ctx.say("summary-col-title"),
            ctx.say("summary-col-village"),
            *(c.header for c in columns),
        ]
    )
    formats = [c.number_format for c in columns]
    commune = ctx.say("summary-csv-commune")
    rows: list[tuple[str, str, list[Any]]] = [
        (ctx.say("printing-summary-part", key=p.key), commune, _part_values(ctx, progress, p))
        for p in every_part(progress)
    ]
    household = ctx.say("printing-summary-part", key="household")
    rows += [
        (
            household,
            v.name,
            _counts_values(ctx, progress, "household", v.households, v.households_total),
        )
        for v in progress.villages
    ]
    for number, (title, place, values) in enumerate(rows, 1):
        cells = [_csv_cell(v, f, ctx.lang) for v, f in zip(values, formats, strict=True)]
        writer.writerow([str(number), title, place, *cells])
    return len(rows)
