"""Criteria packs as spreadsheets, in the spirit of XLSForm (layout: PACK_SPREADSHEET.md).

Pure conversion between a workbook (openpyxl) and the YAML pack data that
`conversations.packs` validates. Every problem names the sheet, row and column a commune
secretary has to fix, e.g. `survey!R12 (column "relevant"): refers to children_count, ...`:
while converting we remember which cell each piece of pack data came from, and map the paths
in pydantic's and `check_pack`'s problems back through that table.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import IO, Any, Literal

import yaml
from openpyxl import Workbook, load_workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet
from pydantic import ValidationError

from conversations.packs import (
    NAME_PATTERN,
    Choice,
    CriteriaPack,
    Indicator,
    LocalizedText,
    PackError,
    PackProblem,
    Question,
    check_pack,
    migrate,
    pack_from_data,
)
from conversations.text import fold, nfc

SURVEY = "survey"
CHOICES = "choices"
CRITERIA = "criteria"
SETTINGS = "settings"
SHEETS = (SURVEY, CHOICES, CRITERIA, SETTINGS)

Kind = Literal["text", "long", "id", "number", "flag"]


@dataclass(frozen=True)
class Column:
    name: str
    width: int
    kind: Kind
    help: str  # Vietnamese, shown as a comment on the header cell


def _columns(*spec: tuple[str, int, Kind, str]) -> tuple[Column, ...]:
    return tuple(Column(*s) for s in spec)


SURVEY_COLUMNS = _columns(
    (
        "type",
        22,
        "text",
        "text, integer, decimal, yes_no, select_one DANH_SÁCH, "
        "select_multiple DANH_SÁCH hoặc calculate",
    ),
    ("name", 20, "id", "Tên câu hỏi: chữ không dấu, số, dấu _ (ví dụ: children)"),
    ("label::vi", 50, "long", "Câu hỏi bằng tiếng Việt"),
    ("label::en", 40, "long", "Câu hỏi bằng tiếng Anh (không bắt buộc)"),
    ("hint::vi", 40, "long", "Gợi ý thêm (không bắt buộc)"),
    ("hint::en", 30, "long", "Gợi ý bằng tiếng Anh (không bắt buộc)"),
    ("required", 10, "flag", "yes/no; để trống là yes (bắt buộc trả lời)"),
    ("relevant", 24, "text", "Chỉ hỏi khi điều kiện đúng, ví dụ: ${children} > 0"),
    ("constraint", 24, "text", "Điều kiện câu trả lời phải thỏa, ví dụ: . <= ${members}"),
    ("constraint_message::vi", 36, "long", "Thông báo khi câu trả lời sai điều kiện"),
    ("constraint_message::en", 30, "long", "Thông báo bằng tiếng Anh"),
    ("min", 8, "number", "Số nhỏ nhất (câu hỏi số)"),
    ("max", 8, "number", "Số lớn nhất (câu hỏi số)"),
    ("max_length", 10, "number", "Số ký tự tối đa (câu hỏi chữ); trống là 200"),
    ("prefill", 22, "text", "Giá trị bot đã biết, ví dụ household.head_name"),
    ("locked", 9, "flag", "yes: giá trị bot đã biết thì không cho sửa trong hội thoại"),
    ("evidence", 10, "flag", "yes: được gửi ảnh minh chứng"),
    ("criterion", 10, "id", "Mã tiêu chí (trang criteria); để trống với câu hỏi thông tin chung"),
    ("indicator", 10, "id", "Mã chỉ số, ví dụ 1.1"),
    ("indicator_text::vi", 50, "long", "Nội dung chỉ số theo văn bản"),
    ("indicator_text::en", 40, "long", "Nội dung chỉ số bằng tiếng Anh"),
    ("max_points", 11, "number", "Điểm tối đa của chỉ số"),
    ("provisional", 11, "flag", "yes: chỉ số tạm thời, chưa đối chiếu văn bản"),
    ("mandatory", 11, "flag", "yes: phải đạt đủ điểm mới được công nhận"),
    ("min_points", 11, "number", "Điểm tối thiểu của chỉ số"),
    ("not_applicable_points", 12, "number", "Điểm khi không áp dụng; trống là đủ điểm"),
    ("calculate", 30, "text", "Công thức (dòng type calculate), ví dụ ${a} * 100 / ${b}"),
    ("bands", 22, "text", "Mức điểm: TỪ=ĐIỂM; ..., ví dụ 70=20; 50=10; 0=0"),
)
CHOICE_COLUMNS = _columns(
    ("list_name", 20, "id", "Tên danh sách, dùng trong cột type của trang survey"),
    ("value", 16, "id", "Mã lựa chọn: chữ không dấu, số, dấu _"),
    ("label::vi", 40, "long", "Lựa chọn bằng tiếng Việt"),
    ("label::en", 30, "long", "Lựa chọn bằng tiếng Anh"),
    ("points", 8, "number", "Điểm của lựa chọn"),
    ("aliases", 30, "text", "Cách gõ khác người dùng hay dùng, cách nhau bởi dấu ;"),
)
CRITERIA_COLUMNS = _columns(
    ("id", 8, "id", "Mã tiêu chí, ví dụ 1"),
    ("name::vi", 50, "long", "Tên tiêu chí"),
    ("name::en", 40, "long", "Tên tiêu chí bằng tiếng Anh"),
    ("max_points", 11, "number", "Điểm tối đa của tiêu chí"),
    ("min_points", 11, "number", "Điểm tối thiểu của tiêu chí (không bắt buộc)"),
)
SETTINGS_COLUMNS = _columns(
    ("id", 14, "id", "Mã bộ tiêu chí: chữ thường không dấu, số, . _ -"),
    ("version", 10, "id", "Phiên bản, ví dụ 2025.1"),
    ("title", 12, "text", "household, clan, village, citizen hoặc unit"),
    ("name::vi", 28, "long", "Tên danh hiệu"),
    ("name::en", 24, "long", "Tên danh hiệu bằng tiếng Anh"),
    ("source::vi", 40, "long", "Văn bản gốc (số quyết định, năm)"),
    ("source::en", 30, "long", "Văn bản gốc bằng tiếng Anh"),
    ("note::vi", 30, "long", "Ghi chú"),
    ("note::en", 30, "long", "Ghi chú bằng tiếng Anh"),
    ("total_min", 10, "number", "Tổng điểm tối thiểu để đạt"),
    ("difficult_area_total_min", 14, "number", "Tổng điểm tối thiểu ở vùng khó khăn"),
    ("indicator_min", 12, "number", "Không chỉ số nào dưới số điểm này"),
    ("spec_version", 10, "number", "Phiên bản định dạng (để trống)"),
)
COLUMNS: dict[str, tuple[Column, ...]] = {
    SURVEY: SURVEY_COLUMNS,
    CHOICES: CHOICE_COLUMNS,
    CRITERIA: CRITERIA_COLUMNS,
    SETTINGS: SETTINGS_COLUMNS,
}

QUESTION_TYPES = ("text", "integer", "decimal", "yes_no", "select_one", "select_multiple")
INDICATOR_COLUMNS = (
    "criterion",
    "indicator",
    "indicator_text::vi",
    "indicator_text::en",
    "max_points",
    "provisional",
    "mandatory",
    "min_points",
    "not_applicable_points",
    "calculate",
    "bands",
)
# Columns that only make sense for a question that is asked (not for a calculate row).
QUESTION_ONLY_COLUMNS = (
    "name",
    "label::vi",
    "label::en",
    "hint::vi",
    "hint::en",
    "required",
    "constraint",
    "constraint_message::vi",
    "constraint_message::en",
    "min",
    "max",
    "max_length",
    "prefill",
    "locked",
    "evidence",
)
DEFAULT_MAX_LENGTH = 200
ALIAS_SEPARATOR = ";"
TRUE_WORDS = frozenset({"yes", "y", "true", "1", "x", "co", "dung"})
FALSE_WORDS = frozenset({"no", "n", "false", "0", "khong", "sai"})


# --- Where things are ---------------------------------------------------------------------


@dataclass(frozen=True)
class Cell:
    """A place in the workbook a person can find: `survey!R12 (column "relevant")`."""

    sheet: str
    row: int | None = None
    column: str | None = None

    def __str__(self) -> str:
        text = self.sheet if self.row is None else f"{self.sheet}!R{self.row}"
        return f'{text} (column "{self.column}")' if self.column else text


DataPath = tuple[Any, ...]


@dataclass
class Locations:
    """Which cell each path of the pack data came from (longest known prefix wins)."""

    cells: dict[DataPath, Cell] = field(default_factory=dict)

    def add(self, path: DataPath, cell: Cell, columns: Mapping[str, str] | None = None) -> None:
        self.cells[path] = cell
        for key, column in (columns or {}).items():
            self.cells[(*path, key)] = Cell(cell.sheet, cell.row, column)
            if column.endswith("::vi"):
                # A translated text: {label: {vi, en}} lives in label::vi and label::en.
                base = column.removesuffix("::vi")
                self.cells[(*path, key, "vi")] = Cell(cell.sheet, cell.row, column)
                self.cells[(*path, key, "en")] = Cell(cell.sheet, cell.row, f"{base}::en")

    def find(self, path: Iterable[Any]) -> Cell:
        steps = tuple(path)
        for end in range(len(steps), -1, -1):
            cell = self.cells.get(steps[:end])
            if cell is not None:
                return cell
        return Cell("workbook")


Found = tuple[Cell, str]  # a problem and the cell it is in


def _pack_error(found: Iterable[Found], source: str) -> PackError:
    """One error naming every problem, in sheet and row order (as a secretary fixes them)."""
    ordered = sorted(
        found,
        # A missing sheet first: it explains problems found elsewhere.
        key=lambda f: (
            f[0].row is not None,
            SHEETS.index(f[0].sheet) if f[0].sheet in SHEETS else len(SHEETS),
            f[0].row or 0,
        ),
    )
    return PackError([PackProblem(str(cell), message) for cell, message in ordered], source)


# --- Reading cells --------------------------------------------------------------------------


@dataclass(frozen=True)
class _Row:
    sheet: str
    number: int
    values: Mapping[str, Any]

    def cell(self, column: str | None = None) -> Cell:
        return Cell(self.sheet, self.number, column)

    def has(self, column: str) -> bool:
        return column in self.values


def _excel_date(value: Any) -> bool:
    return isinstance(value, datetime | date | time | timedelta)


class _Reader:
    """Turns raw cell values into pack values, collecting a problem per bad cell."""

    def __init__(self) -> None:
        self.problems: list[Found] = []

    def fail(self, cell: Cell, message: str) -> None:
        self.problems.append((cell, message))

    def text(self, row: _Row, column: str) -> str | None:
        value = row.values.get(column)
        if value is None:
            return None
        if _excel_date(value):
            # Excel turns "1.2" into 1 February in some locales: say so rather than guess.
            self.fail(
                row.cell(column),
                f"Excel turned this into a date or time ({value}); format the column as Text "
                "and type it again",
            )
            return None
        if isinstance(value, bool):
            return "yes" if value else "no"
        if isinstance(value, float):
            return str(int(value)) if value.is_integer() else repr(value)
        return str(value)

    def number(self, row: _Row, column: str) -> float | int | None:
        value = row.values.get(column)
        if value is None:
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return value
        if isinstance(value, str):
            text = value.replace(" ", "")
            # Vietnamese writes 7,5 for 7.5.
            if re.fullmatch(r"-?\d+", text):
                return int(text)
            if re.fullmatch(r"-?\d+(?:[.,]\d+)?", text):
                return float(text.replace(",", "."))
        self.fail(row.cell(column), f'"{value}" is not a number')
        return None

    def integer(self, row: _Row, column: str) -> int | None:
        value = self.number(row, column)
        if value is None:
            return None
        if float(value).is_integer():
            return int(value)
        self.fail(row.cell(column), f"{value} is not a whole number")
        return None

    def flag(self, row: _Row, column: str) -> bool | None:
        value = row.values.get(column)
        if value is None:
            return None
        if isinstance(value, bool):
            return value
        word = fold(str(value))
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
        self.fail(row.cell(column), f'"{value}" is not yes or no')
        return None

    def localized(self, row: _Row, base: str) -> dict[str, str] | None:
        vi = self.text(row, f"{base}::vi")
        en = self.text(row, f"{base}::en")
        if vi is None and en is None:
            return None
        text: dict[str, str] = {}
        if vi is not None:
            text["vi"] = vi
        if en is not None:
            text["en"] = en
        return text


def _header(value: Any) -> str:
    text = re.sub(r"\s*::\s*", "::", str(value).strip().lower())
    return re.sub(r"\s+", "_", text)


def _read_sheet(wb: Workbook, name: str, reader: _Reader) -> list[_Row] | None:
    """The non-empty rows of a sheet as {column: value}; None when the sheet is missing."""
    ws = next((w for w in wb.worksheets if w.title.strip().lower() == name), None)
    if ws is None:
        reader.fail(Cell(name), "the sheet is missing")
        return None
    known = {c.name for c in COLUMNS[name]}
    rows = ws.iter_rows(values_only=True)
    header_cells = next(rows, ())
    headers: list[str | None] = []
    seen: set[str] = set()
    for value in header_cells:
        if value is None or not str(value).strip() or str(value).strip().startswith("#"):
            headers.append(None)  # an empty or "# notes" column is ignored
            continue
        header = _header(value)
        if header not in known and f"{header}::vi" in known:
            header = f"{header}::vi"  # XLSForm: a column without a language is the default one
        if header not in known:
            reader.fail(
                Cell(name, 1, str(value).strip()),
                "unknown column (see PACK_SPREADSHEET.md; start a column name with # to keep "
                "notes in it)",
            )
            headers.append(None)
            continue
        if header in seen:
            reader.fail(Cell(name, 1, header), "the column appears twice")
            headers.append(None)
            continue
        seen.add(header)
        headers.append(header)
    result: list[_Row] = []
    for number, cells in enumerate(rows, start=2):
        values: dict[str, Any] = {}
        for column, value in zip(headers, cells, strict=False):
            if column is None or value is None:
                continue
            if isinstance(value, str):
                value = nfc(value).strip()
                if not value:
                    continue
            values[column] = value
        if values:
            result.append(_Row(name, number, values))
    return result


# --- Workbook -> pack data ------------------------------------------------------------------

# Model field -> survey column, for the parts of a row that make a question.
QUESTION_FIELDS = {
    "name": "name",
    "type": "type",
    "label": "label::vi",
    "hint": "hint::vi",
    "required": "required",
    "relevant": "relevant",
    "constraint": "constraint",
    "constraint_message": "constraint_message::vi",
    "min": "min",
    "max": "max",
    "max_length": "max_length",
    "choices": "type",
    "prefill": "prefill",
    "locked": "locked",
    "evidence": "evidence",
}
INDICATOR_FIELDS = {
    "id": "indicator",
    "text": "indicator_text::vi",
    "max_points": "max_points",
    "provisional": "provisional",
    "mandatory": "mandatory",
    "min_points": "min_points",
    "not_applicable_points": "not_applicable_points",
    "calculate": "calculate",
    "bands": "bands",
    "relevant": "relevant",
    "question": "type",
}
CHOICE_FIELDS = {"value": "value", "label": "label::vi", "points": "points", "aliases": "aliases"}
CRITERION_FIELDS = {
    "id": "id",
    "name": "name::vi",
    "max_points": "max_points",
    "min_points": "min_points",
    "indicators": "id",
}
SETTINGS_FIELDS = {
    "id": "id",
    "version": "version",
    "title": "title",
    "name": "name::vi",
    "source": "source::vi",
    "note": "note::vi",
    "spec_version": "spec_version",
}
PASS_RULE_FIELDS = {
    "total_min": "total_min",
    "difficult_area_total_min": "difficult_area_total_min",
    "indicator_min": "indicator_min",
}


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


@dataclass
class _ChoiceList:
    rows: list[_Row] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)


class _Converter:
    def __init__(self) -> None:
        self.read = _Reader()
        self.locations = Locations()

    # settings -----------------------------------------------------------------------------

    def settings(self, rows: list[_Row] | None, data: dict[str, Any]) -> None:
        if rows is None:
            # The missing sheet is reported; its fields' "required" problems point at it.
            data["pass_rule"] = {}
            self.locations.add((), Cell(SETTINGS), SETTINGS_FIELDS)
            self.locations.add(("pass_rule",), Cell(SETTINGS), PASS_RULE_FIELDS)
            return
        if len(rows) > 1:
            self.read.fail(rows[1].cell(), "settings takes one row of values, under the headers")
        row = rows[0] if rows else _Row(SETTINGS, 2, {})
        spec = self.read.integer(row, "spec_version")
        _put(data, "spec_version", spec)
        _put(data, "id", self.read.text(row, "id"))
        _put(data, "version", self.read.text(row, "version"))
        _put(data, "title", self.read.text(row, "title"))
        for key in ("name", "source", "note"):
            _put(data, key, self.read.localized(row, key))
        rule: dict[str, Any] = {}
        for key in PASS_RULE_FIELDS:
            _put(rule, key, self.read.number(row, key))
        data["pass_rule"] = rule
        self.locations.add((), row.cell(), SETTINGS_FIELDS)
        self.locations.add(("pass_rule",), row.cell(), PASS_RULE_FIELDS)

    # choices ------------------------------------------------------------------------------

    def choice_lists(self, rows: list[_Row] | None) -> dict[str, _ChoiceList]:
        lists: dict[str, _ChoiceList] = {}
        for row in rows or ():
            name = self.read.text(row, "list_name")
            if name is None:
                self.read.fail(row.cell("list_name"), "every choice needs the name of its list")
                continue
            choice: dict[str, Any] = {}
            _put(choice, "value", self.read.text(row, "value"))
            _put(choice, "label", self.read.localized(row, "label"))
            _put(choice, "points", self.read.number(row, "points"))
            aliases = self.read.text(row, "aliases")
            if aliases:
                words = [a.strip() for a in aliases.split(ALIAS_SEPARATOR) if a.strip()]
                choice["aliases"] = words
            entry = lists.setdefault(name, _ChoiceList())
            entry.rows.append(row)
            entry.choices.append(choice)
        return lists

    # criteria -----------------------------------------------------------------------------

    def criteria(self, rows: list[_Row] | None) -> list[dict[str, Any]]:
        criteria: list[dict[str, Any]] = []
        for row in rows or ():
            criterion: dict[str, Any] = {}
            _put(criterion, "id", self.read.text(row, "id"))
            _put(criterion, "name", self.read.localized(row, "name"))
            _put(criterion, "max_points", self.read.number(row, "max_points"))
            _put(criterion, "min_points", self.read.number(row, "min_points"))
            criterion["indicators"] = []
            self.locations.add(("criteria", len(criteria)), row.cell(), CRITERION_FIELDS)
            criteria.append(criterion)
        return criteria

    # survey -------------------------------------------------------------------------------

    def question_type(self, row: _Row) -> tuple[str, str | None] | None:
        """(type, choice list) from "select_one grades"; None when the type is bad."""
        text = self.read.text(row, "type")
        if text is None:
            self.read.fail(row.cell("type"), "every row needs a type")
            return None
        words = text.split()
        kind = words[0].lower()
        list_name = words[1] if len(words) == 2 else None
        known = (*QUESTION_TYPES, "calculate")
        if kind not in known or len(words) > 2:
            self.read.fail(
                row.cell("type"),
                f'unknown type "{text}": use text, integer, decimal, yes_no, '
                "select_one LIST, select_multiple LIST or calculate",
            )
            return None
        if kind.startswith("select_") and list_name is None:
            self.read.fail(
                row.cell("type"), f'{kind} needs the name of a choice list: "{kind} LIST"'
            )
            return None
        if list_name is not None and kind not in ("select_one", "select_multiple", "yes_no"):
            self.read.fail(row.cell("type"), f"type {kind} takes no choice list")
            return None
        return kind, list_name

    def question(
        self,
        row: _Row,
        kind: str,
        list_name: str | None,
        lists: Mapping[str, _ChoiceList],
        path: DataPath,
    ) -> dict[str, Any]:
        q: dict[str, Any] = {}
        _put(q, "name", self.read.text(row, "name"))
        q["type"] = kind
        _put(q, "label", self.read.localized(row, "label"))
        _put(q, "hint", self.read.localized(row, "hint"))
        _put(q, "required", self.read.flag(row, "required"))
        _put(q, "relevant", self.read.text(row, "relevant"))
        _put(q, "constraint", self.read.text(row, "constraint"))
        _put(q, "constraint_message", self.read.localized(row, "constraint_message"))
        _put(q, "min", self.read.number(row, "min"))
        _put(q, "max", self.read.number(row, "max"))
        _put(q, "max_length", self.read.integer(row, "max_length"))
        _put(q, "prefill", self.read.text(row, "prefill"))
        _put(q, "locked", self.read.flag(row, "locked"))
        _put(q, "evidence", self.read.flag(row, "evidence"))
        self.locations.add(path, row.cell(), QUESTION_FIELDS)
        if list_name is not None:
            found = lists.get(list_name)
            if found is None:
                self.read.fail(
                    row.cell("type"), f'choice list "{list_name}" is not in the choices sheet'
                )
            else:
                q["choices"] = copy.deepcopy(found.choices)
                for j, choice_row in enumerate(found.rows):
                    self.locations.add((*path, "choices", j), choice_row.cell(), CHOICE_FIELDS)
        return q

    def bands(self, row: _Row) -> list[dict[str, Any]] | None:
        value = row.values.get("bands")
        if value is None:
            return None
        text = self.read.text(row, "bands")
        if text is None:
            return None
        bands: list[dict[str, Any]] = []
        for part in re.split(r"[;\n]", text):
            if not part.strip():
                continue
            pieces = part.split("=")
            parsed = [_parse_number(p) for p in pieces] if len(pieces) == 2 else [None]
            if None in parsed:
                self.read.fail(
                    row.cell("bands"),
                    f'"{part.strip()}" is not FROM=POINTS; write e.g. 70=20; 50=10; 0=0',
                )
                return None
            bands.append({"min": parsed[0], "points": parsed[1]})
        return bands

    def survey(
        self,
        rows: list[_Row] | None,
        lists: Mapping[str, _ChoiceList],
        criteria: list[dict[str, Any]],
        data: dict[str, Any],
        criteria_sheet: bool = True,
    ) -> None:
        profile: list[dict[str, Any]] = []
        by_id: dict[str, int] = {}
        for index, criterion in enumerate(criteria):
            by_id.setdefault(str(criterion.get("id")), index)
        last_criterion = -1
        last_criterion_id = ""
        seen_indicator_row = False
        for row in rows or ():
            # A bad type is reported; "text" stands in so later references to the question
            # still resolve instead of producing errors of their own.
            parsed = self.question_type(row) or ("text", None)
            filled = [c for c in INDICATOR_COLUMNS if row.has(c)]
            is_indicator = bool(filled) or parsed[0] == "calculate"
            if not is_indicator:
                if seen_indicator_row:
                    self.read.fail(
                        row.cell("criterion"),
                        "a question without a criterion (general information) must come "
                        "before the indicator rows",
                    )
                path: DataPath = ("profile", len(profile))
                profile.append(self.question(row, *parsed, lists, path))
                continue
            seen_indicator_row = True
            criterion_id = self.read.text(row, "criterion")
            indicator_id = self.read.text(row, "indicator")
            if indicator_id is None:
                self.read.fail(
                    row.cell("indicator"),
                    f"this row fills indicator columns ({', '.join(filled) or 'type calculate'}) "
                    "but has no indicator id",
                )
            if criterion_id is None:
                self.read.fail(row.cell("criterion"), "an indicator row needs its criterion id")
                continue
            ci = by_id.get(criterion_id)
            if ci is None:
                if criteria_sheet:  # else the missing sheet is the one problem to report
                    where = "is not in the criteria sheet"
                    self.read.fail(row.cell("criterion"), f'criterion "{criterion_id}" {where}')
                continue
            if ci < last_criterion:
                self.read.fail(
                    row.cell("criterion"),
                    f'criterion "{criterion_id}" comes after rows of criterion '
                    f'"{last_criterion_id}": keep indicator rows in the order of the criteria '
                    "sheet",
                )
            last_criterion, last_criterion_id = ci, criterion_id
            indicators: list[dict[str, Any]] = criteria[ci]["indicators"]
            ipath: DataPath = ("criteria", ci, "indicators", len(indicators))
            indicators.append(self.indicator(row, parsed, lists, ipath))
        data["profile"] = profile
        data["criteria"] = criteria
        self.locations.add(("profile",), Cell(SURVEY))
        self.locations.add(("criteria",), Cell(CRITERIA))

    def indicator(
        self,
        row: _Row,
        parsed: tuple[str, str | None],
        lists: Mapping[str, _ChoiceList],
        path: DataPath,
    ) -> dict[str, Any]:
        ind: dict[str, Any] = {}
        _put(ind, "id", self.read.text(row, "indicator"))
        _put(ind, "provisional", self.read.flag(row, "provisional"))
        _put(ind, "mandatory", self.read.flag(row, "mandatory"))
        _put(ind, "max_points", self.read.number(row, "max_points"))
        _put(ind, "min_points", self.read.number(row, "min_points"))
        _put(ind, "not_applicable_points", self.read.number(row, "not_applicable_points"))
        _put(ind, "text", self.read.localized(row, "indicator_text"))
        self.locations.add(path, row.cell(), INDICATOR_FIELDS)
        kind, list_name = parsed
        if kind == "calculate":
            for column in QUESTION_ONLY_COLUMNS:
                if row.has(column):
                    self.read.fail(
                        row.cell(column),
                        "a calculate row asks no question: leave this cell empty",
                    )
            _put(ind, "calculate", self.read.text(row, "calculate"))
            _put(ind, "bands", self.bands(row))
            _put(ind, "relevant", self.read.text(row, "relevant"))
            return ind
        for column in ("calculate", "bands"):
            if row.has(column):
                self.read.fail(row.cell(column), 'only rows of type "calculate" take this')
        # The row's condition goes on the question (where check_pack checks its references).
        ind["question"] = self.question(row, kind, list_name, lists, (*path, "question"))
        return ind


def _parse_number(text: str) -> float | int | None:
    text = text.strip().replace(" ", "")
    if re.fullmatch(r"-?\d+", text):
        return int(text)
    if re.fullmatch(r"-?\d+(?:[.,]\d+)?", text):
        return float(text.replace(",", "."))
    return None


def workbook_to_data(wb: Workbook) -> tuple[dict[str, Any], Locations, list[Found]]:
    """The pack data a workbook holds, where each part came from, and the cells that could
    not be read (their values are left out of the data, or replaced by a placeholder)."""
    convert = _Converter()
    sheets = {name: _read_sheet(wb, name, convert.read) for name in SHEETS}
    data: dict[str, Any] = {}
    convert.settings(sheets[SETTINGS], data)
    lists = convert.choice_lists(sheets[CHOICES])
    criteria = convert.criteria(sheets[CRITERIA])
    convert.survey(sheets[SURVEY], lists, criteria, data, sheets[CRITERIA] is not None)
    # The YAML layout's key order, so the written file reads like the shipped packs.
    order = ("spec_version", "id", "version", "title", "name", "source", "note", "profile")
    ordered = {k: data[k] for k in order if k in data}
    ordered["criteria"] = data["criteria"]
    ordered["pass_rule"] = data["pass_rule"]
    return ordered, convert.locations, convert.read.problems


def _friendly(error: Mapping[str, Any]) -> str:
    """pydantic's message, reworded where a secretary would not understand it."""
    kind = error["type"]
    value = error.get("input")
    loc = tuple(error["loc"])
    if kind == "missing":
        return "required, but the cell is empty"
    if kind == "string_pattern_mismatch":
        if error.get("ctx", {}).get("pattern") == NAME_PATTERN:
            return (
                f'"{value}" is not a valid name: start with a letter, then use letters '
                "without diacritics, digits or _"
            )
        return f'"{value}" is not a valid id: use lowercase letters, digits, ".", "_" and "-"'
    if kind == "too_short" and loc and loc[-1] == "indicators":
        return "this criterion has no indicator rows in the survey sheet"
    if kind == "too_short" and loc == ("criteria",):
        return "there are no criteria"
    if kind == "literal_error":
        return f'"{value}" is not allowed: {error["msg"].removeprefix("Input should be ")}'
    return str(error["msg"])


