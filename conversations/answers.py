"""Turning what a person typed into an answer, or a reason it could not be taken."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from conversations.packs import AnswerValue, CriteriaPack, Question
from conversations.text import clean, fold, format_number, parse_decimal, parse_integer

RejectionCode = Literal[
    "empty",
    "not_a_number",
    "not_a_whole_number",
    "too_small",
    "too_large",
    "too_long",
    "unknown_choice",
    "constraint",
    "not_text",
    "cannot_skip",
    "no_previous",
    "no_evidence_here",
]

YES_WORDS = frozenset(
    {"co", "c", "yes", "y", "u", "uh", "um", "vang", "da", "da co", "dung", "dung roi", "ok", "roi"}
)
NO_WORDS = frozenset({"khong", "k", "ko", "kg", "no", "n", "chua", "khong co", "chua co"})
# Saying "none of them" to a multiple choice question.
NONE_WORDS = frozenset({"khong", "khong co", "ko", "k", "none", "0"})
# Between the options of a multiple choice: "1, 3", "ti vi; internet", "1 và 3".
_LIST_SEPARATORS = re.compile(r"\s*(?:,|;|/|\+|\bva\b|\band\b)\s*")
_SPACES = re.compile(r"\s+")
# Polite words around an answer: "dạ có ạ", "vâng, có", "không ạ", "có nhé".
_LEADING_PARTICLES = frozenset({"da", "vang", "thua"})
_TRAILING_PARTICLES = frozenset({"a", "ah", "nhe", "nha", "ha"})


@dataclass(frozen=True)
class Rejection:
    code: RejectionCode
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Accepted:
    value: AnswerValue


def _without_particles(folded: str) -> str:
    words = folded.replace(",", " ").split()
    while len(words) > 1 and words[-1] in _TRAILING_PARTICLES:
        words.pop()
    while len(words) > 1 and words[0] in _LEADING_PARTICLES:
        words.pop(0)
    return " ".join(words)


def _match_choice(question: Question, text: str) -> str | None:
    folded = fold(text)
    if not folded:
        return None
    chosen = _match_folded(question, folded)
    if chosen is None:
        bare = _without_particles(folded)
        if bare and bare != folded:
            chosen = _match_folded(question, bare)
    return chosen


def _match_folded(question: Question, folded: str) -> str | None:
    if folded.isdecimal():
        # "2": the option number as shown on screen.
        index = int(folded)
        return question.choices[index - 1].value if 1 <= index <= len(question.choices) else None
    for choice in question.choices:
        keys = {fold(choice.label.vi), fold(choice.value)}
        if choice.label.en:
            keys.add(fold(choice.label.en))
        keys.update(fold(a) for a in choice.aliases)
        if folded in keys:
            return choice.value
    if question.type == "yes_no" or {c.value for c in question.choices} >= {"yes", "no"}:
        if folded in YES_WORDS:
            return "yes"
        if folded in NO_WORDS:
            return "no"
    number = parse_integer(folded) if " " not in folded else None
    if number is not None and 1 <= number <= len(question.choices):
        return question.choices[number - 1].value  # "hai": the option number as a word
    # A unique prefix of an option's label ("tat ca" for "Tất cả các cháu đều đi học").
    if len(folded) >= 3:
        hits = [c.value for c in question.choices if fold(c.label.vi).startswith(folded)]
        if len(hits) == 1:
            return hits[0]
    return None


def _choices_text(question: Question) -> dict[str, str]:
    return {"count": str(len(question.choices))}


def parse_answer(
    pack: CriteriaPack,
    question: Question,
    text: str,
    answers: Mapping[str, AnswerValue],
) -> Accepted | Rejection:
    """Read `text` as an answer to `question`; earlier answers feed its constraint."""
    stripped = clean(text)
    if not stripped:
        return Rejection("empty")
    value: AnswerValue
    if question.type == "text":
        if len(stripped) > question.max_length:
            return Rejection("too_long", {"max": str(question.max_length)})
        value = stripped
    elif question.type in ("integer", "decimal"):
        number: float | int | None
        if question.type == "integer":
            number = parse_integer(stripped)
            if number is None:
                decimal = parse_decimal(stripped)
                return Rejection("not_a_whole_number" if decimal is not None else "not_a_number")
        else:
            number = parse_decimal(stripped)
            if number is None:
                return Rejection("not_a_number")
        if question.min is not None and number < question.min:
            return Rejection("too_small", {"min": format_number(question.min)})
        if question.max is not None and number > question.max:
            return Rejection("too_large", {"max": format_number(question.max)})
        value = number
    elif question.type in ("select_one", "yes_no"):
        chosen = _match_choice(question, stripped)
        if chosen is None:
            return Rejection("unknown_choice", _choices_text(question))
        value = chosen
    else:  # select_multiple
        folded = fold(stripped)
        if folded in NONE_WORDS or _without_particles(folded) in NONE_WORDS:
            value = []
        else:
            picked = _match_many(question, folded)
            if picked is None:
                return Rejection("unknown_choice", _choices_text(question))
            # Keep the pack's order so the stored answer does not depend on typing order.
            value = [c.value for c in question.choices if c.value in picked]
    return check_constraint(pack, question, value, answers)


def _match_parts(question: Question, parts: list[str]) -> list[str] | None:
    picked: list[str] = []
    for part in parts:
        if not part:
            continue
        chosen = _match_choice(question, part)
        if chosen is None:
            return None
        if chosen not in picked:
            picked.append(chosen)
    return picked or None


def _match_many(question: Question, folded: str) -> list[str] | None:
    """Options of a multiple choice: by label first, since labels hold spaces ("Ti vi, Máy
    tính"), then numbers or single words separated by spaces ("1 3")."""
    coarse = _LIST_SEPARATORS.split(folded)
    picked = _match_parts(question, coarse)
    if picked is None:
        picked = _match_parts(question, [w for p in coarse for w in _SPACES.split(p)])
    return picked


def check_constraint(
    pack: CriteriaPack, question: Question, value: AnswerValue, answers: Mapping[str, AnswerValue]
) -> Accepted | Rejection:
    if question.constraint and not pack.expression(question.constraint).truthy(
        answers, current=value
    ):
        return Rejection("constraint")
    return Accepted(value)


def choice_by_value(question: Question, value: str) -> Accepted | Rejection:
    """A tapped button carries the choice value itself."""
    if question.choice(value) is None:
        return Rejection("unknown_choice", _choices_text(question))
    return Accepted(value)
