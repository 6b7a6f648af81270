"""The assessment workbook: for each title a list a person prints (few columns, full size on
A4 landscape) and its points for the record, the list proposed for recognition and a summary
per village; each sheet between the administrative heading and the signature blocks
(printing.py). The shared columns and helpers are in exports.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from openpyxl import Workbook

from bot.papers.letterhead import Letterhead
from bot.reports import formatting as fmt
from bot.reports.exports import (
    DATE_FORMAT,
    POINTS_SIZE,
    PROPOSED,
    ExportContext,
    _counts_columns,
    _counts_values,
    _header,
    _missing_note,
    _provisional,
    _result,
    _save,
    _width,
    criteria_columns,
    pack_words,
    place_line,
    provisional_note,
    title_words,
    vietnamese_name_key,
)
from bot.reports.printing import PrintColumn, PrintedSheet
from storage.exports import ExportRow
from storage.progress import CommuneProgress


def _packs_line(ctx: ExportContext, rows: Sequence[ExportRow]) -> list[str]:
    used = list(dict.fromkeys((r.pack_id, r.pack_version) for r in rows))
    if not used:
        return []
    return [ctx.say("printing-packs", packs="; ".join(pack_words(ctx, *k) for k in used))]


def _note(ctx: ExportContext, row: ExportRow) -> str:
    """What a printed row adds: its stage, its decision, points resting on provisional parts."""
    parts = [ctx.say(f"report-status-{row.status}")]
    if row.decision_number:
        parts.append(
            ctx.say(
                "printing-note-decision",
                number=row.decision_number,
                date=fmt.day(row.decision_date) if row.decision_date else "",
            ).strip()
        )
    if _provisional(ctx.packs(row.pack_id, row.pack_version)):
        parts.append(ctx.say("printing-note-provisional"))
    return "; ".join(parts)


def _name(ctx: ExportContext, row: ExportRow) -> str:
    return row.name or row.village or ctx.say("digest-unnamed")


def _list_sheet(
    wb: Workbook,
    title: str,
    rows: list[ExportRow],
    ctx: ExportContext,
    letterhead: Letterhead,
    place: str,
    year: int,
) -> None:
    """The list to print: STT, name, (clan head; a person's year of birth), village, total,
    result, notes."""
    words = title_words(ctx, title)
    ws = wb.create_sheet(words[:31])
    names = [_name(ctx, r) for r in rows]
    subject = ctx.say("printing-col-subject", title=title)
    columns = [
        PrintColumn(ctx.say("export-col-no"), 5),
        PrintColumn(subject, _width([subject, *names], 18, 28), align="left"),
        PrintColumn(ctx.say("export-col-village"), _width([r.village or "" for r in rows], 12, 18)),
        PrintColumn(ctx.say("export-col-total"), 9),
        PrintColumn(ctx.say("printing-col-result"), 10),
        PrintColumn(ctx.say("printing-col-note"), 32, align="left"),
    ]
    if title == "clan":
        columns.insert(2, PrintColumn(ctx.say("export-col-clan-head"), 22, align="left"))
    if title == "citizen":
        # The year as given, never grouped ("1975", not "1.975").
        columns.insert(2, PrintColumn(ctx.say("export-col-birth-year"), 9, "0"))
    sheet = PrintedSheet(
        ws,
        letterhead,
        ctx.say,
        ctx.say("printing-heading-list", title=words, year=str(year)),
        columns,
        lines=[place, *_packs_line(ctx, rows)],
        notes=[n for n in [provisional_note(rows, ctx)] if n],
    )
    for number, (row, name) in enumerate(zip(rows, names, strict=True), 1):
        values: list[Any] = [number, name, row.village or ""]
        if title == "clan":
            values.insert(2, row.head_name or "")
        if title == "citizen":
            values.insert(2, row.birth_year)
        values += [row.total, _result(ctx, row.passed, row.grade), _note(ctx, row)]
        sheet.add(values)
    sheet.finish(ctx.say("export-no-data"))


def _points_sheet(
    wb: Workbook,
    title: str,
    rows: list[ExportRow],
    ctx: ExportContext,
    letterhead: Letterhead,
    place: str,
    year: int,
) -> None:
    """The points of every criterion, who verified and when, the decision, the pack."""
    words = title_words(ctx, title)
    ws = wb.create_sheet(ctx.say("printing-sheet-points", title=words)[:31])
    criteria = criteria_columns(rows, ctx)
    names = [_name(ctx, r) for r in rows]
    subject = ctx.say("printing-col-subject", title=title)
    columns = [
        PrintColumn(ctx.say("export-col-no"), 5),
        PrintColumn(subject, _width([subject, *names], 16, 24), align="left"),
        PrintColumn(ctx.say("export-col-village"), _width([r.village or "" for r in rows], 10, 14)),
        *(PrintColumn(_header(ctx, c), 9) for c in criteria),
        PrintColumn(ctx.say("export-col-total"), 8),
        PrintColumn(ctx.say("export-col-verified-by"), 16, align="left"),
        PrintColumn(ctx.say("export-col-verified-at"), 11, DATE_FORMAT),
        PrintColumn(ctx.say("export-col-decision-number"), 12),
        PrintColumn(ctx.say("export-col-decision-date"), 11, DATE_FORMAT),
        PrintColumn(ctx.say("printing-col-pack"), 16, align="left"),
        PrintColumn(ctx.say("export-col-pack-version"), 9),
    ]
    sheet = PrintedSheet(
        ws,
        letterhead,
        ctx.say,
        ctx.say("printing-heading-points", title=words, year=str(year)),
        columns,
        lines=[place],
        notes=[n for n in [provisional_note(rows, ctx)] if n],
        size=POINTS_SIZE,
    )
    for number, (row, name) in enumerate(zip(rows, names, strict=True), 1):
        pack = ctx.packs(row.pack_id, row.pack_version)
        sheet.add(
            [
                number,
                name,
                row.village or "",
                *(row.points.get(c.id) for c in criteria),
                row.total,
                row.verified_by or "",
                ctx.local_date(row.verified_at),
                row.decision_number or "",
                row.decision_date,
                pack.name.get(ctx.lang) if pack else row.pack_id,
                row.pack_version,
            ]
        )
    sheet.finish(ctx.say("export-no-data"))


def _proposed_sheet(
    wb: Workbook,
    rows: list[ExportRow],
    ctx: ExportContext,
    letterhead: Letterhead,
    titles: Sequence[str],
    village_order: dict[str, int],
    place: str,
    year: int,
) -> None:
    """The list proposed for recognition in filing order: titles in report order, villages
    in the commune's order, people by Vietnamese name order."""
    ws = wb.create_sheet(ctx.say("export-sheet-proposed"))
    order = {title: i for i, title in enumerate(titles)}
    chosen = [r for r in rows if r.status in PROPOSED]
    chosen.sort(
        key=lambda r: (
            order.get(r.title, len(order)),
            village_order.get(r.village or "", len(village_order)),
            vietnamese_name_key(r.name),
        )
    )
    names = [_name(ctx, r) for r in chosen]
    subject = ctx.say("printing-col-subject-any")
    words = [title_words(ctx, r.title) for r in chosen]
    columns = [
        PrintColumn(ctx.say("export-col-no"), 5),
        PrintColumn(subject, _width(names, 18, 28), align="left"),
        PrintColumn(ctx.say("export-col-title"), _width(words, 14, 20)),
        PrintColumn(
            ctx.say("export-col-village"), _width([r.village or "" for r in chosen], 12, 18)
        ),
        PrintColumn(ctx.say("export-col-total"), 9),
        PrintColumn(ctx.say("printing-col-result"), 10),
        PrintColumn(ctx.say("printing-col-note"), 30, align="left"),
    ]
    sheet = PrintedSheet(
        ws,
        letterhead,
        ctx.say,
        ctx.say("export-heading-proposed", year=str(year)),
        columns,
        lines=[place, *_packs_line(ctx, chosen)],
    )
    for number, (row, name, word) in enumerate(zip(chosen, names, words, strict=True), 1):
        sheet.add(
            [
                number,
                name,
                word,
                row.village or "",
                row.total,
                _result(ctx, row.passed, row.grade),
                _note(ctx, row),
            ]
        )
    sheet.finish(ctx.say("export-no-data"))


def _villages_sheet(
    wb: Workbook,
    progress: CommuneProgress,
    ctx: ExportContext,
    letterhead: Letterhead,
    place: str,
) -> None:
    ws = wb.create_sheet(ctx.say("export-sheet-villages"))
    names = [v.name for v in progress.villages]
    total_label = ctx.say("export-total-row")
    columns = [
        PrintColumn(ctx.say("export-col-no"), 5),
        PrintColumn(
            ctx.say("export-col-village"), _width([*names, total_label], 12, 20), align="left"
        ),
        *_counts_columns(ctx, progress),
    ]
    sheet = PrintedSheet(
        ws,
        letterhead,
        ctx.say,
        ctx.say("export-heading-villages", year=str(progress.year)),
        columns,
        lines=[place],
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
                ctx,
                progress,
                "household",
                progress.counts("household"),
                progress.total("household"),
            ),
        ],
        bold=True,
    )
    note = _missing_note(ctx, progress)
    sheet.finish(notes=[note] if note else ())


def assessments_workbook(
    rows: Sequence[ExportRow],
    progress: CommuneProgress,
    ctx: ExportContext,
    letterhead: Letterhead,
) -> bytes:
    """For each title assessed (households always): the list to print; then the list
    proposed for recognition, the summary per village, and each title's points."""
    place = place_line(ctx, progress)
    titles = progress.titles
    extra = [t for t in dict.fromkeys(r.title for r in rows) if t not in titles]
    present = [t for t in (*titles, *extra) if t == "household" or any(r.title == t for r in rows)]
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    for title in present:
        chosen = [r for r in rows if r.title == title]
        _list_sheet(wb, title, chosen, ctx, letterhead, place, progress.year)
    village_order = {v.name: i for i, v in enumerate(progress.villages)}
    _proposed_sheet(wb, list(rows), ctx, letterhead, present, village_order, place, progress.year)
    _villages_sheet(wb, progress, ctx, letterhead, place)
    for title in present:
        chosen = [r for r in rows if r.title == title]
        _points_sheet(wb, title, chosen, ctx, letterhead, place, progress.year)
    wb.properties.title = ctx.say(
        "printing-heading-list", title=title_words(ctx, "household"), year=str(progress.year)
    )
    return _save(wb)
