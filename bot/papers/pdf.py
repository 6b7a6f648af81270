"""A paper (bot/papers/document.py) as a PDF with fpdf2, for printing and forwarding: Liberation
Serif (Times New Roman's metrics, every Vietnamese letter) embedded from bot/papers/fonts/, the
same layout as the Word file."""

from __future__ import annotations

import io
from pathlib import Path

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, XPos, YPos

from bot.papers import document as d
from bot.papers.letterhead import NATIONAL_HEADING, NATIONAL_MOTTO

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
_STYLES = {"": "Regular", "B": "Bold", "I": "Italic", "BI": "BoldItalic"}
_ALIGN = {"left": "L", "center": "C", "right": "R", "justify": "J"}
PT = 25.4 / 72  # mm per point
CELL_PAD_X, CELL_PAD_Y = 1.2, 0.8  # mm


def _height(size: float) -> float:
    """Line height (mm) for a font size: single spacing plus a little."""
    return size * PT * 1.25


class PdfWriter:
    def __init__(self, paper: d.Document) -> None:
        self.paper = paper
        pdf = FPDF(unit="mm", format="A4")
        for style, name in _STYLES.items():
            pdf.add_font(FAMILY, style, str(FONTS / f"LiberationSerif-{name}.ttf"))
        pdf.set_margins(d.MARGIN_LEFT, d.MARGIN_TOP, d.MARGIN_RIGHT)
        pdf.set_auto_page_break(True, margin=d.MARGIN_BOTTOM)
        pdf.set_title(paper.title)
        pdf.set_creator("hoctap-bot")
        self.pdf = pdf
        self.landscape = False
        self._wrapped: dict[tuple[str, float, str, float], list[str]] = {}
        self._table_x = pdf.l_margin

    def font(self, style: str = "", size: float = d.BODY_SIZE) -> None:
        self.pdf.set_font(FAMILY, style, size)

    def render(self) -> bytes:
        for section in self.paper.sections:
            self.landscape = section.landscape
            self.pdf.add_page(orientation="L" if section.landscape else "P")
            for block in section.blocks:
                self.block(block)
        return bytes(self.pdf.output())

    @property
    def width(self) -> float:
        return d.text_width(self.landscape)

    def text(
        self,
        text: str,
        *,
        style: str = "",
        size: float = d.BODY_SIZE,
        align: str = "center",
        x: float | None = None,
        width: float = 0,
    ) -> None:
        """One paragraph (wrapped) at the current line, from `x` over `width` (0: to the
        right margin)."""
        pdf = self.pdf
        self.font(style, size)
        if x is not None:
            pdf.set_x(x)
        height = _height(size)
        room = width or (pdf.w - pdf.r_margin - pdf.get_x())
        # A line that fits is one cell: breaking text into lines is fpdf2's slowest step.
        # (A justified paragraph of one line is set flush left, as its last line would be.)
        if "\n" not in text:
            if not text:
                pdf.set_xy(pdf.l_margin, pdf.get_y() + height)
                return
            if pdf.get_string_width(text) <= room - 2 * pdf.c_margin:
                if pdf.get_y() + height > pdf.page_break_trigger:
                    self.page()
                    if x is not None:
                        pdf.set_x(x)
                top = pdf.get_y()
                self._put(
                    text,
                    pdf.get_x() + pdf.c_margin,
                    top,
                    room - 2 * pdf.c_margin,
                    height,
                    "left" if align == "justify" else align,
                )
                pdf.set_xy(pdf.l_margin, top + height)
                return
        pdf.multi_cell(
            width, height, text, align=_ALIGN[align], new_x=XPos.LMARGIN, new_y=YPos.NEXT
        )

    def block(self, block: d.Block) -> None:
        pdf = self.pdf
        if isinstance(block, d.Heading):
            self.heading(block)
        elif isinstance(block, d.Title):
            self.text(block.kind, style="B", size=14)
            for line in block.about:
                self.text(line, style="B", size=14)
            pdf.ln(_height(d.BODY_SIZE))
        elif isinstance(block, d.Para):
            style = ("B" if block.bold else "") + ("I" if block.italic else "")
            size = block.size or d.BODY_SIZE
            text = ("      " if block.indent else "") + block.text
            self.text(text, style=style, size=size, align=block.align)
            pdf.ln(block.space_after * PT)
        elif isinstance(block, d.Table):
            self.table(block)
        elif isinstance(block, d.Photos):
            self.photos(block)
        elif isinstance(block, d.Signatures):
            self.signatures(block)
        elif isinstance(block, d.SignPair):
            self.sign_pair(block)
        elif isinstance(block, d.PageBreak):
            pdf.add_page(orientation="L" if self.landscape else "P")

    def _columns(
        self,
        left_share: float,
        left: list[tuple[str, str, float]],
        right: list[tuple[str, str, float]],
        left_align: str = "center",
    ) -> None:
        """Two columns of (text, style, size) lines side by side, from the current line."""
        pdf = self.pdf
        top = pdf.get_y()
        left_width = self.width * left_share
        bottoms = []
        for lines, x, width, align in (
            (left, pdf.l_margin, left_width, left_align),
            (right, pdf.l_margin + left_width, self.width - left_width, "center"),
        ):
            pdf.set_y(top)
            for text, style, size in lines:
                self.text(text, style=style, size=size, align=align, x=x, width=width)
            bottoms.append(pdf.get_y())
        pdf.set_y(max(bottoms))

    def heading(self, block: d.Heading) -> None:
        head = block.letterhead
        if block.draft:
            self.text(block.draft, style="B", align="right")
        left = [(head.parent_body, "", 12.0)] if head.parent_body else []
        left += [(head.issuing_body, "B", 12.0), ("———", "", 10.0), (head.number, "", 13.0)]
        right = [
            (NATIONAL_HEADING, "B", 12.0),
            (NATIONAL_MOTTO, "BU", 13.0),
            ("", "", 13.0),
            (head.date_line(), "I", 13.0),
        ]
        self._columns(d.HEADING_LEFT_SHARE, left, right)
        self.pdf.ln(_height(d.BODY_SIZE))

    def _put(
        self, text: str, x: float, top: float, width: float, height: float, align: str
    ) -> None:
        """One line of text in a box, placed by hand: FPDF.text() is several times cheaper
        than FPDF.cell(), and the forms of a commune are thousands of lines. Underlined
        (style "U") text gets its line drawn here too."""
        pdf = self.pdf
        if not text:
            return
        if align in ("center", "right"):
            room = width - pdf.get_string_width(text)
            x += room / 2 if align == "center" else room
        baseline = top + height / 2 + 0.3 * pdf.font_size
        pdf.text(x, baseline, text)

    def _lines(self, text: str, width: float, style: str, size: float) -> list[str]:
        """The text broken into lines for a cell, each text broken once per paper (the
        indicators of hundreds of forms are the same words)."""
        key = (text, round(width, 2), style, size)
        lines = self._wrapped.get(key)
        if lines is None:
            self.font(style, size)
            if "\n" not in text and self.pdf.get_string_width(text) <= width:
                lines = [text]
            else:
                # The cell's own padding is CELL_PAD_X: none more inside the text.
                margin, self.pdf.c_margin = self.pdf.c_margin, 0
                broken = self.pdf.multi_cell(
                    width, _height(size), text, dry_run=True, output=MethodReturnValue.LINES
                )
                self.pdf.c_margin = margin
                lines = [str(line) for line in broken] if isinstance(broken, list) else [text]
            self._wrapped[key] = lines
        return lines

    def _row(
        self, cells: list[tuple[str, float, str, str]], size: float
    ) -> tuple[float, list[list[str]]]:
        """(height, lines of each cell) of a row of (text, width, align, style) cells."""
        wrapped = [
            self._lines(text, w - 2 * CELL_PAD_X, style, size) for text, w, _, style in cells
        ]
        lines = max((len(x) for x in wrapped), default=1)
        return max(lines, 1) * _height(size) + 2 * CELL_PAD_Y, wrapped

    def _draw_row(
        self,
        cells: list[tuple[str, float, str, str]],
        size: float,
        height: float,
        wrapped: list[list[str]],
    ) -> None:
        pdf = self.pdf
        x, y = self._table_x, pdf.get_y()
        line_height = _height(size)
        for (_, width, align, style), lines in zip(cells, wrapped, strict=True):
            pdf.rect(x, y, width, height)
            self.font(style, size)
            for number, line in enumerate(lines):
                top = y + CELL_PAD_Y + number * line_height
                self._put(line, x + CELL_PAD_X, top, width - 2 * CELL_PAD_X, line_height, align)
            x += width
        pdf.set_xy(pdf.l_margin, y + height)

    def table(self, block: d.Table) -> None:
        """A bordered table, its header row repeated on each page it runs over (drawn here
        rather than with FPDF.table(), which breaks every cell's text anew: minutes for the
        forms of a commune)."""
        pdf = self.pdf
        pdf.set_line_width(0.2)
        self._table_x = pdf.l_margin + (self.width - sum(block.widths)) / 2
        header: list[tuple[str, float, str, str]] = [
            (text, block.widths[i], "center", "B") for i, text in enumerate(block.header)
        ]
        header_height, header_lines = self._row(header, block.size)
        if pdf.get_y() + header_height * 2 > pdf.page_break_trigger:
            self.page()
        self._draw_row(header, block.size, header_height, header_lines)
        for data in block.rows:
            cells: list[tuple[str, float, str, str]] = []
            column = 0
            for item in data:
                width = float(sum(block.widths[column : column + item.span]))
                style = ("B" if item.bold else "") + ("I" if item.italic else "")
                cells.append((item.text, width, block.align(column, item), style))
                column += item.span
            height, lines = self._row(cells, block.size)
            if pdf.get_y() + height > pdf.page_break_trigger:
                self.page()
                self._draw_row(header, block.size, header_height, header_lines)
            self._draw_row(cells, block.size, height, lines)
        pdf.ln(_height(d.BODY_SIZE) / 2)

    def page(self) -> None:
        self.pdf.add_page(orientation="L" if self.landscape else "P")

    def photos(self, block: d.Photos) -> None:
        pdf = self.pdf
        column_width = self.width / block.per_row
        caption_height = _height(10) * 2
        for start in range(0, len(block.items), block.per_row):
            items = block.items[start : start + block.per_row]
            heights = [self._photo_height(p.data) for p in items]
            needed = max(heights) + caption_height + 2
            if pdf.get_y() + needed > pdf.page_break_trigger:
                pdf.add_page(orientation="L" if self.landscape else "P")
            top = pdf.get_y()
            for index, photo in enumerate(items):
                x = pdf.l_margin + index * column_width
                pdf.image(
                    io.BytesIO(photo.data),
                    x=x + (column_width - d.THUMBNAIL_WIDTH) / 2,
                    y=top,
                    w=d.THUMBNAIL_WIDTH,
                )
                pdf.set_y(top + heights[index] + 1)
                self.text(photo.caption, style="I", size=10, x=x, width=column_width)
            pdf.set_y(top + needed)

    @staticmethod
    def _photo_height(data: bytes) -> float:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            width, height = image.size
        return d.THUMBNAIL_WIDTH * height / max(width, 1)

    def _keep_together(self, height: float) -> None:
        if self.pdf.get_y() + height > self.pdf.page_break_trigger:
            self.pdf.add_page(orientation="L" if self.landscape else "P")

    def signatures(self, block: d.Signatures) -> None:
        head = block.letterhead
        self._keep_together(_height(13) * (len(head.signer_lines) + 6))
        left = [(self.paper.recipients_label, "BI", 12.0)]
        left += [(f"- {r}", "", 11.0) for r in head.recipients]
        right = [(line, "B", 13.0) for line in head.signer_lines]
        right += [(block.hint, "I", 12.0)] + [("", "", 13.0)] * 4
        if head.signer_name:
            right.append((head.signer_name, "B", 13.0))
        self._columns(0.5, left, right, left_align="left")

    def sign_pair(self, block: d.SignPair) -> None:
        self._keep_together(_height(13) * 7)
        lines = [("", "", 13.0)] * 3
        left = [
            (block.left, "B", 13.0),
            (block.hint, "I", 12.0),
            *lines,
            (block.left_name, "B", 13.0),
        ]
        right = [
            (block.right, "B", 13.0),
            (block.hint, "I", 12.0),
            *lines,
            (block.right_name, "B", 13.0),
        ]
        self._columns(0.5, left, right)


def render_pdf(paper: d.Document) -> bytes:
    return PdfWriter(paper).render()
