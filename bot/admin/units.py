"""Importing administrative units (province → commune → village) from CSV or XLSX, with the
real totals every share is measured against: households and clans per village ("Số hộ",
"Số dòng họ"), villages per commune ("Số thôn"). A re-import updates them; a blank cell
leaves what is stored.

Also the commune's offices, schools, health stations, People's Committee and enterprises
assessed for "Đơn vị học tập" (issue 15): a `unit` column ("Đơn vị") with its kind ("Loại")
and staff count ("Số cán bộ"), in the first sheet or in a sheet of their own named `units`
("Đơn vị").

The import is idempotent: names are matched accent- and case-insensitively (the `name_key`
columns hold `fold(name)`), so running the same file twice, or a file typed without
diacritics, finds the rows already there instead of creating new ones. Bad rows are reported
by line and skipped; the good ones are imported.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from conversations.domain import LearningUnitKind
from conversations.places import pick
from conversations.text import clean, fold
from storage.db import Database
from storage.places import Unit, UnitKind
from storage.uow import UnitOfWork

MAX_NAME = 200  # the name columns are String(200)

# Header spellings accepted for each column, compared after folding (so "Tỉnh" = "tinh").
HEADERS: dict[str, frozenset[str]] = {
    "province": frozenset({"province", "tinh", "tinh thanh pho", "tinh thanh"}),
    "commune": frozenset(
        {"commune", "xa", "xa phuong", "xa phuong dac khu", "phuong xa", "commune ward"}
    ),
    "village": frozenset(
        {"village", "thon", "thon ban", "thon to dan pho", "thon ban to dan pho", "to dan pho"}
    ),
    "difficult_area": frozenset(
        {"difficult area", "difficult", "vung kho khan", "vung dac biet kho khan", "kho khan"}
    ),
    # The real totals every share is measured against.
    "households": frozenset(
        {"households", "households total", "so ho", "tong so ho", "so ho gia dinh"}
    ),
    "clans": frozenset({"clans", "clans total", "so dong ho", "tong so dong ho"}),
    "villages": frozenset(
        {"villages", "villages total", "so thon", "tong so thon", "so thon ban", "so thon to"}
    ),
    # Units assessed for "Đơn vị học tập" (issue 15).
    "unit": frozenset(
        {"unit", "units", "unit name", "don vi", "ten don vi", "co quan don vi", "co quan"}
    ),
    "unit_kind": frozenset({"kind", "unit kind", "loai", "loai don vi", "loai hinh"}),
    "staff": frozenset(
        {"staff", "staff total", "so can bo", "so nguoi", "tong so can bo", "so nhan vien"}
    ),
}
# The sheet of units in a workbook (its first sheet is read as always).
UNIT_SHEETS = frozenset({"units", "unit", "don vi", "cac don vi", "don vi hoc tap"})
# What a unit's kind may be written as, folded; a blank kind is guessed from the name.
UNIT_KIND_WORDS: dict[str, LearningUnitKind] = {
    "office": "office",
    "co quan": "office",
    "school": "school",
    "truong": "school",
    "truong hoc": "school",
    "health": "health",
    "health station": "health",
    "tram y te": "health",
    "y te": "health",
    "committee": "committee",
    "people s committee": "committee",
    "ubnd": "committee",
    "uy ban": "committee",
    "uy ban nhan dan": "committee",
    "enterprise": "enterprise",
    "doanh nghiep": "enterprise",
    "cong ty": "enterprise",
    "hop tac xa": "enterprise",
    "other": "other",
    "khac": "other",
}
# A unit's name that says its kind ("Trường Tiểu học …", "Trạm Y tế xã …").
UNIT_NAME_STARTS: tuple[tuple[str, LearningUnitKind], ...] = (
    ("truong", "school"),
    ("tram y te", "health"),
    ("ubnd", "committee"),
    ("uy ban nhan dan", "committee"),
    ("cong ty", "enterprise"),
    ("doanh nghiep", "enterprise"),
    ("hop tac xa", "enterprise"),
)
REQUIRED_HEADERS = ("province", "commune")
FLAG_TRUE = frozenset({"co", "yes", "y", "1", "x", "true"})
FLAG_FALSE = frozenset({"khong", "no", "n", "0", "false"})


class UnitsFileError(ValueError):
    """The file as a whole cannot be read (wrong format, no header, missing columns)."""


@dataclass(frozen=True)
class UnitRow:
    line: int
    province: str
    commune: str
    village: str | None
    # None: the file does not say, so an existing commune keeps its flag.
    difficult_area: bool | None
    # Every household and clan of the village, villages of the commune (None: not given, so
    # what is stored stays).
    households: int | None = None
    clans: int | None = None
    villages: int | None = None
    # A unit of the commune (issue 15), its kind and its staff count (None: not given).
    unit: str | None = None
    unit_kind: LearningUnitKind | None = None
    staff: int | None = None


@dataclass(frozen=True)
class BadRow:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"


@dataclass
class ImportReport:
    rows: int = 0
    created: Counter[str] = field(default_factory=Counter)
    updated: Counter[str] = field(default_factory=Counter)
    bad: list[BadRow] = field(default_factory=list)
    # Names matched loosely ("kim lien" taken as "Xã Kim Liên"), shown so a wrong guess is seen.
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = []
        for kind, plural in (
            ("province", "provinces"),
            ("commune", "communes"),
            ("village", "villages"),
            ("unit", "units"),
        ):
            parts.append(f"{plural}: {self.created[kind]} created, {self.updated[kind]} updated")
        return f"{self.rows} good row(s); " + "; ".join(parts) + f"; {len(self.bad)} bad row(s)"


# --- Reading the file ---------------------------------------------------------------------


def _header_key(value: Any) -> str | None:
    # "Vùng khó khăn (có/không)": an explanation in brackets is not part of the name.
    text = re.sub(r"\(.*?\)", " ", str(value or ""))
    words = re.sub(r"[^a-z0-9]+", " ", fold(text)).strip()
    return next((column for column, names in HEADERS.items() if words in names), None)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return clean(str(value))


def _records(path: Path) -> list[tuple[int, list[Any]]]:
    """(line, cells) for every row of the file, the header included."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            wb = load_workbook(path, read_only=True, data_only=True)
        except Exception as err:  # openpyxl raises several unrelated types for a bad file
            raise UnitsFileError(f"cannot be opened as an .xlsx workbook ({err})") from None
        ws = wb.worksheets[0]
        rows = [(n, list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), start=1)]
        wb.close()
        return rows
    if suffix not in (".csv", ".txt"):
        raise UnitsFileError("expected a .csv or .xlsx file")
    try:
        # utf-8-sig: Excel's "CSV UTF-8" starts with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UnitsFileError(
            "is not UTF-8: in Excel choose Save As → “CSV UTF-8 (Comma delimited)”"
        ) from None
    first = text.split("\n", 1)[0]
    # Excel writes ";" between cells where the decimal separator is "," (as in Vietnam).
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    records: list[tuple[int, list[Any]]] = []
    start = 1
    for cells in reader:
        records.append((start, cells))
        start = reader.line_num + 1  # a quoted cell may span lines
    return records


