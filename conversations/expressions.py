"""The expression language of criteria packs: ``relevant``, ``constraint`` and ``calculate``.

Sources are parsed once, at pack-load time, by a hand-written tokenizer and a
recursive-descent parser into an immutable AST; nothing is ever handed to ``eval``.
Syntax errors (and, with ``parse(source, known=...)``, unknown question references)
raise :class:`ExpressionError` carrying the 0-based position in the source, so the
pack loader can point authors at the exact character.

Grammar, lowest precedence first (keywords are case-insensitive)::

    expr           := or
    or             := and ("or" and)*
    and            := not ("and" not)*
    not            := "not" not | comparison
    comparison     := additive (CMP additive)?          -- non-associative
    additive       := multiplicative (("+" | "-") multiplicative)*
    multiplicative := unary (("*" | "/" | "div" | "mod") unary)*
    unary          := "-" unary | primary
    primary        := NUMBER | STRING | "true" | "false" | "null" | "${" NAME "}" | "."
                    | FUNCTION "(" [expr ("," expr)*] ")" | "(" expr ")"
    CMP            := "=" | "==" | "!=" | "<" | "<=" | ">" | ">="

Semantics, chosen so that unanswered questions (``None``) never crash a conversation:

* comparisons involving null are false; ``x = null`` / ``x != null`` test nullness, and
  ``x = ''`` / ``x != ''`` also treat null and an empty selection as blank (XLSForm idiom);
* arithmetic with null gives null; ``/``, ``div`` and ``mod`` by zero give null;
* ``and`` / ``or`` / ``not`` treat null as false and always return a bool;
* booleans are not numbers; a numeric string is coerced when the other side is a number;
* ``div`` and ``mod`` truncate toward zero (XPath ``mod``), so ``a = (a div b) * b + a mod b``;
* ``round`` rounds halves away from zero, as people (and spreadsheets) expect.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Collection, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Context, Decimal
from types import MappingProxyType
from typing import Final, Literal, TypeAlias, TypeGuard, assert_never

__all__ = [
    "FUNCTIONS",
    "BinOp",
    "BoolOp",
    "Call",
    "Compare",
    "Const",
    "Current",
    "Expression",
    "ExpressionError",
    "Neg",
    "Node",
    "Not",
    "NullCheck",
    "Ref",
    "Value",
    "check_references",
    "parse",
]

#: Answer values an expression can see (a multiple-choice answer is a list/tuple of strings).
Value: TypeAlias = bool | int | float | str | list[str] | tuple[str, ...] | None

_Scalar: TypeAlias = bool | int | float | str | None
# Internal, normalised form of a value: multiple-choice answers become tuples.
_Val: TypeAlias = _Scalar | tuple[str, ...]
_Number: TypeAlias = int | float

ArithOp: TypeAlias = Literal["+", "-", "*", "/", "div", "mod"]
CmpOp: TypeAlias = Literal["=", "!=", "<", "<=", ">", ">="]

# Recursion guards: parser frames per nesting level (~8) and evaluator frames per AST
# level (~2) must stay well below Python's default recursion limit of 1000.
_MAX_NESTING: Final = 50
_MAX_DEPTH: Final = 100
_MAX_ROUND_DIGITS: Final = 15  # a float carries ~15 significant decimal digits


class ExpressionError(ValueError):
    """A syntax error at load time, or a type error at evaluation time."""

    def __init__(self, message: str, position: int | None = None, source: str = "") -> None:
        # Keep all three in args so the exception pickles/copies faithfully.
        super().__init__(message, position, source)
        self.message = message
        self.position = position
        self.source = source

    def __str__(self) -> str:
        where = "" if self.position is None else f" at position {self.position}"
        return f"{self.message}{where} in {self.source!r}"


# --------------------------------------------------------------------------- AST


@dataclass(frozen=True, slots=True)
class Const:
    value: _Scalar
    # Positions are excluded from equality so tests can compare tree shapes.
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Ref:
    name: str
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Current:
    """``.``, the answer being checked by a constraint."""

    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Neg:
    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Not:
    operand: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class BinOp:
    op: ArithOp
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Compare:
    op: CmpOp
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class BoolOp:
    op: Literal["and", "or"]
    left: Node
    right: Node
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class NullCheck:
    """``x = null`` / ``x != null`` (and ``= ''`` / ``!= ''`` with ``blank=True``).

    A separate node because "comparisons with null are false" would otherwise make
    ``${x} != null`` false for every answer.
    """

    operand: Node
    negated: bool
    blank: bool = False  # also treat "" and an empty selection as missing
    pos: int = field(default=0, compare=False)


@dataclass(frozen=True, slots=True)
class Call:
    name: str  # canonical lower-case function name
    args: tuple[Node, ...]
    pos: int = field(default=0, compare=False)


Node: TypeAlias = Const | Ref | Current | Neg | Not | BinOp | Compare | BoolOp | NullCheck | Call

# name -> (min args, max args or None for variadic)
_ARITY: Final[dict[str, tuple[int, int | None]]] = {
    "if": (3, 3),
    "min": (1, None),
    "max": (1, None),
    "round": (1, 2),
    "int": (1, 1),
    "abs": (1, 1),
    "coalesce": (1, None),
    "selected": (2, 2),
    "count_selected": (1, 1),
    "string_length": (1, 1),
    "answered": (1, 1),
}
FUNCTIONS: Final = frozenset(_ARITY)


# --------------------------------------------------------------------- tokenizer

_TokKind: TypeAlias = Literal["num", "str", "ref", "dot", "kw", "name", "op", "(", ")", ",", "eof"]


@dataclass(frozen=True, slots=True)
class _Token:
    kind: _TokKind
    text: str  # the raw source slice; its length advances the tokenizer
    pos: int
    value: int | float | str | None = None


_KEYWORDS: Final = frozenset({"and", "or", "not", "div", "mod", "true", "false", "null"})
_CONSTANTS: Final[dict[str, _Scalar]] = {"true": True, "false": False, "null": None}
_PUNCTUATION: Final[dict[str, _TokKind]] = {"(": "(", ")": ")", ",": ","}
_OPERATORS: Final = ("==", "!=", "<=", ">=", "=", "<", ">", "+", "-", "*", "/")  # longest first
_COMPARISONS: Final[dict[str, CmpOp]] = {
    "=": "=",
    "==": "=",
    "!=": "!=",
    "<": "<",
    "<=": "<=",
    ">": ">",
    ">=": ">=",
}
_ADDITIVE: Final[dict[str, ArithOp]] = {"+": "+", "-": "-"}
_MULTIPLICATIVE: Final[dict[str, ArithOp]] = {"*": "*", "/": "/", "div": "div", "mod": "mod"}

# ASCII only: Python's \d and str.isdigit() would also accept e.g. Arabic-Indic digits.
_NAME_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_HYPHENATED_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_BARE_WORD_RE: Final = re.compile(r"[\w\u0300-\u036f]+")  # letters incl. combining marks
_NUMBER_RE: Final = re.compile(r"[0-9]+(?:\.[0-9]+)?")
# Deliberately not float(): that would accept "nan", "inf", "1e5" and "1_000".
_NUMERIC_TEXT_RE: Final = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")
_STRING_ESCAPES: Final = frozenset({"'", '"', "\\"})


def _nfc(text: str) -> str:
    # Vietnamese diacritics arrive both precomposed and combining (Excel, phone keyboards);
    # normalising literals and answers alike makes "có" == "có" and lengths stable.
    return unicodedata.normalize("NFC", text)


def _number_from_digits(text: str) -> _Number | None:
    """``text`` already matched a numeric regex; None if it is out of range."""
    try:
        value: _Number = float(text) if "." in text else int(text)
    except ValueError:  # more digits than int() accepts (sys.get_int_max_str_digits)
        return None
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _parse_numeric(text: str) -> _Number | None:
    """The number in an answer stored as text, or None if it is not numeric."""
    text = text.strip()
    return _number_from_digits(text) if _NUMERIC_TEXT_RE.fullmatch(text) else None


def _read_reference(source: str, start: int) -> _Token:
    if not source.startswith("${", start):
        raise ExpressionError("expected '{' after '$'", start + 1, source)
    match = _NAME_RE.match(source, start + 2)
    if match is None:
        raise ExpressionError("expected a question name after '${'", start + 2, source)
    close = match.end()
    if not source.startswith("}", close):
        raise ExpressionError(f"expected '}}' to close '${{{match.group()}'", close, source)
    return _Token("ref", source[start : close + 1], start, match.group())


def _read_string(source: str, start: int) -> _Token:
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
    return _Token("str", source[start : i + 1], start, _nfc("".join(chars)))


def _tokenize(source: str) -> Iterator[_Token]:
    """Tokens on demand, ending with 'eof'; lazy so errors are reported left to right."""
    pos = 0
    while pos < len(source):
        ch = source[pos]
        if ch.isspace():  # includes the no-break spaces spreadsheets like to insert
            pos += 1
            continue
        if ch in _PUNCTUATION:
            token = _Token(_PUNCTUATION[ch], ch, pos)
        elif ch == "$":
            token = _read_reference(source, pos)
        elif ch in "'\"":
            token = _read_string(source, pos)
        elif ch == ".":
            token = _Token("dot", ".", pos)
        elif number := _NUMBER_RE.match(source, pos):
            value = _number_from_digits(number.group())
            if value is None:
                raise ExpressionError("number is too large", pos, source)
            token = _Token("num", number.group(), pos, value)
        elif name := _NAME_RE.match(source, pos):
            word = name.group()
            if word.lower() in _KEYWORDS:
                token = _Token("kw", word, pos, word.lower())
            else:
                token = _Token("name", word, pos, word)
        else:
            op = next((op for op in _OPERATORS if source.startswith(op, pos)), None)
            if op is None:
                raise ExpressionError(f"unexpected character {ch!r}", pos, source)
            token = _Token("op", op, pos, op)
        yield token
        pos += len(token.text)
    yield _Token("eof", "", len(source))


# ------------------------------------------------------------------------ parser


def _describe(token: _Token) -> str:
    return "end of expression" if token.kind == "eof" else repr(token.text)


def _word(token: _Token) -> str:
    """The operator or lower-cased keyword a token stands for, else ''."""
    if token.kind in ("op", "kw") and isinstance(token.value, str):
        return token.value
    return ""


def _arity_text(low: int, high: int | None) -> str:
    plural = "" if (high or low) == 1 else "s"
    if high is None:
        return f"at least {low} argument{plural}"
    if low == high:
        return f"{low} argument{plural}"
    return f"{low} or {high} arguments" if high == low + 1 else f"{low} to {high} arguments"


def _comparison_node(op: CmpOp, left: Node, right: Node, pos: int) -> Node:
    if op in ("=", "!="):
        for operand, other in ((left, right), (right, left)):
            if isinstance(other, Const) and (other.value is None or other.value == ""):
                return NullCheck(operand, op == "!=", other.value == "", pos)
    return Compare(op, left, right, pos)


class _Parser:
    def __init__(self, source: str) -> None:
        self._source = source
        self._tokens = _tokenize(source)
        # One token of lookahead, lexed only when asked for, so errors come out left to right.
        self._current: _Token | None = None
        self._nesting = 0

    def parse(self) -> Node:
        node = self._or()
        if self._peek().kind != "eof":
            raise self._unexpected(self._peek())
        return node

    # -- helpers

    def _peek(self) -> _Token:
        if self._current is None:
            self._current = next(self._tokens)
        return self._current

    def _next(self) -> _Token:
        token = self._peek()
        if token.kind != "eof":
            self._current = None
        return token

    def _error(self, message: str, pos: int) -> ExpressionError:
        return ExpressionError(message, pos, self._source)

    def _unexpected(self, token: _Token) -> ExpressionError:
        return self._error(f"unexpected {_describe(token)}", token.pos)

    def _expect(self, kind: _TokKind, label: str) -> _Token:
        token = self._peek()
        if token.kind != kind:
            raise self._error(f"expected {label} but found {_describe(token)}", token.pos)
        return self._next()

    @contextmanager
    def _nested(self, pos: int) -> Iterator[None]:
        self._nesting += 1
        try:
            if self._nesting > _MAX_NESTING:
                raise self._error("expression is nested too deeply", pos)
            yield
        finally:
            self._nesting -= 1

    # -- grammar, one method per precedence level

    def _or(self) -> Node:
        left = self._and()
        while _word(token := self._peek()) == "or":
            self._next()
            left = BoolOp("or", left, self._and(), token.pos)
        return left

    def _and(self) -> Node:
        left = self._not()
        while _word(token := self._peek()) == "and":
            self._next()
            left = BoolOp("and", left, self._not(), token.pos)
        return left

    def _not(self) -> Node:
        token = self._peek()
        if _word(token) != "not":
            return self._comparison()
        self._next()
        with self._nested(token.pos):
            return Not(self._not(), token.pos)

    def _comparison(self) -> Node:
        left = self._additive()
        token = self._peek()
        op = _COMPARISONS.get(_word(token))
        if op is None:
            return left
        self._next()
        right = self._additive()
        after = self._peek()
        if _word(after) in _COMPARISONS:
            raise self._error("comparisons cannot be chained; combine them with 'and'", after.pos)
        return _comparison_node(op, left, right, token.pos)

    def _additive(self) -> Node:
        left = self._multiplicative()
        while op := _ADDITIVE.get(_word(token := self._peek())):
            self._next()
            left = BinOp(op, left, self._multiplicative(), token.pos)
        return left

    def _multiplicative(self) -> Node:
        left = self._unary()
        while op := _MULTIPLICATIVE.get(_word(token := self._peek())):
            self._next()
            left = BinOp(op, left, self._unary(), token.pos)
        return left

    def _unary(self) -> Node:
        token = self._peek()
        if _word(token) != "-":
            return self._primary()
        self._next()
        with self._nested(token.pos):
            return Neg(self._unary(), token.pos)

    def _primary(self) -> Node:
        token = self._next()
        match token.kind:
            case "num" | "str":
                return Const(token.value, token.pos)
            case "ref":
                return Ref(token.text[2:-1], token.pos)
            case "dot":
                return Current(token.pos)
            case "kw" if token.text.lower() in _CONSTANTS:
                return Const(_CONSTANTS[token.text.lower()], token.pos)
            case "name":
                return self._call(token)
            case "(":
                with self._nested(token.pos):
                    inner = self._or()
                self._expect(")", "')'")
                return inner
        raise self._unexpected(token)

    def _call(self, name_token: _Token) -> Node:
        name = name_token.text.lower()  # function names are case-insensitive like keywords
        arity = _ARITY.get(name)
        if arity is None:
            # Decide from the raw text rather than the next token, so that an error at
            # the name wins over any lexical error after it (`lambda: 1`).
            rest = self._source[name_token.pos + len(name_token.text) :]
            if rest.lstrip().startswith("("):
                raise self._error(f"unknown function {name_token.text!r}", name_token.pos)
            raise self._error(self._unknown_name_message(name_token), name_token.pos)
        if self._peek().kind != "(":
            raise self._error(f"expected '(' after {name_token.text!r}", self._peek().pos)
        open_paren = self._next()
        args: list[Node] = []
        with self._nested(open_paren.pos):
            if self._peek().kind != ")":
                args.append(self._or())
                while self._peek().kind == ",":
                    self._next()
                    args.append(self._or())
        self._expect(")", "',' or ')'" if args else "')'")
        low, high = arity
        if len(args) < low or (high is not None and len(args) > high):
            raise self._error(
                f"{name}() takes {_arity_text(low, high)}, got {len(args)}", name_token.pos
            )
        return Call(name, tuple(args), name_token.pos)

    def _unknown_name_message(self, name_token: _Token) -> str:
        # XLSForm spells functions with hyphens; `count-selected(...)` tokenizes as
        # `count - selected(...)`, so point at the underscore spelling instead.
        spelled = _HYPHENATED_RE.match(self._source, name_token.pos)
        if spelled is not None and "-" in spelled.group():
            candidate = spelled.group().replace("-", "_").lower()
            if candidate in _ARITY:
                return f"unknown name {spelled.group()!r}; write {candidate}()"
        # A bare word is usually unquoted text (`có`, `yes`) or a reference without `${}`.
        bare = _BARE_WORD_RE.match(self._source, name_token.pos)
        word = bare.group() if bare else name_token.text
        hint = f"write text in quotes ('{word}')"
        if _NAME_RE.fullmatch(word):
            hint += f" or a question as ${{{word}}}"
        return f"unknown name {word!r}; {hint}"


def _children(node: Node) -> tuple[Node, ...]:
    match node:
        case Neg(operand=operand) | Not(operand=operand) | NullCheck(operand=operand):
            return (operand,)
        case BinOp(left=left, right=right) | Compare(left=left, right=right):
            return (left, right)
        case BoolOp(left=left, right=right):
            return (left, right)
        case Call(args=args):
            return args
        case _:
            return ()


def _walk(root: Node) -> Iterator[tuple[Node, int]]:
    """Every node with its depth (root = 1), iteratively so deep trees cannot overflow."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in reversed(_children(node)))


