"""Tests for conversations.expressions, the criteria-pack expression language."""

from __future__ import annotations

import contextlib
import dataclasses
import pickle
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from conversations.expressions import (
    FUNCTIONS,
    BinOp,
    BoolOp,
    Call,
    Compare,
    Const,
    Current,
    ExpressionError,
    Neg,
    Not,
    NullCheck,
    Ref,
    check_references,
    parse,
)


def ev(source: str, values: dict[str, Any] | None = None, current: object = None) -> object:
    return parse(source).evaluate(values or {}, current)


def same(actual: object, expected: object) -> bool:
    """Equality that also distinguishes True from 1 and 3 from 3.0."""
    return type(actual) is type(expected) and actual == expected


# Vietnamese text as precomposed (NFC) and combining (NFD) code points.
CO_NFC = "c\u00f3"  # "có"
CO_NFD = "co\u0301"  # "có", o + combining acute

# ----------------------------------------------------------------- evaluation

EVALUATION_CASES: list[tuple[str, dict[str, Any], object]] = [
    # literals
    ("12", {}, 12),
    ("0.5", {}, 0.5),
    ("'yes'", {}, "yes"),
    ('"có"', {}, "có"),
    ("true", {}, True),
    ("FALSE", {}, False),
    ("Null", {}, None),
    (r"'it\'s'", {}, "it's"),
    (r'"say \"hi\""', {}, 'say "hi"'),
    (r"'back\\slash'", {}, "back\\slash"),
    ("'Học tập suốt đời'", {}, "Học tập suốt đời"),
    # references; a missing answer is null
    ("${a}", {"a": 3}, 3),
    ("${a}", {}, None),
    ("${m}", {"m": ["x", "y"]}, ("x", "y")),
    # arithmetic and precedence
    ("1 + 2 * 3", {}, 7),
    ("(1 + 2) * 3", {}, 9),
    ("10 - 4 - 3", {}, 3),  # left-associative
    ("2 * 3 div 4", {}, 1),  # same level, left to right: (2 * 3) div 4
    ("-2 * 3", {}, -6),
    ("- -2", {}, 2),
    ("-(1 + 2)", {}, -3),
    ("7 / 2", {}, 3.5),
    ("6 / 2", {}, 3.0),  # `/` is always true division
    ("7 div 2", {}, 3),
    ("-7 div 2", {}, -3),  # truncates toward zero
    ("7.9 div 2", {}, 3),
    ("7 mod 3", {}, 1),
    ("-7 mod 3", {}, -1),  # sign of the dividend, so (a div b) * b + a mod b = a
    ("7.5 mod 2", {}, 1.5),
    ("7 DIV 2 + 7 Mod 2", {}, 4),
    ("1 + 2 = 3", {}, True),  # arithmetic binds tighter than comparison
    # division by zero is null, never an exception
    ("1 / 0", {}, None),
    ("1 div 0", {}, None),
    ("1 mod 0", {}, None),
    ("1.5 / 0.0", {}, None),
    # arithmetic with null is null
    ("${a} + 1", {}, None),
    ("1 - ${a}", {}, None),
    ("${a} * 2", {}, None),
    ("-${a}", {}, None),
    ("${a} / ${b}", {"a": 1}, None),
    # numeric strings take part in arithmetic
    ("${a} * 2", {"a": "21"}, 42),
    ("${a} + 0.5", {"a": " 1.5 "}, 2.0),
    # comparisons
    ("1 = 1", {}, True),
    ("1 == 1.0", {}, True),
    ("1 != 2", {}, True),
    ("1 < 2", {}, True),
    ("2 <= 2", {}, True),
    ("3 > 2", {}, True),
    ("2 >= 3", {}, False),
    ("'a' < 'b'", {}, True),
    ("'10' < '9'", {}, True),  # two strings compare as strings
    ("true = true", {}, True),
    ("true = 1", {}, False),  # booleans are not numbers
    ("'yes' = 1", {}, False),
    ("'yes' != 1", {}, True),
    ("${m} = ${n}", {"m": ["a"], "n": ("a",)}, True),
    # number vs numeric string: the string is coerced
    ("${a} = 5", {"a": "5"}, True),
    ("5 = ${a}", {"a": "5.0"}, True),
    ("${a} >= 18", {"a": "20"}, True),
    ("${a} < 10", {"a": "-3"}, True),
    ("'9' < 10", {}, True),
    ("${a} = '5'", {"a": 5}, True),
    # comparisons involving null are false ...
    ("${a} = 1", {}, False),
    ("${a} != 1", {}, False),
    ("${a} < 1", {}, False),
    ("${a} >= ${b}", {}, False),
    ("${a} = ${b}", {}, False),
    # ... except against the null literal, which tests nullness
    ("${a} = null", {}, True),
    ("${a} = null", {"a": 0}, False),
    ("null = ${a}", {}, True),
    ("${a} != null", {"a": 0}, True),
    ("${a} != null", {}, False),
    ("${a} == NULL", {"a": ""}, False),
    # and against '' (XLSForm idiom): null and an empty selection count as blank
    ("${a} = ''", {}, True),
    ("${a} = ''", {"a": ""}, True),
    ("${a} = ''", {"a": []}, True),
    ("${a} = ''", {"a": "x"}, False),
    ("${a} != ''", {}, False),
    ("${a} != ''", {"a": "x"}, True),
    # logic; null is false and results are always booleans
    ("true and false", {}, False),
    ("true or false", {}, True),
    ("not true", {}, False),
    ("not ${a}", {}, True),
    ("${a} and true", {}, False),
    ("${a} or true", {}, True),
    ("1 and 'x'", {}, True),
    ("0 or ''", {}, False),
    ("true or true and false", {}, True),  # and binds tighter than or
    ("(true or true) and false", {}, False),
    ("not 1 = 2", {}, True),  # not binds looser than comparison
    ("not false and false", {}, False),  # but tighter than and
    ("not not true", {}, True),
    ("TRUE AND Not FALSE oR false", {}, True),
    # short-circuit protects the right-hand side
    ("${n} != null and ${n} + true > 0", {}, False),
    ("${n} = null or ${n} + true > 0", {}, True),
    # Vietnamese text, whichever normalisation form it arrives in
    (f"${{a}} = '{CO_NFC}'", {"a": CO_NFD}, True),
    (f"'{CO_NFD}' = '{CO_NFC}'", {}, True),
    ("${tinh} = 'Hà Nội'", {"tinh": "Hà Nội"}, True),
    ("${tinh} != 'Hà Nội'", {"tinh": "Hải Phòng"}, True),
    # functions
    ("if(true, 'a', 'b')", {}, "a"),
    ("if(${a}, 'a', 'b')", {}, "b"),
    ("if(${a} > 2, 1, 1 + true)", {"a": 3}, 1),  # only the taken branch is evaluated
    ("min(3, 1, 2)", {}, 1),
    ("max(3, 1.5, 2)", {}, 3),
    ("min(7)", {}, 7),
    ("max(${a}, '12')", {"a": 5}, 12),
    ("max(1, ${a})", {}, None),
    ("round(2.5)", {}, 3),  # halves round away from zero, not to even
    ("round(-2.5)", {}, -3),
    ("round(3.4)", {}, 3),
    ("round(2.675, 2)", {}, 2.68),  # the number as written, not its binary neighbour
    ("round(1250, -2)", {}, 1300),
    ("round(7, 2)", {}, 7),
    ("round(${a})", {}, None),
    ("round(1.5, ${a})", {}, None),
    ("int(3.9)", {}, 3),
    ("int(-3.9)", {}, -3),
    ("int('42')", {}, 42),
    ("int(${a})", {}, None),
    ("abs(-4)", {}, 4),
    ("abs(-0.5)", {}, 0.5),
    ("abs(${a})", {}, None),
    ("coalesce(${a}, ${b}, 3)", {"b": 0}, 0),
    ("coalesce(${a}, ${b})", {}, None),
    ("coalesce(${a}, 1 + true)", {"a": 1}, 1),  # stops at the first non-null
    ("selected(${m}, 'b')", {"m": ["a", "b"]}, True),
    ("selected(${m}, 'c')", {"m": ("a", "b")}, False),
    ("selected(${m}, 'a')", {"m": "a"}, True),  # single-choice answer: equality
    ("selected(${m}, 'a')", {"m": "ab"}, False),
    ("selected(${m}, 'a')", {"m": []}, False),
    ("selected(${m}, 'a')", {}, False),
    ("selected(${m}, '2')", {"m": 2}, True),
    (f"selected(${{m}}, '{CO_NFC}')", {"m": [CO_NFD]}, True),
    ("count_selected(${m})", {"m": ["a", "b", "c"]}, 3),
    ("count_selected(${m})", {"m": []}, 0),
    ("count_selected(${m})", {"m": "a"}, 1),
    ("count_selected(${m})", {}, 0),
    ("string_length('abc')", {}, 3),
    (f"string_length('{CO_NFD}')", {}, 2),  # counts letters, not combining marks
    ("string_length('Nguyễn')", {}, 6),
    ("string_length(${a})", {}, 0),
    ("answered(${a})", {"a": 0}, True),
    ("answered(${a})", {"a": ""}, True),
    ("answered(${a})", {}, False),
    # function and keyword names are case-insensitive
    ("MAX(1, 2)", {}, 2),
    ("Count_Selected(${m})", {"m": ["a"]}, 1),
    # a realistic calculate: share of a clan's households holding the title
    ("round(100 * ${dat} / ${tong}, 1)", {"dat": 37, "tong": 45}, 82.2),
    ("round(100 * ${dat} / ${tong}, 1)", {"dat": 0, "tong": 0}, None),
    # whitespace of all kinds, including the no-break space spreadsheets insert
    ("\t1\u00a0+\n2 ", {}, 3),
]