def parse_flag(value: Any) -> tuple[bool | None, bool]:
    """(flag, understood): có/không, yes/no, 1/0, x, or blank (None)."""
    word = fold(_text(value))
    if not word:
        return None, True
    if word in FLAG_TRUE:
        return True, True
    if word in FLAG_FALSE:
        return False, True
    return None, False


def parse_count(value: Any) -> tuple[int | None, bool]:
    """(count, understood): a whole number (1.234 and 1,234 read as thousands), or blank."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        if value >= 0 and float(value).is_integer():
            return int(value), True
        return None, False
    text = _text(value).replace(" ", "")
    if not text:
        return None, True
    if re.fullmatch(r"\d{1,3}([.,]\d{3})+|\d+", text):
        return int(re.sub(r"[.,]", "", text)), True
    return None, False


def _unit_sheet(path: Path) -> tuple[str, list[tuple[int, list[Any]]]] | None:
    """The workbook's sheet of units ("units", "Đơn vị"), other than its first: its name and
    (line, cells) of its rows."""
    if path.suffix.lower() not in (".xlsx", ".xlsm"):
        return None
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        for ws in wb.worksheets[1:]:
            if fold(ws.title) in UNIT_SHEETS:
                rows = [(n, list(r)) for n, r in enumerate(ws.iter_rows(values_only=True), 1)]
                return ws.title, rows
        return None
    finally:
        wb.close()


def unit_kind(typed: str, name: str) -> LearningUnitKind | None:
    """A unit's kind as written ("Trường học", "UBND", "doanh nghiệp"…), guessed from its
    name when blank ("Trường Tiểu học Kim Liên" is a school); None when not understood."""
    word = re.sub(r"[^a-z0-9]+", " ", fold(typed)).strip()
    if word:
        return UNIT_KIND_WORDS.get(word)
    named = fold(name)
    return next((kind for start, kind in UNIT_NAME_STARTS if named.startswith(start)), "other")


def read_units(path: str | Path) -> tuple[list[UnitRow], list[BadRow]]:
    """The good rows and the bad ones (by line) of a units file, and of its sheet of units."""
    file = Path(path)
    good, bad = _read_sheet(_records(file))
    sheet = _unit_sheet(file)
    if sheet is not None:
        title, rows = sheet
        more, wrong = _read_sheet(rows, units_only=True)
        good += more
        bad += [BadRow(b.line, f"sheet “{title}”: {b.message}") for b in wrong]
    return good, bad


def _read_sheet(
    records: list[tuple[int, list[Any]]], *, units_only: bool = False
) -> tuple[list[UnitRow], list[BadRow]]:
    while records and not any(_text(v) for v in records[0][1]):
        records.pop(0)  # blank lines above the header
    if not records:
        raise UnitsFileError("is empty")
    header_line, header = records[0]
    columns: dict[str, int] = {}
    for index, value in enumerate(header):
        key = _header_key(value)
        if key is not None and key not in columns:
            columns[key] = index
    required = (*REQUIRED_HEADERS, "unit") if units_only else REQUIRED_HEADERS
    missing = [c for c in required if c not in columns]
    if missing:
        raise UnitsFileError(
            f"line {header_line}: no {', '.join(missing)} column; the header row needs "
            "province, commune, village, difficult_area, households, clans, villages "
            "(and unit, kind, staff for the units)"
        )

    def cell(cells: list[Any], column: str) -> Any:
        index = columns.get(column)
        return cells[index] if index is not None and index < len(cells) else None

    good: list[UnitRow] = []
    bad: list[BadRow] = []
    # The first line that set each commune's flag, so a contradiction names both lines.
    flags: dict[tuple[str, str], tuple[bool, int]] = {}
    villages_totals: dict[tuple[str, str], tuple[int, int]] = {}
    for line, cells in records[1:]:
        if not any(_text(v) for v in cells):
            continue
        province = _text(cell(cells, "province"))
        commune = _text(cell(cells, "commune"))
        village = _text(cell(cells, "village")) or None
        raw_flag = cell(cells, "difficult_area")
        flag, understood = parse_flag(raw_flag)
        problems: list[str] = []
        if not fold(province):
            problems.append("province is empty")
        if not fold(commune):
            problems.append("commune is empty")
        problems += [
            f"{label} is longer than {MAX_NAME} characters"
            for label, name in (("province", province), ("commune", commune), ("village", village))
            if name and len(name) > MAX_NAME
        ]
        if village is not None and not fold(village):
            problems.append(f"village “{village}” has no letters or digits")
        if not understood:
            problems.append(
                f"difficult_area “{_text(raw_flag)}” is not có/không, yes/no, 1/0, x or blank"
            )
        counts: dict[str, int | None] = {}
        for column in ("households", "clans", "villages"):
            raw = cell(cells, column)
            counts[column], ok = parse_count(raw)
            if not ok:
                problems.append(f"{column} “{_text(raw)}” is not a whole number")
        if counts["households"] == 0:
            problems.append("households is 0: leave it blank while the number is not known")
        if village is None:
            problems += [
                f"{column} is given but the village is empty"
                for column in ("households", "clans")
                if counts[column] is not None
            ]
        if counts["villages"] == 0:
            problems.append("villages is 0: leave it blank while the number is not known")
        unit = _text(cell(cells, "unit")) or None
        kind: LearningUnitKind | None = None
        staff, staff_ok = parse_count(cell(cells, "staff"))
        if unit is not None:
            kind = unit_kind(_text(cell(cells, "unit_kind")), unit)
            if kind is None:
                problems.append(
                    f"kind “{_text(cell(cells, 'unit_kind'))}” is not office, school, health, "
                    "committee, enterprise or other (cơ quan, trường học, trạm y tế, UBND, "
                    "doanh nghiệp, khác)"
                )
            if len(unit) > MAX_NAME:
                problems.append(f"unit is longer than {MAX_NAME} characters")
            if not staff_ok:
                problems.append(f"staff “{_text(cell(cells, 'staff'))}” is not a whole number")
            elif staff == 0:
                problems.append("staff is 0: leave it blank while the number is not known")
        elif units_only:
            problems.append("unit is empty")
        elif staff is not None or _text(cell(cells, "unit_kind")):
            problems.append("kind or staff is given but the unit is empty")
        commune_key = (fold(province), fold(commune))
        if flag is not None and not problems:
            earlier = flags.get(commune_key)
            if earlier is not None and earlier[0] != flag:
                problems.append(
                    f"difficult_area contradicts line {earlier[1]} for the same commune"
                )
            elif earlier is None:
                flags[commune_key] = (flag, line)
        villages_total = counts["villages"]
        if villages_total is not None and not problems:
            seen = villages_totals.setdefault(commune_key, (villages_total, line))
            if seen[0] != villages_total:
                problems.append(f"villages contradicts line {seen[1]} for the same commune")
        if problems:
            bad.append(BadRow(line, "; ".join(problems)))
            continue
        good.append(
            UnitRow(
                line,
                province,
                commune,
                village,
                flag,
                households=counts["households"],
                clans=counts["clans"],
                villages=villages_total,
                unit=unit,
                unit_kind=kind,
                staff=staff if unit is not None else None,
            )
        )
    return good, bad


# --- Matching names -----------------------------------------------------------------------
# One matcher for the importer and every lookup (conversations/places.py). The importer takes a
# village only by its exact (folded) name: in a file, "Bản X" and "X" may be two villages.
EXACT_ON_IMPORT = {"village"}


# --- Writing ------------------------------------------------------------------------------


def _has_marks(name: str) -> bool:
    """Whether a name carries Vietnamese diacritics (or đ)."""
    decomposed = unicodedata.normalize("NFD", name)
    return "đ" in name.casefold() or any(unicodedata.combining(ch) for ch in decomposed)


def _better(old: str, new: str) -> bool:
    # A name first typed without diacritics gets them when a later file has them; other
    # differences (case, spacing, a prefix) keep the stored spelling, so a re-import changes
    # nothing.
    return fold(old) == fold(new) and not _has_marks(old) and _has_marks(new)


class _Ambiguous(Exception):
    pass


async def _unit(
    uow: UnitOfWork,
    level: UnitKind,
    parent_id: int | None,
    typed: str,
    line: int,
    report: ImportReport,
) -> Unit | None:
    """The existing place a typed name means (None: create it); _Ambiguous if several."""
    rows = await uow.places.units(level, parent_id)
    if level in EXACT_ON_IMPORT:
        found = [r for r in rows if r.name_key == fold(typed)]
    else:
        found = pick(rows, lambda r: str(r.name_key), typed, level)
    if len(found) > 1:
        names = ", ".join(sorted(str(r.name) for r in found))
        raise _Ambiguous(f"{level} “{typed}” could be {names}: write the full name")
    if found and found[0].name_key != fold(typed):
        report.notes.append(f"line {line}: {level} “{typed}” taken as {found[0].name}")
    return found[0] if found else None


async def import_units(
    db: Database, rows: list[UnitRow], now: datetime, report: ImportReport | None = None
) -> ImportReport:
    """Create or update every row in one transaction."""
    report = report or ImportReport()
    async with db.unit_of_work(now) as uow:
        for row in rows:
            try:
                await _import_row(uow, row, report)
            except _Ambiguous as err:
                report.bad.append(BadRow(row.line, str(err)))
        report.bad.sort(key=lambda b: b.line)
    return report


async def _import_row(uow: UnitOfWork, row: UnitRow, report: ImportReport) -> None:
    province_row = await _unit(uow, "province", None, row.province, row.line, report)
    if province_row is None:
        province_id = (await uow.places.ensure_province(row.province)).id
        report.created["province"] += 1
    else:
        province_id = province_row.id
        if _better(province_row.name, row.province):
            await uow.places.rename("province", province_id, row.province)
            report.updated["province"] += 1

    commune_row = await _unit(uow, "commune", province_id, row.commune, row.line, report)
    if commune_row is None:
        commune = await uow.places.ensure_commune(
            province_id, row.commune, difficult_area=bool(row.difficult_area)
        )
        commune_id = commune.id
        report.created["commune"] += 1
    else:
        commune_id = commune_row.id
        changed = False
        if row.difficult_area is not None and row.difficult_area != commune_row.difficult_area:
            await uow.places.set_difficult_area(commune_id, row.difficult_area)
            changed = True
        if _better(commune_row.name, row.commune):
            await uow.places.rename("commune", commune_id, row.commune)
            changed = True
        if row.villages is not None and row.villages != commune_row.villages_total:
            await uow.places.set_villages_total(commune_id, row.villages)
            changed = True
        report.updated["commune"] += int(changed)
    if commune_row is None and row.villages is not None:
        await uow.places.set_villages_total(commune_id, row.villages)

    if row.village is not None:
        village_row = await _unit(uow, "village", commune_id, row.village, row.line, report)
        if village_row is None:
            village = await uow.places.ensure_village(commune_id, row.village)
            await uow.places.set_village_totals(village.id, row.households, row.clans)
            report.created["village"] += 1
        else:
            changed = False
            if _better(village_row.name, row.village):
                await uow.places.rename("village", village_row.id, row.village)
                changed = True
            households = _changed(village_row.households_total, row.households)
            clans = _changed(village_row.clans_total, row.clans)
            if households is not None or clans is not None:
                await uow.places.set_village_totals(village_row.id, households, clans)
                changed = True
            report.updated["village"] += int(changed)
    if row.unit is not None:
        await _import_unit(uow, commune_id, row, report)
    report.rows += 1


async def _import_unit(
    uow: UnitOfWork, commune_id: int, row: UnitRow, report: ImportReport
) -> None:
    """The commune's unit of this name (accent-insensitively), created or its kind and staff
    count updated."""
    assert row.unit is not None
    kind = row.unit_kind or "other"
    found = await uow.subjects.find_unit(commune_id, row.unit)
    if found is None:
        await uow.subjects.add_unit(commune_id, row.unit, kind, row.staff)
        report.created["unit"] += 1
        return
    values: dict[str, Any] = {}
    if row.unit_kind is not None and row.unit_kind != found.kind:
        values["kind"] = row.unit_kind
    if row.staff is not None and row.staff != found.staff_total:
        values["staff_total"] = row.staff
    if _better(found.name, row.unit):
        values["name"] = row.unit
    if values:
        await uow.subjects.update_unit(found.id, **values)
        report.updated["unit"] += 1


def _changed(stored: int | None, given: int | None) -> int | None:
    """The number to store: the one given when it differs from what is stored."""
    return given if given is not None and given != stored else None