# ---------------------------------------------------------------------- public API


@dataclass(frozen=True)
class Expression:
    """A parsed expression; build with :func:`parse`."""

    source: str
    root: Node = field(repr=False)
    references: frozenset[str] = field(repr=False)
    uses_current: bool = field(repr=False)
    # First position of each reference, for load-time error messages.
    reference_positions: Mapping[str, int] = field(repr=False, compare=False)

    def evaluate(self, values: Mapping[str, object], current: object = None) -> Value:
        """Evaluate against answers by question name; missing names count as null."""
        return _Evaluator(self.source, values, current).eval(self.root)

    def truthy(self, values: Mapping[str, object], current: object = None) -> bool:
        """The result as a condition: null, false, 0, '' and an empty selection are false."""
        return bool(self.evaluate(values, current))


def parse(source: str, *, known: Collection[str] | None = None) -> Expression:
    """Parse ``source``; with ``known``, also reject references to other question names."""
    if not source.strip():
        raise ExpressionError("empty expression", 0, source)
    root = _Parser(source).parse()
    positions: dict[str, int] = {}
    uses_current = False
    for node, depth in _walk(root):
        if depth > _MAX_DEPTH:
            raise ExpressionError("expression is nested too deeply", node.pos, source)
        if isinstance(node, Ref):
            positions[node.name] = min(node.pos, positions.get(node.name, node.pos))
        elif isinstance(node, Current):
            uses_current = True
    expression = Expression(
        source, root, frozenset(positions), uses_current, MappingProxyType(positions)
    )
    if known is not None and (unknown := check_references(expression, known)):
        unknown.sort(key=positions.__getitem__)
        names = ", ".join(f"${{{name}}}" for name in unknown)
        noun = "question" if len(unknown) == 1 else "questions"
        raise ExpressionError(f"unknown {noun} {names}", positions[unknown[0]], source)
    return expression


