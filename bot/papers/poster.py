"""The invite poster for a village meeting: one A4 page per village, pinned up at the village
hall or handed round, that a household can act on without anyone explaining it.

The commune and village at the top, what the title is and why to join, three steps in large
type, a QR code that opens the bot on Telegram with the village's invite already in it, the
Zalo way in (the bot's Zalo link as a QR code when ZALO_BOT_LINK gives one, and the code to
type in large letters, since Zalo links carry no code), and who the village collaborator is.
QR codes are printed 60 mm wide (phones read them from arm's length; 40 mm is the least).
Liberation Serif (Times New Roman's metrics, every Vietnamese letter) is embedded.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import qrcode
from fpdf import FPDF
from fpdf.enums import XPos, YPos
from PIL.Image import Image

from bot.papers.settings import commune_title
from conversations.text import fold
from storage.invites import Invite
from storage.uow import UnitOfWork

Say = Callable[..., str]

FONTS = Path(__file__).resolve().parent / "fonts"
FAMILY = "LiberationSerif"
MARGIN = 14.0  # mm
QR_MM = 60.0
GAP_MM = 20.0


@dataclass(frozen=True)
class PosterContent:
    # As written in a sentence: "xã Kim Liên" (see commune_in_sentence).
    commune: str
    village: str
    year: int
    code: str
    telegram_link: str
    # The link that opens the bot on Zalo (None: only the code is printed).
    zalo_link: str | None
    collaborators: tuple[str, ...] = ()


def commune_in_sentence(name: str) -> str:
    """ "xã Kim Liên" for "Kim Liên" or "Xã Kim Liên", "phường Hà Đông" for "Phường Hà Đông"."""
    kind, bare = commune_title(name)
    return f"{kind.lower()} {bare}"


def qr_image(link: str) -> Image:
    """A QR code with its quiet zone (4 modules), medium error correction for a poster
    that gets creased or rained on."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=10, border=4)
    code.add_data(link)
    code.make(fit=True)
    image = code.make_image(fill_color="black", back_color="white").get_image()
    assert isinstance(image, Image)
    return image.convert("L")


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


class _Poster:
    def __init__(self, say: Say) -> None:
        self.say = say
        pdf = FPDF(orientation="portrait", unit="mm", format="A4")
        for style, name in (("", "Regular"), ("B", "Bold"), ("I", "Italic")):
            pdf.add_font(FAMILY, style, str(FONTS / f"LiberationSerif-{name}.ttf"))
        pdf.set_margins(MARGIN, MARGIN, MARGIN)
        pdf.set_auto_page_break(False)
        self.pdf = pdf

    @property
    def width(self) -> float:
        return float(self.pdf.w - 2 * MARGIN)

    def line(self, text: str, size: float, style: str = "", *, gap: float = 0.0) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, style, size)
        pdf.multi_cell(
            self.width,
            size * 0.45,
            _nfc(text),
            align="C",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )
        if gap:
            pdf.ln(gap)

    def left(self, text: str, size: float, style: str = "", *, indent: float = 12.0) -> None:
        pdf = self.pdf
        pdf.set_font(FAMILY, style, size)
        pdf.set_x(MARGIN + indent)
        pdf.multi_cell(
            self.width - indent,
            size * 0.45,
            _nfc(text),
            align="L",
            new_x=XPos.LMARGIN,
            new_y=YPos.NEXT,
        )

    def qr(self, link: str, x: float, y: float, caption: str) -> None:
        """A QR code QR_MM wide at (x, y) with its caption centred above it."""
        pdf = self.pdf
        pdf.set_font(FAMILY, "B", 15)
        pdf.set_xy(x - 10, y)
        pdf.cell(QR_MM + 20, 7, _nfc(caption), align="C")
        pdf.image(qr_image(link), x=x, y=y + 8, w=QR_MM, h=QR_MM)


