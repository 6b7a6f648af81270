"""The files for the paperwork, opened and checked cell by cell: the assessment workbook, the
yearly summary, CSV for a commune and (streamed) for a province; and the command line."""

from __future__ import annotations

import asyncio
import csv
import io
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from bot.bootstrap import App
from bot.cli import main
from storage.db import Database
from tests.integration.test_reports_fixtures import Seeded, seed


def _rows(ws: Worksheet, first: int = 5) -> list[tuple[object, ...]]:
    return [r for r in ws.iter_rows(min_row=first, values_only=True) if any(r)]


async def test_assessment_workbook(app: App) -> None:
    seeded = await seed(app.db)
    file = await app.reports.export_xlsx(seeded.commune_id, 2026)
    assert file.filename == "danh-sach-kim-lien-2026.xlsx"
    wb = load_workbook(io.BytesIO(file.data))
    assert wb.sheetnames == [
        "Gia đình học tập",
        "Dòng họ học tập",
        "Đề nghị công nhận",
        "Tổng hợp theo thôn",
    ]

    ws = wb["Gia đình học tập"]
    assert ws["A1"].value == "DANH SÁCH ĐÁNH GIÁ “GIA ĐÌNH HỌC TẬP” NĂM 2026"
    assert ws["A2"].value == "Kim Liên, Nghệ An. Lập ngày 22/11/2026."
    header = [c.value for c in ws[4]]
    assert header == [
        "STT",
        "Họ và tên chủ hộ",
        "Thôn",
        "Tiêu chí 1: Học tập của trẻ em trong gia đình (30 điểm)",
        "Tiêu chí 2: Học tập của người lớn trong gia đình (30 điểm)",
        "Tiêu chí 3: Điều kiện học tập của gia đình (20 điểm)",
        "Tiêu chí 4: Tác động, hiệu quả học tập của các thành viên trong gia đình (20 điểm)",
        "Tổng điểm",
        "Kết quả sơ bộ",
        "Trạng thái",
        "Người xác nhận",
        "Ngày xác nhận",
        "Số quyết định",
        "Ngày quyết định",
        "Bộ tiêu chí",
        "Phiên bản",
    ]
    assert ws.freeze_panes == "C5"  # header and names stay on screen
    assert ws.column_dimensions["B"].width >= 18
    assert ws["D4"].alignment.wrap_text and ws["A4"].font.b

    rows = _rows(ws)
    # Assessed households only (no drafts, no deleted or merged households), village by village.
    assert len(rows) == 13
    assert rows[0][:3] == (1, "Nguyễn Văn Một", "Thôn Hoàng Trù")
    by_name = {r[1]: r for r in rows}
    bon = by_name["Phạm Thị Bốn"]
    assert bon[3:10] == (30, 25, 20, 10.5, 85.5, "Đạt", "Đề nghị công nhận")
    hai = by_name["Trần Thị Hai"]
    assert hai[10:] == (
        "Nguyễn Thị Lan",
        datetime(2026, 10, 3),
        "15/QĐ-UBND",
        datetime(2026, 11, 19),
        "gdht-448",
        "2015.1",
    )
    assert by_name["Vũ Thị Bảy"][8:10] == ("Chưa đạt", "Chờ xác nhận")
    assert "Hộ Đã Xóa" not in by_name and "Đặng Văn Tám" not in by_name
    # Dates are real dates shown the Vietnamese way.
    row_of_hai = next(i for i, r in enumerate(rows, 5) if r[1] == "Trần Thị Hai")
    assert ws.cell(row_of_hai, 12).number_format == "dd/mm/yyyy"

    clans = _rows(wb["Dòng họ học tập"])
    assert [c.value for c in wb["Dòng họ học tập"][4]][:4] == [
        "STT",
        "Tên dòng họ",
        "Trưởng họ",
        "Thôn",
    ]
    assert clans[0][:8] == (1, "Họ Nguyễn", "Nguyễn Văn Tộc", "Thôn Hoàng Trù", 20, 40, 25, 85)

    # The list proposed for recognition, in filing order: households by village, then by
    # given name (Ba, Bốn, Hai, Một), then clans.
    proposed = _rows(wb["Đề nghị công nhận"])
    assert [(r[0], r[1], r[2], r[3]) for r in proposed] == [
        (1, "Lê Văn Ba", "Hộ gia đình", "Thôn Hoàng Trù"),
        (2, "Phạm Thị Bốn", "Hộ gia đình", "Thôn Hoàng Trù"),
        (3, "Trần Thị Hai", "Hộ gia đình", "Thôn Hoàng Trù"),
        (4, "Nguyễn Văn Một", "Hộ gia đình", "Thôn Hoàng Trù"),
        (5, "Bùi Thị Chín", "Hộ gia đình", "Thôn Sen 1"),
        (6, "Ngô Văn Mười", "Hộ gia đình", "Thôn Sen 1"),
        (7, "Họ Nguyễn", "Dòng họ", "Thôn Hoàng Trù"),
    ]

    villages = wb["Tổng hợp theo thôn"]
    # Every share beside the total it is taken of (all the village's households, imported),
    # registration in the bot a figure of its own; only the current period's target (2030).
    assert [c.value for c in villages[4]] == [
        "STT",
        "Thôn",
        "Tổng số hộ",
        "Đăng ký trên bot",
        "Tỷ lệ đăng ký trên bot",
        "Đã đánh giá",
        "Đạt sơ bộ",
        "Đã xác nhận",
        "Được công nhận",
        "Tỷ lệ công nhận (trên tổng số)",
        "Mục tiêu 2030",
        "Còn thiếu để đạt mục tiêu 2030",
    ]
    summary = _rows(villages)
    assert summary[0][:4] == (1, "Thôn Hoàng Trù", 30, 8)
    assert summary[0][4] == pytest.approx(8 / 30)
    # 3 of 30 households recognised: 10%; 80% is 24, so 21 still needed.
    assert summary[0][5:] == (7, 6, 5, 3, 0.1, 0.8, 21)
    assert summary[3] == (4, "Thôn Mới", 10, 0, 0, 0, 0, 0, 0, 0, 0.8, 8)
    assert summary[4] == (None, "Toàn xã", 80, 16, 0.2, 13, 10, 7, 5, 0.0625, 0.8, 59)
    assert villages["J5"].number_format == "0.0%"  # 10% on a Vietnamese Excel
    assert villages["E5"].number_format == "0.0%"
    assert villages["C5"].number_format == "#,##0"
    assert villages["B9"].font.b


