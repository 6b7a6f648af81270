"""Turning what a person typed into an answer, or a reason it could not be taken."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Literal

from conversations.options import match_option, without_particles
from conversations.packs import AnswerValue, Choice, CriteriaPack, Question
from conversations.text import (
    clean,
    fold,
    format_number,
    has_letters,
    parse_decimal,
    parse_integer,
)

RejectionCode = Literal[
    "empty",
    "not_a_number",
    "not_a_whole_number",
    "too_small",
    "too_large",
    "too_long",
    "no_letters",
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


@dataclass(frozen=True)
class Rejection:
    code: RejectionCode
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Accepted:
    value: AnswerValue


def _match_choice(question: Question, text: str) -> str | None:
    """The option meant, by its words first, a number only when alone; None when unclear."""
    found = match_option(text, [_choice_names(choice) for choice in question.choices])
    if len(found) == 1:
        return question.choices[found[0]].value
    if found:
        return None  # could mean two options: asked again, never guessed
    if question.type == "yes_no" or {c.value for c in question.choices} >= {"yes", "no"}:
        folded = fold(text)
        for words in (folded, without_particles(folded)):
            if words in YES_WORDS:
                return "yes"
            if words in NO_WORDS:
                return "no"
    return None


def _choice_names(choice: Choice) -> list[str]:
    names = [choice.label.vi, choice.value, *choice.aliases]
    if choice.label.en:
        names.append(choice.label.en)
    return names


# Profile questions that name the household or clan: the bot renames the subject from them
# (bot/flows/assessment.py), and prefills them from these known names.
NAME_QUESTIONS = frozenset({"head_name", "clan_name"})
NAME_PREFILLS = frozenset(
    {
        "household.head_name",
        "clan.name",
        "clan.head_name",
        # The packs of a person, a village and a unit (packs/cdht-*.yaml, dvht-2020.yaml).
        "person.name",
        "village.name",
        "unit.name",
    }
)


def names_someone(question: Question) -> bool:
    """Whether a text question asks for a name, which must hold letters ("1" names nobody)."""
    return question.type == "text" and (
        question.name in NAME_QUESTIONS or question.prefill in NAME_PREFILLS
    )


# Words people count in, whatever the question ("bốn khẩu" for the people of a household).
COMMON_UNITS = frozenset(
    {
        "nguoi",
        "nguoi lon",
        "chau",
        "con",
        "dua",
        "em",
        "be",
        "tre",
        "tre em",
        "hoc sinh",
        "ho",
        "khau",
        "nhan khau",
        "thanh vien",
    }
)
# "Có bao nhiêu cháu…?", "Có mấy người?": the words after these name what is counted (number
# words are read in Vietnamese only, so English labels add nothing).
_COUNT_QUESTIONS = re.compile(r"\b(?:bao nhieu|may)\s+([a-z ]+)")


def count_units(question: Question) -> frozenset[str]:
    """The folded words a number typed as words may be followed by: "hai cháu" when the
    question asks "bao nhiêu cháu", "bốn người lớn" when it asks "bao nhiêu người lớn"."""
    units = set(COMMON_UNITS)
    for found in _COUNT_QUESTIONS.finditer(fold(question.label.vi)):
        words = found.group(1).split()[:3]
        units.update(" ".join(words[:n]) for n in range(1, len(words) + 1))
    return frozenset(units)


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
        if names_someone(question) and not has_letters(stripped):
            return Rejection("no_letters")
        value = stripped
    elif question.type in ("integer", "decimal"):
        number: float | int | None
        units = count_units(question)
        if question.type == "integer":
            number = parse_integer(stripped, units)
            if number is None:
                decimal = parse_decimal(stripped, units)
                return Rejection("not_a_whole_number" if decimal is not None else "not_a_number")
        else:
            number = parse_decimal(stripped, units)
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
        if folded in NONE_WORDS or without_particles(folded) in NONE_WORDS:
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
