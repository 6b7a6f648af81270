"""The files for the paperwork, opened and checked cell by cell: the assessment workbook, the
yearly summary, CSV for a commune and (streamed) for a province; and the command line."""

from __future__ import annotations

import asyncio
import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from bot.bootstrap import App
from bot.reports import report_callback, report_command
from bot.reports.exports import ExportContext
from bot.reports.summary import due_line
from storage.db import Database
from tests.conftest import FakeClock
from tests.integration.conftest import Cli
from tests.integration.test_reports_fixtures import Seeded, seed


def _rows(ws: Worksheet, first: int = 5) -> list[tuple[object, ...]]:
    return [r for r in ws.iter_rows(min_row=first, values_only=True) if any(r)]


def _no_pack(pack_id: str, version: str) -> None:
    return None


def _header_row(ws: Worksheet) -> int:
    """The table's header row: the first whose first cell says "STT"."""
    return next(r[0].row for r in ws.iter_rows() if r[0].value == "STT")


def _table(ws: Worksheet) -> tuple[list[object], list[tuple[object, ...]]]:
    """The header and the rows of a printed table (up to the blank row before signatures)."""
    top = _header_row(ws)
    rows: list[tuple[object, ...]] = []
    for row in ws.iter_rows(min_row=top + 1, values_only=True):
        if not any(v is not None for v in row):
            break
        rows.append(row)
    return [c.value for c in ws[top]], rows


def _texts(ws: Worksheet) -> list[str]:
    return [str(c.value) for row in ws.iter_rows() for c in row if c.value is not None]


def _printed_size(ws: Worksheet) -> float:
    """The smallest font as it comes out on paper: its size times the scale "fit to one page
    wide" prints at (a column of Excel width w is (7w + 5) pixels at 96 dpi; A4 landscape is
    11.69 inches less the margins)."""
    last = max(c.column for row in ws.iter_rows() for c in row if c.value is not None)
    inches = sum(
        (ws.column_dimensions[get_column_letter(i)].width * 7 + 5) / 96 for i in range(1, last + 1)
    )
    printable = 11.69 - ws.page_margins.left - ws.page_margins.right
    scale = min(1.0, printable / inches)
    sizes = [c.font.sz for row in ws.iter_rows() for c in row if c.value is not None]
    return min(sizes) * scale


def _assert_printable(ws: Worksheet) -> None:
    """A4 landscape, one page wide, the header row repeated, Times New Roman ≥ 10 pt on paper."""
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.paperSize == 9  # A4
    assert ws.page_setup.fitToWidth == 1 and ws.page_setup.fitToHeight == 0
    assert ws.sheet_properties.pageSetUpPr.fitToPage
    top = _header_row(ws)
    assert ws.print_title_rows == f"${top}:${top}"  # repeated on every page
    assert ws.page_margins.left >= 0.7 and ws.page_margins.top >= 0.7
    fonts = {c.font.name for row in ws.iter_rows() for c in row if c.value is not None}
    assert fonts == {"Times New Roman"}
    assert _printed_size(ws) >= 10


def _assert_heading(ws: Worksheet, number: str) -> None:
    """The administrative heading (Nghị định 30/2020) and the signature blocks."""
    assert ws["A1"].value == "HỘI KHUYẾN HỌC XÃ KIM LIÊN" and ws["A1"].font.b
    assert ws["A3"].value == number
    right = next(c for c in ws[1][1:] if c.value)
    assert right.value == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and right.font.b
    motto = ws.cell(2, right.column)
    assert motto.value == "Độc lập - Tự do - Hạnh phúc" and motto.font.u == "single"
    assert ws.cell(3, right.column).value == "Kim Liên, ngày 22 tháng 11 năm 2026"
    # Below the table: "Nơi nhận:" on the left, the signature block on the right.
    texts = _texts(ws)
    assert texts.index("Nơi nhận:") > texts.index("STT")
    signing = next(c for row in ws.iter_rows() for c in row if c.value == "(Ký, ghi rõ họ tên)")
    assert signing.column == right.column and signing.font.i
    assert ws.cell(signing.row - 1, right.column).value == "CHỦ TỊCH"
    assert ws.cell(signing.row - 2, right.column).value == "TM. BAN CHẤP HÀNH"
    left = next(c for row in ws.iter_rows() for c in row if c.value == "Nơi nhận:")
    assert left.column == 1 and left.row == signing.row - 2


