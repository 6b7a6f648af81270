"""How people type answers on a phone: without diacritics, numbers as words, stray punctuation.

Everything here is pure and works on Unicode text normalised to NFC.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Collection

_SPACES = re.compile(r"\s+")
_EDGE_PUNCTUATION = ".,;:!?…\"'()[]{}«»“”‘’-–—"


def nfc(text: str) -> str:
    """Unicode NFC, the form names are stored and compared in."""
    return unicodedata.normalize("NFC", text)


def fold(text: str) -> str:
    """Accent-, case- and spacing-insensitive key: "Nguyễn Văn Đức " -> "nguyen van duc"."""
    # Every message folds the same short texts several times (the answer, each option, the
    # command words): those are remembered.
    if len(text) <= _FOLD_CACHED_LENGTH:
        return _fold_short(text)
    return _fold(text)


# Texts up to this long are folded once and remembered (at most _FOLD_CACHE_SIZE of them).
_FOLD_CACHED_LENGTH = 80
_FOLD_CACHE_SIZE = 4096


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # đ/Đ is a letter of its own in Vietnamese, not d plus a mark, so NFD leaves it alone.
    stripped = stripped.replace("đ", "d").replace("Đ", "D")
    return _SPACES.sub(" ", stripped.casefold()).strip().strip(_EDGE_PUNCTUATION).strip()


_fold_short = functools.lru_cache(maxsize=_FOLD_CACHE_SIZE)(_fold)


def clean(text: str) -> str:
    """What we store for free text: NFC, control characters and lone surrogates dropped (a NUL byte cannot even be
    stored in PostgreSQL), trimmed, inner whitespace collapsed."""
    printable = "".join(
        " " if ch in "\t\n\r" else ch
        for ch in nfc(text)
        if ch in "\t\n\r" or unicodedata.category(ch) not in ("Cc", "Cs")
    )
    return _SPACES.sub(" ", printable).strip()


def has_letters(text: str) -> bool:
    """Whether a name has a letter in it: "1", "..." or "😀" name nobody."""
    return any(ch.isalpha() for ch in text)


# Vietnamese number words, folded. "tư" and "lăm"/"nhăm" are the forms used after tens.
_UNITS = {
    "khong": 0,
    "mot": 1,
    "hai": 2,
    "ba": 3,
    "bon": 4,
    "tu": 4,
    "nam": 5,
    "lam": 5,
    "nham": 5,
    "sau": 6,
    "bay": 7,
    "tam": 8,
    "chin": 9,
}
_ENGLISH = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
}
_NUMBER_TOKEN = re.compile(r"^\d{1,3}(?:\.\d{3})+$|^\d+$")
_DECIMAL_TOKEN = re.compile(r"^\d+(?:[.,]\d+)?$")


def _words_to_int(tokens: list[str]) -> int | None:
    """ "hai mươi mốt" -> 21, "mười lăm" -> 15, "hai trăm linh năm" -> 205; None if unclear."""
    total = 0
    current: int | None = None
    after_tens = False
    # "hai trăm hai" is said for 220 as often as for 202: a unit straight after "trăm"
    # (without "linh"/"lẻ" or "mươi") is not a number we may guess either.
    bare_after_hundred = False
    previous: str | None = None
    for token in tokens:
        if token in _UNITS:
            value = _UNITS[token]
            if current is None:
                current = value
                bare_after_hundred = previous == "tram"
            elif after_tens and current % 10 == 0:
                current += value
            else:
                return None  # "hai ba" means "two or three": not a number we may guess
            after_tens = False
        elif token == "muoi":
            if current is None:
                current = 10
            elif current < 10:
                current *= 10
            else:
                return None
            after_tens = True
            bare_after_hundred = False
        elif token == "tram":
            if total:
                return None  # "một trăm hai trăm"
            total += (1 if current is None else current) * 100
            current = None
            after_tens = False
        elif token in ("linh", "le"):
            if previous != "tram":
                return None
            after_tens = False
        else:
            return None
        previous = token
    if bare_after_hundred or previous in ("linh", "le"):
        return None
    if current is None and total == 0:
        return None
    return total + (current or 0)


_MINUS_SIGNS = ("-", "\u2212", "\u2013")  # hyphen-minus, minus sign, en dash


def _negated(text: str) -> str | None:
    """The text after a leading minus ("-3", "− 3", "âm 3"), or None when there is none.

    fold() strips a minus with the other edge punctuation, so it is looked for first."""
    stripped = text.strip()
    if stripped[:1] in _MINUS_SIGNS:
        return stripped[1:]
    folded = fold(text)
    return folded[3:] if folded.startswith("am ") else None


def parse_integer(text: str, units: Collection[str] = ()) -> int | None:
    """An integer typed as digits ("12", "1.234", "5 người") or words ("mười hai", "twelve").

    `units` are the folded words that may follow a number typed as words ("hai cháu" when
    the question counts "cháu"). A leading minus sign ("-3", "âm 3") gives a negative number,
    for the range check to refuse.
    """
    rest = _negated(text)
    if rest is not None:
        value = _parse_natural(rest, units)
        return None if value is None else -value
    return _parse_natural(text, units)


def number_alone(text: str) -> int | None:
    """A number and nothing else: "2", "hai", "mười hai", "two"; None for "sen 2" or "2 người".

    An option number is read only from such a reply, so an option's own words that hold a
    digit ("Thôn Sen 1") are never taken for a number."""
    folded = fold(text)
    if folded.isdecimal():  # not isdigit(): "²" is a digit int() cannot read
        return int(folded)
    tokens = folded.split(" ")
    if len(tokens) == 1 and tokens[0] in _ENGLISH:
        return _ENGLISH[tokens[0]]
    return _words_to_int(tokens) if folded else None


# Words said before a count ("có hai cháu") or after it ("hai cháu thôi ạ").
_COUNT_LEAD = frozenset({"co", "gom", "la", "duoc"})
_COUNT_TAIL = frozenset({"a", "thoi", "nhe", "nha", "ha"})


def _parse_natural(text: str, units: Collection[str] = ()) -> int | None:
    folded = fold(text)
    if not folded:
        return None
    tokens = folded.split(" ")
    numeric = [t for t in tokens if _NUMBER_TOKEN.match(t)]
    if len(numeric) == 1 and len(tokens) <= 3:
        # "5", "5 nguoi", "co 5 nguoi": one number among at most a couple of words.
        return int(numeric[0].replace(".", ""))
    if numeric:
        return None
    if len(tokens) == 1 and tokens[0] in _ENGLISH:
        return _ENGLISH[tokens[0]]
    value = _words_to_int(tokens)
    if value is None and units:
        value = _words_with_unit(tokens, units)
    return value


def _words_with_unit(tokens: list[str], units: Collection[str]) -> int | None:
    """ "có hai cháu", "bốn người ạ": number words followed by one of the question's units."""
    while len(tokens) > 1 and tokens[-1] in _COUNT_TAIL:
        tokens = tokens[:-1]
    if len(tokens) > 1 and tokens[0] in _COUNT_LEAD:
        tokens = tokens[1:]
    # The longest unit first: "người lớn" before "người".
    for unit in sorted(units, key=len, reverse=True):
        words = unit.split(" ")
        if len(tokens) > len(words) and tokens[-len(words) :] == words:
            value = _words_to_int(tokens[: -len(words)])
            if value is not None:
                return value
    return None


def parse_decimal(text: str, units: Collection[str] = ()) -> float | None:
    """A decimal typed the Vietnamese way ("7,5") or the English way ("7.5"), or an integer."""
    rest = _negated(text)
    if rest is not None:
        value = _parse_positive_decimal(rest, units)
        return None if value is None else -value
    return _parse_positive_decimal(text, units)


def _parse_positive_decimal(text: str, units: Collection[str] = ()) -> float | None:
    folded = fold(text)
    if _DECIMAL_TOKEN.match(folded):
        return float(folded.replace(",", "."))
    whole = _parse_natural(text, units)
    return None if whole is None else float(whole)


def format_number(value: float, decimals: int = 0) -> str:
    """Vietnamese style: 1.234 and 7,5."""
    if decimals == 0 and float(value).is_integer():
        return f"{int(value):,}".replace(",", ".")
    text = f"{value:,.{decimals or 1}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
