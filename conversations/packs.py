"""Criteria packs: the questionnaire and scoring table a commune was handed, as data.

A pack is a YAML document (or a spreadsheet converted to one) validated here. Everything that
can be checked before a collaborator meets it in a village is checked at load time: unknown
references in conditions, points above an indicator's maximum, thresholds above the total.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal, get_args

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    field_validator,
    model_validator,
)

from conversations.expressions import Expression, parse

# Spec 2 added where an indicator's text came from (`source`) and the pass rule's own
# `provisional` flag; both optional, so a spec 1 pack reads as spec 2 unchanged. So are the
# finer flags added since (a choice's `provisional`, an indicator's
# `not_applicable_provisional`), the pass rule's `grades` and the pack's `min_age`: a pack
# without them reads as before, no spec bump.
CURRENT_SPEC_VERSION = 2

TitleKind = Literal["household", "clan", "village", "citizen", "unit"]
QuestionType = Literal["text", "integer", "decimal", "select_one", "select_multiple", "yes_no"]
AnswerValue = str | int | float | list[str] | None


@dataclass(frozen=True)
class QuestionKind:
    """What a type of question takes. `choices`: "listed" (at least two options, listed),
    "optional" (yes_no: its own two unless it lists others) or "none" (a typed answer)."""

    choices: Literal["listed", "optional", "none"]

    @property
    def scorable(self) -> bool:
        """Whether an indicator may ask it: only a question with options earns points."""
        return self.choices != "none"


# The one table of question types: the pack checks, the spreadsheet layout and its messages
# all read it.
QUESTION_TYPES: Mapping[QuestionType, QuestionKind] = {
    "text": QuestionKind("none"),
    "integer": QuestionKind("none"),
    "decimal": QuestionKind("none"),
    "select_one": QuestionKind("listed"),
    "select_multiple": QuestionKind("listed"),
    "yes_no": QuestionKind("optional"),
}
assert tuple(QUESTION_TYPES) == get_args(QuestionType), "QUESTION_TYPES must match QuestionType"


def spoken_list(words: Iterable[str], last: str = "or") -> str:
    """'a, b or c', as the messages about a pack name things."""
    items = list(words)
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} {last} {items[-1]}"


NAME_PATTERN = r"^[A-Za-z_][A-Za-z0-9_]*$"


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class LocalizedText(_Frozen):
    """A text written in Vietnamese, optionally translated. A plain string means Vietnamese."""

    vi: str = Field(min_length=1)
    en: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, data: Any) -> Any:
        return {"vi": data} if isinstance(data, str) else data

    def get(self, lang: str) -> str:
        return self.en if lang == "en" and self.en else self.vi


class Choice(_Frozen):
    value: str = Field(pattern=NAME_PATTERN, max_length=40)
    label: LocalizedText
    points: float = 0
    # Extra words people type for this option ("rồi", "đủ"), matched without diacritics.
    aliases: tuple[str, ...] = ()
    # This option's points were not checked against the official text (e.g. partial credit);
    # a result that chose it is provisional.
    provisional: bool = False


class Question(_Frozen):
    name: str = Field(pattern=NAME_PATTERN, max_length=40)
    type: QuestionType
    label: LocalizedText
    hint: LocalizedText | None = None
    required: bool = True
    relevant: str | None = None
    constraint: str | None = None
    constraint_message: LocalizedText | None = None
    min: float | None = None
    max: float | None = None
    max_length: int = Field(default=200, ge=1, le=2000)
    choices: tuple[Choice, ...] = ()
    # A value the bot may know already (e.g. "clan.gdht_households"); asked only when unknown.
    prefill: str | None = None
    # A known (prefilled) value the conversation may not change: the household's village is
    # where it was registered, and the commune's lists follow that, not a typed answer.
    locked: bool = False
    # Whether a photo of evidence (minh chứng) may be attached to this answer.
    evidence: bool = False

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


class Band(_Frozen):
    """Points for a computed value at or above `min` (bands are tried from the highest)."""

    min: float
    points: float


class Indicator(_Frozen):
    id: str = Field(min_length=1)
    text: LocalizedText
    max_points: float = Field(gt=0)
    # Not (all) checked against the official text: wording, points or when it applies. When
    # only a part is unchecked, flag that part instead: a choice's `provisional` (its points,
    # e.g. partial credit) or `not_applicable_provisional`. A commune that loads its official
    # table marks its rows confirmed.
    provisional: bool = False
    # Where the indicator's text came from (decision, copy, page; what was not checked).
    source: str | None = Field(default=None, min_length=1, max_length=1000)
    # Must score its full points for the title, whatever the total.
    mandatory: bool = False
    min_points: float | None = None
    question: Question | None = None
    # Computed indicators: a formula over earlier answers, turned into points by bands.
    calculate: str | None = None
    bands: tuple[Band, ...] = ()
    relevant: str | None = None
    # Points when the indicator does not apply (relevant is false); None means full points.
    not_applicable_points: float | None = None
    # Those points (or that it may not apply at all) were not checked against the official
    # text; a result where the indicator did not apply is provisional.
    not_applicable_provisional: bool = False

    @model_validator(mode="after")
    def _yes_no_choices(self) -> Indicator:
        # A yes/no indicator without explicit choices is worth everything or nothing.
        q = self.question
        if q is not None and q.type == "yes_no" and not q.choices:
            choices = (
                Choice(value="yes", label=LocalizedText(vi="Có", en="Yes"), points=self.max_points),
                Choice(value="no", label=LocalizedText(vi="Không", en="No"), points=0),
            )
            object.__setattr__(self, "question", q.model_copy(update={"choices": choices}))
        return self

    @property
    def condition(self) -> str | None:
        """The indicator applies when this holds (the question's or the indicator's own)."""
        if self.question is not None and self.question.relevant:
            return self.question.relevant
        return self.relevant

    @property
    def na_points(self) -> float:
        return self.max_points if self.not_applicable_points is None else self.not_applicable_points

    @property
    def partly_provisional(self) -> bool:
        """Provisional as a whole, or in part: a choice's points or the not-applicable rule."""
        choices = self.question.choices if self.question is not None else ()
        return (
            self.provisional
            or self.not_applicable_provisional
            or any(c.provisional for c in choices)
        )


