"""The tokenizer: source text to tokens, lazily, reporting lexical errors left to right."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal, TypeAlias

from conversations.expressions.errors import ExpressionError
from conversations.expressions.values import nfc, number_from_digits

TokKind: TypeAlias = Literal["num", "str", "ref", "dot", "kw", "name", "op", "(", ")", ",", "eof"]


@dataclass(frozen=True, slots=True)
class Token:
    kind: TokKind
    text: str  # the raw source slice; its length advances the tokenizer
    pos: int
    value: int | float | str | None = None


_KEYWORDS: Final = frozenset({"and", "or", "not", "div", "mod", "true", "false", "null"})
_PUNCTUATION: Final[dict[str, TokKind]] = {"(": "(", ")": ")", ",": ","}
_OPERATORS: Final = ("==", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/")  # longest first

# ASCII only: Python's \d and str.isdigit() would also accept e.g. Arabic-Indic digits.
NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_NUMBER_RE: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
_STRING_ESCAPES: Final = frozenset({"'", '"', "\\"})


def _read_reference(source: str, start: int) -> Token:
    if not source.startswith("${", start):
        raise ExpressionError("expected '{' after '$'", start + 1, source)
    match = NAME_RE.match(source, start + 2)
    if match is None:
        raise ExpressionError("expected a question name after '${'", start + 2, source)
    close = match.end()
    if not source.startswith("}", close):
        raise ExpressionError(f"expected '}}' to close '${{{match.group()}'", close, source)
    return Token("ref", source[start : close + 1], start, match.group())


def _read_string(source: str, start: int) -> Token:
    quote = source[start]
    chars: list[str] = []
    i = start + 1
    while True:
        if i >= len(source):
            raise ExpressionError("unterminated string", start, source)
        ch = source[i]
        if ch == quote:
            break
        if ch == "\\":
            escaped = source[i + 1 : i + 2]
            if not escaped:
                raise ExpressionError("unterminated string", start, source)
            if escaped not in _STRING_ESCAPES:
                # Rejecting e.g. \n beats silently keeping or dropping the backslash.
                raise ExpressionError(
                    f"unsupported escape '\\{escaped}' (only \\' \\\" and \\\\ are allowed)",
                    i,
                    source,
                )
            chars.append(escaped)
            i += 2
            continue
        chars.append(ch)
        i += 1
    return Token("str", source[start : i + 1], start, nfc("".join(chars)))


def tokenize(source: str) -> Iterator[Token]:
    """Tokens on demand, ending with 'eof'; lazy so errors are reported left to right."""
    pos = 0
    while pos < len(source):
        ch = source[pos]
        if ch.isspace():  # includes the no-break spaces spreadsheets like to insert
            pos += 1
            continue
        if ch in _PUNCTUATION:
            token = Token(_PUNCTUATION[ch], ch, pos)
        elif ch == "$":
            token = _read_reference(source, pos)
        elif ch in "'\"":
            token = _read_string(source, pos)
        elif ch == ".":
            token = Token("dot", ".", pos)
        elif number := _NUMBER_RE.match(source, pos):
            value = number_from_digits(number.group())
            if value is None:
                raise ExpressionError("number is too large", pos, source)
            token = Token("num", number.group(), pos, value)
        elif name := NAME_RE.match(source, pos):
            word = name.group()
            if word.lower() in _KEYWORDS:
                token = Token("kw", word, pos, word.lower())
            else:
                token = Token("name", word, pos, word)
        else:
            op = next((op for op in _OPERATORS if source.startswith(op, pos)), None)
            if op is None:
                raise ExpressionError(f"unexpected character {ch!r}", pos, source)
            token = Token("op", op, pos, op)
        yield token
        pos += len(token.text)
    yield Token("eof", "", len(source))
