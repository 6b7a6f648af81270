"""The recognition dossier, opened and read: the Word files with python-docx (heading, motto,
date line, the list's rows in order, one form per household with its points and photos,
signature blocks, Times New Roman), the PDFs with pypdf (every name with its diacritics, the
heading, fonts embedded), the commune's paper settings, `hoctap dossier` end to end, and the
"Hồ sơ công nhận" button of /baocao through the Telegram double."""

from __future__ import annotations

import asyncio
import io
import time
from collections.abc import AsyncIterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from docx import Document as open_docx
from docx.shared import Mm
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select, update

from bot.bootstrap import App
from bot.papers.dossier import dossier_files, pack_lookup
from bot.papers.settings import commune_letterhead
from bot.reports import report_callback
from bot.reports.service import ReportFile
from bot.telegram import TelegramChannel
from conversations.scoring import score
from storage import tables as t
from storage.db import Database
from storage.media import PhotoFiles
from tests.integration.conftest import Cli
from tests.integration.test_reports_fixtures import NOW, Seeded, seed
from tests.support.telegram_double import TelegramDouble

TODAY = date(2026, 11, 30)
DATE_LINE = "Kim Liên, ngày 30 tháng 11 năm 2026"
# The list's order: village by village, then by given name (Ba, Bốn, Hai, Một; Chín, Mười).
LIST_ORDER = [
    ("Lê Văn Ba", "Thôn Hoàng Trù"),
    ("Phạm Thị Bốn", "Thôn Hoàng Trù"),
    ("Trần Thị Hai", "Thôn Hoàng Trù"),
    ("Nguyễn Văn Một", "Thôn Hoàng Trù"),
    ("Bùi Thị Chín", "Thôn Sen 1"),
    ("Ngô Văn Mười", "Thôn Sen 1"),
]
NAMES = [name for name, _ in LIST_ORDER]


def _png(color: str) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (800, 600), color).save(out, "PNG")
    return out.getvalue()


async def seed_dossier(db: Database, photo_dir: Path) -> Seeded:
    """The report fixtures' commune, with Phạm Thị Bốn's form answered in full (scored with the
    pack it names), two evidence photos of which one is in the photo store, and the chair's
    name set for the papers."""
    seeded = await seed(db)
    from bot.packs import PackLibrary
    from bot.settings import Settings

    packs = PackLibrary.from_directory(Settings().packs_dir)
    pack = packs.get("gdht-448", "2015.1")
    answers: dict[str, Any] = {}
    for question in pack.questions():
        if question.name == "head_name":
            answers[question.name] = "Phạm Thị Bốn"
        elif question.name == "village":
            answers[question.name] = "Thôn Hoàng Trù"
        elif question.name == "members":
            answers[question.name] = 4
        elif question.type == "integer":
            answers[question.name] = 2
        elif question.type == "select_multiple":
            answers[question.name] = [question.choices[0].value]
        elif question.choices:
            answers[question.name] = question.choices[0].value
    result = score(pack, answers)
    aid = seeded.assessment_ids["h4"]
    files = PhotoFiles(photo_dir)
    async with db.unit_of_work(NOW) as uow:
        await uow.assessments.update(
            aid,
            answers=answers,
            score=result.model_dump(mode="json"),
            total=result.total,
            passed=result.passed,
        )
        await uow.assessments.add_evidence(aid, "study_corner", "telegram", "file-corner")
        await uow.assessments.add_evidence(aid, "cultured_family", "telegram", "file-family")
        await uow.papers.set_settings(seeded.commune_id, {"chair_name": "Trần Văn Bình"})
    name = files.write(_png("green"))
    async with db.session() as session:
        evidence = select(t.evidence.c.id).where(
            t.evidence.c.assessment_id == aid, t.evidence.c.question == "study_corner"
        )
        await session.execute(
            update(t.stored_photos)
            .where(t.stored_photos.c.evidence_id.in_(evidence.scalar_subquery()))
            .values(name=name, size=100, stored_at=NOW)
        )
    return seeded