def poster_pdf(content: PosterContent, say: Say) -> bytes:
    """One A4 page: the village's invite poster."""
    poster = _Poster(say)
    pdf = poster.pdf
    pdf.add_page()
    pdf.set_title(
        _nfc(say("printing-poster-place", village=content.village, commune=content.commune))
    )
    poster.line(say("printing-poster-invite"), 20, "B")
    poster.line(say("printing-poster-title", year=str(content.year)), 26, "B", gap=1)
    poster.line(
        say("printing-poster-place", village=content.village, commune=content.commune),
        20,
        "B",
        gap=4,
    )
    poster.line(say("printing-poster-what"), 14, gap=2)
    poster.line(say("printing-poster-why"), 14, "I", gap=5)
    poster.line(say("printing-poster-steps"), 20, "B", gap=1)
    for step in (1, 2, 3):
        poster.left(say(f"printing-poster-step-{step}", code=content.code), 18, "B")
    pdf.ln(5)

    top = float(pdf.get_y())
    pair = 2 * QR_MM + GAP_MM
    first = MARGIN + (poster.width - pair) / 2
    poster.qr(content.telegram_link, first, top, say("printing-poster-telegram"))
    second = first + QR_MM + GAP_MM
    if content.zalo_link:
        poster.qr(content.zalo_link, second, top, say("printing-poster-zalo"))
        code_y = top + QR_MM + 12
        pdf.set_y(code_y)
        poster.line(say("printing-poster-zalo-code"), 15, "B")
    else:
        # No Zalo link: the code takes the second QR code's place, in letters to copy.
        pdf.set_font(FAMILY, "B", 15)
        pdf.set_xy(second - 10, top)
        pdf.cell(QR_MM + 20, 7, _nfc(say("printing-poster-zalo-code")), align="C")
        pdf.set_y(top + QR_MM + 12)
    pdf.set_font(FAMILY, "B", 44)
    if content.zalo_link:
        pdf.cell(poster.width, 18, content.code, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    else:
        pdf.set_xy(second - 10, top + 8 + QR_MM / 2 - 9)
        pdf.cell(QR_MM + 20, 18, content.code, align="C")
        pdf.set_y(top + QR_MM + 14)
    pdf.ln(4)
    names = ", ".join(content.collaborators)
    collaborator = (
        say("printing-poster-collaborator", name=names)
        if names
        else say("printing-poster-no-collaborator")
    )
    poster.line(collaborator, 16, "B")
    # Everything on one page: a longer translation must not run off the bottom.
    assert pdf.get_y() <= pdf.h - MARGIN / 2, "the poster overflows its page"
    return bytes(pdf.output())


# --- what each village's poster says --------------------------------------------------------


@dataclass(frozen=True)
class VillageInvite:
    village_id: int
    village: str
    invite: Invite
    collaborators: tuple[str, ...]


async def village_invites(
    uow: UnitOfWork, commune_id: int, village_id: int | None = None
) -> list[VillageInvite]:
    """For each village (or the one asked for): a household invite for the whole meeting —
    the village's open one still usable, or a new one, many uses, no expiry — and the names
    of its collaborators."""
    villages = [v for v in await uow.places.villages(commune_id) if village_id in (None, v.id)]
    invites = await uow.invites.of_commune(commune_id)
    people = await uow.people.in_commune(commune_id)
    found: list[VillageInvite] = []
    for village in villages:
        invite = next(
            (
                i
                for i in invites
                if i.role == "household"
                and i.village_id == village.id
                and i.max_uses is None
                and i.usable(uow.now)
            ),
            None,
        )
        if invite is None:
            invite = await uow.invites.add(
                "household", commune_id, village_id=village.id, max_uses=None
            )
        names = tuple(
            p.name
            for p in people
            if p.role == "collaborator" and p.village_id == village.id and not p.disabled
        )
        found.append(VillageInvite(village.id, village.name, invite, names))
    return found


def poster_filename(commune: str, village: str) -> str:
    """ASCII, so that old phones and e-mail keep the name: "ap-phich-kim-lien-thon-sen-1.pdf"."""

    def slug(text: str) -> str:
        return "-".join("".join(c if c.isalnum() else " " for c in fold(text)).split())

    return f"ap-phich-{slug(commune)}-{slug(village)}.pdf"