@pytest.mark.parametrize(("source", "values", "expected"), EVALUATION_CASES)
def test_evaluate(source: str, values: dict[str, Any], expected: object) -> None:
    actual = ev(source, values)
    assert same(actual, expected), f"{source!r} gave {actual!r}, expected {expected!r}"


# `.` is the answer under validation
CURRENT_CASES: list[tuple[str, object, bool]] = [
    (". >= 0 and . <= 30", 12, True),
    (". >= 0 and . <= 30", 31, False),
    (". >= 0 and . <= 30", "7", True),
    (". >= 0 and . <= 30", None, False),
    (". != ${other}", 1, False),  # ${other} is missing, so the comparison is false
    ("string_length(.) <= 5", "Lan", True),
    ("selected(., 'x') or . = null", None, True),
]


@pytest.mark.parametrize(("source", "current", "expected"), CURRENT_CASES)
def test_current_answer(source: str, current: object, expected: bool) -> None:
    assert parse(source).truthy({}, current) is expected


TRUTHY_CASES: list[tuple[str, dict[str, Any], bool]] = [
    ("${a}", {}, False),
    ("${a}", {"a": False}, False),
    ("${a}", {"a": 0}, False),
    ("${a}", {"a": 0.0}, False),
    ("${a}", {"a": ""}, False),
    ("${a}", {"a": []}, False),
    ("${a}", {"a": 2}, True),
    ("${a}", {"a": "false"}, True),  # any non-empty text counts as true
    ("${a}", {"a": ["x"]}, True),
    ("${so_con_6_14} > 0", {"so_con_6_14": 2}, True),
    ("${so_con_6_14} > 0", {}, False),
]