async def _dossier(
    app: App, seeded: Seeded, photo_dir: Path, title: str = "household"
) -> list[ReportFile]:
    async with app.db.unit_of_work(NOW) as uow:
        return await dossier_files(
            uow,
            seeded.commune_id,
            2026,
            title,
            today=TODAY,
            packs=pack_lookup(app.packs),
            photos=PhotoFiles(photo_dir),
        )


def _docx(file: ReportFile) -> Any:
    return open_docx(io.BytesIO(file.data))


def _all_text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            for cell in row.cells:
                parts.extend(p.text for p in cell.paragraphs)
    return "\n".join(parts)


def _pdf_text(file: ReportFile) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(file.data)).pages)


@pytest.fixture
def photo_dir(tmp_path: Path) -> Path:
    return tmp_path / "evidence"


@pytest.fixture
async def seeded(app: App, photo_dir: Path) -> AsyncIterator[Seeded]:
    yield await seed_dossier(app.db, photo_dir)


async def test_eight_files_four_papers_word_and_pdf(
    app: App, seeded: Seeded, photo_dir: Path
) -> None:
    files = await _dossier(app, seeded, photo_dir)
    assert [f.filename for f in files] == [
        f"{n}-{paper}-kim-lien-2026-gia-dinh-hoc-tap.{ext}"
        for n, paper in enumerate(
            ["to-trinh", "danh-sach-de-nghi", "phieu-tu-danh-gia", "du-thao-quyet-dinh"], 1
        )
        for ext in ("docx", "pdf")
    ]
    for file in files:
        assert file.data[:4] == (b"PK\x03\x04" if file.filename.endswith(".docx") else b"%PDF")


async def test_the_report_carries_the_administrative_heading_and_signature(
    app: App, seeded: Seeded, photo_dir: Path
) -> None:
    report = _docx((await _dossier(app, seeded, photo_dir))[0])
    heading = report.tables[0]
    left, right = (cell for cell in heading.rows[0].cells)
    assert [p.text for p in left.paragraphs] == [
        "HỘI KHUYẾN HỌC XÃ KIM LIÊN",
        "———",
        "Số: …/TTr-HKH",
    ]
    assert left.paragraphs[0].runs[0].bold
    lines = [p.text for p in right.paragraphs]
    assert lines[:2] == ["CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc"]
    assert right.paragraphs[1].runs[0].underline and right.paragraphs[1].runs[0].bold
    assert DATE_LINE in lines
    # The heading has no borders; the figures' table has.
    assert 'w:val="nil"' in heading._tbl.xml
    body = [p.text for p in report.paragraphs]
    assert "TỜ TRÌNH" in body
    assert "Về việc đề nghị công nhận danh hiệu “Gia đình học tập” năm 2026" in body
    assert "Kính gửi: Ủy ban nhân dân xã Kim Liên" in body
    assert any(
        "kính trình Ủy ban nhân dân xã Kim Liên xem xét, công nhận 6 hộ gia đình" in p for p in body
    )
    figures = report.tables[1]
    assert figures.style.name == "Table Grid"
    rows = [[c.text for c in r.cells] for r in figures.rows]
    assert rows[0] == ["Thôn", "Tổng số hộ gia đình", "Đề nghị công nhận", "Tỷ lệ so với tổng số"]
    assert rows[1] == ["Thôn Hoàng Trù", "30", "4", "13,3%"]
    assert rows[-1] == ["Toàn xã", "80", "6", "7,5%"]
    assert any("Chỉ tiêu đến năm 2030: 80% hộ gia đình" in p and "7,5%" in p for p in body)
    # "Nơi nhận:" bottom left, the chair's signature bottom right.
    sign_left, sign_right = report.tables[-1].rows[0].cells
    assert sign_left.paragraphs[0].text == "Nơi nhận:"
    assert "- Lưu: VT, HKH." in [p.text for p in sign_left.paragraphs]
    signature = [p.text for p in sign_right.paragraphs if p.text]
    assert signature == ["TM. BAN CHẤP HÀNH", "CHỦ TỊCH", "(Ký, ghi rõ họ tên)", "Trần Văn Bình"]
    # Times New Roman 13 pt on A4 with the decree's margins.
    normal = report.styles["Normal"]
    assert normal.font.name == "Times New Roman" and normal.font.size.pt == 13
    section = report.sections[0]
    assert abs(section.page_width - Mm(210)) < Mm(1) and abs(section.page_height - Mm(297)) < Mm(1)
    assert abs(section.left_margin - Mm(30)) < Mm(1) and abs(section.right_margin - Mm(15)) < Mm(1)
    assert abs(section.top_margin - Mm(20)) < Mm(1) and abs(section.bottom_margin - Mm(20)) < Mm(1)