def check_references(expr: Expression, known: Collection[str]) -> list[str]:
    """The referenced question names not in ``known``, sorted."""
    return sorted(name for name in expr.references if name not in known)


# --------------------------------------------------------------------- evaluation


def _is_number(value: object) -> TypeGuard[_Number]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _describe_value(value: _Val) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, tuple):
        return "a multiple-choice answer"
    return "null" if value is None else f"number {value!r}"


def _order(a: _Val, b: _Val) -> int | None:
    """-1/0/1 like a three-way comparison, or None when the values are incomparable."""
    if isinstance(a, str) and _is_number(b):
        flipped = _order(b, a)
        return None if flipped is None else -flipped
    if _is_number(a) and isinstance(b, str):
        b = _parse_numeric(b)  # answers may be stored as text
    if _is_number(a) and _is_number(b):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    return None


def _equal(a: _Val, b: _Val) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return _order(a, b) == 0


def _trunc_div(x: _Number, y: _Number) -> int:
    if isinstance(x, int) and isinstance(y, int):
        # Exact for big ints, where x / y would lose precision or overflow.
        quotient = abs(x) // abs(y)
        return -quotient if (x < 0) != (y < 0) else quotient
    return math.trunc(x / y)


def _mod(x: _Number, y: _Number) -> _Number:
    if isinstance(x, int) and isinstance(y, int):
        return x - y * _trunc_div(x, y)
    return math.fmod(x, y)


