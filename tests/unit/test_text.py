"""conversations.text: how people type on a phone (no diacritics, numbers as words)."""

from __future__ import annotations

import unicodedata

import pytest

from conversations.text import (
    clean,
    fold,
    format_number,
    has_letters,
    nfc,
    number_alone,
    parse_decimal,
    parse_integer,
)

NFD = "NFD"


def decomposed(text: str) -> str:
    return unicodedata.normalize(NFD, text)


@pytest.mark.parametrize(
    ("typed", "key"),
    [
        ("Nguyễn Văn Đức", "nguyen van duc"),
        ("  NGUYỄN   văn  đức ", "nguyen van duc"),
        (decomposed("Nguyễn Văn Đức"), "nguyen van duc"),  # an old phone keyboard sends NFD
        ("Thôn Hoàng Trù", "thon hoang tru"),
        ("«Có»", "co"),
        ("Có.", "co"),
        ("không!", "khong"),
        ("Đ", "d"),
        ("", ""),
        ("   ", ""),
    ],
)
def test_fold_is_accent_case_and_space_insensitive(typed: str, key: str) -> None:
    assert fold(typed) == key


def test_nfc_and_clean_store_one_form_of_each_name() -> None:
    nfd = decomposed("Lê Thị Hồng")
    assert nfd != "Lê Thị Hồng"
    assert nfc(nfd) == "Lê Thị Hồng"
    assert clean(f"  {nfd}\t\n ") == "Lê Thị Hồng"
    assert clean("Lê   Thị  Hồng") == "Lê Thị Hồng"
    assert unicodedata.is_normalized("NFC", clean(nfd))


INTEGERS = [
    # digits
    ("12", 12),
    (" 7 ", 7),
    ("0", 0),
    ("1.234", 1234),
    ("1.000.000", 1_000_000),
    ("5 người", 5),
    ("có 5 người", 5),
    ("12.", 12),
    # words, with and without diacritics
    ("mười", 10),
    ("mười hai", 12),
    ("muoi hai", 12),
    ("mười lăm", 15),
    ("hai mươi", 20),
    ("hai mươi mốt", 21),
    ("hai muoi mot", 21),
    ("ba mươi lăm", 35),
    ("bốn mươi tư", 44),
    ("một trăm", 100),
    ("hai trăm linh năm", 205),
    ("hai trăm lẻ năm", 205),
    ("hai trăm mười", 210),
    ("hai trăm ba mươi", 230),
    ("không", 0),
    ("Năm", 5),
    ("twelve", 12),
    # negative numbers stay negative, so that a range check refuses them
    ("-3", -3),
    ("- 3", -3),
    ("−3", -3),
    ("âm 3", -3),
]


@pytest.mark.parametrize(("typed", "value"), INTEGERS)
def test_parse_integer(typed: str, value: int) -> None:
    assert parse_integer(typed) == value


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "abc",
        "hai ba",  # "two or three": not a number to guess
        "ba bốn",
        "2 3",
        "2 hoặc 3",
        "hai trăm hai",  # said for 220 as often as for 202
        "một trăm mốt",
        "mười mười",
        "hai trăm linh",
        "linh năm",
        "1,5",
        "1.5",
        "-",
        "năm người lớn và ba cháu nhỏ",
    ],
)
def test_parse_integer_refuses_what_it_would_have_to_guess(typed: str) -> None:
    assert parse_integer(typed) is None


@pytest.mark.parametrize(
    ("typed", "value"),
    [("7,5", 7.5), ("7.5", 7.5), ("8", 8.0), ("mười", 10.0), ("-1,5", -1.5)],
)
def test_parse_decimal(typed: str, value: float) -> None:
    assert parse_decimal(typed) == value


@pytest.mark.parametrize(
    ("value", "decimals", "shown"),
    [
        (0, 0, "0"),
        (80, 0, "80"),
        (1234, 0, "1.234"),
        (1234567, 0, "1.234.567"),
        (7.5, 1, "7,5"),
        (1234.5, 1, "1.234,5"),
        (7.0, 0, "7"),
    ],
)
def test_format_number_vietnamese_style(value: float, decimals: int, shown: str) -> None:
    assert format_number(value, decimals) == shown


@pytest.mark.parametrize(
    ("typed", "value"),
    [
        ("hai cháu", 2),
        ("hai chau", 2),
        ("bốn người", 4),
        ("có bốn người", 4),
        ("bốn người ạ", 4),
        ("muoi hai nguoi", 12),
        ("hai mươi mốt người lớn", 21),
        ("muoi hai", 12),  # no unit needed
    ],
)
def test_numbers_typed_as_words_with_their_unit(typed: str, value: int) -> None:
    assert parse_integer(typed, units={"chau", "nguoi", "nguoi lon"}) == value


@pytest.mark.parametrize(
    ("typed", "units"),
    [
        ("hai cháu", {"nguoi"}),  # not what the question counts
        ("bốn quyển", {"nguoi", "chau"}),
        ("hai ba người", {"nguoi"}),  # "two or three": a guess
        ("người bốn", {"nguoi"}),
        ("năm nay", {"nguoi"}),
        ("có", {"nguoi"}),
    ],
)
def test_number_words_with_a_word_that_is_not_the_unit_are_refused(
    typed: str, units: set[str]
) -> None:
    assert parse_integer(typed, units=units) is None


@pytest.mark.parametrize(
    ("typed", "value"),
    [("2", 2), (" 2. ", 2), ("hai", 2), ("mười hai", 12), ("two", 2), ("không", 0)],
)
def test_number_alone(typed: str, value: int) -> None:
    assert number_alone(typed) == value


@pytest.mark.parametrize("typed", ["sen 1", "2 người", "thôn 2", "1.234", "2 3", "", "²"])
def test_a_number_among_words_is_not_a_number_alone(typed: str) -> None:
    assert number_alone(typed) is None


@pytest.mark.parametrize(
    ("typed", "letters"),
    [
        ("Nguyễn Văn An", True),
        ("Ý", True),
        ("Đ", True),
        ("1", False),
        ("12 34", False),
        ("...", False),
    ],
)
def test_has_letters(typed: str, letters: bool) -> None:
    assert has_letters(typed) is letters
