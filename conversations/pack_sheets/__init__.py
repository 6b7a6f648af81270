"""Criteria packs as spreadsheets, in the spirit of XLSForm (layout: PACK_SPREADSHEET.md).

Pure conversion between an .xlsx workbook (its bytes, or an openpyxl Workbook) and the YAML
pack data that `conversations.packs` validates; reading and writing files is the caller's.
Every problem names the sheet, row and column a commune secretary has to fix, e.g.
`survey!R12 (column "relevant"): refers to children_count, ...`: while converting we remember
which cell each piece of pack data came from, and map the paths in pydantic's and
`check_pack`'s problems back through that table.

- `layout`: the sheets (grades optional), their columns, which column each pack field goes in, cell locations;
- `cells`: opening a workbook and reading its cells into pack values;
- `importing`: workbook -> pack data, checked, and the YAML to write;
- `exporting`: pack -> workbook.
"""

from conversations.pack_sheets.cells import read_workbook
from conversations.pack_sheets.exporting import pack_rows, pack_to_workbook, workbook_bytes
from conversations.pack_sheets.importing import (
    check_data,
    data_to_yaml,
    import_workbook,
    workbook_to_data,
)
from conversations.pack_sheets.layout import (
    CHOICE_COLUMNS,
    CHOICE_FIELDS,
    COLUMNS,
    CRITERIA_COLUMNS,
    CRITERION_FIELDS,
    GRADE_COLUMNS,
    GRADE_FIELDS,
    INDICATOR_FIELDS,
    PASS_RULE_FIELDS,
    QUESTION_FIELDS,
    SETTINGS_COLUMNS,
    SETTINGS_FIELDS,
    SHEETS,
    SURVEY_COLUMNS,
    Cell,
    Column,
    Locations,
)

__all__ = [
    "CHOICE_COLUMNS",
    "CHOICE_FIELDS",
    "COLUMNS",
    "CRITERIA_COLUMNS",
    "CRITERION_FIELDS",
    "GRADE_COLUMNS",
    "GRADE_FIELDS",
    "INDICATOR_FIELDS",
    "PASS_RULE_FIELDS",
    "QUESTION_FIELDS",
    "SETTINGS_COLUMNS",
    "SETTINGS_FIELDS",
    "SHEETS",
    "SURVEY_COLUMNS",
    "Cell",
    "Column",
    "Locations",
    "check_data",
    "data_to_yaml",
    "import_workbook",
    "pack_rows",
    "pack_to_workbook",
    "read_workbook",
    "workbook_bytes",
    "workbook_to_data",
]