async def test_yearly_summary_workbook(app: App) -> None:
    seeded = await seed(app.db)
    reports = app.reports
    file = await reports.summary_xlsx(seeded.commune_id, 2026)
    ws = load_workbook(io.BytesIO(file.data)).active
    assert ws.title == "Báo cáo năm"
    assert ws["A1"].value == "Hội Khuyến học Kim Liên, Nghệ An"
    assert ws["A2"].value == "BÁO CÁO KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP NĂM 2026"
    assert ws["A3"].value == "Lập ngày 22/11/2026. Hạn gửi: trước ngày 15/11/2026."
    values = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    titles = {r[1]: r for r in values if isinstance(r[0], int) and r[1] and "(" in str(r[1])}
    # Total, registered in the bot and its share, the stages, recognised and its share of the
    # total, then the 2030 target (2025's is past) and how many are still needed.
    assert titles["Gia đình học tập (hộ)"][2:] == (80, 16, 0.2, 13, 10, 7, 5, 0.0625, 0.8, 59)
    assert titles["Dòng họ học tập (dòng họ)"][2:] == (8, 2, 0.25, 2, 1, 1, 1, 0.125, 0.75, 5)
    village_title = titles["Cộng đồng học tập (thôn)"]
    assert village_title[2:5] == (4, 4, 1) and village_title[10] == "chưa đặt"
    assert any(r[1] == "Toàn xã" for r in values)
    assert any("CHỦ TỊCH HỘI KHUYẾN HỌC" in str(v) for r in values for v in r)

    # A commune flagged as a difficult area says so; with no targets, "chưa đặt".
    other = await reports.summary_xlsx(seeded.other_commune_id, 2026)
    ws = load_workbook(io.BytesIO(other.data)).active
    assert ws["A4"].value.startswith("Xã thuộc vùng khó khăn")
    household = next(r for r in ws.iter_rows(values_only=True) if r[1] == "Gia đình học tập (hộ)")
    # No number of households imported: said so, and no share (not 1 of the 2 registered).
    assert household[2:] == ("chưa có", 2, None, 1, 1, 1, 1, None, "chưa đặt", None)
    notes = [r[0] for r in ws.iter_rows(values_only=True) if str(r[0]).startswith("Chưa có số hộ")]
    assert notes == [
        "Chưa có số hộ của: Bản Phố Cáo. Tỷ lệ của các thôn này và của toàn xã chưa tính "
        "được; vui lòng nhờ quản trị viên nhập số hộ."
    ]


