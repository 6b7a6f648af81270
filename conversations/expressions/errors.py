"""The one exception of the expression language, raised at load time and at evaluation time."""

from __future__ import annotations


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
