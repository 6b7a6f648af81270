"""Criteria packs as spreadsheets: round trips of the shipped packs, and errors that name the
sheet, row and column a commune secretary has to fix."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from conversations.pack_files import PackError, load_pack, parse_pack
from conversations.pack_sheets import (
    CHOICE_COLUMNS,
    CHOICE_FIELDS,
    CRITERION_FIELDS,
    GRADE_COLUMNS,
    GRADE_FIELDS,
    INDICATOR_FIELDS,
    PASS_RULE_FIELDS,
    QUESTION_FIELDS,
    SETTINGS_FIELDS,
    SURVEY_COLUMNS,
    data_to_yaml,
    import_workbook,
    pack_to_workbook,
    read_workbook,
)
from conversations.packs import (
    Choice,
    CriteriaPack,
    Criterion,
    Grade,
    Indicator,
    PassRule,
    Question,
)

PACKS = Path(__file__).resolve().parents[2] / "packs"
SHIPPED = sorted(PACKS.glob("*.yaml"))


def _reopen(wb: Workbook) -> Workbook:
    """Save and load again, as Excel would hand the file back."""
    buffer = io.BytesIO()
    wb.save(buffer)
    buffer.seek(0)
    return read_workbook(buffer)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.name)
def test_shipped_packs_round_trip_unchanged(path: Path) -> None:
    pack = load_pack(path)
    data, imported = import_workbook(_reopen(pack_to_workbook(pack)), "x.xlsx")
    assert imported == pack
    # The YAML written by `pack import` loads to the same pack as well.
    assert parse_pack(data_to_yaml(data, "x.xlsx")) == pack


def test_every_pack_field_has_a_place_in_the_workbook() -> None:
    # A field added to the pack format must get a column, or export would silently drop it.
    assert set(Question.model_fields) == set(QUESTION_FIELDS)
    assert set(Indicator.model_fields) == set(INDICATOR_FIELDS)
    assert set(Choice.model_fields) == set(CHOICE_FIELDS)
    assert set(Criterion.model_fields) == set(CRITERION_FIELDS)
    # The grades have a sheet of their own.
    assert set(PassRule.model_fields) == {*PASS_RULE_FIELDS, "grades"}
    assert set(Grade.model_fields) == set(GRADE_FIELDS)
    top = set(CriteriaPack.model_fields) - {"profile", "criteria", "pass_rule"}
    assert top == set(SETTINGS_FIELDS)


def _survey_rows(wb: Workbook) -> list[dict[str, Any]]:
    header = [c.value for c in wb["survey"][1]]
    return [
        dict(zip(header, r, strict=True))
        for r in wb["survey"].iter_rows(min_row=2, values_only=True)
    ]


def test_a_commune_marks_rows_of_its_official_table_confirmed() -> None:
    """Export the shipped pack, confirm 2.2 and the pass rule with where they came from, import:
    the sources and flags survive the spreadsheet and the YAML written from it."""
    wb = _reopen(pack_to_workbook(load_pack(PACKS / "gdht-448.yaml")))
    rows = _survey_rows(wb)
    literacy = next(r for r in rows if r["indicator"] == "2.1")
    assert literacy["provisional"] is None
    assert literacy["indicator_source"].startswith("Quyết định 448/QĐ-KHVN (01/12/2015)")
    settings = {c.value: v.value for c, v in zip(wb["settings"][1], wb["settings"][2], strict=True)}
    assert settings["pass_rule_provisional"] == "yes"

    header = [c.value for c in wb["survey"][1]]
    row = 2 + next(i for i, r in enumerate(rows) if r["indicator"] == "2.2")
    survey = wb["survey"]
    survey.cell(row, header.index("provisional") + 1, "không")
    survey.cell(row, header.index("indicator_source") + 1, "Bảng của xã Kim Liên, trang 2")
    columns = [c.value for c in wb["settings"][1]]
    wb["settings"].cell(2, columns.index("pass_rule_provisional") + 1, "no")
    wb["settings"].cell(2, columns.index("version") + 1, "2026.1")

    data, pack = import_workbook(_reopen(wb), "kim-lien.xlsx")
    learning = next(i for i in pack.indicators() if i.id == "2.2")
    assert (learning.provisional, learning.source) == (False, "Bảng của xã Kim Liên, trang 2")
    assert pack.pass_rule.provisional is False
    assert {i.id for i in pack.indicators() if not i.partly_provisional} == {"1.3", "2.1", "2.2"}
    assert parse_pack(data_to_yaml(data, "kim-lien.xlsx")) == pack


def test_a_provisional_choice_and_not_applicable_rule_round_trip() -> None:
    """1.2's 5 points for "some" and its full points when not applicable are flagged in the
    workbook; a commune that confirms them clears the cells, and the pack no longer flags them."""
    wb = _reopen(pack_to_workbook(load_pack(PACKS / "gdht-448.yaml")))
    rows = _survey_rows(wb)
    results = next(r for r in rows if r["indicator"] == "1.2")
    assert (results["provisional"], results["not_applicable_provisional"]) == (None, "yes")
    literacy = next(r for r in rows if r["indicator"] == "2.1")
    assert literacy["not_applicable_provisional"] is None
    choice_header = [c.value for c in wb["choices"][1]]
    choice_rows = [
        dict(zip(choice_header, r, strict=True))
        for r in wb["choices"].iter_rows(min_row=2, values_only=True)
    ]
    flagged = {(r["list_name"], r["value"]) for r in choice_rows if r["provisional"] == "yes"}
    assert flagged == {("school_results", "some")}

    header = [c.value for c in wb["survey"][1]]
    row = 2 + next(i for i, r in enumerate(rows) if r["indicator"] == "1.2")
    wb["survey"].cell(row, header.index("not_applicable_provisional") + 1, "không")
    some = 2 + next(
        i
        for i, r in enumerate(choice_rows)
        if (r["list_name"], r["value"]) == ("school_results", "some")
    )
    wb["choices"].cell(some, choice_header.index("provisional") + 1, "no")

    data, pack = import_workbook(_reopen(wb), "kim-lien.xlsx")
    indicators = {i.id: i for i in pack.indicators()}
    assert not indicators["1.2"].partly_provisional
    assert indicators["1.1"].not_applicable_provisional  # left as it was
    assert parse_pack(data_to_yaml(data, "kim-lien.xlsx")) == pack


def test_a_not_applicable_flag_alone_makes_an_indicator_row() -> None:
    parts = _valid()
    parts["survey"][0]["not_applicable_provisional"] = "yes"
    problems = _problems(parts)
    assert any("survey!R2" in p and "no indicator id" in p for p in problems), problems


def test_a_source_cell_alone_makes_an_indicator_row() -> None:
    parts = _valid()
    parts["survey"][0]["indicator_source"] = "Quyết định của xã"
    problems = _problems(parts)
    assert any("survey!R2" in p and "no indicator id" in p for p in problems), problems


def test_shipped_packs_are_the_ones_expected() -> None:
    assert {p.name for p in SHIPPED} >= {"gdht-448.yaml", "dhht-2022.yaml"}


def test_export_layout_is_editable_in_excel(tmp_path: Path) -> None:
    file = tmp_path / "gdht.xlsx"
    pack_to_workbook(load_pack(PACKS / "gdht-448.yaml")).save(file)
    wb = load_workbook(file)
    assert wb.sheetnames == ["survey", "choices", "criteria", "settings", "grades"]
    # A pack without grades leaves the grades sheet with its headers only, ready to fill in.
    assert [c.value for c in wb["grades"][1]] == [c.name for c in GRADE_COLUMNS]
    assert wb["grades"].max_row == 1
    survey = wb["survey"]
    assert [c.value for c in survey[1]] == [c.name for c in SURVEY_COLUMNS]
    assert [c.value for c in wb["choices"][1]] == [c.name for c in CHOICE_COLUMNS]
    assert survey.freeze_panes == "A2"
    assert survey.column_dimensions["C"].width == 50  # label::vi
    # Vietnamese text intact, ids kept as text so Excel does not turn "1.1" into a number.
    labels = [row[2] for row in survey.iter_rows(min_row=2, values_only=True)]
    assert "Họ và tên chủ hộ?" in labels
    indicator_col = [c.name for c in SURVEY_COLUMNS].index("indicator") + 1
    cell = survey.cell(row=7, column=indicator_col)
    assert (cell.value, cell.number_format) == ("1.1", "@")
    assert wb["settings"]["A2"].value == "gdht-448"
    # A yes/no indicator without its own choices needs no choice list.
    types = {row[1]: row[0] for row in survey.iter_rows(min_row=2, values_only=True)}
    assert types["children_conduct"] == "yes_no"
    assert types["school_results"] == "select_one school_results"


def test_computed_indicator_exports_bands() -> None:
    wb = pack_to_workbook(load_pack(PACKS / "dhht-2022.yaml"))
    header = [c.value for c in wb["survey"][1]]
    rows = [
        dict(zip(header, r, strict=True))
        for r in wb["survey"].iter_rows(min_row=2, values_only=True)
    ]
    computed = next(r for r in rows if r["type"] == "calculate")
    assert computed["indicator"] == "2.1"
    assert computed["bands"] == "70=20; 50=10; 0=0"
    assert computed["name"] is None


# --- Workbooks written by hand ----------------------------------------------------------------


def _sheet(wb: Workbook, name: str, rows: list[dict[str, Any]]) -> None:
    ws = wb.create_sheet(name)
    header: list[str] = []
    for row in rows:
        header += [k for k in row if k not in header]
    ws.append(header)
    for row in rows:
        ws.append([row.get(h) for h in header])


def _workbook(
    survey: list[dict[str, Any]],
    choices: list[dict[str, Any]],
    criteria: list[dict[str, Any]],
    settings: dict[str, Any],
) -> Workbook:
    wb = Workbook()
    wb.remove(wb.active)
    _sheet(wb, "survey", survey)
    _sheet(wb, "choices", choices)
    _sheet(wb, "criteria", criteria)
    _sheet(wb, "settings", [settings])
    return wb


def _valid() -> dict[str, Any]:
    return {
        "survey": [
            {"type": "integer", "name": "children", "label::vi": "Có bao nhiêu cháu?", "min": 0},
            {
                "type": "select_one attendance",
                "name": "attendance",
                "label::vi": "Các cháu có đi học đều không?",
                "relevant": "${children} > 0",
                "criterion": 1,  # a number, as Excel stores a typed 1
                "indicator": "1.1",
                "indicator_text::vi": "Trẻ em đi học đều.",
                "max_points": 10,
                "provisional": "có",
            },
            {
                "type": "yes_no",
                "name": "reading",
                "label::vi": "Gia đình có tủ sách?",
                "criterion": "1",
                "indicator": "1.2",
                "indicator_text::vi": "Có tủ sách.",
                "max_points": "7,5",
            },
        ],
        "choices": [
            {
                "list_name": "attendance",
                "value": "all",
                "label::vi": "Tất cả",
                "points": 10,
                "aliases": "tat ca; deu di hoc",
            },
            {"list_name": "attendance", "value": "some", "label::vi": "Một số", "points": 0},
        ],
        "criteria": [{"id": "1", "name::vi": "Học tập của trẻ em", "max_points": 17.5}],
        "settings": {
            "id": "thu-nghiem",
            "version": "2025.1",
            "title": "household",
            "name::vi": "Gia đình học tập",
            "source::vi": "Bảng của xã",
            "total_min": 15,
        },
    }


def _problems(parts: dict[str, Any]) -> list[str]:
    with pytest.raises(PackError) as caught:
        import_workbook(_reopen(_workbook(**parts)), "xa.xlsx")
    return [str(p) for p in caught.value.problems]


def test_a_workbook_written_by_hand_imports() -> None:
    data, pack = import_workbook(_reopen(_workbook(**_valid())), "xa.xlsx")
    assert pack.key == "thu-nghiem@2025.1"
    attendance = pack.question("attendance")
    assert attendance.relevant == "${children} > 0"
    assert attendance.choices[0].aliases == ("tat ca", "deu di hoc")
    indicator = pack.criteria[0].indicators[1]
    assert (indicator.id, indicator.max_points, indicator.provisional) == ("1.2", 7.5, False)
    assert pack.criteria[0].indicators[0].provisional
    assert pack.criteria[0].id == "1" and data["criteria"][0]["indicators"][0]["id"] == "1.1"


def test_a_broken_workbook_names_sheet_row_and_column_of_every_problem() -> None:
    parts = _valid()
    parts["survey"][1]["relevant"] = "${children_count} > 0"  # unknown reference
    parts["survey"][2]["type"] = "yesno"  # bad type
    parts["survey"].append(
        {
            "type": "select_one grades",  # a list that is not in the choices sheet
            "name": "grades",
            "label::vi": "Kết quả học tập?",
            "criterion": "1",
            "indicator": "1.3",
            "indicator_text::vi": "Kết quả học tập.",
            "max_points": 5,
        }
    )
    parts["choices"][0]["points"] = 15  # above the indicator's 10 points
    parts["settings"]["id"] = None  # missing settings id
    problems = _problems(parts)
    assert problems == [
        'survey!R3 (column "relevant"): refers to children_count, not a question asked '
        "before this one",
        'survey!R4 (column "type"): unknown type "yesno": use text, integer, decimal, yes_no, '
        "select_one LIST, select_multiple LIST or calculate",
        'survey!R5 (column "type"): choice list "grades" is not in the choices sheet',
        'choices!R2 (column "points"): 15 points is outside 0..10',
        'settings!R2 (column "id"): required, but the cell is empty',
    ]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda p: p["survey"][0].update({"name": "số cháu"}),
            'survey!R2 (column "name"): "số cháu" is not a valid name',
        ),
        (
            lambda p: p["survey"][1].update({"criterion": "9"}),
            'survey!R3 (column "criterion"): criterion "9" is not in the criteria sheet',
        ),
        (
            lambda p: p["survey"][1].update({"lable::vi": "typo"}),
            'survey!R1 (column "lable::vi"): unknown column',
        ),
        (
            lambda p: p["survey"][0].update({"min": "không"}),
            'survey!R2 (column "min"): "không" is not a number',
        ),
        (
            lambda p: p["survey"][2].update({"indicator": datetime(2025, 2, 1)}),
            'survey!R4 (column "indicator"): Excel turned this into a date',
        ),
        (
            lambda p: p["criteria"][0].update({"max_points": 30}),
            'criteria!R2 (column "max_points"): indicators add up to 17.5, less than',
        ),
        (
            lambda p: p["settings"].update({"title": "family"}),
            'settings!R2 (column "title"): "family" is not allowed',
        ),
        (
            lambda p: p["settings"].update({"total_min": 120}),
            'settings!R2 (column "total_min"): 120 is outside 0..17.5 points',
        ),
        (
            lambda p: p["settings"].update({"title": "citizen", "min_age": "18,5"}),
            'settings!R2 (column "min_age"): 18.5 is not a whole number',
        ),
        (
            lambda p: p["settings"].update({"title": "citizen", "min_age": 0}),
            'settings!R2 (column "min_age"): Input should be greater than or equal to 1',
        ),
        (
            lambda p: p["settings"].update({"min_age": 18}),  # a household has no age
            'settings!R2 (column "min_age"): only a title for one person (citizen) has a '
            "minimum age",
        ),
        (
            lambda p: p["survey"].append({"type": "text", "name": "late", "label::vi": "?"}),
            'survey!R5 (column "criterion"): a question without a criterion',
        ),
        (
            lambda p: p["survey"][2].update({"type": "calculate", "calculate": "${children}"}),
            'survey!R4 (column "name"): a calculate row asks no question',
        ),
        (
            lambda p: p["survey"][1].update({"constraint": ". > 0"}),
            'survey!R3 (column "constraint"): a constraint needs a constraint_message',
        ),
    ],
)
def test_each_problem_names_its_cell(change: Any, expected: str) -> None:
    parts = _valid()
    change(parts)
    problems = _problems(parts)
    assert any(p.startswith(expected) for p in problems), problems


def test_computed_indicator_from_a_workbook() -> None:
    parts = _valid()
    parts["survey"][2] = {
        "type": "calculate",
        "criterion": "1",
        "indicator": "1.2",
        "indicator_text::vi": "Tỷ lệ.",
        "max_points": 7.5,
        "calculate": "${children} * 10",
        "bands": "50=7,5; 0=0",
    }
    _, pack = import_workbook(_reopen(_workbook(**parts)), "xa.xlsx")
    indicator = pack.criteria[0].indicators[1]
    assert indicator.calculate == "${children} * 10"
    assert [(b.min, b.points) for b in indicator.bands] == [(50, 7.5), (0, 0)]
    parts["survey"][2]["bands"] = "50-7"
    assert _problems(parts) == [
        'survey!R4 (column "bands"): "50-7" is not FROM=POINTS; write e.g. 70=20; 50=10; 0=0'
    ]


def test_a_missing_sheet_is_named() -> None:
    wb = _workbook(**_valid())
    wb.remove(wb["choices"])
    with pytest.raises(PackError) as caught:
        import_workbook(_reopen(wb), "xa.xlsx")
    assert str(caught.value.problems[0]) == "choices: the sheet is missing"


def test_not_a_workbook(tmp_path: Path) -> None:
    file = tmp_path / "pack.xlsx"
    file.write_text("id: not really a workbook", encoding="utf-8")
    with pytest.raises(PackError, match=r"cannot be opened as an \.xlsx workbook"):
        read_workbook(file.read_bytes(), str(file))


def test_formula_looking_text_stays_text() -> None:
    # A constraint such as "=5" must not become an Excel formula on export.
    pack = load_pack(PACKS / "gdht-448.yaml")
    profile = list(pack.profile)
    profile[2] = profile[2].model_copy(update={"relevant": "=1"})
    changed = pack.model_copy(update={"profile": tuple(profile)})
    wb = _reopen(pack_to_workbook(changed))
    header = [c.value for c in wb["survey"][1]]
    assert wb["survey"].cell(row=4, column=header.index("relevant") + 1).value == "=1"


# --- Grades (xếp loại) --------------------------------------------------------------------------


def _rows(wb: Workbook, sheet: str) -> list[dict[str, Any]]:
    header = [c.value for c in wb[sheet][1]]
    return [
        dict(zip(header, r, strict=True)) for r in wb[sheet].iter_rows(min_row=2, values_only=True)
    ]


def test_a_graded_pack_writes_its_grades_one_row_each_and_reads_them_back() -> None:
    pack = load_pack(PACKS / "dvht-2020.yaml")
    wb = _reopen(pack_to_workbook(pack))
    rows = _rows(wb, "grades")
    assert [(r["id"], r["name::vi"], r["total_min"]) for r in rows] == [
        ("tot", "Tốt", 85),
        ("kha", "Khá", 70),
        ("dat", "Đạt", 50),
    ]
    assert (rows[0]["criterion_minimums"], rows[0]["indicator_minimums"]) == ("2=30", "2.1=10")
    data, imported = import_workbook(wb, "dvht.xlsx")
    assert imported == pack
    assert [g.name.vi for g in imported.pass_rule.grades] == ["Tốt", "Khá", "Đạt"]
    assert imported.pass_rule.grades[0].indicator_minimums == {"2.1": 10}
    assert parse_pack(data_to_yaml(data, "dvht.xlsx")) == pack


def _graded() -> dict[str, Any]:
    parts = _valid()
    parts["grades"] = [
        {
            "id": "tot",
            "name::vi": "Tốt",
            "name::en": "Very good",
            "total_min": 17,
            "difficult_area_total_min": "16,5",
            "criterion_minimums": "1=15",
            "indicator_minimums": "1.1=10; 1.2=7,5",
        },
        {"id": "dat", "name::vi": "Đạt", "total_min": 15},
    ]
    return parts


def _graded_workbook(parts: dict[str, Any]) -> Workbook:
    grades = parts.pop("grades")
    wb = _workbook(**parts)
    _sheet(wb, "grades", grades)
    return _reopen(wb)


def test_grades_written_by_hand_import() -> None:
    _, pack = import_workbook(_graded_workbook(_graded()), "xa.xlsx")
    best, lowest = pack.pass_rule.grades
    assert (best.id, best.name.en, best.total_min, best.difficult_area_total_min) == (
        "tot",
        "Very good",
        17,
        16.5,
    )
    assert best.criterion_minimums == {"1": 15}
    assert best.indicator_minimums == {"1.1": 10, "1.2": 7.5}
    assert (lowest.id, lowest.total_min, lowest.indicator_minimums) == ("dat", 15, {})


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (
            lambda g: g[0].update({"criterion_minimums": "9=5"}),
            "grades!R2 (column \"criterion_minimums\"): no criterion has the id '9'",
        ),
        (
            lambda g: g[0].update({"indicator_minimums": "1.1=20"}),
            'grades!R2 (column "indicator_minimums"): 20 is outside 0..10 points',
        ),
        (
            lambda g: g[0].update({"indicator_minimums": "1.1 mười"}),
            'grades!R2 (column "indicator_minimums"): "1.1 mười" is not ID=POINTS',
        ),
        (
            lambda g: g[1].update({"total_min": 10}),
            'grades!R3 (column "total_min"): 10 is below the pass mark (15)',
        ),
        (
            lambda g: g[1].update({"total_min": 17.5}),
            "grades!R3 (column \"total_min\"): needs more points than 'tot' above it",
        ),
        (
            lambda g: g[1].update({"id": "tot"}),
            "grades!R3 (column \"id\"): grade id 'tot' is used twice",
        ),
        (
            lambda g: g[1].update({"name::vi": None}),
            'grades!R3 (column "name::vi"): required, but the cell is empty',
        ),
    ],
)
def test_each_grade_problem_names_its_cell(change: Any, expected: str) -> None:
    parts = _graded()
    change(parts["grades"])
    with pytest.raises(PackError) as caught:
        import_workbook(_graded_workbook(parts), "xa.xlsx")
    problems = [str(p) for p in caught.value.problems]
    assert any(p.startswith(expected) for p in problems), problems


def test_a_citizen_packs_minimum_age_is_a_settings_cell() -> None:
    """18 in the shipped pack's workbook; a commune that writes 16 gets a pack with 16."""
    wb = _reopen(pack_to_workbook(load_pack(PACKS / "cdht-2022.yaml")))
    columns = [c.value for c in wb["settings"][1]]
    cell = wb["settings"].cell(2, columns.index("min_age") + 1)
    assert cell.value == 18
    cell.value = "16"
    data, pack = import_workbook(_reopen(wb), "kim-lien.xlsx")
    assert pack.min_age == 16 and parse_pack(data_to_yaml(data, "kim-lien.xlsx")).min_age == 16
