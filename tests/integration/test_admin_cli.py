"""The administrator's command line, run in-process against SQLite (and PostgreSQL when
TEST_DATABASE_URL is set): units import, targets, users."""

from __future__ import annotations

import asyncio
import unicodedata
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from conversations.places import same_place
from storage.db import Database
from storage.tables import CommuneRow, PersonRow, ProvinceRow, TargetRow, VillageRow
from storage.uow import UnitOfWork

T = TypeVar("T")
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)

UNITS_CSV = """\
Tỉnh,Xã,Thôn,Vùng khó khăn
Nghệ An,Xã Kim Liên,Thôn Hoàng Trù,không
Nghe An,Xa Kim Lien,Thôn Sen 1,
Nghệ An,Xã Kim Liên,thôn sen 2,
Hà Giang,Xã Lũng Cú,Thôn Lô Lô Chải,có
"""


def _in_db(url: str, work: Callable[[Any], Awaitable[T]]) -> T:
    """Run `work(session)` in one transaction (the tests themselves are synchronous, like the
    command line they drive)."""

    async def go() -> T:
        db = Database(url)
        try:
            async with db.session() as session:
                return await work(session)
        finally:
            await db.dispose()

    return asyncio.run(go())


def _counts(url: str) -> tuple[int, int, int]:
    async def work(session: Any) -> tuple[int, int, int]:
        return tuple(  # type: ignore[return-value]
            [
                int(await session.scalar(select(func.count()).select_from(table)) or 0)
                for table in (ProvinceRow, CommuneRow, VillageRow)
            ]
        )

    return _in_db(url, work)


def _names(url: str, table: Any) -> list[str]:
    async def work(session: Any) -> list[str]:
        return sorted(await session.scalars(select(table.name)))

    return _in_db(url, work)


def _write_xlsx(path: Path, rows: list[list[Any]]) -> Path:
    wb = Workbook()
    ws = wb.active
    assert ws is not None
    for row in rows:
        ws.append(row)
    wb.save(path)
    return path


# --- units ------------------------------------------------------------------------------------


def test_units_import_twice_is_idempotent(cli: Any, database_url: str, tmp_path: Path) -> None:
    file = tmp_path / "units.csv"
    file.write_text(UNITS_CSV, encoding="utf-8")
    code, out, err = cli("units", "import", str(file))
    assert (code, err) == (0, "")
    assert "provinces: 2 created" in out and "communes: 2 created" in out
    assert "villages: 4 created" in out
    first = _counts(database_url)
    assert first == (2, 2, 4)

    code, out, _ = cli("units", "import", str(file))
    assert code == 0
    assert "provinces: 0 created, 0 updated" in out
    assert "communes: 0 created, 0 updated" in out
    assert "villages: 0 created, 0 updated" in out
    assert _counts(database_url) == first
    # Matched without diacritics and case; stored as first written.
    assert _names(database_url, VillageRow) == [
        "Thôn Hoàng Trù",
        "Thôn Lô Lô Chải",
        "Thôn Sen 1",
        "thôn sen 2",
    ]