async def test_the_list_rows_are_in_village_then_vietnamese_name_order(
    app: App, seeded: Seeded, photo_dir: Path
) -> None:
    files = await _dossier(app, seeded, photo_dir)
    listing = _docx(files[2])
    assert DATE_LINE in _all_text(listing)
    table = listing.tables[1]
    rows = [[c.text for c in r.cells] for r in table.rows]
    assert rows[0] == ["STT", "Họ và tên chủ hộ", "Thôn", "Tổng điểm", "Kết quả", "Ghi chú"]
    assert [(r[1], r[2]) for r in rows[1:]] == LIST_ORDER
    assert [r[0] for r in rows[1:]] == ["1", "2", "3", "4", "5", "6"]
    by_name = {r[1]: r for r in rows[1:]}
    assert by_name["Lê Văn Ba"][3:] == [
        "85",
        "Đạt",
        "Đã công nhận (QĐ số 15/QĐ-UBND, ngày 19/11/2026)",
    ]
    # Phạm Thị Bốn is proposed, scored with provisional parts of the pack.
    assert by_name["Phạm Thị Bốn"][3].endswith("(tạm tính)")
    assert by_name["Phạm Thị Bốn"][4:] == ["Đạt", ""]
    # The PDF says the same, with every name's diacritics.
    text = _pdf_text(files[3])
    for name, village in LIST_ORDER:
        assert name in text and village in text
    assert text.index("Lê Văn Ba") < text.index("Phạm Thị Bốn") < text.index("Ngô Văn Mười")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text and DATE_LINE in text


