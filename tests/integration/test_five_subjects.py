"""Issue 15 through the real service and database (SQLite, and PostgreSQL when
TEST_DATABASE_URL is set): units imported from a spreadsheet, invites printed for them, the
demo's example of every subject reached from the terminal chat, a unit and its staff member
from invite to recognised, and /xoa of a household taking its adults' data with it."""

from __future__ import annotations

import re
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import select

from bot.bootstrap import App, build_app
from bot.demo import DEMO_UNIT, ensure_demo
from bot.packs import PackLibrary
from bot.settings import PROJECT_ROOT, Settings
from storage.tables import AssessmentRow, CitizenRow, LearningUnitRow
from tests.conftest import FakeClock
from tests.integration.conftest import Cli
from tests.support.answers import FULL_ANSWERS
from tests.support.chat import Chat
from tests.support.forms import fill_in
from tests.support.scan import find_anywhere

PACKS = PackLibrary.from_directory(PROJECT_ROOT / "packs")


def test_units_are_imported_from_a_units_sheet_or_a_unit_column(
    cli: Cli, tmp_path: Path, database_url: str
) -> None:
    book = Workbook()
    places = book.active
    assert places is not None
    places.append(["Tỉnh", "Xã", "Thôn", "Số hộ", "Đơn vị", "Số cán bộ"])
    places.append(["Tỉnh Nghệ An", "Xã Kim Liên", "Thôn Sen 1", 268, None, None])
    places.append(["Tỉnh Nghệ An", "Xã Kim Liên", None, None, "UBND xã Kim Liên", 25])
    units = book.create_sheet("Đơn vị")
    units.append(["Tỉnh", "Xã", "Tên đơn vị", "Loại", "Số cán bộ"])
    units.append(["Tỉnh Nghệ An", "Xã Kim Liên", "Trường Tiểu học Kim Liên", "", "32"])
    units.append(["Tỉnh Nghệ An", "Xã Kim Liên", "Trạm Y tế xã Kim Liên", "trạm y tế", None])
    units.append(["Tỉnh Nghệ An", "Xã Kim Liên", "Công ty May Nam Đàn", "nha may", 120])
    path = tmp_path / "units.xlsx"
    book.save(path)

    code, out, err = cli("units", "import", str(path))
    assert code == 1  # one bad row, reported by its sheet and line; the others imported
    assert "units: 3 created" in out
    assert "sheet “Đơn vị”" in err and "line 4" in err and "nha may" in err

    # A re-import (a CSV with a unit column) updates the staff count, by the name typed
    # without diacritics, and the invite for the school's head is printed with a QR code.
    csv = tmp_path / "units.csv"
    csv.write_text(
        "province,commune,unit,kind,staff\nNghe An,Kim Lien,Truong Tieu hoc Kim Lien,school,35\n"
    )
    code, out, _ = cli("units", "import", str(csv))
    assert code == 0 and "units: 0 created, 1 updated" in out
    code, out, err = cli(
        "invite", "create", "--role", "unit_head", "--commune", "Kim Liên",
        "--unit", "truong tieu hoc kim lien", "--no-qr",
    )  # fmt: skip
    assert code == 0 and "unit_head invite: " in out and "?start=" in out, err

    async def stored(session: object) -> list[tuple[str, str, int | None]]:
        rows = await session.scalars(select(LearningUnitRow).order_by(LearningUnitRow.id))  # type: ignore[attr-defined]
        return [(u.name, u.kind, u.staff_total) for u in rows]

    from tests.integration.test_unit_totals import _run

    assert _run(database_url, stored) == [
        ("UBND xã Kim Liên", "committee", 25),
        ("Trường Tiểu học Kim Liên", "school", 35),
        ("Trạm Y tế xã Kim Liên", "health", None),
    ]


def _code(text: str) -> str:
    match = re.search(r": ([A-Z2-9]{8})\b", text)
    assert match, text
    return match.group(1)


async def _recognise(chair: Chat, number: str) -> str:
    await chair.say("/start")
    await chair.choose("Đề nghị công nhận")
    if "tất cả" in chair.seen[-1]:
        await chair.choose("tất cả")
    else:
        await chair.choose("—")
        await chair.choose("Đề nghị")
    await chair.say("/start")
    await chair.choose("Ghi quyết định")
    await chair.say(number)
    return await chair.say("hôm nay")


