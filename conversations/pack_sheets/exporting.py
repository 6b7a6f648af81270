"""Pack -> workbook: a criteria pack in the spreadsheet layout (survey, choices, criteria,
settings), ready to edit in Excel: header comments, drop-downs, ids kept as text."""

from __future__ import annotations

import io
from typing import Any

from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from conversations.pack_sheets.layout import (
    ALIAS_SEPARATOR,
    CALCULATE,
    CHOICES,
    COLUMNS,
    CRITERIA,
    DEFAULT_MAX_LENGTH,
    GRADES,
    MINIMUM_SEPARATOR,
    SETTINGS,
    SHEETS,
    SURVEY,
    TITLES,
    Column,
)
from conversations.packs import (
    QUESTION_TYPES,
    Choice,
    CriteriaPack,
    Indicator,
    LocalizedText,
    Question,
)


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
    kind = QUESTION_TYPES[q.type]
    listed = kind.choices == "listed" or (
        kind.choices == "optional"
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
                    "provisional": _yes(c.provisional),
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
                    "type": CALCULATE,
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
                    "indicator_source": ind.source,
                    "mandatory": _yes(ind.mandatory),
                    "min_points": _num(ind.min_points),
                    "not_applicable_points": _num(ind.not_applicable_points),
                    "not_applicable_provisional": _yes(ind.not_applicable_provisional),
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
        "min_age": pack.min_age,
        "total_min": _num(rule.total_min),
        "difficult_area_total_min": _num(rule.difficult_area_total_min),
        "indicator_min": _num(rule.indicator_min),
        "pass_rule_provisional": _yes(rule.provisional),
        "spec_version": pack.spec_version,
    }
    grades = [
        {
            "id": g.id,
            **_texts("name", g.name),
            "total_min": _num(g.total_min),
            "difficult_area_total_min": _num(g.difficult_area_total_min),
            "indicator_min": _num(g.indicator_min),
            "criterion_minimums": _minimums(g.criterion_minimums),
            "indicator_minimums": _minimums(g.indicator_minimums),
        }
        for g in rule.grades
    ]
    return {
        SURVEY: survey,
        CHOICES: choices,
        CRITERIA: criteria,
        SETTINGS: [settings],
        GRADES: grades,
    }


def _minimums(values: dict[str, float]) -> str | None:
    """{"1": 20, "2": 30} as "1=20; 2=30"."""
    parts = [f"{key}={_num(points)}" for key, points in values.items()]
    return f"{MINIMUM_SEPARATOR} ".join(parts) or None


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
    """The spreadsheet layout of a pack (survey, choices, criteria, settings, grades)."""
    wb = Workbook()
    default = wb.active
    rows = pack_rows(pack)
    for name in SHEETS:
        _write_sheet(wb.create_sheet(name), COLUMNS[name], rows[name])
    if default is not None:
        wb.remove(default)
    settings = wb[SETTINGS]
    titles = DataValidation(type="list", formula1=f'"{",".join(TITLES)}"', allow_blank=False)
    settings.add_data_validation(titles)
    titles.add("C2")
    return wb


def workbook_bytes(wb: Workbook) -> bytes:
    """The .xlsx file of a workbook, for the caller to write or send."""
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()