def check_data(data: dict[str, Any], locations: Locations) -> list[Found]:
    """What conversations.packs finds wrong with converted data, by cell instead of path."""
    try:
        migrated = migrate(copy.deepcopy(data))
    except PackError as err:
        return [(locations.find(("spec_version",)), p.message) for p in err.problems]
    try:
        pack = CriteriaPack.model_validate(migrated)
    except ValidationError as err:
        errors = err.errors()
        locs = [tuple(e["loc"]) for e in errors]
        found = [
            (locations.find(loc), _friendly(e))
            for e, loc in zip(errors, locs, strict=True)
            # As in pack_from_data: a list whose items were invalid is then "too short" too.
            if not (
                e["type"] == "too_short"
                and any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs)
            )
        ]
        if all(loc and loc[0] in SETTINGS_PLACEHOLDERS for loc in locs):
            # Only the settings row is wrong: check the questionnaire too, with stand-ins for
            # the bad settings, so the secretary sees every problem in one go.
            patched = dict(migrated)
            for loc in locs:
                patched[str(loc[0])] = SETTINGS_PLACEHOLDERS[str(loc[0])]
            try:
                pack = CriteriaPack.model_validate(patched)
            except ValidationError:
                return found
            found += [
                (locations.find(path), message)
                for path, message in check_pack(pack)
                if path[0] not in SETTINGS_PLACEHOLDERS
            ]
        return found
    return [(locations.find(path), message) for path, message in check_pack(pack)]


