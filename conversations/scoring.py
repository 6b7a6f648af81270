"""Scoring a set of answers against a pack: points, the pass rule, and why it failed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from conversations import order
from conversations.packs import AnswerValue, CriteriaPack, Grade, Indicator, LocalizedText, Question

FailedRuleCode = Literal[
    "unanswered", "total_below_min", "criterion_below_min", "indicator_below_min", "mandatory"
]


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True)


class IndicatorScore(_Frozen):
    id: str
    points: float
    max_points: float
    applicable: bool
    answered: bool
    # The indicator is provisional, or the part of it this result used: the chosen option's
    # points, or the points given when it does not apply.
    provisional: bool


class CriterionScore(_Frozen):
    id: str
    points: float
    max_points: float
    indicators: tuple[IndicatorScore, ...]


class FailedRule(_Frozen):
    code: FailedRuleCode
    # The criterion or indicator concerned, when there is one.
    target: str | None = None
    points: float | None = None
    required: float | None = None


class GradeReached(_Frozen):
    """The grade (xếp loại) a passed result reached, named as the pack names it."""

    id: str
    name: LocalizedText
    # The total that grade needed here (the difficult-area one when it applied).
    threshold: float


class ScoreResult(_Frozen):
    pack_id: str
    pack_version: str
    title: str
    criteria: tuple[CriterionScore, ...]
    total: float
    max_total: float
    threshold: float
    difficult_area: bool
    passed: bool
    failed_rules: tuple[FailedRule, ...]
    # Some indicator was provisional; the pass rule was (a score stored before the flag: no).
    provisional: bool
    provisional_rule: bool = False
    # The best grade reached; None when the pack has none, the result did not pass, or it
    # passed below every grade (a score stored before grades: None).
    grade: GradeReached | None = None


def is_relevant(
    pack: CriteriaPack, condition: str | None, answers: Mapping[str, AnswerValue]
) -> bool:
    return condition is None or pack.expression(condition).truthy(answers)


def relevant_answers(
    pack: CriteriaPack, answers: Mapping[str, AnswerValue]
) -> dict[str, AnswerValue]:
    """Answers to questions that apply, in pack order; an answer whose question no longer applies
    (an earlier answer changed) is dropped, so it can neither score nor feed a later condition."""
    return order.relevant_answers(pack, answers)


def _chosen_provisional(question: Question, value: AnswerValue) -> bool:
    """Whether an answer chose an option whose points were not confirmed."""
    chosen = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return any(c.provisional for c in question.choices if c.value in chosen)


def _question_points(question: Question, value: AnswerValue) -> float:
    if isinstance(value, list):
        return sum(c.points for c in question.choices if c.value in value)
    if isinstance(value, str):
        choice = question.choice(value)
        return choice.points if choice else 0.0
    return 0.0


def _computed_points(
    pack: CriteriaPack, ind: Indicator, answers: Mapping[str, AnswerValue]
) -> float | None:
    assert ind.calculate is not None
    value = pack.expression(ind.calculate).evaluate(answers)
    if not isinstance(value, int | float) or isinstance(value, bool):
        return None
    for band in sorted(ind.bands, key=lambda b: b.min, reverse=True):
        if value >= band.min:
            return band.points
    return 0.0


def score(
    pack: CriteriaPack, answers: Mapping[str, AnswerValue], *, difficult_area: bool = False
) -> ScoreResult:
    answers = relevant_answers(pack, answers)
    failed: list[FailedRule] = []
    criteria: list[CriterionScore] = []
    rule = pack.pass_rule
    for criterion in pack.criteria:
        scored: list[IndicatorScore] = []
        for ind in criterion.indicators:
            applicable = is_relevant(pack, ind.condition, answers)
            answered = True
            provisional = ind.provisional
            if not applicable:
                points = ind.na_points
                provisional = provisional or ind.not_applicable_provisional
            elif ind.question is not None:
                answered = ind.question.name in answers and answers[ind.question.name] is not None
                value = answers.get(ind.question.name)
                points = _question_points(ind.question, value)
                provisional = provisional or _chosen_provisional(ind.question, value)
            else:
                computed = _computed_points(pack, ind, answers)
                answered = computed is not None
                points = computed or 0.0
            points = min(points, ind.max_points)
            scored.append(
                IndicatorScore(
                    id=ind.id,
                    points=points,
                    max_points=ind.max_points,
                    applicable=applicable,
                    answered=answered,
                    provisional=provisional,
                )
            )
            if not answered and (ind.question is None or ind.question.required):
                failed.append(FailedRule(code="unanswered", target=ind.id))
            if ind.mandatory and points < ind.max_points:
                failed.append(
                    FailedRule(
                        code="mandatory", target=ind.id, points=points, required=ind.max_points
                    )
                )
            minimum = max(
                (m for m in (ind.min_points, rule.indicator_min) if m is not None), default=None
            )
            if minimum is not None and points < minimum:
                failed.append(
                    FailedRule(
                        code="indicator_below_min", target=ind.id, points=points, required=minimum
                    )
                )
        subtotal = min(sum(s.points for s in scored), criterion.max_points)
        criteria.append(
            CriterionScore(
                id=criterion.id,
                points=subtotal,
                max_points=criterion.max_points,
                indicators=tuple(scored),
            )
        )
        if criterion.min_points is not None and subtotal < criterion.min_points:
            failed.append(
                FailedRule(
                    code="criterion_below_min",
                    target=criterion.id,
                    points=subtotal,
                    required=criterion.min_points,
                )
            )
    total = sum(c.points for c in criteria)
    threshold = rule.threshold(difficult_area)
    if total < threshold:
        failed.insert(0, FailedRule(code="total_below_min", points=total, required=threshold))
    reached = None
    if not failed:
        reached = next(
            (g for g in rule.grades if _reaches(g, criteria, total, difficult_area)), None
        )
    return ScoreResult(
        pack_id=pack.id,
        pack_version=pack.version,
        title=pack.title,
        criteria=tuple(criteria),
        total=total,
        max_total=pack.max_total,
        threshold=threshold,
        difficult_area=difficult_area,
        passed=not failed,
        failed_rules=tuple(failed),
        provisional=pack.provisional,
        provisional_rule=pack.pass_rule.provisional,
        grade=None
        if reached is None
        else GradeReached(
            id=reached.id, name=reached.name, threshold=reached.threshold(difficult_area)
        ),
    )


def _reaches(
    grade: Grade, criteria: list[CriterionScore], total: float, difficult_area: bool
) -> bool:
    """Whether a result meets every condition of a grade."""
    if total < grade.threshold(difficult_area):
        return False
    for criterion in criteria:
        if criterion.points < grade.criterion_minimums.get(criterion.id, 0):
            return False
        for ind in criterion.indicators:
            if grade.indicator_min is not None and ind.points < grade.indicator_min:
                return False
            if ind.points < grade.indicator_minimums.get(ind.id, 0):
                return False
    return True
