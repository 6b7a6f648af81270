"""The province roll-up as a workbook: for each share a commune is measured on (each title;
Công dân học tập has two), one row per commune with its total, its stages and its recognised
share against its own targets, and the province's sums; the same heading and signature blocks
as every printed list. The province's CSV (every assessment, streamed) is in exports.py."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from openpyxl import Workbook

from bot.papers.letterhead import Letterhead
from bot.reports import shares
from bot.reports.exports import (
    ExportContext,
    _counts_columns,
    _counts_values,
    _fraction,
    _save,
    _width,
)
from bot.reports.printing import PrintColumn, PrintedSheet
from bot.reports.summary import every_part
from conversations.places import split_prefix
from conversations.text import fold
from storage.progress import CommuneProgress, Counts, Part


def province_title(name: str) -> tuple[str, str]:
    """("Tỉnh", "Nghệ An") for "Nghệ An" or "Tỉnh Nghệ An"; ("Thành phố", "Huế") for
    "Thành phố Huế"."""
    prefix, _ = split_prefix(fold(name), "province")
    words = name.split()
    count = len(prefix.split())
    if prefix and prefix != "tp" and len(words) > count:
        return " ".join(words[:count]).capitalize(), " ".join(words[count:])
    return "Tỉnh", name.strip()


def province_letterhead(ctx: ExportContext, province: str, today: date) -> Letterhead:
    """The province association's heading: no commune setting applies to a roll-up."""
    kind, bare = province_title(province)
    return Letterhead(
        parent_body="",
        issuing_body=ctx.say("printing-issuer-province", province=f"{kind} {bare}".upper()),
        number=ctx.say("printing-number-summary"),
        place=bare,
        day=today,
        signer_lines=(ctx.say("printing-signer-body"), ctx.say("printing-signer-position")),
        signer_name="",
        recipients=(ctx.say("printing-recipient-file"),),
    )


def _sum_total(totals: Sequence[int | None]) -> int | None:
    """The province's base: known only when every commune's is."""
    if not totals or any(t is None for t in totals):
        return None
    return sum(t for t in totals if t is not None)


def rollup_workbook(
    province: str,
    year: int,
    communes: Sequence[CommuneProgress],
    ctx: ExportContext,
    letterhead: Letterhead,
) -> bytes:
    """One sheet per share, one row per commune, the province's sums at the bottom."""
    wb = Workbook()
    wb.remove(wb.worksheets[0])
    merged: dict[tuple[int, str], float] = {}
    for progress in communes:
        merged.update(progress.targets)
    years = shares.column_years(merged, year)
    keys = [p.key for p in every_part(communes[0])] if communes else ["household"]
    names = [c.commune for c in communes]
    total_label = ctx.say("printing-total-province")
    for key in keys:
        ws = wb.create_sheet(ctx.say("printing-rollup-sheet", key=key)[:31])
        counts_columns: list[PrintColumn] = (
            _counts_columns(ctx, communes[0], "summary-col-total", years=years) if communes else []
        )
        columns = [
            PrintColumn(ctx.say("export-col-no"), 5),
            PrintColumn(
                ctx.say("printing-col-commune"), _width([*names, total_label], 14, 24), align="left"
            ),
            *counts_columns,
        ]
        title = ctx.say("printing-summary-part", key=key)
        sheet = PrintedSheet(
            ws,
            letterhead,
            ctx.say,
            ctx.say("printing-heading-province", title=title, year=str(year)),
            columns,
            lines=[province],
        )
        found: list[Part] = []
        for number, progress in enumerate(communes, 1):
            part = next((p for p in every_part(progress) if p.key == key), Part(key))
            found.append(part)
            values = _counts_values(ctx, progress, key, part.counts, part.total, years)
            sheet.add([number, progress.commune, *values])
        if communes:
            counts = sum((p.counts for p in found), Counts())
            total = _sum_total([p.total for p in found])
            sheet.add(["", total_label, *_province_values(ctx, counts, total, years)], bold=True)
        sheet.finish(ctx.say("printing-province-no-data"))
    return _save(wb)


def _province_values(
    ctx: ExportContext, counts: Counts, total: int | None, years: Sequence[int]
) -> list[Any]:
    """The sums: no target of its own (each commune has its own), so those cells are empty."""
    return [
        ctx.say("export-no-total") if total is None else total,
        counts.registered,
        _fraction(counts.registered, total),
        counts.assessed,
        counts.passing,
        counts.verified,
        counts.recognised,
        _fraction(counts.recognised, total),
        *([None, None] * len(years)),
    ]
