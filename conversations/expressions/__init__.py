"""The expression language of criteria packs: ``relevant``, ``constraint`` and ``calculate``.

Sources are parsed once, at pack-load time, by a hand-written tokenizer and a
recursive-descent parser into an immutable AST; nothing is ever handed to ``eval``.
Syntax errors (and, with ``parse(source, known=...)``, unknown question references)
raise :class:`ExpressionError` carrying the 0-based position in the source, so the
pack loader can point authors at the exact character.

One stage a module: :mod:`.lexer` (tokens), :mod:`.parser` (the grammar, into the AST of
:mod:`.nodes`), :mod:`.evaluator` (the semantics, null and type rules), and
:mod:`.expression` (``parse``, ``Expression``, ``check_references``); :mod:`.values` and
:mod:`.errors` hold what every stage shares. Import from this package, not the modules.
"""

from __future__ import annotations

from conversations.expressions.errors import ExpressionError
from conversations.expressions.expression import Expression, check_references, parse
from conversations.expressions.nodes import (
    FUNCTIONS,
    BinOp,
    BoolOp,
    Call,
    Compare,
    Const,
    Current,
    Neg,
    Node,
    Not,
    NullCheck,
    Ref,
)
from conversations.expressions.values import Value

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
