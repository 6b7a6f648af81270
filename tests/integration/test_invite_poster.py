"""`hoctap invite poster`: an A4 PDF per village for the village meeting, opened with pypdf —
its text (commune, village, the code, the collaborator, with their diacritics), and its QR
codes taken out of the PDF, decoded with zxing-cpp and measured where they are placed on the
page (at least 4 cm wide). On both databases."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from pathlib import Path

import pytest
import zxingcpp
from pypdf import PdfReader

from storage.db import Database
from tests.integration.conftest import Cli

BOT = "kimlien_khuyenhoc_bot"
ZALO = "https://zalo.me/4462178521384529481"
MM_PER_PT = 25.4 / 72


@pytest.fixture
def cli(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Cli:
    monkeypatch.setenv("TELEGRAM_BOT_USERNAME", BOT)
    return cli


def _add_collaborator(url: str, name: str, village: str) -> None:
    async def go() -> None:
        db = Database(url)
        try:
            async with db.unit_of_work(datetime(2026, 11, 30, 2, 0, tzinfo=UTC)) as uow:
                commune, _ = await uow.places.find_commune("Kim Liên")
                found = await uow.places.find_village(commune, village)
                await uow.people.add(
                    name, "collaborator", commune_id=commune.id, village_id=found.id
                )
        finally:
            await db.dispose()

    asyncio.run(go())


def _qr_codes(path: Path) -> list[tuple[str, float]]:
    """Each image on the page: what it decodes to, and how wide it is printed (mm), read from
    the matrix placing it (`w 0 0 h x y cm /Name Do`)."""
    page = PdfReader(path).pages[0]
    content = page.get_contents()
    assert content is not None
    stream = content.get_data().decode("latin-1")
    placed = {
        name: float(width) * MM_PER_PT
        for width, name in re.findall(r"([\d.]+) 0 0 [\d.]+ [\d.]+ [\d.]+ cm\s*/(\w+) Do", stream)
    }
    codes = []
    for image in page.images:
        found = zxingcpp.read_barcodes(image.image)
        assert len(found) == 1, image.name
        assert found[0].format == zxingcpp.BarcodeFormat.QRCode
        codes.append((found[0].text, placed[Path(image.name).stem]))
    return codes


def _text(path: Path) -> str:
    reader = PdfReader(path)
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width) * MM_PER_PT), round(float(box.height) * MM_PER_PT)) == (
        210,
        297,
    )  # A4 portrait
    return reader.pages[0].extract_text()


def test_a_poster_per_village_with_working_qr_codes(
    cli: Cli,
    database_url: str,
    tmp_path: Path,
) -> None:
    _, demo, _ = cli("demo")
    household_code = re.search(r"^household invite: (\w{8})", demo, re.M)
    assert household_code is not None
    _add_collaborator(database_url, "Lê Thị Hương", "Thôn Hoàng Trù")

    code, out, _ = cli("invite", "poster", "--commune", "kim lien", "--output", str(tmp_path))
    assert code == 0
    written = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert written == [
        "ap-phich-xa-kim-lien-thon-hoang-tru.pdf",
        "ap-phich-xa-kim-lien-thon-sen-1.pdf",
        "ap-phich-xa-kim-lien-thon-sen-2.pdf",
    ]
    codes = dict(re.findall(r"ap-phich-[\w-]+\.pdf: (.+), code (\w{8})", out))
    # The village's open household invite is used (the demo made one for Hoàng Trù).
    assert codes["Thôn Hoàng Trù"] == household_code.group(1)
    assert len(set(codes.values())) == 3

    poster = tmp_path / "ap-phich-xa-kim-lien-thon-hoang-tru.pdf"
    text = _text(poster)
    assert re.search(r"“GIA ĐÌNH HỌC TẬP” NĂM \d{4}", text)
    for words in (
        "Thôn Hoàng Trù, xã Kim Liên",
        "Ba bước tham gia",
        "1. Mở Telegram hoặc Zalo trên điện thoại.",
        "Cộng tác viên thôn: Lê Thị Hương",
        codes["Thôn Hoàng Trù"],
    ):
        assert words in text, words
    # No Zalo link set: one QR code (Telegram's deep link), the code to type in letters.
    assert _qr_codes(poster) == [
        (f"https://t.me/{BOT}?start={codes['Thôn Hoàng Trù']}", pytest.approx(60, abs=0.5))
    ]
    # A village without its own collaborator leaves the line to be written in.
    assert "Cộng tác viên thôn: ……" in _text(tmp_path / "ap-phich-xa-kim-lien-thon-sen-1.pdf")

    # Printed again: the same codes, no new invites.
    _, again, _ = cli("invite", "poster", "--commune", "kim lien", "--output", str(tmp_path))
    assert dict(re.findall(r"ap-phich-[\w-]+\.pdf: (.+), code (\w{8})", again)) == codes


def test_the_zalo_link_is_a_second_qr_code(
    cli: Cli,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    cli("demo")
    monkeypatch.setenv("ZALO_BOT_LINK", ZALO)
    code, out, _ = cli(
        "invite", "poster", "--commune", "Kim Liên", "--village", "thon sen 2",
        "--output", str(tmp_path),
    )  # fmt: skip
    assert code == 0
    (poster,) = tmp_path.glob("*.pdf")
    found = re.search(r"code (\w{8})", out)
    assert found is not None
    text = _text(poster)
    assert "Zalo: gửi mã này cho bot" in text and found.group(1) in text
    qr = _qr_codes(poster)
    assert [link for link, _ in qr] == [f"https://t.me/{BOT}?start={found.group(1)}", ZALO]
    assert all(width >= 40 for _, width in qr)

    english = tmp_path / "en"
    cli(
        "invite", "poster", "--commune", "Kim Liên", "--village", "thon sen 2",
        "--output", str(english), "--lang", "en",
    )  # fmt: skip
    assert "Three steps to join" in _text(next(english.glob("*.pdf")))
