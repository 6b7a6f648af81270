"""A paper (bot/papers/document.py) as a Word file with python-docx: Times New Roman 13 pt on
A4 with the decree's margins, the heading as a borderless two-column table with the motto
underlined, tables with borders whose header row repeats on each page, landscape sections."""

from __future__ import annotations

import io
from typing import Any
from xml.sax.saxutils import escape as xml_escape

from docx import Document as new_document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Mm, Pt

from bot.papers import document as d
from bot.papers.letterhead import NATIONAL_HEADING, NATIONAL_MOTTO

_ALIGN = {
    "left": WD_ALIGN_PARAGRAPH.LEFT,
    "center": WD_ALIGN_PARAGRAPH.CENTER,
    "right": WD_ALIGN_PARAGRAPH.RIGHT,
    "justify": WD_ALIGN_PARAGRAPH.JUSTIFY,
}


def _page(section: Any, landscape: bool) -> None:
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    width, height = (d.PAGE_HEIGHT, d.PAGE_WIDTH) if landscape else (d.PAGE_WIDTH, d.PAGE_HEIGHT)
    section.page_width, section.page_height = Mm(width), Mm(height)
    section.top_margin, section.bottom_margin = Mm(d.MARGIN_TOP), Mm(d.MARGIN_BOTTOM)
    section.left_margin, section.right_margin = Mm(d.MARGIN_LEFT), Mm(d.MARGIN_RIGHT)


def _base_style(doc: Any) -> None:
    style = doc.styles["Normal"]
    style.font.name = d.FONT_NAME
    style.font.size = Pt(d.BODY_SIZE)
    # Word takes the font of Vietnamese letters from the East Asian and complex-script slots
    # too: name them all, or a letter with two marks may come out in another font.
    fonts = style.element.get_or_add_rPr().get_or_add_rFonts()
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), d.FONT_NAME)
    style.paragraph_format.space_after = Pt(0)
    style.paragraph_format.space_before = Pt(0)


def _no_borders(table: Any) -> None:
    """No borders on a python-docx table (the photos), each element where the schema puts it:
    Word refuses a file whose table properties come in another order."""
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.insert_element_before(
        borders, "w:shd", "w:tblLayout", "w:tblCellMar", "w:tblLook", "w:tblCaption"
    )


def _line(
    cell_or_doc: Any,
    text: str,
    *,
    bold: bool = False,
    italic: bool = False,
    underline: bool = False,
    size: float | None = None,
    align: str = "center",
    first: bool = False,
    space_after: float = 0,
) -> Any:
    """A paragraph in a cell (or the document) holding one run."""
    paragraph = cell_or_doc.paragraphs[0] if first else cell_or_doc.add_paragraph()
    paragraph.alignment = _ALIGN[align]
    if space_after:
        paragraph.paragraph_format.space_after = Pt(space_after)
    run = paragraph.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    if size is not None:
        run.font.size = Pt(size)
    return paragraph


_JC = {"left": "left", "center": "center", "right": "right", "justify": "both"}
TWIPS_PER_MM = 1440 / 25.4


def _run_xml(text: str, *, bold: bool, italic: bool, size: float) -> str:
    half_points = round(size * 2)
    props = ("<w:b/>" if bold else "") + ("<w:i/>" if italic else "")
    props += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    pieces = [xml_escape(line) for line in text.split("\n")]
    body = '</w:t><w:br/><w:t xml:space="preserve">'.join(pieces)
    return f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{body}</w:t></w:r>'


def _cell_xml(
    text: str, width: float, align: str, *, bold: bool, italic: bool, size: float, span: int = 1
) -> str:
    span_xml = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
    return (
        f'<w:tc><w:tcPr><w:tcW w:w="{round(width * TWIPS_PER_MM)}" w:type="dxa"/>{span_xml}'
        f'</w:tcPr><w:p><w:pPr><w:jc w:val="{_JC[align]}"/></w:pPr>'
        f"{_run_xml(text, bold=bold, italic=italic, size=size)}</w:p></w:tc>"
    )