class Criterion(_Frozen):
    id: str = Field(min_length=1)
    name: LocalizedText
    max_points: float = Field(gt=0)
    min_points: float | None = None
    indicators: tuple[Indicator, ...] = Field(min_length=1)


class Grade(_Frozen):
    """A named level of the pass rule (xếp loại: Tốt, Khá, Đạt …). A passed result reaches the
    first grade, best first, whose every condition holds."""

    id: str = Field(pattern=NAME_PATTERN, max_length=40)
    name: LocalizedText
    total_min: float
    # None: the same total in a difficult area.
    difficult_area_total_min: float | None = None
    # No indicator below this many points.
    indicator_min: float | None = None
    # Minimum points by criterion id, and by indicator id.
    criterion_minimums: dict[str, float] = Field(default_factory=dict)
    indicator_minimums: dict[str, float] = Field(default_factory=dict)

    @field_validator("criterion_minimums", "indicator_minimums", mode="before")
    @classmethod
    def _ids_as_text(cls, value: Any) -> Any:
        # `1: 25` in YAML is criterion "1"; a float key (1.1) is indicator "1.1".
        if isinstance(value, dict):
            return {
                (f"{k:g}" if isinstance(k, float) else str(k)): v
                for k, v in value.items()
                if not isinstance(k, bool)
            }
        return value

    def __hash__(self) -> int:
        # Hashable like every other part of a pack, whose models are frozen (the dicts are not).
        return hash(
            (
                self.id,
                self.name,
                self.total_min,
                self.difficult_area_total_min,
                self.indicator_min,
                tuple(self.criterion_minimums.items()),
                tuple(self.indicator_minimums.items()),
            )
        )

    def threshold(self, difficult_area: bool) -> float:
        if difficult_area and self.difficult_area_total_min is not None:
            return self.difficult_area_total_min
        return self.total_min


class PassRule(_Frozen):
    total_min: float
    difficult_area_total_min: float | None = None
    # "No indicator below N points" (the Công dân học tập rule); applies to every indicator.
    indicator_min: float | None = None
    # The thresholds were not checked against the official text; results say so.
    provisional: bool = False
    # Named levels above the pass mark (xếp loại), best first; none: passed or not passed.
    grades: tuple[Grade, ...] = ()

    def threshold(self, difficult_area: bool) -> float:
        if difficult_area and self.difficult_area_total_min is not None:
            return self.difficult_area_total_min
        return self.total_min


class CriteriaPack(_Frozen):
    spec_version: int = CURRENT_SPEC_VERSION
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str = Field(min_length=1)
    title: TitleKind
    name: LocalizedText
    source: LocalizedText
    note: LocalizedText | None = None
    # The youngest a person may be to join for the title, in whole years reached during the
    # current year (a title for one person: "Công dân học tập" is for adults, 18 and over).
    min_age: int | None = Field(default=None, ge=1, le=100, strict=True)
    profile: tuple[Question, ...] = ()
    criteria: tuple[Criterion, ...] = Field(min_length=1)
    pass_rule: PassRule

    _expressions: dict[str, Expression] = PrivateAttr(default_factory=dict)
    # Lookups the engine makes for every question on every message, built once: the pack is
    # frozen, and scanning the criteria each time was a tenth of a message's cost.
    _questions: tuple[Question, ...] = PrivateAttr(default=())
    _by_name: dict[str, Question] = PrivateAttr(default_factory=dict)
    _indicator_of: dict[str, Indicator] = PrivateAttr(default_factory=dict)

    def model_post_init(self, context: Any, /) -> None:
        asked = [(i.question, i) for i in self.indicators() if i.question is not None]
        self._questions = (*self.profile, *(q for q, _ in asked))
        # Names are unique in a valid pack (validate_pack); first wins otherwise, as before.
        self._by_name = {q.name: q for q in reversed(self._questions)}
        self._indicator_of = {q.name: i for q, i in reversed(asked)}

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    @property
    def max_total(self) -> float:
        return sum(c.max_points for c in self.criteria)

    @property
    def provisional(self) -> bool:
        return any(i.partly_provisional for i in self.indicators())

    def indicators(self) -> Iterator[Indicator]:
        for criterion in self.criteria:
            yield from criterion.indicators

    def questions(self) -> list[Question]:
        """Every question in the order it is asked: profile first, then indicators."""
        return list(self._questions)

    def question(self, name: str) -> Question:
        return self._by_name[name]

    def indicator_for(self, question_name: str) -> Indicator | None:
        return self._indicator_of.get(question_name)

    def relevance_of(self, question: Question) -> str | None:
        indicator = self.indicator_for(question.name)
        return indicator.condition if indicator else question.relevant

    def expression(self, source: str) -> Expression:
        """The parsed form of an expression of this pack (parsed once, at load)."""
        parsed = self._expressions.get(source)
        if parsed is None:
            parsed = parse(source)
            self._expressions[source] = parsed
        return parsed
