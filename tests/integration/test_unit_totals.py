"""The real totals, from `hoctap units import` to what a chair reads: households and clans per
village ("Số hộ", "Số dòng họ") and villages per commune ("Số thôn") imported, re-imported,
refused when unreadable, and every share of the digest taken of them. On SQLite, and on
PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from openpyxl import Workbook
from sqlalchemy import select, update

from storage.db import Database
from storage.tables import AssessmentRow, CommuneRow, VillageRow
from storage.uow import UnitOfWork
from tests.integration.conftest import Cli
from tests.integration.test_reports_fixtures import add_assessment


def _run(url: str, work: Callable[[Any], Any]) -> Any:
    async def go() -> Any:
        db = Database(url)
        try:
            async with db.session() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(go())


def _totals(url: str) -> tuple[dict[str, tuple[int | None, int | None]], int | None]:
    async def work(session: Any) -> Any:
        villages = {
            v.name: (v.households_total, v.clans_total)
            for v in await session.scalars(select(VillageRow).order_by(VillageRow.id))
        }
        commune = (await session.scalars(select(CommuneRow))).one()
        return villages, commune.villages_total

    return _run(url, work)  # type: ignore[no-any-return]


def _households(url: str) -> None:
    """Two households registered in Thôn Hoàng Trù, one of them recognised this year."""

    async def work(session: Any) -> None:
        now = datetime.now(UTC)
        uow = UnitOfWork(session, now)
        village = (
            await session.scalars(select(VillageRow).where(VillageRow.name == "Thôn Hoàng Trù"))
        ).one()
        chair = await uow.people.add("Trần Văn Bình", "chair", commune_id=village.commune_id)
        first = await uow.households.add(village.id, "Nguyễn Văn Một")
        await uow.households.add(village.id, "Trần Thị Hai")
        row = await add_assessment(
            session,
            title="household",
            subject_id=first.id,
            commune_id=village.commune_id,
            village_id=village.id,
            status="recognised",
            passed=True,
            actor=chair.id,
            submitted=30,
            verified=20,
            recognised=10,
        )
        # The fixture writes 2026 assessments; the command line reads the current year.
        await session.execute(
            update(AssessmentRow).where(AssessmentRow.id == row).values(year=now.year)
        )

    _run(url, work)


def test_imported_totals_are_what_the_digest_divides_by(
    cli: Cli, database_url: str, tmp_path: Path
) -> None:
    first = tmp_path / "units.csv"
    first.write_text(
        "Tỉnh,Xã,Thôn,Số hộ,Số dòng họ,Số thôn\n"
        "Nghệ An,Xã Kim Liên,Thôn Hoàng Trù,150,4,3\n"
        "Nghệ An,Xã Kim Liên,Thôn Sen 1,1.200,3,3\n"
        "Nghệ An,Xã Kim Liên,Thôn Sen 2,,,\n",
        encoding="utf-8",
    )
    code, out, err = cli("units", "import", str(first))
    assert (code, err) == (0, ""), err
    assert "villages: 3 created" in out
    villages, villages_total = _totals(database_url)
    assert villages == {
        "Thôn Hoàng Trù": (150, 4),
        "Thôn Sen 1": (1200, 3),
        "Thôn Sen 2": (None, None),
    }
    assert villages_total == 3

    _households(database_url)
    assert cli("targets", "defaults", "--commune", "Kim Liên")[0] == 0
    code, out, _ = cli("digest", "show", "--commune", "Kim Liên", "--period", "year")
    assert code == 0
    lines = out.splitlines()
    # Thôn Sen 2 has no number yet: said so, its households as a count; no commune share.
    assert "Tỷ lệ công nhận của xã: chưa tính được" in lines
    assert "• Chưa có số hộ của Thôn Sen 2: 0 hộ đăng ký trên bot" in lines
    assert "Tổng số hộ của xã" not in out
    # The villages that have one are measured against it: 1 of 150 households, not 1 of 2.
    assert "• Thôn Hoàng Trù: 1/150 hộ, 0,7%" in lines
    assert "• Thôn Sen 1: 0/1.200 hộ, 0%" in lines
    assert "50%" not in out
    # Every title against the commune plan's targets: no clan, citizen or unit on the bot
    # yet, each said in a line, and what is missing before a share can be given.
    clans = lines.index("👪 Dòng họ học tập")
    assert lines[clans + 1 : clans + 5] == [
        "Chưa có dòng họ nào đăng ký.",
        "Tỷ lệ công nhận: chưa tính được",
        "Chưa có số dòng họ của Thôn Sen 2.",
        "Mục tiêu 2030: 75%, chưa tính được số còn thiếu",
    ]
    assert "Tỷ lệ công nhận: 0/3 thôn, 0%" in lines
    assert "Chưa có danh sách đơn vị, vui lòng nhờ quản trị viên nhập." in lines

    # Re-importing (an XLSX with the English headers) updates the totals; blanks keep them.
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in (
        ["province", "commune", "village", "households", "clans", "villages"],
        ["Nghệ An", "Xã Kim Liên", "Thôn Hoàng Trù", 160, None, None],
        ["Nghệ An", "Xã Kim Liên", "Thôn Sen 2", 240.0, 2, 3],
        ["Nghệ An", "Xã Kim Liên", "Thôn Sen 1", None, None, None],
    ):
        ws.append(row)
    second = tmp_path / "units.xlsx"
    wb.save(second)
    code, out, err = cli("units", "import", str(second))
    assert (code, err) == (0, ""), err
    assert "villages: 0 created, 2 updated" in out and "communes: 0 created, 0 updated" in out
    villages, _ = _totals(database_url)
    assert villages == {
        "Thôn Hoàng Trù": (160, 4),
        "Thôn Sen 1": (1200, 3),
        "Thôn Sen 2": (240, 2),
    }
    code, out, _ = cli("digest", "show", "--commune", "Kim Liên", "--period", "year")
    lines = out.splitlines()
    assert "Tổng số hộ của xã: 1.600" in lines
    assert "Tỷ lệ công nhận: 1/1.600 hộ, 0,1%" in lines
    # Registration progress: households registered in the bot of all of them.
    assert "Tỷ lệ đăng ký trên bot: 2/1.600 hộ, 0,1%" in lines
    assert "Tỷ lệ công nhận: 0/9 dòng họ, 0%" in lines
    # Households and clans are all known now (citizens and units wait for their own data).
    assert not any("chưa tính được" in line for line in lines[: lines.index("🏘️ Cộng đồng học tập")])

    # The same file again changes nothing.
    code, out, _ = cli("units", "import", str(second))
    assert "villages: 0 created, 0 updated" in out


def test_unreadable_totals_are_refused_by_line(cli: Cli, database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "units.csv"
    file.write_text(
        "Tỉnh,Xã,Thôn,Tổng số hộ,Số dòng họ,Số thôn\n"
        "Nghệ An,Kim Liên,Thôn A,khoảng 200,,\n"
        "Nghệ An,Kim Liên,Thôn B,0,,\n"
        "Nghệ An,Kim Liên,,150,,\n"
        "Nghệ An,Kim Liên,Thôn C,120,2,4\n"
        "Nghệ An,Kim Liên,Thôn D,130,-1,5\n"
        "Nghệ An,Kim Liên,Thôn E,110,1,\n",
        encoding="utf-8",
    )
    code, out, err = cli("units", "import", str(file))
    assert code == 1
    errors = err.splitlines()
    assert f"{file}: line 2: households “khoảng 200” is not a whole number" in errors
    assert (
        f"{file}: line 3: households is 0: leave it blank while the number is not known" in errors
    )
    assert f"{file}: line 4: households is given but the village is empty" in errors
    assert any(e.startswith(f"{file}: line 6: clans “-1” is not a whole number") for e in errors)
    # The good rows are imported.
    assert "villages: 2 created" in out
    villages, villages_total = _totals(database_url)
    assert villages == {"Thôn C": (120, 2), "Thôn E": (110, 1)}
    assert villages_total == 4

    contradiction = tmp_path / "b.csv"
    contradiction.write_text(
        "province,commune,village,villages\nNghệ An,Kim Liên,Thôn C,4\nNghệ An,Kim Liên,Thôn F,5\n"
    )
    code, _, err = cli("units", "import", str(contradiction))
    assert code == 1
    assert f"{contradiction}: line 3: villages contradicts line 2 for the same commune" in err


async def test_the_demo_commune_has_realistic_totals(db: Database) -> None:
    from bot.demo import ensure_demo
    from bot.reports.periods import on_demand

    demo = await ensure_demo(db)
    now = datetime.now(UTC)
    async with db.unit_of_work(now) as uow:
        start = on_demand("year", now, UTC)
        progress = await uow.progress.commune(demo.commune_id, now.year, start.start, start.end)
    # A few hundred households per village; every share of the demo digest is taken of them.
    assert [v.households_total for v in progress.villages] == [312, 268, 245]
    assert progress.total("household") == 825
    assert progress.total("clan") == 22
    assert progress.total("village") == 3
    # Running it again keeps them.
    await ensure_demo(db)
    async with db.unit_of_work(now) as uow:
        again = await uow.progress.commune(demo.commune_id, now.year, start.start, start.end)
    assert again.total("household") == 825
