"""The values expressions work on: their types, and how text and numbers are normalised.

Shared by the lexer (literals) and the evaluator (answers), so that a literal and an
answer written the same way compare equal.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Final, TypeAlias

#: Answer values an expression can see (a multiple-choice answer is a list/tuple of strings).
Value: TypeAlias = bool | int | float | str | list[str] | tuple[str, ...] | None

Scalar: TypeAlias = bool | int | float | str | None
# Internal, normalised form of a value: multiple-choice answers become tuples.
Val: TypeAlias = Scalar | tuple[str, ...]
Number: TypeAlias = int | float

# Deliberately not float(): that would accept "nan", "inf", "1e5" and "1_000".
_NUMERIC_TEXT_RE: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def nfc(text: str) -> str:
    # Vietnamese diacritics arrive both precomposed and combining (Excel, phone keyboards);
    # normalising literals and answers alike makes "có" == "có" and lengths stable.
    return unicodedata.normalize("NFC", text)


def number_from_digits(text: str) -> Number | None:
    """``text`` already matched a numeric regex; None if it is out of range."""
    try:
        value: Number = float(text) if "." in text else int(text)
    except ValueError:  # more digits than int() accepts (sys.get_int_max_str_digits)
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def parse_numeric(text: str) -> Number | None:
    """The number in an answer stored as text, or None if it is not numeric."""
    text = text.strip()
    return number_from_digits(text) if _NUMERIC_TEXT_RE.fullmatch(text) else None
