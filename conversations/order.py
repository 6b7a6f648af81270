"""The questions of a pack in the order they are asked, each with the condition it is asked
under, worked out once per pack.

Which questions apply is re-derived on every message from the answers so far: every question's
condition is evaluated, twice (once to drop answers whose question no longer applies, once to
list the questions asked). Reaching the condition through the pack's lookups (the question's
indicator, its condition, the parsed expression) cost more than evaluating it; here it is one
tuple, built the first time a pack is used and kept as long as the pack lives.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping

from conversations.expressions import Expression
from conversations.packs import AnswerValue, CriteriaPack, Question

# (question, the condition it is asked under or None), in the order questions are asked.
Order = tuple[tuple[Question, Expression | None], ...]

_ORDERS: dict[int, tuple[weakref.ref[CriteriaPack], Order]] = {}


def order_of(pack: CriteriaPack) -> Order:
    """Every question of `pack` as it is asked, with its parsed condition."""
    key = id(pack)
    found = _ORDERS.get(key)
    if found is not None and found[0]() is pack:
        return found[1]
    order: Order = tuple(
        (q, pack.expression(c) if (c := pack.relevance_of(q)) is not None else None)
        for q in pack.questions()
    )
    _ORDERS[key] = (weakref.ref(pack, lambda _: _ORDERS.pop(key, None)), order)
    return order


def relevant_answers(
    pack: CriteriaPack, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """Answers to questions that apply, in pack order; an answer whose question no longer applies
    (an earlier answer changed) is dropped, so it can neither score nor feed a later condition."""
    kept: dict[str, AnswerValue] = {}
    for q, condition in order_of(pack):
        name = q.name
        if name in answers and (condition is None or condition.truthy(kept)):
            kept[name] = answers[name]
    return kept


def relevant_questions(pack: CriteriaPack, answers: Mapping[str, AnswerValue]) -> list[Question]:
    """The questions that apply given these answers, in the order they are asked (prefilled
    ones included)."""
    kept = relevant_answers(pack, answers)
    return [q for q, condition in order_of(pack) if condition is None or condition.truthy(kept)]
