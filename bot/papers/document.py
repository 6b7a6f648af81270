"""One paper as data, rendered twice: to Word (bot/papers/word.py, python-docx) and to PDF
(bot/papers/pdf.py, fpdf2), so the two files of a paper can never say different things.

A paper is sections (portrait or landscape) of blocks: the administrative heading, the title,
paragraphs, tables with borders, evidence photos, "Nơi nhận:" with the signature block, the
two signature lines of a form, and page breaks. The style is Nghị định 30/2020/NĐ-CP's:
Times New Roman 13–14 pt, A4 with margins top and bottom 20 mm, left 30 mm, right 15 mm."""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Literal

from bot.papers.letterhead import Letterhead

Align = Literal["left", "center", "right", "justify"]

# A4 and the decree's margins (mm): top 20–25, bottom 20–25, left 30–35, right 15–20.
PAGE_WIDTH, PAGE_HEIGHT = 210.0, 297.0
MARGIN_TOP, MARGIN_BOTTOM, MARGIN_LEFT, MARGIN_RIGHT = 20.0, 20.0, 30.0, 15.0
FONT_NAME = "Times New Roman"
BODY_SIZE = 13.0
TABLE_SIZE = 12.0
# The heading's two columns: the issuing body (left) and the national heading (right).
HEADING_LEFT_SHARE = 0.44
THUMBNAIL_WIDTH = 50.0  # mm
THUMBNAIL_PIXELS = 480


def text_width(landscape: bool) -> float:
    """The width between the margins (mm)."""
    return (PAGE_HEIGHT if landscape else PAGE_WIDTH) - MARGIN_LEFT - MARGIN_RIGHT


@dataclass(frozen=True)
class Heading:
    """The top of the first page: issuing body, number, national heading, motto, date line."""

    letterhead: Letterhead
    # A draft ("DỰ THẢO") says so above everything.
    draft: str = ""


@dataclass(frozen=True)
class Title:
    """The paper's name in capitals, and what it is about, centred and bold."""

    kind: str
    about: tuple[str, ...] = ()


@dataclass(frozen=True)
class Para:
    text: str
    bold: bool = False
    italic: bool = False
    align: Align = "justify"
    indent: bool = True
    size: float | None = None
    space_after: float = 3.0  # pt


@dataclass(frozen=True)
class Cell:
    text: str
    bold: bool = False
    italic: bool = False
    align: Align | None = None  # None: the column's
    span: int = 1


@dataclass(frozen=True)
class Table:
    """A table with borders; its header row is repeated on every page it runs over."""

    widths: tuple[float, ...]  # mm, summing to the text width
    header: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]
    aligns: tuple[Align, ...] = ()
    size: float = TABLE_SIZE

    def align(self, column: int, cell: Cell) -> Align:
        if cell.align is not None:
            return cell.align
        return self.aligns[column] if column < len(self.aligns) else "left"


@dataclass(frozen=True)
class Photo:
    """A thumbnail (JPEG bytes) with what it shows."""

    data: bytes
    caption: str


@dataclass(frozen=True)
class Photos:
    items: tuple[Photo, ...]
    per_row: int = 3


@dataclass(frozen=True)
class Signatures:
    """ "Nơi nhận:" bottom left, the signer's position, hint and name bottom right."""

    letterhead: Letterhead
    hint: str


@dataclass(frozen=True)
class SignPair:
    """Two people sign side by side (a form: the household head and the collaborator)."""

    left: str
    right: str
    hint: str
    left_name: str = ""
    right_name: str = ""


@dataclass(frozen=True)
class PageBreak:
    pass


Block = Heading | Title | Para | Table | Photos | Signatures | SignPair | PageBreak


@dataclass(frozen=True)
class Section:
    blocks: tuple[Block, ...]
    landscape: bool = False


@dataclass
class Document:
    title: str
    sections: list[Section] = field(default_factory=list)
    recipients_label: str = "Nơi nhận:"


def thumbnail(data: bytes) -> bytes | None:
    """A small JPEG of an evidence photo (a phone photo is megabytes; a printed thumbnail
    needs a few dozen kilobytes), or None when the bytes are not a picture."""
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(io.BytesIO(data)) as image:
            image.thumbnail((THUMBNAIL_PIXELS, THUMBNAIL_PIXELS))
            out = io.BytesIO()
            image.convert("RGB").save(out, "JPEG", quality=80)
            return out.getvalue()
    except (UnidentifiedImageError, OSError, ValueError):
        return None