@pytest.mark.parametrize(("source", "values", "expected"), TRUTHY_CASES)
def test_truthy(source: str, values: dict[str, Any], expected: bool) -> None:
    assert parse(source).truthy(values) is expected


# ------------------------------------------------------------------ AST shape

AST_CASES: list[tuple[str, object]] = [
    ("1 + 2 * 3", BinOp("+", Const(1), BinOp("*", Const(2), Const(3)))),
    ("1 - 2 - 3", BinOp("-", BinOp("-", Const(1), Const(2)), Const(3))),
    ("-${a} mod 2", BinOp("mod", Neg(Ref("a")), Const(2))),
    ("${a} == 1", Compare("=", Ref("a"), Const(1))),
    ("${a} != null", NullCheck(Ref("a"), negated=True)),
    ("'' = .", NullCheck(Current(), negated=False, blank=True)),
    (
        "not ${a} or ${b} and ${c}",
        BoolOp("or", Not(Ref("a")), BoolOp("and", Ref("b"), Ref("c"))),
    ),
    ("IF(true, 1, 2)", Call("if", (Const(True), Const(1), Const(2)))),
]


@pytest.mark.parametrize(("source", "tree"), AST_CASES)
def test_ast_shape(source: str, tree: object) -> None:
    assert parse(source).root == tree


