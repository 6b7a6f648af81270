"""Sheets a person prints and files: the administrative heading and signature blocks of
Nghị định 30/2020/NĐ-CP around a table, in Times New Roman, on A4 landscape.

Top left the issuing body and its "Số: …" line, top right the national heading and motto with
the place-and-date line below them, the title in capitals; after the table "Nơi nhận:" on the
left and the signature block on the right. Every written cell carries its own font (Excel's
default style is Calibri 11), and the columns of a printed list are kept narrow enough that
"fit to width" prints it at (nearly) full size, so 12 pt stays above 10 pt on paper.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.properties import PageSetupProperties
from openpyxl.worksheet.worksheet import Worksheet

from bot.papers.letterhead import NATIONAL_HEADING, NATIONAL_MOTTO, Letterhead

Say = Callable[..., str]

FONT = "Times New Roman"
BODY_SIZE = 12
TITLE_SIZE = 14
# Margins in inches (the decree's 20 mm top, 30 mm left, 15 mm right, narrowed a little for
# wide tables printed landscape).
MARGINS = PageMargins(left=0.8, right=0.6, top=0.8, bottom=0.6, header=0.3, footer=0.3)
# A4 landscape is 11.69 inches wide.
PRINTABLE_INCHES = 11.69 - MARGINS.left - MARGINS.right

_THIN = Side(style="thin", color="666666")
BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
HEADER_FILL = PatternFill("solid", fgColor="EDEDED")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_LEFT = Alignment(horizontal="left", vertical="center", wrap_text=True)


def font(size: int = BODY_SIZE, *, bold: bool = False, italic: bool = False, **kw: Any) -> Font:
    return Font(name=FONT, size=size, bold=bold, italic=italic, **kw)


def column_inches(width: float) -> float:
    """How wide a column of Excel width `width` prints: a width counts digits of the default
    font (7 pixels at 96 dpi) plus 5 pixels of padding."""
    return (width * 7 + 5) / 96


def fit_scale(widths: Sequence[float]) -> float:
    """The scale "fit to one page wide" prints columns of these widths at (1: full size)."""
    total = sum(column_inches(w) for w in widths)
    return min(1.0, PRINTABLE_INCHES / total) if total else 1.0


@dataclass(frozen=True)
class PrintColumn:
    header: str
    width: float
    number_format: str | None = None
    align: str = "center"


def _split(widths: Sequence[float]) -> int:
    """How many of the first columns the left block of the heading spans (about 40%)."""
    total, running = sum(widths), 0.0
    for index, width in enumerate(widths[:-1], 1):
        running += width
        if running >= 0.38 * total:
            return index
    return max(1, len(widths) - 1)


class PrintedSheet:
    """A table between the administrative heading and the signature blocks."""

    def __init__(
        self,
        ws: Worksheet,
        letterhead: Letterhead,
        say: Say,
        title: str,
        columns: Sequence[PrintColumn],
        *,
        lines: Sequence[str] = (),
        notes: Sequence[str] = (),
        caption: str | None = None,
        freeze_columns: int = 2,
        size: int = BODY_SIZE,
    ) -> None:
        self.ws = ws
        self.letterhead = letterhead
        self.say = say
        self.columns = columns
        self.size = size
        self.last = len(columns)
        self.split = _split([c.width for c in columns])
        for index, column in enumerate(columns, 1):
            ws.column_dimensions[get_column_letter(index)].width = column.width
        row = self._heading()
        row += 1
        self.text(row, title.upper(), size=TITLE_SIZE, bold=True, align="center")
        for line in lines:
            row += 1
            self.text(row, line, align="center", italic=True)
        for note in notes:
            row += 1
            self.text(row, note, italic=True, color="C00000", height=_lines(note, columns))
        if caption:
            row += 2
            self.text(row, caption, bold=True)
        self.header_row = row + (1 if caption else 2)
        self.row = self.header_row - 1
        self.header([c.header for c in columns])
        ws.freeze_panes = ws.cell(self.header_row + 1, freeze_columns + 1).coordinate
        page_setup(ws, self.header_row)

    # --- writing ----------------------------------------------------------------------------

    def _merge(self, row: int, first: int, last: int) -> None:
        if last > first:
            self.ws.merge_cells(start_row=row, start_column=first, end_row=row, end_column=last)

    def left(self, row: int, text: str, **style: Any) -> None:
        self._put(row, 1, self.split, text, **style)

    def right(self, row: int, text: str, **style: Any) -> None:
        self._put(row, self.split + 1, self.last, text, **style)

    def text(self, row: int, text: str, *, align: str = "left", **style: Any) -> None:
        self._put(row, 1, self.last, text, align=align, **style)

    def _put(
        self,
        row: int,
        first: int,
        last: int,
        text: str,
        *,
        size: int | None = None,
        bold: bool = False,
        italic: bool = False,
        underline: bool = False,
        color: str | None = None,
        align: str = "center",
        height: int = 1,
    ) -> None:
        cell = self.ws.cell(row, first, text)
        extra: dict[str, Any] = {"underline": "single"} if underline else {}
        if color:
            extra["color"] = color
        cell.font = font(size or self.size, bold=bold, italic=italic, **extra)
        cell.alignment = Alignment(horizontal=align, vertical="center", wrap_text=True)
        self._merge(row, first, last)
        if height > 1:
            self.ws.row_dimensions[row].height = 16.0 * height

    def _heading(self) -> int:
        """Rows 1–3: issuer and number on the left, heading, motto and date on the right."""
        lh = self.letterhead
        if lh.parent_body:
            self.left(1, lh.parent_body)
            self.left(2, lh.issuing_body, bold=True)
        else:
            self.left(1, lh.issuing_body, bold=True)
        self.left(3, lh.number)
        self.right(1, NATIONAL_HEADING, bold=True)
        self.right(2, NATIONAL_MOTTO, bold=True, underline=True)
        self.right(3, lh.date_line(), italic=True)
        return 3

    def header(self, headers: Sequence[str]) -> None:
        """A header row (the table's, or a second table's on the same columns)."""
        self.row += 1
        for index, text in enumerate(headers, 1):
            cell = self.ws.cell(self.row, index, text)
            cell.font = font(self.size, bold=True)
            cell.fill = HEADER_FILL
            cell.alignment = _CENTER
            cell.border = BORDER
        height = _header_height(
            [replace(c, header=h) for c, h in zip(self.columns, headers, strict=True)], self.size
        )
        self.ws.row_dimensions[self.row].height = height

    def add(self, values: Sequence[Any], *, bold: bool = False) -> None:
        self.row += 1
        for index, (column, value) in enumerate(zip(self.columns, values, strict=True), 1):
            cell = self.ws.cell(self.row, index, value)
            cell.border = BORDER
            cell.font = font(self.size, bold=bold)
            cell.alignment = _LEFT if column.align == "left" else _CENTER
            if column.number_format and isinstance(value, int | float | date):
                cell.number_format = column.number_format

    def finish(
        self,
        empty_message: str | None = None,
        notes: Sequence[str] = (),
        *,
        autofilter: bool = True,
    ) -> None:
        """The empty-list line, notes under the table, then "Nơi nhận:" and the signature."""
        if self.row == self.header_row and empty_message:
            self.row += 1
            self.text(self.row, empty_message, italic=True)
        last = get_column_letter(self.last)
        if autofilter:
            bottom = max(self.row, self.header_row + 1)
            self.ws.auto_filter.ref = f"A{self.header_row}:{last}{bottom}"
        row = self.row
        for note in notes:
            row += 1
            self.text(row, note, italic=True, height=_lines(note, self.columns))
        self.row = signature(self, row + 2)
        self.ws.print_area = f"A1:{last}{self.row}"


def signature(sheet: PrintedSheet, row: int) -> int:
    """ "Nơi nhận:" and its list on the left; position, "(Ký, ghi rõ họ tên)", room to
    sign and the name on the right. Returns the last row written."""
    lh = sheet.letterhead
    # The letterhead's recipients carry their own punctuation ("Như trên;", "Lưu: VT.").
    left = [sheet.say("printing-recipients")]
    left += [r if r.startswith("-") else f"- {r}" for r in lh.recipients]
    right = [*lh.signer_lines, sheet.say("printing-sign-here"), "", "", "", lh.signer_name]
    for offset in range(max(len(left), len(right))):
        if offset < len(left):
            first = offset == 0
            sheet.left(
                row + offset,
                left[offset],
                bold=first,
                italic=first,
                align="left",
                size=sheet.size if first else max(sheet.size - 1, 11),
            )
        if offset < len(right) and right[offset]:
            text = right[offset]
            signing = offset == len(lh.signer_lines)
            sheet.right(row + offset, text, bold=not signing, italic=signing)
    return row + max(len(left), len(right)) - 1


def page_setup(ws: Worksheet, header_row: int) -> None:
    """A4 landscape, one page wide, the header row on every page, page numbers below."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    ws.page_margins = MARGINS
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{header_row}:{header_row}"
    footer = ws.oddFooter
    if footer is not None:
        footer.center.text = "&P/&N"
        footer.center.font = FONT
        footer.center.size = 10


def _header_height(columns: Sequence[PrintColumn], size: int) -> float:
    """Tall enough for the longest wrapped header."""
    lines = max((_wrapped(c.header, c.width) for c in columns), default=1)
    return float((size + 4) * max(lines, 2) + 4)


def _wrapped(text: str, width: float) -> int:
    # Times at 12 pt sets about as many letters in a width unit as Calibri 11 digits.
    per_line = max(int(width) - 1, 4)
    return -(-len(text) // per_line)


def _lines(text: str, columns: Sequence[PrintColumn]) -> int:
    return _wrapped(text, sum(c.width for c in columns))
