"""Reading a workbook's cells: each sheet's rows as {column: value}, and cell values turned
into pack values with a problem, naming the cell, for every one that cannot be."""

from __future__ import annotations

import io
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import IO, Any

from openpyxl import Workbook, load_workbook

from conversations.pack_sheets.layout import (
    COLUMNS,
    FALSE_WORDS,
    TRUE_WORDS,
    Cell,
    Found,
    pack_error,
)
from conversations.text import fold, nfc


def read_workbook(content: bytes | IO[bytes], source: str = "") -> Workbook:
    """The workbook in an .xlsx file's bytes, turning "not a workbook" into a PackError."""
    try:
        # data_only: a formula cell counts as the value Excel last calculated for it.
        return load_workbook(
            io.BytesIO(content) if isinstance(content, bytes) else content, data_only=True
        )
    except Exception as err:  # openpyxl raises several unrelated types for a bad file
        raise pack_error(
            [(Cell("workbook"), f"cannot be opened as an .xlsx workbook ({err})")], source
        ) from None


@dataclass(frozen=True)
class Row:
    sheet: str
    number: int
    values: Mapping[str, Any]

    def cell(self, column: str | None = None) -> Cell:
        return Cell(self.sheet, self.number, column)

    def has(self, column: str) -> bool:
        return column in self.values


def _excel_date(value: Any) -> bool:
    return isinstance(value, datetime | date | time | timedelta)


class Reader:
    """Turns raw cell values into pack values, collecting a problem per bad cell."""

    def __init__(self) -> None:
        self.problems: list[Found] = []

    def fail(self, cell: Cell, message: str) -> None:
        self.problems.append((cell, message))

    def text(self, row: Row, column: str) -> str | None:
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

    def number(self, row: Row, column: str) -> float | int | None:
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

    def integer(self, row: Row, column: str) -> int | None:
        value = self.number(row, column)
        if value is None:
            return None
        if float(value).is_integer():
            return int(value)
        self.fail(row.cell(column), f"{value} is not a whole number")
        return None

    def flag(self, row: Row, column: str) -> bool | None:
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

    def localized(self, row: Row, base: str) -> dict[str, str] | None:
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


def read_sheet(wb: Workbook, name: str, reader: Reader, optional: bool = False) -> list[Row] | None:
    """The non-empty rows of a sheet as {column: value}; None when the sheet is missing (a
    problem unless the sheet is optional)."""
    ws = next((w for w in wb.worksheets if w.title.strip().lower() == name), None)
    if ws is None:
        if not optional:
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
    result: list[Row] = []
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
            result.append(Row(name, number, values))
    return result