async def test_yearly_summary_csv(app: App) -> None:
    seeded = await seed(app.db)
    out = io.StringIO()
    assert await app.reports.summary_csv(seeded.commune_id, 2026, out) == 7
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == [
        "STT",
        "Danh hiệu",
        "Thôn",
        "Tổng số",
        "Đăng ký trên bot",
        "Tỷ lệ đăng ký trên bot",
        "Đã đánh giá",
        "Đạt sơ bộ",
        "Đã xác nhận",
        "Được công nhận",
        "Tỷ lệ công nhận (trên tổng số)",
        "Mục tiêu 2030",
        "Còn thiếu để đạt mục tiêu 2030",
    ]
    # Written the Vietnamese way: 6,25% rounded half up.
    assert rows[1] == [
        "1",
        "Gia đình học tập (hộ)",
        "Toàn xã",
        "80",
        "16",
        "20%",
        "13",
        "10",
        "7",
        "5",
        "6,3%",
        "80%",
        "59",
    ]
    assert rows[2][3:6] == ["8", "2", "25%"] and rows[2][10:] == ["12,5%", "75%", "5"]
    assert rows[4][2:6] == ["Thôn Hoàng Trù", "30", "8", "26,7%"] and rows[4][10] == "10%"

    other = io.StringIO()
    await app.reports.summary_csv(seeded.other_commune_id, 2026, other)
    village = list(csv.reader(io.StringIO(other.getvalue())))[4]
    assert village[2:6] == ["Bản Phố Cáo", "chưa có", "2", ""] and village[10] == ""


async def test_commune_and_province_csv(app: App) -> None:
    seeded = await seed(app.db)
    reports = app.reports
    out = io.StringIO()
    assert await reports.export_csv(seeded.commune_id, 2026, out) == 15
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][:5] == ["STT", "Xã", "Thôn", "Danh hiệu", "Hộ / dòng họ"]
    assert rows[0][5:9] == ["Tiêu chí 1", "Tiêu chí 2", "Tiêu chí 3", "Tiêu chí 4"]
    bon = next(r for r in rows if r[4] == "Phạm Thị Bốn")
    # Vietnamese numbers and dates, as text.
    assert bon[5:12] == ["30", "25", "20", "10,5", "85,5", "Đạt", "Đề nghị công nhận"]
    assert bon[13] == "17/11/2026"
    clan = next(r for r in rows if r[4] == "Họ Nguyễn")
    assert clan[3] == "Dòng họ" and clan[8] == ""  # the clan pack has three criteria
    assert clan[14:16] == ["12/QĐ-UBND", "13/10/2026"]

    province = io.StringIO()
    async with app.db.unit_of_work(app.reports.now()) as uow:
        found = await uow.places.find_province("nghe an")
    count = await reports.province_csv(found[0], 2026, province)
    lines = list(csv.reader(io.StringIO(province.getvalue())))
    assert count == 16 == len(lines) - 1  # Kim Liên's 15 and Đồng Văn's 1
    assert {line[1] for line in lines[1:]} == {"Kim Liên", "Đồng Văn"}
    assert [line[0] for line in lines[1:]] == [str(i) for i in range(1, 17)]