# Harmless values for the settings row's fields, used only to reach the other checks.
SETTINGS_PLACEHOLDERS: dict[str, Any] = {
    "id": "placeholder",
    "version": "0",
    "title": "household",
    "name": {"vi": "?"},
    "source": {"vi": "?"},
    "note": None,
    "pass_rule": {"total_min": 0},
}


def read_workbook(path: str | Path | IO[bytes]) -> Workbook:
    """Open an .xlsx file, turning "not a workbook" into a PackError."""
    try:
        # data_only: a formula cell counts as the value Excel last calculated for it.
        return load_workbook(path, data_only=True)
    except Exception as err:  # openpyxl raises several unrelated types for a bad file
        raise _pack_error(
            [(Cell("workbook"), f"cannot be opened as an .xlsx workbook ({err})")],
            str(path) if isinstance(path, str | Path) else "",
        ) from None


def import_workbook(wb: Workbook, source: str = "") -> tuple[dict[str, Any], CriteriaPack]:
    """The YAML pack data and the validated pack a workbook holds.

    Raises PackError naming the sheet, row and column of every problem found, all at once.
    """
    data, locations, unreadable = workbook_to_data(wb)
    found = list(unreadable)
    # A row (or sheet) already reported would only repeat itself: "type is unknown", then
    # "a scored question must be select_one..." for the placeholder put in its place. The
    # settings sheet is one row of unrelated values, so there only the same cell counts.
    cells = {cell for cell, _ in unreadable}
    rows = {(c.sheet, c.row) for c in cells if c.sheet != SETTINGS or c.row is None}
    for cell, message in check_data(data, locations):
        if cell in cells or (cell.sheet, cell.row) in rows or (cell.sheet, None) in rows:
            continue
        found.append((cell, message))
    if found:
        raise _pack_error(found, source)
    # The one authoritative check, exactly as a YAML pack is loaded.
    return data, pack_from_data(data, source)