async def test_one_form_per_household_with_points_answers_photos_and_signatures(
    app: App, seeded: Seeded, photo_dir: Path
) -> None:
    files = await _dossier(app, seeded, photo_dir)
    forms = _docx(files[4])
    paragraphs = [p.text for p in forms.paragraphs]
    assert paragraphs.count("PHIẾU TỰ ĐÁNH GIÁ") == 6
    subjects = [p for p in paragraphs if p.startswith("Họ và tên chủ hộ: ")]
    assert subjects == [f"Họ và tên chủ hộ: {n}" for n in NAMES]
    # Phạm Thị Bốn's form: every criterion and indicator with the answer and the points.
    bon = paragraphs.index("Họ và tên chủ hộ: Phạm Thị Bốn")
    after = paragraphs[bon:]
    tables = [tb for tb in forms.tables if tb.style is not None and tb.style.name == "Table Grid"]
    assert len(tables) == 6
    rows = [[c.text for c in r.cells] for r in tables[1].rows]
    assert rows[0] == ["Tiêu chí, chỉ số", "Trả lời", "Điểm tối đa", "Điểm đạt"]
    first = next(r for r in rows if r[0].startswith("Tiêu chí 1. "))
    assert first[0] == "Tiêu chí 1. Học tập của trẻ em trong gia đình"
    assert first[2] == "30"
    corner = next(r for r in rows if r[0].startswith("3.1. "))
    assert corner[1] == "Có" and corner[2] == "10" and corner[3].startswith("10")
    assert any("(tạm tính)" in r[3] for r in rows)
    members = next(r for r in rows if r[0] == "Gia đình có bao nhiêu người?")
    assert members[1] == "4"
    total = rows[-1]
    assert total[0] == "Tổng cộng" and total[2] == "100"
    assert "Kết quả: Đạt, 100/100 điểm (tạm tính)." in after
    # No row of the form breaks across two pages.
    assert all(
        row._tr.trPr is not None and row._tr.trPr.xpath("w:cantSplit") for row in tables[1].rows
    )
    assert any(
        p.startswith("Người điền phiếu: Nguyễn Thị Lan (cộng tác viên); nộp ngày ") for p in after
    )
    assert any(p.startswith("Người kiểm tra, xác nhận: Nguyễn Thị Lan, ngày ") for p in after)
    # One photo in the store as a thumbnail; the other named, not dropped.
    assert len(forms.inline_shapes) == 1
    assert any(
        p.startswith("Ảnh cho câu “") and "chưa có trong kho ảnh" in p and "Telegram" in p
        for p in after
    )
    text = _all_text(forms)
    assert text.count("Chủ hộ\n(Ký, ghi rõ họ tên)") == 6
    assert text.count("Cộng tác viên chi hội\n(Ký, ghi rõ họ tên)") == 6
    # The PDF: one form per household, every name, the thumbnail embedded.
    reader = PdfReader(io.BytesIO(files[5].data))
    pdf_text = "\n".join(page.extract_text() for page in reader.pages)
    assert pdf_text.count("PHIẾU TỰ ĐÁNH GIÁ") == 6
    for name in NAMES:
        assert f"Họ và tên chủ hộ: {name}" in pdf_text
    images = sum(len(page.images) for page in reader.pages)
    assert images == 1


async def test_the_draft_decision_has_the_list_as_its_annex(
    app: App, seeded: Seeded, photo_dir: Path
) -> None:
    files = await _dossier(app, seeded, photo_dir)
    decision = _docx(files[6])
    paragraphs = [p.text for p in decision.paragraphs]
    assert paragraphs[0] == "DỰ THẢO"
    left = decision.tables[0].rows[0].cells[0]
    assert [p.text for p in left.paragraphs][-1] == "Số: …/QĐ-UBND"
    assert "ỦY BAN NHÂN DÂN XÃ KIM LIÊN" in [p.text for p in left.paragraphs]
    assert "CHỦ TỊCH ỦY BAN NHÂN DÂN XÃ KIM LIÊN" in paragraphs
    assert "QUYẾT ĐỊNH:" in paragraphs
    assert any(p.startswith("Điều 1. Công nhận 6 hộ gia đình") for p in paragraphs)
    assert "PHỤ LỤC" in paragraphs
    annex = [tb for tb in decision.tables if tb.style is not None and tb.style.name == "Table Grid"]
    assert [r.cells[1].text for r in annex[0].rows[1:]] == NAMES
    text = _pdf_text(files[7])
    assert "PHỤ LỤC" in text and "Điều 1. Công nhận 6 hộ gia đình" in text
    for name in NAMES:
        assert name in text


async def test_villages_issue_decisions_where_the_commune_says_so(
    app: App, seeded: Seeded, photo_dir: Path
) -> None:
    async with app.db.unit_of_work(NOW) as uow:
        await uow.papers.set_settings(
            seeded.commune_id,
            {
                "decision_by": "village",
                "issuing_body": "Hội Khuyến học xã Kim Liên",
                "place": "Kim Liên",
            },
        )
        head = await commune_letterhead(
            uow, seeded.commune_id, TODAY, "decision", village="Thôn Sen 1"
        )
    assert (head.parent_body, head.issuing_body) == ("ỦY BAN NHÂN DÂN XÃ KIM LIÊN", "THÔN SEN 1")
    assert head.signer_lines == ("TRƯỞNG THÔN",)
    decision = _docx((await _dossier(app, seeded, photo_dir))[6])
    paragraphs = [p.text for p in decision.paragraphs]
    assert paragraphs.count("QUYẾT ĐỊNH:") == 2  # Hoàng Trù and Sen 1 (the others propose none)
    assert "TRƯỞNG THÔN HOÀNG TRÙ" in paragraphs and "TRƯỞNG THÔN SEN 1" in paragraphs
    assert any(p.startswith("Điều 1. Công nhận 4 hộ gia đình") for p in paragraphs)
    assert any(p.startswith("Điều 1. Công nhận 2 hộ gia đình") for p in paragraphs)