def test_nodes_and_expressions_are_frozen() -> None:
    expr = parse("${a} + 1")
    with pytest.raises(dataclasses.FrozenInstanceError):
        expr.source = "2"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        Const(1).value = 2  # type: ignore[misc]
    assert hash(expr) == hash(parse("${a} + 1"))


def test_node_positions() -> None:
    root = parse("${a} + round(.)").root
    assert isinstance(root, BinOp) and root.pos == 5
    assert isinstance(root.left, Ref) and root.left.pos == 0
    assert isinstance(root.right, Call) and root.right.pos == 7
    assert isinstance(root.right.args[0], Current) and root.right.args[0].pos == 13


# ------------------------------------------------------------------ references

REFERENCE_CASES: list[tuple[str, set[str], bool]] = [
    ("1 + 2", set(), False),
    ("${a} + ${b} * ${a}", {"a", "b"}, False),
    (". >= 0", set(), True),
    ("if(${co_con}, count_selected(${m}), .)", {"co_con", "m"}, True),
    ("'${not_a_ref}' = .", set(), True),  # inside a string it is just text
    ("${_x1} and ${X1}", {"_x1", "X1"}, False),  # names are case-sensitive
]


@pytest.mark.parametrize(("source", "references", "uses_current"), REFERENCE_CASES)
def test_references_and_current(source: str, references: set[str], uses_current: bool) -> None:
    expr = parse(source)
    assert expr.references == frozenset(references)
    assert expr.uses_current is uses_current


def test_check_references_lists_unknown_names_sorted() -> None:
    expr = parse("${z} + ${a} + ${known} + ${z}")
    assert check_references(expr, {"known"}) == ["a", "z"]
    assert check_references(expr, ["a", "z", "known"]) == []


def test_parse_with_known_names_reports_first_unknown_position() -> None:
    assert parse("${a} > 1", known={"a"}).references == {"a"}
    with pytest.raises(ExpressionError) as info:
        parse("${a} + ${zz} + ${b}", known={"a"})
    assert info.value.message == "unknown questions ${zz}, ${b}"
    assert info.value.position == 7


# ----------------------------------------------------------------- syntax errors

