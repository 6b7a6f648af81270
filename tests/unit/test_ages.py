"""A year of birth as people type it, and the age it gives against the current year
(conversations/ages.py: pure, the year is passed in)."""

from __future__ import annotations

import pytest

from conversations.ages import MAX_AGE, age_in, birth_year_problem, parse_birth_year, under_age


@pytest.mark.parametrize(
    ("typed", "year"),
    [
        ("1975", 1975),
        (" 1975 ", 1975),
        ("1.975", 1975),  # grouped the Vietnamese way
        ("1 975", 1975),
        ("19 75", 1975),
        ("1975.", 1975),
        ("năm 1975", 1975),
        ("Nam 1975", 1975),
        ("Tôi sinh năm 1975 ạ", 1975),
        ("sinh nam 1975", 1975),
        ("12/5/1975", 1975),  # a whole date of birth: its year
        ("12-05-1975", 1975),
        ("12.5.1975", 1975),
        ("2008", 2008),
    ],
)
def test_a_year_typed_with_spaces_dots_words_or_as_a_date_is_read(typed: str, year: int) -> None:
    assert parse_birth_year(typed) == year


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "75",  # 1875 or 1975: asked again
        "sinh năm 75",
        "975",
        "19755",
        "1975 1976",
        "abc",
        "mười chín bảy lăm",
        "Thôn Sen 1975",
        "32/1/1975",  # no such day
        "1/13/1975",  # no such month
        "19/75",
        "١٩٧٥",  # digits of another script
        "/start",
    ],
)
def test_anything_in_doubt_is_not_a_year(typed: str) -> None:
    assert parse_birth_year(typed) is None


def test_the_age_is_the_one_reached_this_year() -> None:
    # Only the year is known: someone born in 2008 counts as 18 all through 2026.
    assert age_in(2026, 2008) == 18
    assert not under_age(2008, 2026, 18)
    assert under_age(2009, 2026, 18)
    assert not under_age(2026, 2026, None)  # a title without a minimum turns nobody away


def test_a_year_to_come_or_an_age_over_110_cannot_be_right() -> None:
    assert birth_year_problem(2027, 2026) == "future"
    assert birth_year_problem(2026, 2026) is None  # born this year: possible, just young
    assert birth_year_problem(2026 - MAX_AGE, 2026) is None
    assert birth_year_problem(2026 - MAX_AGE - 1, 2026) == "too_old"
    assert birth_year_problem(1890, 2026) == "too_old"
