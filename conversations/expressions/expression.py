"""The public API: :func:`parse` a source once into an :class:`Expression`, then evaluate it."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Final

from conversations.expressions.errors import ExpressionError
from conversations.expressions.evaluator import Evaluator
from conversations.expressions.nodes import Current, Node, Ref, walk
from conversations.expressions.parser import Parser
from conversations.expressions.values import Value

# Evaluator frames per AST level (~2) must stay well below Python's default recursion
# limit of 1000.
_MAX_DEPTH: Final = 100


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
        return Evaluator(self.source, values, current).eval(self.root)

    def truthy(self, values: Mapping[str, object], current: object = None) -> bool:
        """The result as a condition: null, false, 0, '' and an empty selection are false."""
        return bool(self.evaluate(values, current))


def parse(source: str, *, known: Collection[str] | None = None) -> Expression:
    """Parse ``source``; with ``known``, also reject references to other question names."""
    if not source.strip():
        raise ExpressionError("empty expression", 0, source)
    root = Parser(source).parse()
    positions: dict[str, int] = {}
    uses_current = False
    for node, depth in walk(root):
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
