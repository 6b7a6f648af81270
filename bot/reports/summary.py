"""The yearly summary the commune association sends upward before 15 November, as XLSX or as
one CSV table: each title against the targets of the current period, then the households of
each village, every share beside the total it is taken of (the units import's numbers)."""

from __future__ import annotations

import csv
from collections.abc import Sequence
from datetime import date
from typing import Any, TextIO

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from bot.reports import formatting as fmt
from bot.reports.exports import (
    _BOLD,
    _BORDER,
    _HEADER_FILL,
    _TITLE,
    _WRAP,
    SHARE_FORMAT,
    ExportContext,
    _Column,
    _counts_columns,
    _counts_values,
    _first_sheet,
    _header_height,
    _missing_note,
    _save,
    _width,
)
from storage.progress import CommuneProgress


def summary_workbook(progress: CommuneProgress, ctx: ExportContext, due: date) -> bytes:
    """The yearly summary the commune association sends upward before 15 November: results
    per title against each target year, then households per village, then signatures."""
    wb = Workbook()
    ws = _first_sheet(wb)
    ws.title = ctx.say("summary-sheet")
    title_columns = _counts_columns(ctx, progress, "summary-col-total", "summary-col-registered")
    counts_columns = _counts_columns(ctx, progress)
    width = 2 + len(counts_columns)
    last = get_column_letter(width)

    ws["A1"] = ctx.say("summary-unit", commune=progress.commune, province=progress.province)
    ws["A1"].font = _BOLD
    ws["A2"] = ctx.say("summary-heading", year=str(progress.year))
    ws["A2"].font = _TITLE
    ws["A2"].alignment = Alignment(horizontal="center")
    ws.merge_cells(f"A2:{last}2")
    ws["A3"] = ctx.say("summary-date", date=fmt.day(ctx.now, ctx.tz), due=fmt.day(due))
    ws["A3"].font = Font(italic=True)
    if progress.difficult_area:
        ws["A4"] = ctx.say("summary-difficult-area")

    def header(row: int, first: Sequence[str], columns: Sequence[_Column]) -> None:
        for index, text in enumerate([*first, *(c.header for c in columns)], 1):
            cell = ws.cell(row, index, text)
            cell.font = _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = _WRAP
            cell.border = _BORDER
        ws.row_dimensions[row].height = _header_height(columns)

    def line(row: int, values: Sequence[Any], *, bold: bool = False) -> None:
        formats = [None, None, *(c.number_format for c in counts_columns)]
        for index, (value, number_format) in enumerate(zip(values, formats, strict=True), 1):
            cell = ws.cell(row, index, value)
            cell.border = _BORDER
            if number_format and isinstance(value, int | float):
                cell.number_format = number_format
            if bold:
                cell.font = _BOLD

    row = 6
    ws.cell(row, 1, ctx.say("summary-section-titles")).font = _BOLD
    row += 1
    header(row, [ctx.say("export-col-no"), ctx.say("summary-col-title")], title_columns)
    for number, title in enumerate(("household", "clan", "village"), 1):
        row += 1
        counts = progress.counts(title)
        line(
            row,
            [
                number,
                ctx.say(f"summary-title-{title}"),
                *_counts_values(ctx, progress, title, counts, progress.total(title)),
            ],
        )

    row += 2
    ws.cell(row, 1, ctx.say("summary-section-villages")).font = _BOLD
    row += 1
    header(row, [ctx.say("export-col-no"), ctx.say("export-col-village")], counts_columns)
    for number, village in enumerate(progress.villages, 1):
        row += 1
        line(
            row,
            [
                number,
                village.name,
                *_counts_values(
                    ctx, progress, "household", village.households, village.households_total
                ),
            ],
        )
    row += 1
    line(
        row,
        [
            "",
            ctx.say("export-total-row"),
            *_counts_values(
                ctx, progress, "household", progress.households, progress.total("household")
            ),
        ],
        bold=True,
    )
    note = _missing_note(ctx, progress)
    if note:
        row += 1
        ws.cell(row, 1, note).font = Font(italic=True)

    row += 3
    ws.cell(row, 2, ctx.say("summary-signature-maker")).font = _BOLD
    ws.cell(row, max(width - 2, 3), ctx.say("summary-signature-chair")).font = _BOLD

    ws.column_dimensions["A"].width = 6
    names = [ctx.say(f"summary-title-{t}") for t in ("household", "clan", "village")]
    ws.column_dimensions["B"].width = _width(names + [v.name for v in progress.villages], 14, 34)
    for index, column in enumerate(counts_columns, 3):
        ws.column_dimensions[get_column_letter(index)].width = column.width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
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
    """The yearly summary as one CSV table: each title for the whole commune, then the
    households of each village, every share beside the total it is taken of."""
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
    rows: list[tuple[str, str, list[Any]]] = [
        (
            ctx.say(f"summary-title-{title}"),
            ctx.say("summary-csv-commune"),
            _counts_values(ctx, progress, title, progress.counts(title), progress.total(title)),
        )
        for title in ("household", "clan", "village")
    ]
    rows += [
        (
            ctx.say("summary-title-household"),
            v.name,
            _counts_values(ctx, progress, "household", v.households, v.households_total),
        )
        for v in progress.villages
    ]
    for number, (title, place, values) in enumerate(rows, 1):
        cells = [_csv_cell(v, f, ctx.lang) for v, f in zip(values, formats, strict=True)]
        writer.writerow([str(number), title, place, *cells])
    return len(rows)
