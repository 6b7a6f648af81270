"""The recursive-descent parser: tokens to an AST, one method per precedence level.

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
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Final

from conversations.expressions.errors import ExpressionError
from conversations.expressions.lexer import NAME_RE, Token, TokKind, tokenize
from conversations.expressions.nodes import (
    ARITY,
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
from conversations.expressions.values import Scalar

# Parser frames per nesting level (~8) must stay well below Python's default recursion
# limit of 1000.
_MAX_NESTING: Final = 50

_CONSTANTS: Final[dict[str, Scalar]] = {"true": True, "false": False, "null": None}
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
_HYPHENATED_RE: Final = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")
_BARE_WORD_RE: Final = re.compile(r"[\w\u0300-\u036f]+")  # letters incl. combining marks


def _describe(token: Token) -> str:
    return "end of expression" if token.kind == "eof" else repr(token.text)


def _word(token: Token) -> str:
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


class Parser:
    def __init__(self, source: str) -> None:
        self._source = source
        self._tokens = tokenize(source)
        # One token of lookahead, lexed only when asked for, so errors come out left to right.
        self._current: Token | None = None
        self._nesting = 0

    def parse(self) -> Node:
        node = self._or()
        if self._peek().kind != "eof":
            raise self._unexpected(self._peek())
        return node

    # -- helpers

    def _peek(self) -> Token:
        if self._current is None:
            self._current = next(self._tokens)
        return self._current

    def _next(self) -> Token:
        token = self._peek()
        if token.kind != "eof":
            self._current = None
        return token

    def _error(self, message: str, pos: int) -> ExpressionError:
        return ExpressionError(message, pos, self._source)

    def _unexpected(self, token: Token) -> ExpressionError:
        return self._error(f"unexpected {_describe(token)}", token.pos)

    def _expect(self, kind: TokKind, label: str) -> Token:
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

    def _call(self, name_token: Token) -> Node:
        name = name_token.text.lower()  # function names are case-insensitive like keywords
        arity = ARITY.get(name)
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

    def _unknown_name_message(self, name_token: Token) -> str:
        # XLSForm spells functions with hyphens; `count-selected(...)` tokenizes as
        # `count - selected(...)`, so point at the underscore spelling instead.
        spelled = _HYPHENATED_RE.match(self._source, name_token.pos)
        if spelled is not None and "-" in spelled.group():
            candidate = spelled.group().replace("-", "_").lower()
            if candidate in ARITY:
                return f"unknown name {spelled.group()!r}; write {candidate}()"
        # A bare word is usually unquoted text (`có`, `yes`) or a reference without `${}`.
        bare = _BARE_WORD_RE.match(self._source, name_token.pos)
        word = bare.group() if bare else name_token.text
        hint = f"write text in quotes ('{word}')"
        if NAME_RE.fullmatch(word):
            hint += f" or a question as ${{{word}}}"
        return f"unknown name {word!r}; {hint}"
