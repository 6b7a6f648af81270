"""Workbook -> pack: the YAML pack data a workbook holds, checked by `conversations.packs`
with every problem mapped back to the sheet, row and column it came from."""

from __future__ import annotations

import copy
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePath
from typing import Any

import yaml
from openpyxl import Workbook
from pydantic import ValidationError

from conversations.pack_files import PackError, check_pack, migrate, pack_from_data
from conversations.pack_sheets.cells import Reader, Row, read_sheet
from conversations.pack_sheets.layout import (
    ALIAS_SEPARATOR,
    CALCULATE,
    CHOICE_FIELDS,
    CHOICES,
    CRITERIA,
    CRITERION_FIELDS,
    GRADE_FIELDS,
    GRADES,
    INDICATOR_COLUMNS,
    INDICATOR_FIELDS,
    MINIMUM_SEPARATOR,
    OPTIONAL_SHEETS,
    PASS_RULE_FIELDS,
    QUESTION_FIELDS,
    QUESTION_ONLY_COLUMNS,
    SETTINGS,
    SETTINGS_FIELDS,
    SHEETS,
    SURVEY,
    SURVEY_TYPES,
    TYPES_TEXT,
    Cell,
    DataPath,
    Found,
    Locations,
    pack_error,
)
from conversations.packs import NAME_PATTERN, CriteriaPack


def _put(target: dict[str, Any], key: str, value: Any) -> None:
    if value is not None:
        target[key] = value


@dataclass
class _ChoiceList:
    rows: list[Row] = field(default_factory=list)
    choices: list[dict[str, Any]] = field(default_factory=list)


