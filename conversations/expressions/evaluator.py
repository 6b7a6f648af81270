"""Evaluation of an AST against the answers, with the language's null and type rules.

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
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_UP, Context, Decimal
from typing import Final, TypeGuard, assert_never

from conversations.expressions.errors import ExpressionError
from conversations.expressions.nodes import (
    ArithOp,
    BinOp,
    BoolOp,
    Call,
    CmpOp,
    Compare,
    Const,
    Current,
    Neg,
    Node,
    Not,
    NullCheck,
    Ref,
)
from conversations.expressions.values import Number, Val, nfc, parse_numeric

_MAX_ROUND_DIGITS: Final = 15  # a float carries ~15 significant decimal digits


def _is_number(value: object) -> TypeGuard[Number]:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _describe_value(value: Val) -> str:
    if isinstance(value, bool):
        return f"boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"text {value!r}"
    if isinstance(value, tuple):
        return "a multiple-choice answer"
    return "null" if value is None else f"number {value!r}"


def _order(a: Val, b: Val) -> int | None:
    """-1/0/1 like a three-way comparison, or None when the values are incomparable."""
    if isinstance(a, str) and _is_number(b):
        flipped = _order(b, a)
        return None if flipped is None else -flipped
    if _is_number(a) and isinstance(b, str):
        b = parse_numeric(b)  # answers may be stored as text
    if _is_number(a) and _is_number(b):
        return (a > b) - (a < b)
    if isinstance(a, str) and isinstance(b, str):
        return (a > b) - (a < b)
    return None


def _equal(a: Val, b: Val) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return isinstance(a, bool) and isinstance(b, bool) and a == b
    if isinstance(a, tuple) or isinstance(b, tuple):
        return a == b
    return _order(a, b) == 0


def _trunc_div(x: Number, y: Number) -> int:
    if isinstance(x, int) and isinstance(y, int):
        # Exact for big ints, where x / y would lose precision or overflow.
        quotient = abs(x) // abs(y)
        return -quotient if (x < 0) != (y < 0) else quotient
    return math.trunc(x / y)


def _mod(x: Number, y: Number) -> Number:
    if isinstance(x, int) and isinstance(y, int):
        return x - y * _trunc_div(x, y)
    return math.fmod(x, y)


_ARITHMETIC: Final[dict[ArithOp, Callable[[Number, Number], Number | None]]] = {
    "+": lambda x, y: x + y,
    "-": lambda x, y: x - y,
    "*": lambda x, y: x * y,
    "/": lambda x, y: None if y == 0 else x / y,
    "div": lambda x, y: None if y == 0 else _trunc_div(x, y),
    "mod": lambda x, y: None if y == 0 else _mod(x, y),
}


def _round_half_away(value: Number, digits: int) -> Number:
    if isinstance(value, int) and digits >= 0:
        return value
    # Decimal(repr) rounds the number as written: round(2.675, 2) is 2.68, not 2.67.
    exact = Decimal(repr(value)) if isinstance(value, float) else Decimal(value)
    context = Context(prec=max(28, exact.adjusted() + abs(digits) + 2), rounding=ROUND_HALF_UP)
    rounded = exact.quantize(Decimal(1).scaleb(-digits), context=context)
    return int(rounded) if digits <= 0 else float(rounded)


class Evaluator:
    def __init__(self, source: str, values: Mapping[str, object], current: object) -> None:
        self._source = source
        self._values = values
        self._current = current

    def _error(self, message: str, pos: int) -> ExpressionError:
        return ExpressionError(message, pos, self._source)

    def eval(self, node: Node) -> Val:
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

    def _input(self, raw: object, label: str, pos: int) -> Val:
        if raw is None or isinstance(raw, bool | str):
            return nfc(raw) if isinstance(raw, str) else raw
        if isinstance(raw, int | float):
            if isinstance(raw, float) and not math.isfinite(raw):
                raise self._error(f"{label} is not a finite number", pos)
            return raw
        if isinstance(raw, list | tuple) and all(isinstance(item, str) for item in raw):
            return tuple(nfc(item) for item in raw)
        raise self._error(f"{label} has an unsupported value of type {type(raw).__name__}", pos)

    def _number(self, value: Val, context: str, pos: int) -> Number | None:
        if value is None or _is_number(value):
            return value
        if isinstance(value, str) and (number := parse_numeric(value)) is not None:
            return number
        raise self._error(f"{context} expects a number, got {_describe_value(value)}", pos)

    def _compare(self, op: CmpOp, a: Val, b: Val, pos: int) -> bool:
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

    def _arithmetic(self, op: ArithOp, a: Val, b: Val, pos: int) -> Val:
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

    def _call(self, node: Call) -> Val:
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

    def _round_digits(self, value: Val, pos: int) -> int | None:
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