SYNTAX_ERROR_CASES: list[tuple[str, str, int]] = [
    # (source, message, position)
    ("", "empty expression", 0),
    ("   ", "empty expression", 0),
    ("${a} > )", "unexpected ')'", 7),
    ("'abc", "unterminated string", 0),
    ('${a} = "có', "unterminated string", 7),
    ("'abc\\", "unterminated string", 0),
    (r"'a\nb'", "unsupported escape '\\n' (only \\' \\\" and \\\\ are allowed)", 2),
    ("foo(1)", "unknown function 'foo'", 0),
    ("1 + eval('1')", "unknown function 'eval'", 4),
    ("round()", "round() takes 1 or 2 arguments, got 0", 0),
    ("round(1, 2, 3)", "round() takes 1 or 2 arguments, got 3", 0),
    ("if(${a}, 1)", "if() takes 3 arguments, got 2", 0),
    ("abs(1, 2)", "abs() takes 1 argument, got 2", 0),
    ("min()", "min() takes at least 1 argument, got 0", 0),
    ("x + selected(${m})", "unknown name 'x'; write text in quotes ('x') or a question as ${x}", 0),
    ("1 + selected(${m})", "selected() takes 2 arguments, got 1", 4),
    ("${a} < ${b} < ${c}", "comparisons cannot be chained; combine them with 'and'", 12),
    ("1 = 1 = 1", "comparisons cannot be chained; combine them with 'and'", 6),
    ("${a} > 1 2", "unexpected '2'", 9),
    ("${a} > 1)", "unexpected ')'", 8),
    ("(1 + 2", "expected ')' but found end of expression", 6),
    ("min(1 2)", "expected ',' or ')' but found '2'", 6),
    ("min", "expected '(' after 'min'", 3),
    ("${a} >", "unexpected end of expression", 6),
    ("1 +", "unexpected end of expression", 3),
    ("${}", "expected a question name after '${'", 2),
    ("${a} + ${", "expected a question name after '${'", 9),
    ("${1a}", "expected a question name after '${'", 2),
    ("${a", "expected '}' to close '${a'", 3),
    ("${a b}", "expected '}' to close '${a'", 3),
    ("$a", "expected '{' after '$'", 1),
    ("1 # 2", "unexpected character '#'", 2),
    ("${a} & ${b}", "unexpected character '&'", 5),
    ("!${a}", "unexpected character '!'", 0),
    ("${a} ≥ 1", "unexpected character '≥'", 5),
    ("có", "unknown name 'có'; write text in quotes ('có')", 0),
    ("${a} = Có", "unknown name 'Có'; write text in quotes ('Có')", 7),
    ("yes", "unknown name 'yes'; write text in quotes ('yes') or a question as ${yes}", 0),
    ("count-selected(${m}) > 1", "unknown name 'count-selected'; write count_selected()", 0),
    ("1 + not 2", "unexpected 'not'", 4),
    ("and 1", "unexpected 'and'", 0),
    ("..", "unexpected '.'", 1),
    ("1 * * 2", "unexpected '*'", 4),
    ("'a' 'b'", "unexpected \"'b'\"", 4),
    ("9" * 5000, "number is too large", 0),
    ("(" * 51 + "1" + ")" * 51, "expression is nested too deeply", 50),
    ("-" * 2000 + "1", "expression is nested too deeply", 50),
    ("not " * 2000 + "1", "expression is nested too deeply", 200),
    ("1" + " + 1" * 100, "expression is nested too deeply", 0),
]