class _Converter:
    def __init__(self) -> None:
        self.read = Reader()
        self.locations = Locations()

    # settings -----------------------------------------------------------------------------

    def settings(self, rows: list[Row] | None, data: dict[str, Any]) -> None:
        if rows is None:
            # The missing sheet is reported; its fields' "required" problems point at it.
            data["pass_rule"] = {}
            self.locations.add((), Cell(SETTINGS), SETTINGS_FIELDS)
            self.locations.add(("pass_rule",), Cell(SETTINGS), PASS_RULE_FIELDS)
            return
        if len(rows) > 1:
            self.read.fail(rows[1].cell(), "settings takes one row of values, under the headers")
        row = rows[0] if rows else Row(SETTINGS, 2, {})
        spec = self.read.integer(row, "spec_version")
        _put(data, "spec_version", spec)
        _put(data, "id", self.read.text(row, "id"))
        _put(data, "version", self.read.text(row, "version"))
        _put(data, "title", self.read.text(row, "title"))
        for key in ("name", "source", "note"):
            _put(data, key, self.read.localized(row, key))
        _put(data, "min_age", self.read.integer(row, "min_age"))
        rule: dict[str, Any] = {}
        for key, column in PASS_RULE_FIELDS.items():
            read = self.read.flag if key == "provisional" else self.read.number
            _put(rule, key, read(row, column))
        data["pass_rule"] = rule
        self.locations.add((), row.cell(), SETTINGS_FIELDS)
        self.locations.add(("pass_rule",), row.cell(), PASS_RULE_FIELDS)

    # grades -------------------------------------------------------------------------------

    def grades(self, rows: list[Row] | None, data: dict[str, Any]) -> None:
        """The pass rule's grades, one per row, best first (no sheet or no rows: none)."""
        grades: list[dict[str, Any]] = []
        for row in rows or ():
            grade: dict[str, Any] = {}
            _put(grade, "id", self.read.text(row, "id"))
            _put(grade, "name", self.read.localized(row, "name"))
            for key in ("total_min", "difficult_area_total_min", "indicator_min"):
                _put(grade, key, self.read.number(row, key))
            for key in ("criterion_minimums", "indicator_minimums"):
                _put(grade, key, self.minimums(row, key))
            self.locations.add(("pass_rule", "grades", len(grades)), row.cell(), GRADE_FIELDS)
            grades.append(grade)
        if grades:
            data.setdefault("pass_rule", {})["grades"] = grades

    def minimums(self, row: Row, column: str) -> dict[str, Any] | None:
        """ "1=20; 2=30" as {"1": 20, "2": 30}."""
        text = self.read.text(row, column)
        if text is None:
            return None
        found: dict[str, Any] = {}
        for part in re.split(r"[;\n]", text):
            if not part.strip():
                continue
            pieces = part.split("=")
            points = _parse_number(pieces[1]) if len(pieces) == 2 else None
            if points is None or not pieces[0].strip():
                self.read.fail(
                    row.cell(column),
                    f'"{part.strip()}" is not ID=POINTS; write e.g. 1=20{MINIMUM_SEPARATOR} 2=30',
                )
                return None
            found[pieces[0].strip()] = points
        return found

    # choices ------------------------------------------------------------------------------

    def choice_lists(self, rows: list[Row] | None) -> dict[str, _ChoiceList]:
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
            _put(choice, "provisional", self.read.flag(row, "provisional"))
            entry = lists.setdefault(name, _ChoiceList())
            entry.rows.append(row)
            entry.choices.append(choice)
        return lists

    # criteria -----------------------------------------------------------------------------

    def criteria(self, rows: list[Row] | None) -> list[dict[str, Any]]:
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

    def question_type(self, row: Row) -> tuple[str, str | None] | None:
        """(type, choice list) from "select_one grades"; None when the type is bad."""
        text = self.read.text(row, "type")
        if text is None:
            self.read.fail(row.cell("type"), "every row needs a type")
            return None
        words = text.split()
        kind = words[0].lower()
        list_name = words[1] if len(words) == 2 else None
        takes = SURVEY_TYPES.get(kind)
        if takes is None or len(words) > 2:
            self.read.fail(row.cell("type"), f'unknown type "{text}": use {TYPES_TEXT}')
            return None
        if takes.choices == "listed" and list_name is None:
            self.read.fail(
                row.cell("type"), f'{kind} needs the name of a choice list: "{kind} LIST"'
            )
            return None
        if list_name is not None and takes.choices == "none":
            self.read.fail(row.cell("type"), f"type {kind} takes no choice list")
            return None
        return kind, list_name

    def question(
        self,
        row: Row,
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

    def bands(self, row: Row) -> list[dict[str, Any]] | None:
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
        rows: list[Row] | None,
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
            is_indicator = bool(filled) or parsed[0] == CALCULATE
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
        row: Row,
        parsed: tuple[str, str | None],
        lists: Mapping[str, _ChoiceList],
        path: DataPath,
    ) -> dict[str, Any]:
        ind: dict[str, Any] = {}
        _put(ind, "id", self.read.text(row, "indicator"))
        _put(ind, "provisional", self.read.flag(row, "provisional"))
        _put(ind, "source", self.read.text(row, "indicator_source"))
        _put(ind, "mandatory", self.read.flag(row, "mandatory"))
        _put(ind, "max_points", self.read.number(row, "max_points"))
        _put(ind, "min_points", self.read.number(row, "min_points"))
        _put(ind, "not_applicable_points", self.read.number(row, "not_applicable_points"))
        _put(
            ind,
            "not_applicable_provisional",
            self.read.flag(row, "not_applicable_provisional"),
        )
        _put(ind, "text", self.read.localized(row, "indicator_text"))
        self.locations.add(path, row.cell(), INDICATOR_FIELDS)
        kind, list_name = parsed
        if kind == CALCULATE:
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
    sheets = {
        name: read_sheet(wb, name, convert.read, optional=name in OPTIONAL_SHEETS)
        for name in SHEETS
    }
    data: dict[str, Any] = {}
    convert.settings(sheets[SETTINGS], data)
    convert.grades(sheets[GRADES], data)
    lists = convert.choice_lists(sheets[CHOICES])
    criteria = convert.criteria(sheets[CRITERIA])
    convert.survey(sheets[SURVEY], lists, criteria, data, sheets[CRITERIA] is not None)
    # The YAML layout's key order, so the written file reads like the shipped packs.
    order = (
        "spec_version", "id", "version", "title", "name", "source", "note", "min_age", "profile"
    )  # fmt: skip
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
    "min_age": None,
    "pass_rule": {"total_min": 0},
}


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
        raise pack_error(found, source)
    # The one authoritative check, exactly as a YAML pack is loaded.
    return data, pack_from_data(data, source)


class _IndentedDumper(yaml.SafeDumper):
    """Indents list items under their key, as the hand-written packs do."""

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def data_to_yaml(data: Mapping[str, Any], source: str = "") -> str:
    header = (
        f"# Converted from {PurePath(source).name} by `hoctap pack import`.\n" if source else ""
    )
    body = yaml.dump(
        dict(data), Dumper=_IndentedDumper, allow_unicode=True, sort_keys=False, width=100
    )
    return header + body