def table_xml(block: d.Table) -> str:
    """A bordered table ("Table Grid") whose header row repeats on every page."""
    widths = block.widths
    grid = "".join(f'<w:gridCol w:w="{round(w * TWIPS_PER_MM)}"/>' for w in widths)
    header = "".join(
        _cell_xml(text, widths[i], "center", bold=True, italic=False, size=block.size)
        for i, text in enumerate(block.header)
    )
    rows = [f"<w:tr><w:trPr><w:cantSplit/><w:tblHeader/></w:trPr>{header}</w:tr>"]
    for data in block.rows:
        cells = []
        column = 0
        for item in data:
            width = sum(widths[column : column + item.span])
            cells.append(
                _cell_xml(
                    item.text,
                    width,
                    block.align(column, item),
                    bold=item.bold,
                    italic=item.italic,
                    size=block.size,
                    span=item.span,
                )
            )
            column += item.span
        # A row is never split across two pages: half an indicator on each is unreadable.
        rows.append(f"<w:tr><w:trPr><w:cantSplit/></w:trPr>{''.join(cells)}</w:tr>")
    total = round(sum(widths) * TWIPS_PER_MM)
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblStyle w:val="TableGrid"/>'
        f'<w:tblW w:w="{total}" w:type="dxa"/><w:jc w:val="center"/>'
        f'<w:tblLayout w:type="fixed"/></w:tblPr><w:tblGrid>{grid}</w:tblGrid>'
        f"{''.join(rows)}</w:tbl>"
    )


# A line of a borderless column: text, style ("B", "I", "U" combined), size, alignment.
Line = tuple[str, str, float, str]


def _paragraph_xml(line: Line, *, indent_mm: float = 0.0, space_after: float = 0.0) -> str:
    """A paragraph of one run (`space_after` in points, `indent_mm` its first line's)."""
    text, style, size, align = line
    half_points = round(size * 2)
    # In the schema's order: b, i, sz, szCs, u.
    props = "".join(tag for flag, tag in (("B", "<w:b/>"), ("I", "<w:i/>")) if flag in style)
    props += f'<w:sz w:val="{half_points}"/><w:szCs w:val="{half_points}"/>'
    if "U" in style:
        props += '<w:u w:val="single"/>'
    run = (
        f'<w:r><w:rPr>{props}</w:rPr><w:t xml:space="preserve">{xml_escape(text)}</w:t></w:r>'
        if text
        else ""
    )
    spacing = f'<w:spacing w:after="{round(space_after * 20)}"/>' if space_after else ""
    indent = f'<w:ind w:firstLine="{round(indent_mm * TWIPS_PER_MM)}"/>' if indent_mm else ""
    return (
        f'<w:p {nsdecls("w")}><w:pPr>{spacing}{indent}<w:jc w:val="{_JC[align]}"/></w:pPr>'
        f"{run}</w:p>"
    )


def columns_xml(widths: tuple[float, ...], columns: tuple[list[Line], ...]) -> str:
    """Columns side by side in a table without borders (the heading, the signatures)."""
    twips = [round(w * TWIPS_PER_MM) for w in widths]
    none = "".join(
        f'<w:{edge} w:val="nil"/>'
        for edge in ("top", "left", "bottom", "right", "insideH", "insideV")
    )
    grid = "".join(f'<w:gridCol w:w="{w}"/>' for w in twips)
    # 1 mm either side of a cell, as in the PDF: the national heading fits on one line.
    margins = '<w:left w:w="57" w:type="dxa"/><w:right w:w="57" w:type="dxa"/>'
    cells = "".join(
        f'<w:tc><w:tcPr><w:tcW w:w="{w}" w:type="dxa"/></w:tcPr>'
        f"{''.join(_paragraph_xml(line) for line in lines) or '<w:p/>'}</w:tc>"
        for w, lines in zip(twips, columns, strict=True)
    )
    return (
        f'<w:tbl {nsdecls("w")}><w:tblPr><w:tblW w:w="{sum(twips)}" w:type="dxa"/>'
        f'<w:jc w:val="center"/><w:tblBorders>{none}</w:tblBorders>'
        f'<w:tblLayout w:type="fixed"/><w:tblCellMar>{margins}</w:tblCellMar></w:tblPr>'
        f"<w:tblGrid>{grid}</w:tblGrid>"
        f"<w:tr>{cells}</w:tr></w:tbl>"
    )


def _widths(table: Any, widths: tuple[float, ...]) -> None:
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=False):
        column.width = Mm(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=False):
            cell.width = Mm(width)


