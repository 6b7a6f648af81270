"""Answering any pack's questionnaire as a person reading it would, one question at a time:
the question on screen is found by its Vietnamese wording in the pack, and given the answer
worth the most points. For the packs of issue 15 (citizen, village, unit), whose wording the
tests should not have to copy.

Pure: given the pack and what the bot last said, `answer_for` says what to type.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from conversations.packs import CriteriaPack, Question

# What a name or other free text is answered with.
TEXT_ANSWER = "Nguyễn Văn Bình"
# The review of every answer, before sending.
REVIEW = "vui lòng xem lại"


def question_on_screen(pack: CriteriaPack, shown: str) -> Question | None:
    """The question whose wording the bot last showed (the longest match wins: one label may
    begin another)."""
    found = [q for q in pack.questions() if q.label.get("vi") and q.label.get("vi") in shown]
    return max(found, key=lambda q: len(q.label.get("vi")), default=None)


def answer_for(question: Question) -> str:
    """The answer worth the most points, typed as a person would (option numbers)."""
    if question.type == "yes_no":
        return "có"
    if question.type == "select_one":
        points = [c.points for c in question.choices]
        return str(points.index(max(points)) + 1)
    if question.type == "select_multiple":
        numbers = [str(i) for i, c in enumerate(question.choices, 1) if c.points > 0]
        return ", ".join(numbers)
    if question.type == "integer":
        # A count bound by an earlier one ("no more than the households") is given as its
        # least; a count of its own as 10, within its bounds.
        if question.constraint:
            return str(int(question.min or 0))
        low = question.min if question.min is not None else 0
        high = question.max if question.max is not None else 10
        return str(int(max(low, min(10, high))))
    return TEXT_ANSWER


async def fill_in(say: Callable[[str], Awaitable[str]], pack: CriteriaPack, shown: str) -> str:
    """Answer every question from the one `shown` to the review, then send the form; what
    the bot said last (the result)."""
    for _ in range(len(pack.questions()) + 5):
        if REVIEW in shown:
            return await say("gửi")
        question = question_on_screen(pack, shown)
        assert question is not None, f"no question of {pack.id} in:\n{shown}"
        shown = await say(answer_for(question))
    raise AssertionError(f"{pack.id} never reached its review:\n{shown}")