async def test_a_clan_dossier_comes_from_the_same_code(
    app: App, seeded: Seeded, photo_dir: Path
) -> None:
    files = await _dossier(app, seeded, photo_dir, "clan")
    assert files[0].filename == "1-to-trinh-kim-lien-2026-dong-ho-hoc-tap.docx"
    listing = _docx(files[2])
    rows = [[c.text for c in r.cells] for r in listing.tables[1].rows]
    assert rows[0][1] == "Tên dòng họ"
    assert len(rows) == 2
    assert "Dòng họ học tập" in _pdf_text(files[1])
    assert await _dossier(app, seeded, photo_dir, "village") == []


async def test_letterhead_defaults_and_unknown_kinds(app: App, seeded: Seeded) -> None:
    async with app.db.unit_of_work(NOW) as uow:
        report = await commune_letterhead(uow, seeded.commune_id, TODAY, "report")
        listing = await commune_letterhead(uow, seeded.commune_id, TODAY, "list")
        decision = await commune_letterhead(uow, seeded.commune_id, TODAY, "decision")
        with pytest.raises(ValueError):
            await commune_letterhead(uow, seeded.commune_id, TODAY, "poster")
        with pytest.raises(LookupError):
            await commune_letterhead(uow, 999999, TODAY, "report")
    assert report.issuing_body == listing.issuing_body == "HỘI KHUYẾN HỌC XÃ KIM LIÊN"
    assert report.date_line() == DATE_LINE
    assert report.signer_lines == ("TM. BAN CHẤP HÀNH", "CHỦ TỊCH")
    assert report.signer_name == "Trần Văn Bình"
    assert decision.issuing_body == "ỦY BAN NHÂN DÂN XÃ KIM LIÊN"
    assert decision.signer_lines == ("TM. ỦY BAN NHÂN DÂN", "CHỦ TỊCH")
    assert decision.signer_name == ""  # written by hand until set


# --- the chat -------------------------------------------------------------------------------


async def test_the_dossier_button_sends_the_files_as_telegram_documents(
    app: App, seeded: Seeded, photo_dir: Path
) -> None:
    async with app.db.unit_of_work(NOW) as uow:
        chair = await uow.people.get(seeded.chair_id)
    assert chair is not None
    [digest, _chart] = await report_callback(app.reports, chair, f"x:d:{seeded.commune_id}:week")
    labels = {b.label: b.data for row in digest.buttons for b in row}
    assert labels["🗂 Hồ sơ công nhận (Word, PDF)"] == f"x:h:{seeded.commune_id}:2026"

    # Households and clans both have forms proposed: the chair picks one.
    [choose] = await report_callback(app.reports, chair, f"x:h:{seeded.commune_id}:2026")
    assert choose.text == "Dạ, hồ sơ công nhận năm 2026: chọn danh hiệu."
    assert [b.label for row in choose.buttons for b in row] == [
        "Gia đình học tập (6)",
        "Dòng họ học tập (1)",
    ]
    replies = await report_callback(app.reports, chair, choose.buttons[0][0].data)
    async with TelegramDouble() as double:
        bot = double.make_bot()
        try:
            await TelegramChannel(bot, app.translator, chats=app.chats).send("5001", replies)
        finally:
            await bot.session.close()
        documents = double.documents(5001)
        texts = [m for m in double.messages(5001) if m.kind == "text"]
    assert texts[0].text.startswith(
        "Dạ, gửi hồ sơ công nhận “Gia đình học tập” năm 2026 của Kim Liên: 6 hộ gia đình"
    )
    assert [d.filename for d in documents][:2] == [
        "1-to-trinh-kim-lien-2026-gia-dinh-hoc-tap.docx",
        "1-to-trinh-kim-lien-2026-gia-dinh-hoc-tap.pdf",
    ]
    assert len(documents) == 8
    assert documents[1].caption == "Tờ trình đề nghị công nhận (PDF)"
    assert documents[4].caption == "Phiếu tự đánh giá của từng hộ gia đình (Word)"
    assert "Phạm Thị Bốn" in _pdf_text(ReportFile(documents[3].filename, documents[3].data))

    # Another commune's chair, a forged year or title: refused.
    refused = await report_callback(app.reports, chair, f"x:h:{seeded.other_commune_id}:2026")
    assert "chỉ dành cho" in refused[0].text or refused[0].document is None
    for forged in ("99999", "2026-emperor", "²⁰²⁶"):
        [stale] = await report_callback(app.reports, chair, f"x:h:{seeded.commune_id}:{forged}")
        assert stale.document is None and stale.text.startswith("Dạ, nút này không còn")