class WordWriter:
    def __init__(self, paper: d.Document) -> None:
        self.paper = paper
        self.doc = new_document()
        _base_style(self.doc)
        self.doc.core_properties.title = paper.title
        self.width = d.text_width(False)

    def render(self) -> bytes:
        for number, section in enumerate(self.paper.sections):
            if number == 0:
                _page(self.doc.sections[0], section.landscape)
            else:
                _page(self.doc.add_section(WD_SECTION.NEW_PAGE), section.landscape)
            self.width = d.text_width(section.landscape)
            for block in section.blocks:
                self.block(block)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()

    def block(self, block: d.Block) -> None:
        if isinstance(block, d.Heading):
            self.heading(block)
        elif isinstance(block, d.Title):
            self.paragraph((block.kind, "B", 14.0, "center"))
            for line in block.about:
                self.paragraph((line, "B", 14.0, "center"))
            self.paragraph(("", "", d.BODY_SIZE, "left"))
        elif isinstance(block, d.Para):
            style = ("B" if block.bold else "") + ("I" if block.italic else "")
            self.paragraph(
                (block.text, style, block.size or d.BODY_SIZE, block.align),
                indent=block.indent,
                space_after=block.space_after,
            )
        elif isinstance(block, d.Table):
            self.table(block)
        elif isinstance(block, d.Photos):
            self.photos(block)
        elif isinstance(block, d.Signatures):
            self.signatures(block)
        elif isinstance(block, d.SignPair):
            self.sign_pair(block)
        elif isinstance(block, d.PageBreak):
            self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def paragraph(self, line: Line, *, indent: bool = False, space_after: float = 0) -> None:
        """A paragraph of the body, written as XML (python-docx's API costs a millisecond a
        paragraph, and the forms of a commune are thousands)."""
        xml = _paragraph_xml(line, indent_mm=10.0 if indent else 0.0, space_after=space_after)
        self.doc.element.body._insert_p(parse_xml(xml))

    def _columns(self, left_share: float, left: list[Line], right: list[Line]) -> None:
        left_width = self.width * left_share
        xml = columns_xml((left_width, self.width - left_width), (left, right))
        self.doc.element.body._insert_tbl(parse_xml(xml))

    def heading(self, block: d.Heading) -> None:
        head = block.letterhead
        if block.draft:
            _line(self.doc, block.draft, bold=True, align="right")
        left: list[Line] = [(head.parent_body, "", 12.0, "center")] if head.parent_body else []
        left += [
            (head.issuing_body, "B", 12.0, "center"),
            ("———", "", 10.0, "center"),
            (head.number, "", 13.0, "center"),
        ]
        right: list[Line] = [
            (NATIONAL_HEADING, "B", 12.0, "center"),
            (NATIONAL_MOTTO, "BU", 13.0, "center"),
            ("", "", 13.0, "center"),
            (head.date_line(), "I", 13.0, "center"),
        ]
        self._columns(d.HEADING_LEFT_SHARE, left, right)
        self.doc.add_paragraph()

    def table(self, block: d.Table) -> None:
        """Written as one piece of XML: python-docx's cell by cell API takes seconds for the
        hundreds of forms of a commune."""
        self.doc.element.body._insert_tbl(parse_xml(table_xml(block)))
        self.doc.add_paragraph()

    def photos(self, block: d.Photos) -> None:
        per_row = block.per_row
        count = len(block.items)
        rows = (count + per_row - 1) // per_row
        table = self.doc.add_table(rows=rows, cols=per_row)
        _no_borders(table)
        _widths(table, tuple(self.width / per_row for _ in range(per_row)))
        for index, photo in enumerate(block.items):
            cell = table.rows[index // per_row].cells[index % per_row]
            paragraph = cell.paragraphs[0]
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
            paragraph.add_run().add_picture(io.BytesIO(photo.data), width=Mm(d.THUMBNAIL_WIDTH))
            _line(cell, photo.caption, italic=True, size=10)
        self.doc.add_paragraph()

    def signatures(self, block: d.Signatures) -> None:
        head = block.letterhead
        left: list[Line] = [(self.paper.recipients_label, "BI", 12.0, "left")]
        left += [(f"- {r}", "", 11.0, "left") for r in head.recipients]
        right: list[Line] = [(line, "B", 13.0, "center") for line in head.signer_lines]
        right += [(block.hint, "I", 12.0, "center")] + [("", "", 13.0, "center")] * 4
        if head.signer_name:
            right.append((head.signer_name, "B", 13.0, "center"))
        self._columns(0.5, left, right)

    def sign_pair(self, block: d.SignPair) -> None:
        def column(title: str, name: str) -> list[Line]:
            blank: list[Line] = [("", "", 13.0, "center")] * 3
            return [
                (title, "B", 13.0, "center"),
                (block.hint, "I", 12.0, "center"),
                *blank,
                (name, "B", 13.0, "center"),
            ]

        self._columns(
            0.5, column(block.left, block.left_name), column(block.right, block.right_name)
        )


def render_docx(paper: d.Document) -> bytes:
    return WordWriter(paper).render()