def test_bad_rows_are_reported_by_line_and_good_ones_imported(
    cli: Any, database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "units.csv"
    file.write_text(
        "province;commune;village;difficult_area\n"
        "Nghệ An;Xã Kim Liên;Thôn Sen 1;0\n"
        ";Xã Nam Giang;Thôn 1;\n"
        "\n"
        "Nghệ An;;Thôn 2;\n"
        "Nghệ An;Xã Nam Giang;Thôn 3;có lẽ\n"
        "Nghệ An;Xã Kim Liên;Thôn Sen 2;yes\n"
        "Nghệ An;Xã Nam Đàn;;x\n",
        encoding="utf-8",
    )
    code, out, err = cli("units", "import", str(file))
    assert code == 1
    lines = err.splitlines()
    assert f"{file}: line 3: province is empty" in lines
    assert f"{file}: line 5: commune is empty" in lines
    assert any("line 6: difficult_area “có lẽ” is not có/không" in line for line in lines)
    assert any("line 7: difficult_area contradicts line 2" in line for line in lines)
    assert "4 bad row(s)" in out
    # The good rows went in: a commune with a village, and one without any village.
    assert _names(database_url, CommuneRow) == ["Xã Kim Liên", "Xã Nam Đàn"]
    assert _names(database_url, VillageRow) == ["Thôn Sen 1"]


def test_xlsx_import_matches_existing_names_and_normalises_unicode(
    cli: Any, database_url: str, tmp_path: Path
) -> None:
    csv_file = tmp_path / "units.csv"
    csv_file.write_text(UNITS_CSV, encoding="utf-8-sig")  # Excel's "CSV UTF-8" has a BOM
    assert cli("units", "import", str(csv_file))[0] == 0

    decomposed = unicodedata.normalize("NFD", "Thôn Đồng Tâm")
    xlsx = _write_xlsx(
        tmp_path / "units.xlsx",
        [
            ["Province", "Commune", "Village", "Difficult area"],
            ["NGHE AN", "kim lien", "THON HOANG TRU", None],  # already there, typed loosely
            ["Nghệ An", "Xã Kim Liên", decomposed, None],
            ["Hà Giang", "Xã Lũng Cú", "Thôn Séo Lủng", 1],
            ["Hà Giang", None, "Thôn X", None],
        ],
    )
    code, out, err = cli("units", "import", str(xlsx))
    assert code == 1
    assert f"{xlsx}: line 5: commune is empty" in err.splitlines()
    assert "villages: 2 created" in out
    assert "communes: 0 created" in out
    assert f"{xlsx}: line 2: commune “kim lien” taken as Xã Kim Liên" in out.splitlines()
    villages = _names(database_url, VillageRow)
    assert "Thôn Đồng Tâm" in villages  # stored NFC
    assert decomposed not in villages
    assert _counts(database_url) == (2, 2, 6)

    # Running the XLSX again changes nothing.
    code, out, _ = cli("units", "import", str(xlsx))
    assert "villages: 0 created, 0 updated" in out
    assert _counts(database_url) == (2, 2, 6)


def test_difficult_area_flag_and_restored_diacritics(
    cli: Any, database_url: str, tmp_path: Path
) -> None:
    first = tmp_path / "a.csv"
    first.write_text("Tỉnh,Xã,Thôn,Vùng khó khăn (có/không)\nHa Giang,Lung Cu,,x\n")
    assert cli("units", "import", str(first))[0] == 0
    # Blank flag: the commune keeps being a difficult area; the name gains its diacritics.
    second = tmp_path / "b.csv"
    second.write_text("province,commune,village\nHà Giang,Lũng Cú,Thôn Lô Lô Chải\n")
    code, out, _ = cli("units", "import", str(second))
    assert code == 0
    assert "provinces: 0 created, 1 updated" in out and "communes: 0 created, 1 updated" in out

    async def commune(session: Any) -> tuple[str, bool]:
        row = (await session.scalars(select(CommuneRow))).one()
        return row.name, row.difficult_area

    assert _in_db(database_url, commune) == ("Lũng Cú", True)
    third = tmp_path / "c.csv"
    third.write_text("province,commune,difficult_area\nHà Giang,Lũng Cú,không\n")
    code, out, _ = cli("units", "import", str(third))
    assert "communes: 0 created, 1 updated" in out
    assert _in_db(database_url, commune) == ("Lũng Cú", False)


def test_units_file_without_the_needed_columns(cli: Any, tmp_path: Path) -> None:
    file = tmp_path / "units.csv"
    file.write_text("name,village\nKim Liên,Sen 1\n")
    code, _, err = cli("units", "import", str(file))
    assert code == 1
    assert "no province, commune column" in err


# --- targets ----------------------------------------------------------------------------------


async def _two_kim_liens(session: Any) -> None:
    uow = UnitOfWork(session, NOW)
    nghe_an = await uow.places.ensure_province("Nghệ An")
    await uow.places.ensure_commune(nghe_an.id, "Xã Kim Liên", difficult_area=False)
    quang_nam = await uow.places.ensure_province("Quảng Nam")
    await uow.places.ensure_commune(quang_nam.id, "Xã Kim Liên", difficult_area=False)
    ha_giang = await uow.places.ensure_province("Hà Giang")
    await uow.places.ensure_commune(ha_giang.id, "Xã Lũng Cú", difficult_area=True)


def _targets(url: str, commune: str, province: str) -> dict[tuple[int, str], float]:
    async def work(session: Any) -> dict[tuple[int, str], float]:
        rows = await session.execute(
            select(TargetRow.target_year, TargetRow.title, TargetRow.share)
            .join(CommuneRow, CommuneRow.id == TargetRow.commune_id)
            .join(ProvinceRow, ProvinceRow.id == CommuneRow.province_id)
            .where(CommuneRow.name == commune, ProvinceRow.name == province)
        )
        return {(y, t): s for y, t, s in rows}

    return _in_db(url, work)


def test_targets_defaults_set_and_list(cli: Any, database_url: str) -> None:
    _in_db(database_url, _two_kim_liens)

    code, _, err = cli("targets", "defaults", "--commune", "kim lien")
    assert code == 1
    assert "2 communes are named “kim lien” (in Nghệ An, Quảng Nam): add --province" in err

    code, out, _ = cli("targets", "defaults", "--commune", "Kim Lien", "--province", "nghe an")
    assert code == 0
    # The commune plan in the seeds: every title, and citizens twice (families, unit staff).
    assert _targets(database_url, "Xã Kim Liên", "Nghệ An") == {
        (2025, "household"): 70,
        (2030, "household"): 80,
        (2025, "clan"): 65,
        (2030, "clan"): 75,
        (2025, "village"): 65,
        (2030, "village"): 75,
        (2025, "citizen"): 40,
        (2030, "citizen"): 60,
        (2025, "citizen_staff"): 60,
        (2030, "citizen_staff"): 80,
        (2025, "unit"): 80,
        (2030, "unit"): 100,
    }
    assert _targets(database_url, "Xã Kim Liên", "Quảng Nam") == {}

    # A difficult area gets the defaults of families, clans, villages and their working
    # people 10 points lower; units and their staff keep theirs.
    assert cli("targets", "defaults", "--commune", "LUNG CU")[0] == 0
    assert _targets(database_url, "Xã Lũng Cú", "Hà Giang") == {
        (2025, "household"): 60,
        (2030, "household"): 70,
        (2025, "clan"): 55,
        (2030, "clan"): 65,
        (2025, "village"): 55,
        (2030, "village"): 65,
        (2025, "citizen"): 30,
        (2030, "citizen"): 50,
        (2025, "citizen_staff"): 60,
        (2030, "citizen_staff"): 80,
        (2025, "unit"): 80,
        (2030, "unit"): 100,
    }

    code, out, _ = cli(
        "targets", "set", "--commune", "Lũng Cú", "--target-year", "2030",
        "--title", "household", "--share", "85",
    )  # fmt: skip
    assert code == 0
    assert _targets(database_url, "Xã Lũng Cú", "Hà Giang")[(2030, "household")] == 85
    # defaults keep a target set by hand unless told to overwrite it.
    code, out, _ = cli("targets", "defaults", "--commune", "Lũng Cú")
    assert "kept 2030 household 85%" in out
    assert _targets(database_url, "Xã Lũng Cú", "Hà Giang")[(2030, "household")] == 85
    cli("targets", "defaults", "--commune", "Lũng Cú", "--overwrite")
    assert _targets(database_url, "Xã Lũng Cú", "Hà Giang")[(2030, "household")] == 70

    # Each title set on its own, the citizens' second share too.
    code, out, _ = cli(
        "targets", "set", "--commune", "Lũng Cú", "--target-year", "2030",
        "--title", "citizen_staff", "--share", "75",
    )  # fmt: skip
    assert code == 0
    assert _targets(database_url, "Xã Lũng Cú", "Hà Giang")[(2030, "citizen_staff")] == 75
    assert _targets(database_url, "Xã Lũng Cú", "Hà Giang")[(2030, "citizen")] == 50

    code, out, _ = cli("targets", "list", "--commune", "xa lung cu")
    assert code == 0
    assert "Targets of Xã Lũng Cú (Hà Giang, difficult area):" in out
    lines = out.splitlines()
    # In report order within each year, each line saying what it measures.
    assert [line.split()[1] for line in lines[1:7]] == [
        "household", "clan", "village", "citizen", "citizen_staff", "unit",
    ]  # fmt: skip
    assert "  2025  household       60%  households with Gia đình học tập" in out
    assert "  2030  citizen_staff   75%  Công dân học tập among the staff of the units" in out

    code, _, err = cli(
        "targets", "set", "--commune", "Lũng Cú", "--target-year", "2030",
        "--title", "clan", "--share", "120",
    )  # fmt: skip
    assert code == 1 and "--share is a percentage" in err
    code, _, err = cli("targets", "list", "--commune", "Lũng")
    assert code == 1 and "did you mean Xã Lũng Cú?" in err


# --- users ------------------------------------------------------------------------------------


async def _people(session: Any) -> dict[str, int]:
    uow = UnitOfWork(session, NOW)
    province = await uow.places.ensure_province("Nghệ An")
    commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", difficult_area=False)
    other = await uow.places.ensure_commune(province.id, "Xã Nam Giang", difficult_area=False)
    village = await uow.places.ensure_village(commune.id, "Thôn Sen 1")
    lan = await uow.people.add(
        "Nguyễn Thị Lan", "collaborator", commune_id=commune.id, village_id=village.id
    )
    binh = await uow.people.add("Trần Văn Bình", "chair", commune_id=commune.id)
    elsewhere = await uow.people.add("Lê Văn C", "chair", commune_id=other.id)
    telegram = await uow.chats.identity("telegram", "111", "111")
    await uow.chats.bind(telegram.id, lan.id)
    zalo = await uow.chats.identity("zalo", "abc", "abc")
    await uow.chats.bind(zalo.id, lan.id)
    await session.flush()
    from sqlalchemy import update

    from storage.tables import ChannelIdentityRow

    await session.execute(
        update(ChannelIdentityRow).where(ChannelIdentityRow.id == zalo.id).values(unreachable=True)
    )
    return {"lan": lan.id, "binh": binh.id, "elsewhere": elsewhere.id}


def _disabled(url: str, person_id: int) -> bool:
    async def work(session: Any) -> bool:
        return bool(
            await session.scalar(select(PersonRow.disabled).where(PersonRow.id == person_id))
        )

    return _in_db(url, work)


def test_users_list_disable_enable(cli: Any, database_url: str) -> None:
    ids = _in_db(database_url, _people)

    code, out, _ = cli("users", "list", "--commune", "kim lien")
    assert code == 0
    assert "People of Xã Kim Liên (Nghệ An): 2" in out
    lines = out.splitlines()
    lan = next(line for line in lines if "Nguyễn Thị Lan" in line)
    assert "collaborator" in lan and "Thôn Sen 1" in lan
    assert "telegram, zalo (unreachable)" in lan and lan.endswith("active")
    assert not any("Lê Văn C" in line for line in lines)  # another commune's chair

    code, out, _ = cli("users", "disable", str(ids["lan"]))
    assert code == 0 and "Nguyễn Thị Lan" in out and "disabled" in out
    assert _disabled(database_url, ids["lan"])
    code, out, _ = cli("users", "list", "--commune", "Kim Liên", "--role", "collaborator")
    assert "People of Xã Kim Liên (Nghệ An): 1" in out
    assert out.rstrip().endswith("disabled")

    code, out, _ = cli("users", "disable", str(ids["lan"]))
    assert code == 0 and "already disabled" in out
    assert cli("users", "enable", str(ids["lan"]))[0] == 0
    assert not _disabled(database_url, ids["lan"])

    code, _, err = cli("users", "disable", "9999")
    assert code == 1 and "no person with id 9999" in err


# --- pack import / export through the command line --------------------------------------------


def test_pack_export_then_import(cli: Any, tmp_path: Path, repo_root: Path) -> None:
    xlsx = tmp_path / "gdht.xlsx"
    code, out, _ = cli(
        "pack", "export", str(repo_root / "packs" / "gdht-448.yaml"), "--output", str(xlsx)
    )
    assert code == 0 and xlsx.exists()
    target = tmp_path / "gdht.yaml"
    code, out, err = cli("pack", "import", str(xlsx), "--output", str(target))
    assert code == 0, err
    assert "OK (gdht-448@2015.2" in out
    assert cli("pack", "validate", str(target))[0] == 0

    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a workbook")
    code, _, err = cli("pack", "import", str(broken))
    assert code == 1 and "cannot be opened as an .xlsx workbook" in err


def test_a_name_without_its_prefix_must_mean_one_place(
    cli: Any, database_url: str, tmp_path: Path
) -> None:
    assert same_place("xa kim lien", "kim lien", "commune")
    assert same_place("tinh nghe an", "nghe an", "province")
    assert not same_place("xa kim lien", "phuong kim lien", "commune")
    file = tmp_path / "units.csv"
    file.write_text(
        "province,commune,village\n"
        "Nghệ An,Xã Kim Liên,Thôn 1\n"
        "Nghệ An,Phường Kim Liên,Tổ 1\n"
        "Tỉnh Nghệ An,Kim Liên,Thôn 2\n",
        encoding="utf-8",
    )
    code, out, err = cli("units", "import", str(file))
    assert code == 1
    assert "line 4: commune “Kim Liên” could be Phường Kim Liên, Xã Kim Liên" in err
    assert "line 4: province “Tỉnh Nghệ An” taken as Nghệ An" in out
    assert _counts(database_url) == (1, 2, 2)


# --- one lookup for every command ---------------------------------------------------------


def _invite_places(url: str) -> list[tuple[str, str | None]]:
    """(commune, village) of every invite, by name."""

    async def work(session: Any) -> list[tuple[str, str | None]]:
        from storage.tables import InviteRow

        rows = await session.execute(
            select(CommuneRow.name, VillageRow.name)
            .select_from(InviteRow)
            .join(CommuneRow, CommuneRow.id == InviteRow.commune_id)
            .outerjoin(VillageRow, VillageRow.id == InviteRow.village_id)
            .order_by(InviteRow.id)
        )
        return [(str(c), v) for c, v in rows]

    return _in_db(url, work)


def test_every_admin_command_takes_a_place_without_its_prefix_or_diacritics(
    cli: Any, database_url: str, tmp_path: Path
) -> None:
    file = tmp_path / "units.csv"
    file.write_text(UNITS_CSV, encoding="utf-8")
    assert cli("units", "import", str(file))[0] == 0

    assert cli("targets", "defaults", "--commune", "kim lien")[0] == 0
    code, out, _ = cli("targets", "list", "--commune", "KIM LIEN", "--province", "nghe an")
    assert code == 0 and "Targets of Xã Kim Liên (Nghệ An)" in out
    code, out, _ = cli("users", "list", "--commune", "Kim Lien")
    assert code == 0 and "People of Xã Kim Liên (Nghệ An)" in out
    code, _, err = cli(
        "invite", "create", "--role", "collaborator", "--commune", "kim lien",
        "--village", "Sen 1", "--no-qr",
    )  # fmt: skip
    assert code == 0, err
    assert cli("invite", "list", "--commune", "xa kim lien")[0] == 0
    assert _invite_places(database_url) == [("Xã Kim Liên", "Thôn Sen 1")]

    exported = tmp_path / "ds.xlsx"
    code, out, err = cli("export", "--commune", "kim lien", "--output", str(exported))
    assert code == 0 and exported.exists(), err
    summary = tmp_path / "bc.xlsx"
    assert cli("report", "summary", "--commune", "Kim Liên", "--output", str(summary))[0] == 0
    code, out, err = cli("digest", "show", "--commune", "kim lien")
    assert code == 0 and "Kim Liên" in out, err
    province = tmp_path / "tinh.csv"
    code, _, err = cli(
        "export", "--province", "nghe an", "--format", "csv", "--output", str(province)
    )
    assert code == 0 and province.exists(), err


def test_a_place_name_that_could_mean_several_lists_the_candidates(
    cli: Any, database_url: str, tmp_path: Path
) -> None:
    _in_db(database_url, _two_kim_liens)
    for command in (
        ("export", "--commune", "kim lien"),
        ("digest", "show", "--commune", "kim lien"),
        ("users", "list", "--commune", "kim lien"),
    ):
        code, _, err = cli(*command)
        assert code == 1, command
        assert "2 communes are named “kim lien” (in Nghệ An, Quảng Nam): add --province" in err

    file = tmp_path / "units.csv"
    file.write_text(
        "province,commune,village\nNghệ An,Xã Kim Liên,Thôn 1\nNghệ An,Xã Kim Liên,Bản 1\n",
        encoding="utf-8",
    )
    assert cli("units", "import", str(file))[0] == 0
    with pytest.raises(SystemExit, match="“1” in Xã Kim Liên could be Bản 1, Thôn 1"):
        cli(
            "invite", "create", "--role", "collaborator", "--commune", "kim lien",
            "--province", "nghe an", "--village", "1", "--no-qr",
        )  # fmt: skip
    with pytest.raises(SystemExit, match=r"no village named “Sen 9” in Xã Kim Liên \(its villages"):
        cli(
            "invite", "create", "--role", "collaborator", "--commune", "kim lien",
            "--province", "nghe an", "--village", "Sen 9", "--no-qr",
        )  # fmt: skip
    assert cli(
        "invite", "create", "--role", "collaborator", "--commune", "kim lien",
        "--province", "nghe an", "--village", "thon 1", "--no-qr",
    )[0] == 0  # fmt: skip
