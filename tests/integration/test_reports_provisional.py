"""The commune's files say when a list was scored with provisional criteria: which pack and
version, which indicators, and whether the pass mark too; assessments of an earlier pack
version are still listed with their own version."""

from __future__ import annotations

import csv
import io

from openpyxl import load_workbook
from openpyxl.cell.cell import Cell
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy import update

from bot.bootstrap import App
from storage.tables import AssessmentRow
from tests.integration.test_reports_fixtures import Seeded, seed


async def _rescore_one_with_the_corrected_pack(app: App, seeded: Seeded) -> None:
    """Phạm Thị Bốn's form was filled in with gdht-448@2015.2; the others kept 2015.1."""
    async with app.db.session() as session:
        await session.execute(
            update(AssessmentRow)
            .where(AssessmentRow.id == seeded.assessment_ids["h4"])
            .values(pack_version="2015.2")
        )


def _note(ws: Worksheet) -> Cell:
    """The note above the list (the cell that begins "Lưu ý" or "Note")."""
    return next(
        c
        for row in ws.iter_rows()
        for c in row
        if isinstance(c.value, str) and c.value.startswith(("Lưu ý", "Note"))
    )


async def test_the_workbook_notes_provisional_packs_above_each_list(app: App) -> None:
    seeded = await seed(app.db)
    await _rescore_one_with_the_corrected_pack(app, seeded)
    file = await app.reports.export_xlsx(seeded.commune_id, 2026)
    wb = load_workbook(io.BytesIO(file.data))

    households = wb["Gia đình học tập"]
    note = _note(households)
    # The earlier version had no flag on its pass rule; the corrected one has. The pack is
    # named in words, never by its file id.
    assert note.value == (
        "Lưu ý: bộ tiêu chí “Gia đình học tập”, phiên bản 2015.1, có chỉ số "
        "1.1, 1.2, 2.2, 2.3, 3.1, 3.2, 3.3, 4.1, 4.2 còn tạm thời, chưa đối chiếu với văn bản gốc. "
        "Lưu ý: bộ tiêu chí “Gia đình học tập”, phiên bản 2015.2, có chỉ số "
        "1.1, 1.2, 2.2, 2.3, 3.1, 3.2, 3.3, 4.1, 4.2 và mức điểm để đạt còn tạm thời, "
        "chưa đối chiếu với văn bản gốc."
    )
    assert note.font.i
    assert (
        "Chấm theo bộ tiêu chí “Gia đình học tập”, phiên bản 2015.1; "
        "“Gia đình học tập”, phiên bản 2015.2."
    ) in [c.value for row in households.iter_rows() for c in row]
    points = wb["Gia đình học tập – điểm"]
    top = next(r[0].row for r in points.iter_rows() if r[0].value == "STT")
    header = [c.value for c in points[top]]
    versions = {
        r[1]: r[header.index("Phiên bản")]
        for r in points.iter_rows(min_row=top + 1, values_only=True)
        if r[1] and r[0]
    }
    assert versions["Phạm Thị Bốn"] == "2015.2" and versions["Trần Thị Hai"] == "2015.1"

    assert _note(wb["Dòng họ học tập"]).value == (
        "Lưu ý: bộ tiêu chí “Dòng họ học tập”, phiên bản 2022.1, có chỉ số "
        "1.1, 1.2, 2.1, 2.2, 2.3, 3.1, 3.2, 3.3 và mức điểm để đạt còn tạm thời, "
        "chưa đối chiếu với văn bản gốc."
    )


async def test_each_csv_row_says_what_of_its_pack_is_provisional(app: App) -> None:
    seeded = await seed(app.db)
    await _rescore_one_with_the_corrected_pack(app, seeded)
    out = io.StringIO()
    await app.reports.export_csv(seeded.commune_id, 2026, out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0][-3:] == ["Bộ tiêu chí", "Phiên bản", "Ghi chú"]
    by_name = {r[4]: r for r in rows[1:]}
    assert by_name["Phạm Thị Bốn"][-2:] == [
        "2015.2",
        "Chỉ số và mức điểm để đạt còn tạm thời",
    ]
    assert by_name["Trần Thị Hai"][-2:] == ["2015.1", "Có chỉ số còn tạm thời"]
    assert by_name["Họ Nguyễn"][-1] == "Chỉ số và mức điểm để đạt còn tạm thời"


async def test_the_english_note_names_the_pass_mark_too(app: App) -> None:
    seeded = await seed(app.db)
    await _rescore_one_with_the_corrected_pack(app, seeded)
    file = await app.reports.export_xlsx(seeded.commune_id, 2026, lang="en")
    note = _note(load_workbook(io.BytesIO(file.data)).worksheets[0]).value
    assert (
        "Note: in the criteria pack “Learning Family”, version 2015.2, indicators "
        "1.1, 1.2, 2.2, 2.3, 3.1, 3.2, 3.3, 4.1, 4.2 and the pass mark are provisional"
    ) in note
