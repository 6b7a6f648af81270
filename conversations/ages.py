"""A person's year of birth as they type it, and the age it gives: pure, no clock (the caller
passes the current year, read from the service's clock in Asia/Ho_Chi_Minh).

Only the year is asked, so someone born in 2008 counts as 18 for the whole of 2026: the age
reached during the year, the reading that does not turn away anyone who is of age.
"""

from __future__ import annotations

import re
from typing import Literal

from conversations.text import fold

# Older than this, the year was most likely mistyped: asked again.
MAX_AGE = 110
# Words an elder may type around the year ("Tôi sinh năm 1975 ạ"), folded.
_FILLER = frozenset({"toi", "em", "chau", "con", "minh", "sinh", "vao", "nam", "la", "a", "da"})
_WORD = re.compile(r"[^\W\d_]+")
# "12/5/1975", "12-05-1975", "12.5.1975": a date of birth, of which the year is taken.
_DATE = re.compile(r"^([0-9]{1,2})[/.-]([0-9]{1,2})[/.-]([0-9]{4})$", re.ASCII)
_YEAR = re.compile(r"^[0-9]{4}$", re.ASCII)

BirthYearProblem = Literal["future", "too_old"]


def parse_birth_year(text: str) -> int | None:
    """The year in what was typed, or None when in doubt: "1975", "1.975", "19 75", "năm
    1975", "Tôi sinh năm 1975 ạ", "12/5/1975". Two digits ("75") are in doubt (1875 or
    1975?), and so is anything else with more or fewer digits or other words."""
    words = fold(text).replace(",", " ")
    if any(word not in _FILLER for word in _WORD.findall(words)):
        return None
    rest = "".join(_WORD.sub(" ", words).split())  # the words and every space gone
    digits = rest.replace(".", "")
    if _YEAR.match(digits):
        return int(digits)
    date = _DATE.match(rest)
    if date is not None and 1 <= int(date[1]) <= 31 and 1 <= int(date[2]) <= 12:
        return int(date[3])
    return None


def age_in(year: int, birth_year: int) -> int:
    """The age reached during `year` (its birthday may still be to come)."""
    return year - birth_year


def birth_year_problem(birth_year: int, year: int) -> BirthYearProblem | None:
    """Why a year of birth cannot be right in `year`: still to come, or an age over
    MAX_AGE."""
    if birth_year > year:
        return "future"
    if age_in(year, birth_year) > MAX_AGE:
        return "too_old"
    return None


def under_age(birth_year: int, year: int, min_age: int | None) -> bool:
    """Whether someone born in `birth_year` is younger than `min_age` in `year` (never, when
    the title sets no minimum)."""
    return min_age is not None and age_in(year, birth_year) < min_age
