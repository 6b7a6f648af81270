"""The administrative heading and signature of a commune's papers (Nghị định 30/2020/NĐ-CP).

One value carries what every paper prints at its top and bottom, so the Word dossier, its PDF
and the printable XLSX lists cannot disagree: the issuing body top left with its number line,
the national heading top right, the place-and-date line, "Nơi nhận:" bottom left and the
signature block bottom right."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

NATIONAL_HEADING = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
NATIONAL_MOTTO = "Độc lập - Tự do - Hạnh phúc"


@dataclass(frozen=True)
class Letterhead:
    # The body above the issuer, printed on the first line when known
    # ("HỘI KHUYẾN HỌC HUYỆN NAM ĐÀN"); empty when the commune has not set it.
    parent_body: str
    # The issuer as printed, in capitals ("HỘI KHUYẾN HỌC XÃ KIM LIÊN").
    issuing_body: str
    # "Số: …/BC-KH": the number is written by hand when the paper is registered.
    number: str
    # The place of the date line: the commune's name without "Xã" ("Kim Liên").
    place: str
    day: date
    # "TM. BAN CHẤP HÀNH" / "CHỦ TỊCH": one printed line each.
    signer_lines: tuple[str, ...]
    # The signer's name; empty leaves the line for the name to be written by hand.
    signer_name: str
    recipients: tuple[str, ...] = field(default=())

    def date_line(self) -> str:
        """ "Kim Liên, ngày 30 tháng 11 năm 2026". The decree writes days below 10 and the
        months 1 and 2 with a leading 0 ("ngày 05 tháng 02"), other months without."""
        day = f"{self.day.day:02d}"
        month = f"{self.day.month:02d}" if self.day.month < 3 else str(self.day.month)
        return f"{self.place}, ngày {day} tháng {month} năm {self.day.year}"