class _IndentedDumper(yaml.SafeDumper):
    """Indents list items under their key, as the hand-written packs do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def data_to_yaml(data: Mapping[str, Any], source: str = "") -> str:
    header = f"# Converted from {Path(source).name} by `hoctap pack import`.\n" if source else ""
    body = yaml.dump(
        dict(data), Dumper=_IndentedDumper, allow_unicode=True, sort_keys=False, width=100
    )
    return header + body


# --- Pack -> workbook -----------------------------------------------------------------------


def _num(value: float | None) -> float | int | None:
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _texts(base: str, text: LocalizedText | None) -> dict[str, Any]:
    if text is None:
        return {}
    return {f"{base}::vi": text.vi, f"{base}::en": text.en}


def _yes(value: bool) -> str | None:
    return "yes" if value else None


def _default_yes_no(max_points: float) -> tuple[Choice, ...]:
    """The choices a yes/no indicator gets when it lists none (the pack's own rule)."""
    probe = Question(name="probe", type="yes_no", label=LocalizedText(vi="?"))
    filled = Indicator(
        id="probe", text=LocalizedText(vi="?"), max_points=max_points, question=probe
    )
    assert filled.question is not None
    return filled.question.choices


def _question_row(
    q: Question, scored: Indicator | None, choice_rows: list[dict[str, Any]]
) -> dict[str, Any]:
    # A yes/no indicator's choices are implied unless they differ from the default ones.
    listed = q.type in ("select_one", "select_multiple") or (
        q.type == "yes_no"
        and bool(q.choices)
        and (scored is None or q.choices != _default_yes_no(scored.max_points))
    )
    type_text = f"{q.type} {q.name}" if listed else q.type
    if listed:
        for c in q.choices:
            choice_rows.append(
                {
                    "list_name": q.name,
                    "value": c.value,
                    **_texts("label", c.label),
                    # Points only matter on scored questions; 0 elsewhere would only confuse.
                    "points": _num(c.points) if scored is not None or c.points else None,
                    "aliases": f"{ALIAS_SEPARATOR} ".join(c.aliases) or None,
                }
            )
    return {
        "type": type_text,
        "name": q.name,
        **_texts("label", q.label),
        **_texts("hint", q.hint),
        "required": "yes" if q.required else "no",
        "relevant": q.relevant,
        "constraint": q.constraint,
        **_texts("constraint_message", q.constraint_message),
        "min": _num(q.min),
        "max": _num(q.max),
        "max_length": q.max_length if q.max_length != DEFAULT_MAX_LENGTH else None,
        "prefill": q.prefill,
        "locked": _yes(q.locked),
        "evidence": _yes(q.evidence),
    }


def pack_rows(pack: CriteriaPack) -> dict[str, list[dict[str, Any]]]:
    """Each sheet's rows as {column: value}."""
    survey: list[dict[str, Any]] = []
    choices: list[dict[str, Any]] = []
    criteria: list[dict[str, Any]] = []
    for q in pack.profile:
        survey.append(_question_row(q, None, choices))
    for criterion in pack.criteria:
        criteria.append(
            {
                "id": criterion.id,
                **_texts("name", criterion.name),
                "max_points": _num(criterion.max_points),
                "min_points": _num(criterion.min_points),
            }
        )
        for ind in criterion.indicators:
            if ind.question is not None:
                row = _question_row(ind.question, ind, choices)
                # An indicator-level condition becomes the question's: the same for scoring.
                row["relevant"] = ind.question.relevant or ind.relevant
            else:
                bands = "; ".join(f"{_num(b.min)}={_num(b.points)}" for b in ind.bands)
                row = {
                    "type": "calculate",
                    "relevant": ind.relevant,
                    "calculate": ind.calculate,
                    "bands": bands or None,
                }
            row.update(
                {
                    "criterion": criterion.id,
                    "indicator": ind.id,
                    **_texts("indicator_text", ind.text),
                    "max_points": _num(ind.max_points),
                    "provisional": _yes(ind.provisional),
                    "mandatory": _yes(ind.mandatory),
                    "min_points": _num(ind.min_points),
                    "not_applicable_points": _num(ind.not_applicable_points),
                }
            )
            survey.append(row)
    rule = pack.pass_rule
    settings = {
        "id": pack.id,
        "version": pack.version,
        "title": pack.title,
        **_texts("name", pack.name),
        **_texts("source", pack.source),
        **_texts("note", pack.note),
        "total_min": _num(rule.total_min),
        "difficult_area_total_min": _num(rule.difficult_area_total_min),
        "indicator_min": _num(rule.indicator_min),
        "spec_version": pack.spec_version,
    }
    return {SURVEY: survey, CHOICES: choices, CRITERIA: criteria, SETTINGS: [settings]}


HEADER_FONT = Font(bold=True)
HEADER_FILL = PatternFill("solid", start_color="DDEBF7")
VALIDATED_ROWS = 500  # rows below the data that keep the yes/no drop-downs


def _write_sheet(ws: Worksheet, columns: tuple[Column, ...], rows: list[dict[str, Any]]) -> None:
    for index, column in enumerate(columns, start=1):
        cell = ws.cell(row=1, column=index, value=column.name)
        cell.font = HEADER_FONT
        cell.fill = HEADER_FILL
        cell.comment = Comment(column.help, "hoctap")
        letter = get_column_letter(index)
        dimension = ws.column_dimensions[letter]
        dimension.width = column.width
        if column.kind == "id":
            # Text, so Excel keeps "1.10" and "2015.1" as typed instead of making numbers.
            dimension.number_format = "@"
        if column.kind == "flag":
            flags = DataValidation(type="list", formula1='"yes,no"', allow_blank=True)
            ws.add_data_validation(flags)
            flags.add(f"{letter}2:{letter}{len(rows) + VALIDATED_ROWS}")
    wrap = Alignment(wrap_text=True, vertical="top")
    top = Alignment(vertical="top")
    for r, values in enumerate(rows, start=2):
        for index, column in enumerate(columns, start=1):
            value = values.get(column.name)
            if value is None:
                continue
            cell = ws.cell(row=r, column=index, value=value)
            if isinstance(value, str) and value.startswith("="):
                cell.data_type = "s"  # a text, not a formula
            if column.kind == "id":
                cell.number_format = "@"
            cell.alignment = wrap if column.kind == "long" else top
    ws.freeze_panes = "A2"


def pack_to_workbook(pack: CriteriaPack) -> Workbook:
    """The spreadsheet layout of a pack (survey, choices, criteria, settings)."""
    wb = Workbook()
    default = wb.active
    rows = pack_rows(pack)
    for name in SHEETS:
        _write_sheet(wb.create_sheet(name), COLUMNS[name], rows[name])
    if default is not None:
        wb.remove(default)
    settings = wb[SETTINGS]
    titles = DataValidation(
        type="list", formula1='"household,clan,village,citizen,unit"', allow_blank=False
    )
    settings.add_data_validation(titles)
    titles.add("C2")
    return wb
