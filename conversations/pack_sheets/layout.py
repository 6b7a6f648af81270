"""The spreadsheet layout of a criteria pack (PACK_SPREADSHEET.md): its sheets, their columns,
which column each pack field is written in, and where in the workbook a problem is."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from conversations.pack_files import PackError, PackProblem
from conversations.packs import QUESTION_TYPES, QuestionKind, TitleKind, spoken_list

SURVEY = "survey"
CHOICES = "choices"
CRITERIA = "criteria"
SETTINGS = "settings"
GRADES = "grades"
SHEETS = (SURVEY, CHOICES, CRITERIA, SETTINGS, GRADES)
# A workbook made before grades existed has no grades sheet: it reads as a pack without grades.
OPTIONAL_SHEETS = (GRADES,)

CALCULATE = "calculate"  # the survey type of a computed indicator: a formula, no question
# What each type of the survey sheet's type column takes: a question type's choice list, or
# none for calculate.
SURVEY_TYPES: dict[str, QuestionKind] = {name: kind for name, kind in QUESTION_TYPES.items()}
SURVEY_TYPES[CALCULATE] = QuestionKind("none")


def _type_names(list_word: str) -> list[str]:
    """The survey sheet's types as typed in it, from the table of question types: the ones
    naming a choice list ("select_one LIST") after the others, then calculate."""
    plain = [name for name, kind in QUESTION_TYPES.items() if kind.choices != "listed"]
    listed = [
        f"{name} {list_word}" for name, kind in QUESTION_TYPES.items() if kind.choices == "listed"
    ]
    return [*plain, *listed, CALCULATE]


# "text, integer, decimal, yes_no, select_one LIST, select_multiple LIST or calculate"
TYPES_TEXT = spoken_list(_type_names("LIST"))
TITLES: tuple[str, ...] = get_args(TitleKind)

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
    ("type", 22, "text", spoken_list(_type_names("DANH_SÁCH"), "hoặc")),
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
    ("provisional", 11, "flag", "yes: chỉ số tạm thời, chưa đối chiếu văn bản; no: đã đối chiếu"),
    (
        "indicator_source",
        40,
        "long",
        "Nội dung chỉ số lấy từ đâu: văn bản, bản sao, trang; phần nào chưa đối chiếu",
    ),
    ("mandatory", 11, "flag", "yes: phải đạt đủ điểm mới được công nhận"),
    ("min_points", 11, "number", "Điểm tối thiểu của chỉ số"),
    ("not_applicable_points", 12, "number", "Điểm khi không áp dụng; trống là đủ điểm"),
    (
        "not_applicable_provisional",
        14,
        "flag",
        "yes: điểm khi không áp dụng là tạm thời, chưa đối chiếu văn bản",
    ),
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
    ("provisional", 11, "flag", "yes: điểm của lựa chọn tạm thời (ví dụ điểm từng phần)"),
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
    ("title", 12, "text", spoken_list(TITLES, "hoặc")),
    ("name::vi", 28, "long", "Tên danh hiệu"),
    ("name::en", 24, "long", "Tên danh hiệu bằng tiếng Anh"),
    ("source::vi", 40, "long", "Văn bản gốc (số quyết định, năm)"),
    ("source::en", 30, "long", "Văn bản gốc bằng tiếng Anh"),
    ("note::vi", 30, "long", "Ghi chú"),
    ("note::en", 30, "long", "Ghi chú bằng tiếng Anh"),
    ("min_age", 10, "number", "Tuổi tối thiểu để tham gia (danh hiệu cho một người), ví dụ 18"),
    ("total_min", 10, "number", "Tổng điểm tối thiểu để đạt"),
    ("difficult_area_total_min", 14, "number", "Tổng điểm tối thiểu ở vùng khó khăn"),
    ("indicator_min", 12, "number", "Không chỉ số nào dưới số điểm này"),
    ("pass_rule_provisional", 12, "flag", "yes: ngưỡng đạt tạm thời, chưa đối chiếu văn bản"),
    ("spec_version", 10, "number", "Phiên bản định dạng (để trống)"),
)
GRADE_COLUMNS = _columns(
    ("id", 10, "id", "Mã mức xếp loại: chữ không dấu, số, dấu _ (ví dụ: tot, kha, dat)"),
    ("name::vi", 16, "long", "Tên mức xếp loại, ví dụ Tốt"),
    ("name::en", 16, "long", "Tên mức xếp loại bằng tiếng Anh"),
    ("total_min", 10, "number", "Tổng điểm tối thiểu của mức này"),
    (
        "difficult_area_total_min",
        14,
        "number",
        "Tổng điểm tối thiểu ở vùng khó khăn (trống: như trên)",
    ),
    ("indicator_min", 12, "number", "Không chỉ số nào dưới số điểm này"),
    (
        "criterion_minimums",
        22,
        "text",
        "Điểm tối thiểu từng tiêu chí: MÃ=ĐIỂM; ..., ví dụ 1=20; 2=30",
    ),
    (
        "indicator_minimums",
        22,
        "text",
        "Điểm tối thiểu từng chỉ số: MÃ=ĐIỂM; ..., ví dụ 2.1=10",
    ),
)
COLUMNS: dict[str, tuple[Column, ...]] = {
    SURVEY: SURVEY_COLUMNS,
    CHOICES: CHOICE_COLUMNS,
    CRITERIA: CRITERIA_COLUMNS,
    SETTINGS: SETTINGS_COLUMNS,
    GRADES: GRADE_COLUMNS,
}

INDICATOR_COLUMNS = (
    "criterion",
    "indicator",
    "indicator_text::vi",
    "indicator_text::en",
    "max_points",
    "provisional",
    "indicator_source",
    "mandatory",
    "min_points",
    "not_applicable_points",
    "not_applicable_provisional",
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


def pack_error(found: Iterable[Found], source: str) -> PackError:
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


# --- Pack fields -> columns -------------------------------------------------------------------

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
    "source": "indicator_source",
    "mandatory": "mandatory",
    "min_points": "min_points",
    "not_applicable_points": "not_applicable_points",
    "not_applicable_provisional": "not_applicable_provisional",
    "calculate": "calculate",
    "bands": "bands",
    "relevant": "relevant",
    "question": "type",
}
CHOICE_FIELDS = {
    "value": "value",
    "label": "label::vi",
    "points": "points",
    "aliases": "aliases",
    "provisional": "provisional",
}
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
    "min_age": "min_age",
    "spec_version": "spec_version",
}
PASS_RULE_FIELDS = {
    "total_min": "total_min",
    "difficult_area_total_min": "difficult_area_total_min",
    "indicator_min": "indicator_min",
    "provisional": "pass_rule_provisional",
}
# The pass rule's grades: one row each of the grades sheet, best first.
GRADE_FIELDS = {
    "id": "id",
    "name": "name::vi",
    "total_min": "total_min",
    "difficult_area_total_min": "difficult_area_total_min",
    "indicator_min": "indicator_min",
    "criterion_minimums": "criterion_minimums",
    "indicator_minimums": "indicator_minimums",
}
MINIMUM_SEPARATOR = ";"
