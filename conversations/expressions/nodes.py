"""The immutable AST that parsing produces, the table of functions, and a walk over a tree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Final, Literal, TypeAlias

from conversations.expressions.values import Scalar

ArithOp: TypeAlias = Literal["+", "-", "*", "/", "div", "mod"]
CmpOp: TypeAlias = Literal["=", "!=", "<", "<=", ">", ">="]


@dataclass(frozen=True, slots=True)
class Const:
    value: Scalar
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
ARITY: Final[dict[str, tuple[int, int | None]]] = {
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
FUNCTIONS: Final = frozenset(ARITY)


def children(node: Node) -> tuple[Node, ...]:
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


def walk(root: Node) -> Iterator[tuple[Node, int]]:
    """Every node with its depth (root = 1), iteratively so deep trees cannot overflow."""
    stack = [(root, 1)]
    while stack:
        node, depth = stack.pop()
        yield node, depth
        stack.extend((child, depth + 1) for child in reversed(children(node)))