@pytest.mark.parametrize(("source", "message", "position"), SYNTAX_ERROR_CASES)
def test_syntax_errors(source: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    assert (info.value.message, info.value.position) == (message, position)
    assert info.value.source == source


def test_deep_but_legal_nesting_parses() -> None:
    assert ev("(" * 50 + "1" + ")" * 50) == 1
    assert ev("1" + " + 1" * 99) == 100


def test_error_string_format() -> None:
    with pytest.raises(ExpressionError) as info:
        parse("${a} > )")
    assert str(info.value) == "unexpected ')' at position 7 in '${a} > )'"
    assert isinstance(info.value, ValueError)
    assert str(ExpressionError("boom", None, "x")) == "boom in 'x'"


def test_error_survives_pickling() -> None:
    error = ExpressionError("unexpected ')'", 7, "${a} > )")
    copy = pickle.loads(pickle.dumps(error))
    assert (copy.message, copy.position, copy.source) == ("unexpected ')'", 7, "${a} > )")


INJECTION_CASES: list[tuple[str, str, int]] = [
    ("__import__('os')", "unknown function '__import__'", 0),
    ("__import__('os').system('rm -rf /')", "unknown function '__import__'", 0),
    ("os.system('ls')", "unknown name 'os'; write text in quotes ('os') or a question as ${os}", 0),
    ("${a}.__class__", "unexpected '.'", 4),
    ("[c for c in ()]", "unexpected character '['", 0),
    (
        "lambda: 1",
        "unknown name 'lambda'; write text in quotes ('lambda') or a question as ${lambda}",
        0,
    ),
    ("${a}; import os", "unexpected character ';'", 4),
]


@pytest.mark.parametrize(("source", "message", "position"), INJECTION_CASES)
def test_python_code_is_just_a_syntax_error(source: str, message: str, position: int) -> None:
    with pytest.raises(ExpressionError) as info:
        parse(source)
    assert (info.value.message, info.value.position) == (message, position)


def test_every_function_is_known_to_the_parser() -> None:
    assert {
        "if",
        "min",
        "max",
        "round",
        "int",
        "abs",
        "coalesce",
        "selected",
        "count_selected",
        "string_length",
        "answered",
    } == FUNCTIONS


# ------------------------------------------------------------- evaluation errors

EVALUATION_ERROR_CASES: list[tuple[str, dict[str, Any], str, int]] = [
    # (source, values, message, position)
    ("true + 1", {}, "operator '+' expects a number, got boolean true", 5),
    ("${a} * 2", {"a": False}, "operator '*' expects a number, got boolean false", 5),
    ("true + ${missing}", {}, "operator '+' expects a number, got boolean true", 5),
    ("-${a}", {"a": True}, "unary '-' expects a number, got boolean true", 0),
    ("${a} - 1", {"a": "abc"}, "operator '-' expects a number, got text 'abc'", 5),
    ("${m} + 1", {"m": ["a"]}, "operator '+' expects a number, got a multiple-choice answer", 5),
    ("'1' + 'x'", {}, "operator '+' expects a number, got text 'x'", 4),
    ("${a} < 10", {"a": "abc"}, "cannot compare text 'abc' with number 10 using '<'", 5),
    ("true > false", {}, "cannot compare boolean true with boolean false using '>'", 5),
    (
        "${m} >= 1",
        {"m": ["a"]},
        "cannot compare a multiple-choice answer with number 1 using '>='",
        5,
    ),
    ("abs('x')", {}, "abs() expects a number, got text 'x'", 0),
    ("min(1, true)", {}, "min() expects a number, got boolean true", 0),
    ("int(true)", {}, "int() expects a number, got boolean true", 0),
    ("round(1.5, 0.5)", {}, "round() digits must be a whole number from -15 to 15, got 0.5", 0),
    ("round(1.5, 99)", {}, "round() digits must be a whole number from -15 to 15, got 99", 0),
    ("count_selected(3)", {}, "count_selected() expects a choice answer, got number 3", 0),
    ("string_length(12)", {}, "string_length() expects text, got number 12", 0),
    ("${a}", {"a": {"x": 1}}, "${a} has an unsupported value of type dict", 0),
    ("${a}", {"a": [1, 2]}, "${a} has an unsupported value of type list", 0),
    ("${a} + 1", {"a": float("nan")}, "${a} is not a finite number", 0),
    ("${a} * 10", {"a": 1.5e308}, "number is too large", 5),
    ("${a} / 3", {"a": 10**400}, "number is too large", 5),
]


@pytest.mark.parametrize(("source", "values", "message", "position"), EVALUATION_ERROR_CASES)
def test_evaluation_errors(
    source: str, values: dict[str, Any], message: str, position: int
) -> None:
    with pytest.raises(ExpressionError) as info:
        ev(source, values)
    assert (info.value.message, info.value.position) == (message, position)


def test_current_with_unsupported_type() -> None:
    with pytest.raises(ExpressionError, match=r"'\.' has an unsupported value of type set"):
        parse(". = 1").evaluate({}, {1})


def test_big_integers_stay_exact() -> None:
    big = 10**30 + 7
    assert ev("${a} div 10", {"a": big}) == 10**29
    assert ev("${a} mod 10", {"a": big}) == 7


# -------------------------------------------------------------------- robustness

_CHARACTERS = list("${}()'\",.<>=!+-*/ _aAz09\\#ó\u0301\u00a0")
_WORDS = ["and ", "or ", "not ", "div ", "mod ", "null", "if(", "round(", "selected(", "${a}"]
_ALPHABET = st.sampled_from(_CHARACTERS + _WORDS)


@given(st.lists(_ALPHABET, max_size=40).map("".join))
def test_parse_only_ever_raises_expression_error(source: str) -> None:
    try:
        expr = parse(source)
    except ExpressionError as error:
        assert error.position is None or 0 <= error.position <= len(source)
        return
    # Whatever parsed must also evaluate without any other exception type.
    for values in ({}, {"a": 1}, {"a": "x"}, {"a": ["x"]}):
        with contextlib.suppress(ExpressionError):
            expr.evaluate(values, current=2)