async def test_province_csv_streams_in_batches(app: App) -> None:
    """The province export never holds every row: rows come through a streamed cursor."""
    seeded = await seed(app.db)
    async with app.db.unit_of_work(app.reports.now()) as uow:
        found = await uow.places.find_province("nghe an")
    assert seeded.commune_id
    rows = app.db.export_province(found[0], 2026, app.reports.now(), batch=4)
    first = await anext(rows)
    assert first.commune == "Kim Liên"
    rest = [r async for r in rows]
    assert len(rest) == 15


# --- the command line -------------------------------------------------------------------------


@pytest.fixture
def cli(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., tuple[int, str, str]]:
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run


def _seed(url: str) -> Seeded:
    async def go() -> Seeded:
        db = Database(url)
        try:
            return await seed(db)
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_cli_exports_reports_and_outbox(
    cli: Callable[..., tuple[int, str, str]], database_url: str, tmp_path: Path
) -> None:
    _seed(database_url)
    xlsx = tmp_path / "kim-lien.xlsx"
    code, out, _ = cli("export", "--commune", "kim lien", "--year", "2026", "--output", str(xlsx))
    assert code == 0 and "kim-lien.xlsx" in out
    assert load_workbook(xlsx).sheetnames[0] == "Gia đình học tập"

    listing = tmp_path / "kim-lien.csv"
    code, out, _ = cli(
        "export",
        "--commune",
        "Kim Liên",
        "--year",
        "2026",
        "--format",
        "csv",
        "--output",
        str(listing),
    )
    assert code == 0 and "15 assessments" in out
    assert listing.read_bytes().startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8

    province = tmp_path / "nghe-an.csv"
    code, out, _ = cli(
        "export",
        "--province",
        "Nghe An",
        "--year",
        "2026",
        "--format",
        "csv",
        "--output",
        str(province),
    )
    assert code == 0 and "16 assessments" in out
    code, _, err = cli("export", "--province", "Nghe An", "--year", "2026")
    assert code == 1 and "CSV only" in err

    summary = tmp_path / "bao-cao.xlsx"
    code, out, _ = cli(
        "report", "summary", "--commune", "Kim Liên", "--year", "2026", "--output", str(summary)
    )
    assert code == 0
    assert load_workbook(summary).active.title == "Báo cáo năm"
    summary_csv = tmp_path / "bao-cao.csv"
    code, out, _ = cli(
        "report",
        "summary",
        "--commune",
        "Kim Liên",
        "--year",
        "2026",
        "--format",
        "csv",
        "--output",
        str(summary_csv),
    )
    assert code == 0 and "bao-cao.csv: yearly summary of Kim Liên" in out
    text = summary_csv.read_text(encoding="utf-8-sig")
    assert "1,Gia đình học tập (hộ),Toàn xã,80,16,20%" in text

    code, out, _ = cli("digest", "show", "--commune", "Kim Liên", "--period", "year")
    assert code == 0 and "Tỷ lệ công nhận: 5/80 hộ, 6,3%" in out

    code, out, _ = cli("digest", "run", "--commune", "Kim Liên")
    assert code == 0 and "Queued 1 digest(s) for 1 chair(s)" in out

    code, out, _ = cli("outbox", "list")
    assert code == 0 and "pending" in out and "digest:week:run-" in out

    code, out, _ = cli(
        "digest",
        "schedule",
        "--commune",
        "Kim Liên",
        "--weekday",
        "4",
        "--time",
        "16:30",
        "--no-daily",
    )
    assert code == 0 and "weekly Fri 16:30 (Asia/Ho_Chi_Minh)" in out
    code, _, err = cli("digest", "schedule", "--commune", "Kim Liên", "--time", "7h")
    assert code == 1 and "HH:MM" in err