async def test_the_demo_unit_and_its_staff_from_invites_to_recognised(app: App) -> None:
    demo = await ensure_demo(app.db)
    codes = {role: invite.code for role, invite in demo.invites.items()}
    # The terminal chat (the demo collaborator) offers the village's own form too.
    menu = await Chat(app, "local").say("/start")
    assert "Đánh giá “Cộng đồng học tập” của thôn" in menu

    chair = Chat(app, "chair")
    await chair.say(f"/start {codes['chair']}")
    await chair.say("Trần Văn Bình")
    await chair.say("bỏ qua")
    head = Chat(app, "head")
    welcome = await head.say(codes["unit_head"])
    assert "thủ trưởng đơn vị ở Trường Tiểu học Kim Liên, xã Kim Liên" in welcome
    await head.say("Lê Thị Mai")
    form = await head.choose("Tự đánh giá") if "Tự đánh giá" in await head.say("bỏ qua") else ""
    result = await fill_in(head.say, PACKS.current("unit"), form)
    assert "xếp loại" in result and "chờ Hội Khuyến học xã xác nhận" in result

    teacher = Chat(app, "teacher")
    await teacher.say(codes["citizen"])
    await teacher.choose("Đồng ý")
    assert "sinh năm nào" in await teacher.say("Phạm Thị Thu")
    started = await teacher.say("1986")
    result = await fill_in(teacher.say, PACKS.current("citizen"), started)
    assert "chờ thủ trưởng đơn vị xác nhận" in result

    await head.say("/start")
    await head.choose("Phiếu chờ xác nhận (1)")
    await head.choose("Phạm Thị Thu")
    await head.choose("Xác nhận")
    await chair.say("/start")
    await chair.choose("Phiếu chờ xác nhận (1)")
    await chair.choose(DEMO_UNIT[0])
    await chair.choose("Xác nhận")
    assert "cho 2 phiếu" in await _recognise(chair, "21/QĐ-UBND")
    assert "Xem kết quả (Đã được công nhận)" in await head.say("/start")
    assert "Xem kết quả (Đã được công nhận)" in await teacher.say("/start")

    async with app.db.session() as session:
        rows = (await session.scalars(select(AssessmentRow).order_by(AssessmentRow.id))).all()
        assert [(r.title, r.status, r.decision_number) for r in rows] == [
            ("unit", "recognised", "21/QĐ-UBND"),
            ("citizen", "recognised", "21/QĐ-UBND"),
        ]
        [teacher_row] = (
            await session.scalars(select(CitizenRow).where(CitizenRow.name == "Phạm Thị Thu"))
        ).all()
        assert (teacher_row.unit_id, teacher_row.birth_year) == (demo.unit_id, 1986)
        # The unit's form counted its staff holding "Công dân học tập" when it was filled.
        assert rows[0].answers["unit_staff"] == DEMO_UNIT[2]
        assert rows[1].unit_id == demo.unit_id


async def test_deleting_a_household_deletes_its_adults_data_everywhere(app: App) -> None:
    demo = await ensure_demo(app.db)
    app.service.push_channels = frozenset({"console"})  # notices go through the outbox
    household = Chat(app, "hh")
    await household.say(demo.invites["household"].code)
    await household.choose("Đồng ý")
    await household.say("Trần Thị Hoa")
    await household.choose("Đúng")
    for answer in FULL_ANSWERS:
        await household.say(answer)
    await household.say("gửi")
    await household.say("/start")
    await household.choose("Mời người lớn")
    member = Chat(app, "member")
    await member.say(_code(await household.say("Lê Văn Nam")))
    assert "sinh năm nào" in await member.choose("Đồng ý")
    result = await fill_in(member.say, PACKS.current("citizen"), await member.say("1968"))
    assert "chờ cộng tác viên xác nhận" in result
    collaborator = Chat(app, "local")
    await collaborator.say("/start")
    await collaborator.choose("Phiếu chờ xác nhận (2)")
    await collaborator.choose("Lê Văn Nam")
    await collaborator.choose("Trả lại")
    await collaborator.say("Anh Lê Văn Nam bổ sung ảnh chứng nhận")
    await collaborator.say("/start")
    await collaborator.choose("Phiếu chờ xác nhận")  # the list naming the household
    # The adult's year of birth is among what the deletion removes.
    secrets = ["Trần Thị Hoa", "Lê Văn Nam", "1968"]
    assert {table for table, _, _ in await find_anywhere(app.db, secrets)} >= {
        "citizens",
        "people",
        "assessments",
        "assessment_log",
        "outbox",
        "chat_states",
    }

    await household.say("/xoa")
    assert "đã xóa dữ liệu" in await household.choose("Xóa dữ liệu")
    assert await find_anywhere(app.db, secrets) == []
    # The adult's account is closed with the household's.
    assert "chưa được mời" in await member.say("/start")
    async with app.db.session() as session:
        [citizen] = (await session.scalars(select(CitizenRow))).all()
        assert citizen.deleted_at is not None and citizen.household_id is not None
        assert citizen.birth_year is None


async def test_a_person_deletes_their_own_data(
    database_url: str, clock: FakeClock, tmp_path: Path
) -> None:
    app = build_app(Settings(database_url=database_url, _env_file=None), clock=clock)
    try:
        demo = await ensure_demo(app.db)
        teacher = Chat(app, "teacher")
        await teacher.say(demo.invites["citizen"].code)
        await teacher.choose("Đồng ý")
        await teacher.say("Phạm Thị Thu")
        await teacher.say("1977")
        data = await teacher.say("/dulieu")
        assert "Phạm Thị Thu" in data and DEMO_UNIT[0] in data and "Năm sinh: 1977" in data
        assert await find_anywhere(app.db, ["1977"]) == [("citizens", "birth_year", "1977")]
        await teacher.say("/xoa")
        assert "đã xóa dữ liệu" in await teacher.choose("Xóa dữ liệu")
        assert await find_anywhere(app.db, ["Phạm Thị Thu", "1977"]) == []
    finally:
        await app.close()