_ARITHMETIC: Final[dict[ArithOp, Callable[[_Number, _Number], _Number | None]]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: None if y == 0 else x / y,
    "div": lambda x, y: None if y == 0 else _trunc_div(x, y),
    "mod": lambda x, y: None if y == 0 else _mod(x, y),
}


def _round_half_away(value: _Number, digits: int) -> _Number:
    if isinstance(value, int) and digits >= 0:
        return value
    # Decimal(repr) rounds the number as written: round(2.675, 2) is 2.68, not 2.67.
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    context = Context(prec=max(28, exact.adjusted() + abs(digits) + 2), rounding=ROUND_HALF_UP)
    rounded = exact.quantize(Decimal(1).scaleb(-digits), context=context)
    return int(rounded) if digits <= 0 else float(rounded)


class _Evaluator:
    def __init__(self, source: str, values: Mapping[str, object], current: object) -> None:
        self._source = source
        self._values = values
        self._current = current

    def _error(self, message: str, pos: int) -> ExpressionError:
        return ExpressionError(message, pos, self._source)

    def eval(self, node: Node) -> _Val:
        match node:
            case Const(value=value):
                return value
            case Ref(name=name, pos=pos):
                return self._input(self._values.get(name), f"${{{name}}}", pos)
            case Current(pos=pos):
                return self._input(self._current, "'.'", pos)
            case Neg(operand=operand, pos=pos):
                number = self._number(self.eval(operand), "unary '-'", pos)
                return None if number is None else -number
            case Not(operand=operand):
                return not self.eval(operand)
            case BoolOp(op=op, left=left, right=right):
                # Short-circuit, so `${n} != null and 10 / ${n} > 2` is safe.
                if op == "and":
                    return bool(self.eval(left)) and bool(self.eval(right))
                return bool(self.eval(left)) or bool(self.eval(right))
            case NullCheck(operand=operand, negated=negated, blank=blank):
                checked = self.eval(operand)
                empty = isinstance(checked, str | tuple) and not checked
                missing = checked is None or (blank and empty)
                return missing != negated
            case Compare(op=op, left=left, right=right, pos=pos):
                return self._compare(op, self.eval(left), self.eval(right), pos)
            case BinOp(op=op, left=left, right=right, pos=pos):
                return self._arithmetic(op, self.eval(left), self.eval(right), pos)
            case Call():
                return self._call(node)
            case _:
                assert_never(node)

    def _input(self, raw: object, label: str, pos: int) -> _Val:
        if raw is None or isinstance(raw, bool | str):
            return _nfc(raw) if isinstance(raw, str) else raw
        if isinstance(raw, int | float):
            if isinstance(raw, float) and not math.isfinite(raw):
                raise self._error(f"{label} is not a finite number", pos)
            return raw
        if isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
            return tuple(_nfc(item) for item in raw)
        raise self._error(f"{label} has an unsupported value of type {type(raw).__name__}", pos)

    def _number(self, value: _Val, context: str, pos: int) -> _Number | None:
        if value is None or _is_number(value):
            return value
        if isinstance(value, str) and (number := _parse_numeric(value)) is not None:
            return number
        raise self._error(f"{context} expects a number, got {_describe_value(value)}", pos)

    def _compare(self, op: CmpOp, a: _Val, b: _Val, pos: int) -> bool:
        if a is None or b is None:
            return False
        if op == "=":
            return _equal(a, b)
        if op == "!=":
            return not _equal(a, b)
        order = _order(a, b)
        if order is None:
            raise self._error(
                f"cannot compare {_describe_value(a)} with {_describe_value(b)} using {op!r}", pos
            )
        match op:
            case "<":
                return order < 0
            case "<=":
                return order <= 0
            case ">":
                return order > 0
            case ">=":
                return order >= 0

    def _arithmetic(self, op: ArithOp, a: _Val, b: _Val, pos: int) -> _Val:
        # Type-check both sides before the null shortcut: `true + ${x}` is a pack bug
        # whether or not ${x} happens to be answered.
        x = self._number(a, f"operator {op!r}", pos)
        y = self._number(b, f"operator {op!r}", pos)
        if x is None or y is None:
            return None
        try:
            result = _ARITHMETIC[op](x, y)
        except OverflowError:
            raise self._error("number is too large", pos) from None
        if isinstance(result, float) and not math.isfinite(result):
            raise self._error("number is too large", pos)
        return result

    def _call(self, node: Call) -> _Val:
        name, args, pos = node.name, node.args, node.pos
        # Lazy functions first: untaken branches may hold nulls or type errors.
        if name == "if":
            return self.eval(args[1]) if self.eval(args[0]) else self.eval(args[2])
        if name == "coalesce":
            for arg in args:
                if (value := self.eval(arg)) is not None:
                    return value
            return None
        values = [self.eval(arg) for arg in args]
        first = values[0]
        match name:
            case "min" | "max":
                numbers = [self._number(value, f"{name}()", pos) for value in values]
                present = [number for number in numbers if number is not None]
                if len(present) < len(numbers):
                    return None
                return min(present) if name == "min" else max(present)
            case "round":
                number = self._number(first, "round()", pos)
                digits = self._round_digits(values[1], pos) if len(values) > 1 else 0
                if number is None or digits is None:
                    return None
                return _round_half_away(number, digits)
            case "int" | "abs":
                number = self._number(first, f"{name}()", pos)
                if number is None:
                    return None
                return math.trunc(number) if name == "int" else abs(number)
            case "selected":
                if first is None or values[1] is None:
                    return False
                if isinstance(first, tuple):
                    return any(_equal(choice, values[1]) for choice in first)
                return _equal(first, values[1])
            case "count_selected":
                if first is None:
                    return 0
                if isinstance(first, tuple):
                    return len(first)
                if isinstance(first, str):  # a single-choice answer
                    return 0 if first == "" else 1
                raise self._error(
                    f"count_selected() expects a choice answer, got {_describe_value(first)}",
                    pos,
                )
            case "string_length":
                if first is None:
                    return 0
                if isinstance(first, str):
                    return len(first)  # code points of the NFC form
                raise self._error(
                    f"string_length() expects text, got {_describe_value(first)}", pos
                )
            case "answered":
                return first is not None
        raise AssertionError(f"function {name!r} passed the parser but has no implementation")

    def _round_digits(self, value: _Val, pos: int) -> int | None:
        digits = self._number(value, "round() digits", pos)
        if digits is None:
            return None
        if digits != int(digits) or abs(digits) > _MAX_ROUND_DIGITS:
            raise self._error(
                f"round() digits must be a whole number from -{_MAX_ROUND_DIGITS} "
                f"to {_MAX_ROUND_DIGITS}, got {digits!r}",
                pos,
            )
        return int(digits)