# --- the command line -----------------------------------------------------------------------


@pytest.fixture
def cli(cli: Cli, monkeypatch: pytest.MonkeyPatch, photo_dir: Path) -> Cli:
    monkeypatch.setenv("EVIDENCE_DIR", str(photo_dir))
    return cli


def test_cli_sets_the_papers_and_writes_the_dossier(
    cli: Cli, database_url: str, photo_dir: Path, tmp_path: Path
) -> None:
    async def go() -> None:
        db = Database(database_url)
        try:
            await seed_dossier(db, photo_dir)
        finally:
            await db.dispose()

    asyncio.run(go())
    code, out, _ = cli(
        "units",
        "papers",
        "--commune",
        "kim lien",
        "--chair-name",
        "Hoàng Văn Chủ",
        "--parent-body",
        "Hội Khuyến học tỉnh Nghệ An",
        "--decision-signer-name",
        "Lê Văn Xã",
    )
    assert code == 0, out
    assert "HỘI KHUYẾN HỌC TỈNH NGHỆ AN" in out and "HỘI KHUYẾN HỌC XÃ KIM LIÊN" in out
    assert "TM. BAN CHẤP HÀNH / CHỦ TỊCH: Hoàng Văn Chủ" in out
    assert "TM. ỦY BAN NHÂN DÂN / CHỦ TỊCH: Lê Văn Xã" in out
    code, _, err = cli("units", "papers", "--commune", "kim lien", "--decision-by", "province")
    assert code == 1 and "--decision-by" in err

    folder = tmp_path / "ho-so"
    started = time.perf_counter()
    code, out, _ = cli(
        "dossier",
        "--commune",
        "Kim Lien",
        "--year",
        "2026",
        "--output",
        str(folder),
        "--date",
        "30/11/2026",
    )
    assert code == 0, out
    written = sorted(p.name for p in folder.iterdir())
    assert len(written) == 8 and sum(n.endswith(".pdf") for n in written) == 4
    assert "Word" in out and "PDF" in out and "8 files" in out
    assert time.perf_counter() - started < 30
    report = open_docx(str(folder / "1-to-trinh-kim-lien-2026-gia-dinh-hoc-tap.docx"))
    text = _all_text(report)
    assert "HỘI KHUYẾN HỌC TỈNH NGHỆ AN" in text and "Hoàng Văn Chủ" in text and DATE_LINE in text
    forms = PdfReader(str(folder / "3-phieu-tu-danh-gia-kim-lien-2026-gia-dinh-hoc-tap.pdf"))
    fonts = [
        font
        for page in forms.pages[:1]
        for font in page["/Resources"]["/Font"].values()  # type: ignore[index]
    ]
    assert fonts and all(
        "/FontFile2"
        in f.get_object()["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        for f in fonts
    )

    code, out, _ = cli(
        "dossier", "--commune", "Kim Lien", "--year", "2025", "--output", str(folder)
    )
    assert code == 1 and "nothing written" in out
    code, _, err = cli("dossier", "--commune", "Nowhere", "--year", "2026")
    assert code == 1 and "error" in err


async def test_the_chair_taps_the_dossier_button_in_the_chat(app: App, seeded: Seeded) -> None:
    """The chat service wired as in production (the report hook inside the turn's unit of
    work): /baocao, then "Hồ sơ công nhận", then the title."""
    from tests.support.chat import Chat

    chair = Chat(app, "5001", channel="telegram")
    await chair.say("/baocao")
    dossier = next(
        b.data
        for r in chair.last_replies
        for row in r.buttons
        for b in row
        if b.label.startswith("🗂 Hồ sơ công nhận")
    )
    reply = await chair.send("callback", data=dossier)
    assert "chọn danh hiệu" in reply
    clan = next(
        b.data for r in chair.last_replies for row in r.buttons for b in row if "Dòng họ" in b.label
    )
    await chair.send("callback", data=clan)
    documents = [r.document for r in chair.last_replies if r.document is not None]
    assert documents[0][0] == "1-to-trinh-kim-lien-2026-dong-ho-hoc-tap.docx"
    assert len(documents) == 8
    listing = open_docx(io.BytesIO(documents[2][1]))
    assert [c.text for c in listing.tables[1].rows[0].cells][1] == "Tên dòng họ"


async def test_a_unit_and_a_citizen_get_their_own_dossier_a_graded_unit_its_grade(
    app: App, photo_dir: Path
) -> None:
    """Issue 15: the dossier covers the other titles by data. The demo's school (its example
    form scores 85 on the graded unit pack; no staff hold Công dân học tập yet, so criterion 2
    stays under Tốt's 30 points: “Khá”) and the household's adult, proposed."""
    from bot.demo import DEMO_UNIT, ensure_demo

    demo = await ensure_demo(app.db, examples=app.service)
    async with app.db.session() as session:
        rows = (
            await session.execute(
                select(t.assessments.c.id, t.assessments.c.title).where(
                    t.assessments.c.title.in_(("unit", "citizen"))
                )
            )
        ).all()
    assert sorted(title for _, title in rows) == ["citizen", "unit"]
    async with app.db.unit_of_work(NOW) as uow:
        for assessment_id, _ in rows:
            await uow.assessments.set_status(assessment_id, "proposed", actor_id=demo.chair_id)

    files: dict[str, list[ReportFile]] = {}
    for title in ("unit", "citizen"):
        async with app.db.unit_of_work(NOW) as uow:
            files[title] = await dossier_files(
                uow,
                demo.commune_id,
                NOW.year,
                title,
                today=TODAY,
                packs=pack_lookup(app.packs),
                photos=PhotoFiles(photo_dir),
            )
        assert len(files[title]) == 8

    unit_list = _all_text(_docx(files["unit"][2]))
    assert "Đề nghị công nhận danh hiệu “Đơn vị học tập”" in unit_list
    assert DEMO_UNIT[0] in unit_list and "Khá" in unit_list and "Đạt" not in unit_list
    unit_form = _pdf_text(files["unit"][5])
    assert f"Tên đơn vị: {DEMO_UNIT[0]}" in unit_form and "Khá" in unit_form

    citizen_list = _all_text(_docx(files["citizen"][2]))
    assert "Đề nghị công nhận danh hiệu “Công dân học tập”" in citizen_list
    assert "Phan Thị Hằng" in citizen_list and "Đạt" in citizen_list
    # A person's list gives the year of birth they joined with; a unit's has no such column.
    table = _docx(files["citizen"][2]).tables[1]
    assert [c.text for c in table.rows[0].cells][1:4] == ["Họ và tên", "Năm sinh", "Thôn"]
    assert [c.text for c in table.rows[1].cells][1:3] == ["Phan Thị Hằng", "1988"]
    assert "Năm sinh" not in unit_list
    assert "1988" in _pdf_text(files["citizen"][3])  # the same list, printed