async def test_assessment_workbook(app: App) -> None:
    seeded = await seed(app.db)
    file = await app.reports.export_xlsx(seeded.commune_id, 2026)
    assert file.filename == "danh-sach-kim-lien-2026.xlsx"
    wb = load_workbook(io.BytesIO(file.data))
    # The lists a person prints first, then the points of each title for the record.
    assert wb.sheetnames == [
        "Gia đình học tập",
        "Dòng họ học tập",
        "Đề nghị công nhận",
        "Tổng hợp theo thôn",
        "Gia đình học tập – điểm",
        "Dòng họ học tập – điểm",
    ]
    for ws in wb.worksheets:
        _assert_printable(ws)
        _assert_heading(ws, "Số: …/DS-HKH")
        # No pack file ids anywhere: the pack is named in words.
        assert not any("gdht-" in t or "dhht-" in t for t in _texts(ws)), ws.title

    ws = wb["Gia đình học tập"]
    assert ws["A4"].value == "DANH SÁCH ĐÁNH GIÁ “GIA ĐÌNH HỌC TẬP” NĂM 2026"
    texts = _texts(ws)
    assert "Chấm theo bộ tiêu chí “Gia đình học tập”, phiên bản 2015.1." in texts
    header, rows = _table(ws)
    assert header == ["STT", "Họ và tên chủ hộ", "Thôn", "Tổng điểm", "Kết quả", "Ghi chú"]
    assert ws.freeze_panes == f"C{_header_row(ws) + 1}"  # header and names stay on screen
    # Assessed households only (no drafts, no deleted or merged households), village by village.
    assert len(rows) == 13
    assert rows[0][:3] == (1, "Nguyễn Văn Một", "Thôn Hoàng Trù")
    by_name = {r[1]: r for r in rows}
    assert by_name["Phạm Thị Bốn"][3:] == (85.5, "Đạt", "Đề nghị công nhận; điểm tạm tính")
    assert by_name["Trần Thị Hai"][5] == (
        "Đã công nhận; QĐ số 15/QĐ-UBND ngày 19/11/2026; điểm tạm tính"
    )
    assert by_name["Vũ Thị Bảy"][4:] == ("Chưa đạt", "Chờ xác nhận; điểm tạm tính")
    assert "Hộ Đã Xóa" not in by_name and "Đặng Văn Tám" not in by_name

    header, clans = _table(wb["Dòng họ học tập"])
    assert header == ["STT", "Tên dòng họ", "Trưởng họ", "Thôn", "Tổng điểm", "Kết quả", "Ghi chú"]
    assert clans[0][:6] == (1, "Họ Nguyễn", "Nguyễn Văn Tộc", "Thôn Hoàng Trù", 85, "Đạt")

    # The points, for the record: every criterion, who verified and when, the decision, and
    # the pack in words with its version.
    points = wb["Gia đình học tập – điểm"]
    assert points["A4"].value == "BẢNG ĐIỂM CHI TIẾT “GIA ĐÌNH HỌC TẬP” NĂM 2026"
    header, rows = _table(points)
    assert header == [
        "STT",
        "Họ và tên chủ hộ",
        "Thôn",
        "Tiêu chí 1: Học tập của trẻ em trong gia đình (30 điểm)",
        "Tiêu chí 2: Học tập của người lớn trong gia đình (30 điểm)",
        "Tiêu chí 3: Điều kiện học tập của gia đình (20 điểm)",
        "Tiêu chí 4: Tác động, hiệu quả học tập của các thành viên trong gia đình (20 điểm)",
        "Tổng điểm",
        "Người xác nhận",
        "Ngày xác nhận",
        "Số quyết định",
        "Ngày quyết định",
        "Bộ tiêu chí",
        "Phiên bản",
    ]
    by_name = {r[1]: r for r in rows}
    assert by_name["Phạm Thị Bốn"][3:8] == (30, 25, 20, 10.5, 85.5)
    assert by_name["Trần Thị Hai"][8:] == (
        "Nguyễn Thị Lan",
        datetime(2026, 10, 3),
        "15/QĐ-UBND",
        datetime(2026, 11, 19),
        "Gia đình học tập",
        "2015.1",
    )
    # Dates are real dates shown the Vietnamese way.
    row_of_hai = _header_row(points) + 1 + [r[1] for r in rows].index("Trần Thị Hai")
    assert points.cell(row_of_hai, 10).number_format == "dd/mm/yyyy"
    assert points[f"D{_header_row(points)}"].alignment.wrap_text

    # The list proposed for recognition, in filing order: households by village, then by
    # given name (Ba, Bốn, Hai, Một), then clans; the title column names the title.
    header, proposed = _table(wb["Đề nghị công nhận"])
    assert header[2] == "Danh hiệu"
    assert [(r[0], r[1], r[2], r[3]) for r in proposed] == [
        (1, "Lê Văn Ba", "Gia đình học tập", "Thôn Hoàng Trù"),
        (2, "Phạm Thị Bốn", "Gia đình học tập", "Thôn Hoàng Trù"),
        (3, "Trần Thị Hai", "Gia đình học tập", "Thôn Hoàng Trù"),
        (4, "Nguyễn Văn Một", "Gia đình học tập", "Thôn Hoàng Trù"),
        (5, "Bùi Thị Chín", "Gia đình học tập", "Thôn Sen 1"),
        (6, "Ngô Văn Mười", "Gia đình học tập", "Thôn Sen 1"),
        (7, "Họ Nguyễn", "Dòng họ học tập", "Thôn Hoàng Trù"),
    ]

    villages = wb["Tổng hợp theo thôn"]
    # Every share beside the total it is taken of (all the village's households, imported),
    # registration in the bot a figure of its own; only the current period's target (2030).
    header, summary = _table(villages)
    assert header == [
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
    assert summary[0][:4] == (1, "Thôn Hoàng Trù", 30, 8)
    assert summary[0][4] == pytest.approx(8 / 30)
    # 3 of 30 households recognised: 10%; 80% is 24, so 21 still needed.
    assert summary[0][5:] == (7, 6, 5, 3, 0.1, 0.8, 21)
    assert summary[3] == (4, "Thôn Mới", 10, 0, 0, 0, 0, 0, 0, 0, 0.8, 8)
    assert summary[4] == (None, "Toàn xã", 80, 16, 0.2, 13, 10, 7, 5, 0.0625, 0.8, 59)
    first = _header_row(villages) + 1
    assert villages[f"J{first}"].number_format == "0.0%"  # 10% on a Vietnamese Excel
    assert villages[f"E{first}"].number_format == "0.0%"
    assert villages[f"C{first}"].number_format == "#,##0"
    assert villages[f"B{first + 4}"].font.b


async def test_the_lists_carry_the_communes_own_heading(app: App) -> None:
    """What the commune set for its papers (bot/papers/settings.py) is what prints."""
    seeded = await seed(app.db)
    async with app.db.unit_of_work(app.reports.now()) as uow:
        await uow.papers.set_settings(
            seeded.commune_id,
            {"parent_body": "HỘI KHUYẾN HỌC TỈNH NGHỆ AN", "chair_name": "Trần Văn Bình"},
        )
    file = await app.reports.export_xlsx(seeded.commune_id, 2026)
    ws = load_workbook(io.BytesIO(file.data))["Gia đình học tập"]
    assert ws["A1"].value == "HỘI KHUYẾN HỌC TỈNH NGHỆ AN"
    assert ws["A2"].value == "HỘI KHUYẾN HỌC XÃ KIM LIÊN" and ws["A2"].font.b
    assert "Trần Văn Bình" in _texts(ws)[-3:]


async def test_yearly_summary_workbook(app: App, clock: FakeClock) -> None:
    seeded = await seed(app.db)
    reports = app.reports
    clock.advance(days=8)  # 30/11/2026: the summary was due before 15/11
    file = await reports.summary_xlsx(seeded.commune_id, 2026)
    ws = load_workbook(io.BytesIO(file.data)).active
    assert ws.title == "Báo cáo năm"
    _assert_printable(ws)
    assert ws["A1"].value == "HỘI KHUYẾN HỌC XÃ KIM LIÊN"
    assert ws["A3"].value == "Số: …/BC-HKH"
    assert ws["A4"].value == "BÁO CÁO KẾT QUẢ XÂY DỰNG CÁC MÔ HÌNH HỌC TẬP NĂM 2026"
    texts = _texts(ws)
    assert "Kim Liên, ngày 30 tháng 11 năm 2026" in texts
    overdue = next(c for row in ws.iter_rows() for c in row if c.value and "quá hạn" in c.value)
    assert overdue.value == "Đã quá hạn 15 ngày (hạn gửi: trước ngày 15/11/2026)."
    assert overdue.font.color.rgb.endswith("C00000")  # in red, under the title
    assert "Nơi nhận:" in texts and "(Ký, ghi rõ họ tên)" in texts and "CHỦ TỊCH" in texts

    header, rows = _table(ws)
    assert header[:4] == ["STT", "Danh hiệu", "Tổng số", "Đăng ký trên bot"]
    titles = {r[1]: r for r in rows}
    # Every title (each share of it: Công dân học tập has two), in report order.
    assert list(titles) == [
        "Gia đình học tập (hộ)",
        "Dòng họ học tập (dòng họ)",
        "Cộng đồng học tập (thôn)",
        "Công dân học tập (người lớn trong các hộ)",
        "Công dân học tập (cán bộ, người lao động)",
        "Đơn vị học tập (đơn vị)",
    ]
    # Total, registered in the bot and its share, the stages, recognised and its share of the
    # total, then the 2030 target (2025's is past) and how many are still needed.
    assert titles["Gia đình học tập (hộ)"][2:] == (80, 16, 0.2, 13, 10, 7, 5, 0.0625, 0.8, 59)
    assert titles["Dòng họ học tập (dòng họ)"][2:] == (8, 2, 0.25, 2, 1, 1, 1, 0.125, 0.75, 5)
    village_title = titles["Cộng đồng học tập (thôn)"]
    assert village_title[2:5] == (4, 4, 1) and village_title[10] == "chưa đặt"
    values = [r for r in ws.iter_rows(values_only=True) if any(v is not None for v in r)]
    assert any(r[1] == "Toàn xã" for r in values)

    # In time, the line says only when it is due.
    early = ExportContext(reports.t, "vi", reports.tz, datetime(2026, 11, 1, tzinfo=UTC), _no_pack)
    assert due_line(early, date(2026, 11, 15)) == "Hạn gửi: trước ngày 15/11/2026."

    # A commune flagged as a difficult area says so; with no targets, "chưa đặt".
    other = await reports.summary_xlsx(seeded.other_commune_id, 2026)
    ws = load_workbook(io.BytesIO(other.data)).active
    assert "Xã thuộc vùng khó khăn: mục tiêu và ngưỡng đạt có thể thấp hơn." in _texts(ws)
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
    # Six shares of the five titles (Công dân học tập has two), then four villages.
    assert await app.reports.summary_csv(seeded.commune_id, 2026, out) == 10
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
    assert [r[1] for r in rows[4:7]] == [
        "Công dân học tập (người lớn trong các hộ)",
        "Công dân học tập (cán bộ, người lao động)",
        "Đơn vị học tập (đơn vị)",
    ]
    assert rows[7][2:6] == ["Thôn Hoàng Trù", "30", "8", "26,7%"] and rows[7][10] == "10%"

    other = io.StringIO()
    await app.reports.summary_csv(seeded.other_commune_id, 2026, other)
    village = list(csv.reader(io.StringIO(other.getvalue())))[7]
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


async def test_province_rollup_workbook(app: App) -> None:
    """One row per commune with its totals against its own targets, the province's sums."""
    seeded = await seed(app.db)
    assert seeded.other_commune_id
    async with app.db.unit_of_work(app.reports.now()) as uow:
        found = await uow.places.find_province("nghe an")
    file = await app.reports.province_xlsx(found[0], 2026)
    assert file.filename == "tong-hop-nghe-an-2026.xlsx"
    wb = load_workbook(io.BytesIO(file.data))
    assert wb.sheetnames == [
        "Gia đình học tập",
        "Dòng họ học tập",
        "Cộng đồng học tập",
        "Công dân học tập (trong hộ)",
        "Công dân học tập (đơn vị)",
        "Đơn vị học tập",
    ]
    ws = wb["Gia đình học tập"]
    _assert_printable(ws)
    assert ws["A1"].value == "HỘI KHUYẾN HỌC TỈNH NGHỆ AN"
    assert "Nghệ An, ngày 22 tháng 11 năm 2026" in _texts(ws)
    assert ws["A4"].value == "TỔNG HỢP KẾT QUẢ “GIA ĐÌNH HỌC TẬP (HỘ)” CÁC XÃ, PHƯỜNG NĂM 2026"
    header, rows = _table(ws)
    assert header[:3] == ["STT", "Xã, phường", "Tổng số"]
    assert header[-2:] == ["Mục tiêu 2030", "Còn thiếu để đạt mục tiêu 2030"]
    assert rows == [
        (1, "Kim Liên", 80, 16, 0.2, 13, 10, 7, 5, 0.0625, 0.8, 59),
        # No totals imported and no targets: said so, and no share.
        (2, "Đồng Văn", "chưa có", 2, None, 1, 1, 1, 1, None, "chưa đặt", None),
        # The province's base is not known while one commune's is not.
        (None, "Toàn tỉnh", "chưa có", 18, None, 14, 11, 8, 6, None, None, None),
    ]
    _, clans = _table(wb["Dòng họ học tập"])
    assert clans[0] == (1, "Kim Liên", 8, 2, 0.25, 2, 1, 1, 1, 0.125, 0.75, 5)


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


def _seed(url: str) -> Seeded:
    async def go() -> Seeded:
        db = Database(url)
        try:
            return await seed(db)
        finally:
            await db.dispose()

    return asyncio.run(go())


def test_cli_exports_reports_and_outbox(cli: Cli, database_url: str, tmp_path: Path) -> None:
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
    rollup = tmp_path / "nghe-an.xlsx"
    code, out, _ = cli(
        "export", "--province", "Nghe An", "--year", "2026", "--output", str(rollup)
    )  # fmt: skip
    assert code == 0 and "communes of Nghệ An, 2026" in out
    rows = _table(load_workbook(rollup)["Gia đình học tập"])[1]
    assert [r[1] for r in rows] == ["Kim Liên", "Đồng Văn", "Toàn tỉnh"]

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


async def test_the_chat_says_when_the_summary_is_overdue(app: App, clock: FakeClock) -> None:
    """Wherever the chat offers the yearly summary (the digest's button, the file's
    caption) it says so once 15/11 has passed; before, only when it is due."""
    seeded = await seed(app.db)
    async with app.db.unit_of_work(app.reports.now()) as uow:
        chair = await uow.people.get(seeded.chair_id)
    assert chair is not None
    clock.advance(days=8)  # 30/11/2026
    digest = await report_command(app.reports, chair, "/baocao", "vi")
    labels = [b.label for row in digest[0].buttons for b in row]
    assert "📄 Báo cáo năm (Excel) – quá hạn" in labels
    [summary] = await report_callback(app.reports, chair, f"x:s:{seeded.commune_id}:2026", "vi")
    assert summary.text == (
        "Dạ, gửi báo cáo tổng hợp năm 2026 của Kim Liên. Báo cáo này đã quá hạn 15 ngày "
        "(hạn gửi: trước ngày 15/11/2026), xin gửi lên cấp trên sớm."
    )
    assert summary.document is not None
    ws = load_workbook(io.BytesIO(summary.document[1])).active
    assert "Đã quá hạn 15 ngày (hạn gửi: trước ngày 15/11/2026)." in _texts(ws)

    clock.now = datetime(2026, 11, 1, 2, 0, tzinfo=UTC)  # in time
    digest = await report_command(app.reports, chair, "/baocao", "vi")
    labels = [b.label for row in digest[0].buttons for b in row]
    assert "📄 Báo cáo năm (Excel)" in labels
    [summary] = await report_callback(app.reports, chair, f"x:s:{seeded.commune_id}:2026", "vi")
    assert "quá hạn" not in summary.text and "trước ngày 15/11/2026" in summary.text
    assert summary.document is not None
    ws = load_workbook(io.BytesIO(summary.document[1])).active
    assert "Hạn gửi: trước ngày 15/11/2026." in _texts(ws)


async def test_the_lists_name_each_person_with_their_year_of_birth(app: App) -> None:
    """A person's ("Công dân học tập") row names them, with the year of birth they joined
    with; a unit's row names the unit."""
    from bot.demo import DEMO_UNIT, ensure_demo
    from bot.demo_examples import EXAMPLE_ADULT, EXAMPLE_ADULT_BORN

    demo = await ensure_demo(app.db, examples=app.service)
    file = await app.reports.export_xlsx(demo.commune_id, 2026)
    wb = load_workbook(io.BytesIO(file.data))
    ws = wb["Công dân học tập"]
    _assert_printable(ws)
    header, rows = _table(ws)
    assert header[:4] == ["STT", "Họ và tên", "Năm sinh", "Thôn"]
    [row] = rows
    assert row[1:4] == (EXAMPLE_ADULT, EXAMPLE_ADULT_BORN, "Thôn Hoàng Trù")
    assert ws.cell(_header_row(ws) + 1, 3).number_format == "0"  # 1988, never "1.988"
    header, rows = _table(wb["Đơn vị học tập"])
    assert "Năm sinh" not in header and [r[1] for r in rows] == [DEMO_UNIT[0]]
