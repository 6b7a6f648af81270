"""The printed papers' pure parts: the locale file, the print scale, overdue days, and the
names the headings are made of."""

from __future__ import annotations

import re
from datetime import date

from bot.papers.poster import commune_in_sentence, poster_filename
from bot.reports.printing import PRINTABLE_INCHES, fit_scale
from bot.reports.rollup import province_title
from bot.reports.summary import overdue_days
from bot.settings import PROJECT_ROOT


def _ids(path: str) -> list[str]:
    text = (PROJECT_ROOT / path).read_text(encoding="utf-8")
    return re.findall(r"^([a-z][a-z0-9-]*) =", text, re.M)


def test_every_printing_message_in_both_languages_and_used_ones_exist() -> None:
    vi = _ids("locales/vi/printing.ftl")
    en = _ids("locales/en/printing.ftl")
    assert sorted(vi) == sorted(en) and len(vi) == len(set(vi))
    sources = [
        *(PROJECT_ROOT / "bot/reports").glob("*.py"),
        PROJECT_ROOT / "bot/papers/poster.py",
        PROJECT_ROOT / "bot/invites.py",
    ]
    text = "\n".join(p.read_text(encoding="utf-8") for p in sources)
    used = set(re.findall(r'"(printing-[a-z0-9-]+)"', text))
    used |= {f"printing-poster-step-{n}" for n in (1, 2, 3)}
    assert used <= set(vi), used - set(vi)
    assert set(vi) <= used, set(vi) - used  # nothing left behind


def test_narrow_lists_print_at_full_size_and_wide_ones_shrink() -> None:
    # Six columns of a printed list: well within A4 landscape's width.
    assert fit_scale([5, 28, 18, 9, 10, 32]) == 1
    # 200 width units is about 14.6 inches: shrunk to fit the printable width.
    wide = fit_scale([10] * 20)
    assert wide == PRINTABLE_INCHES / (20 * (10 * 7 + 5) / 96)
    assert 0.6 < wide < 0.75


def test_overdue_days() -> None:
    due = date(2026, 11, 15)
    assert overdue_days(date(2026, 11, 1), due) == 0
    assert overdue_days(due, due) == 0  # the due day itself is still in time
    assert overdue_days(date(2026, 11, 30), due) == 15


def test_place_names_in_headings_and_file_names() -> None:
    assert province_title("Nghệ An") == ("Tỉnh", "Nghệ An")
    assert province_title("Tỉnh Nghệ An") == ("Tỉnh", "Nghệ An")
    assert province_title("Thành phố Huế") == ("Thành phố", "Huế")
    assert commune_in_sentence("Xã Kim Liên") == "xã Kim Liên"
    assert commune_in_sentence("Kim Liên") == "xã Kim Liên"
    assert commune_in_sentence("Phường Hà Đông") == "phường Hà Đông"
    assert poster_filename("Xã Kim Liên", "Thôn Sen 1") == "ap-phich-xa-kim-lien-thon-sen-1.pdf"
