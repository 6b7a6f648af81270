"""Criteria packs: the questionnaire and scoring table a commune was handed, as data.

A pack is a YAML document (or a spreadsheet converted to one) validated here. Everything that
can be checked before a collaborator meets it in a village is checked at load time: unknown
references in conditions, points above an indicator's maximum, thresholds above the total.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Literal, get_args

import yaml
from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from conversations.expressions import Expression, ExpressionError, check_references, parse

# Spec 2 added where an indicator's text came from (`source`) and the pass rule's own
# `provisional` flag; both optional, so a spec 1 pack reads as spec 2 unchanged. So are the
# finer flags added since (a choice's `provisional`, an indicator's
# `not_applicable_provisional`): a pack without them reads as before, no spec bump.
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


class PassRule(_Frozen):
    total_min: float
    difficult_area_total_min: float | None = None
    # "No indicator below N points" (the Công dân học tập rule); applies to every indicator.
    indicator_min: float | None = None
    # The thresholds were not checked against the official text; results say so.
    provisional: bool = False


class CriteriaPack(_Frozen):
    spec_version: int = CURRENT_SPEC_VERSION
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    version: str = Field(min_length=1)
    title: TitleKind
    name: LocalizedText
    source: LocalizedText
    note: LocalizedText | None = None
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


# --- Loading and checking ---------------------------------------------------------------------


@dataclass(frozen=True)
class PackProblem:
    where: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        at = f"line {self.line}: " if self.line else ""
        return f"{at}{self.where}: {self.message}"


class PackError(ValueError):
    def __init__(self, problems: list[PackProblem], source: str = "") -> None:
        self.problems = problems
        self.source = source
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"{source or 'pack'}: {len(problems)} problem(s)\n{lines}")


# Forward-only migrations of the pack format: MIGRATIONS[n] turns spec n into spec n + 1.
Migration = Callable[[dict[str, Any]], dict[str, Any]]


def _spec_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
    """Spec 2 only added optional fields (indicator `source`, `pass_rule.provisional`; later
    a choice's `provisional` and an indicator's `not_applicable_provisional`)."""
    return data


MIGRATIONS: dict[int, Migration] = {1: _spec_1_to_2}


def migrate(
    data: dict[str, Any], migrations: Mapping[int, Migration] | None = None
) -> dict[str, Any]:
    steps = MIGRATIONS if migrations is None else migrations
    raw = data.get("spec_version", 1)
    if isinstance(raw, bool) or not isinstance(raw, int) or raw < 1:
        raise PackError([PackProblem("spec_version", f"{raw!r} is not a spec version (1, 2, ...)")])
    version = raw
    if version > CURRENT_SPEC_VERSION:
        raise PackError(
            [PackProblem("spec_version", f"{version} is newer than this bot understands")]
        )
    while version < CURRENT_SPEC_VERSION:
        if version not in steps:
            raise PackError([PackProblem("spec_version", f"no migration from {version}")])
        data = steps[version](dict(data))
        version += 1
        data["spec_version"] = version
    return data


def _describe(path: tuple[Any, ...], data: Any) -> str:
    """A location a person can find: criteria[1].indicators[0] (1.2) question 'grades'."""
    parts: list[str] = []
    node = data
    for key in path:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        else:
            parts.append(("." if parts else "") + str(key))
        try:
            node = node[key]
        except (KeyError, IndexError, TypeError):
            node = None
        if isinstance(node, dict):
            label = node.get("id") or node.get("name")
            if isinstance(label, str) and isinstance(key, int):
                parts.append(f" ({label})")
    return "".join(parts) or "pack"


def _line_index(text: str) -> dict[tuple[Any, ...], int]:
    """Map each YAML path to its 1-based line, so problems can name the line."""
    lines: dict[tuple[Any, ...], int] = {}

    def walk(node: yaml.Node, path: tuple[Any, ...]) -> None:
        lines[path] = node.start_mark.line + 1
        if isinstance(node, yaml.MappingNode):
            for key_node, value_node in node.value:
                key = (*path, key_node.value)
                lines[key] = key_node.start_mark.line + 1
                walk(value_node, key)
        elif isinstance(node, yaml.SequenceNode):
            for i, item in enumerate(node.value):
                walk(item, (*path, i))

    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return lines
    if root is not None:
        walk(root, ())
    return lines


def _line_for(path: tuple[Any, ...], lines: Mapping[tuple[Any, ...], int]) -> int | None:
    for end in range(len(path), -1, -1):
        if path[:end] in lines:
            return lines[path[:end]]
    return None


def check_pack(pack: CriteriaPack) -> list[tuple[tuple[Any, ...], str]]:
    """Semantic problems pydantic cannot see, as (path, message)."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    seen_names: set[str] = set()
    ids: set[str] = set()

    def check_expression(path: tuple[Any, ...], source: str | None, known: set[str]) -> None:
        if not source:
            return
        try:
            expr = pack.expression(source)
        except ExpressionError as err:
            problems.append((path, str(err)))
            return
        unknown = check_references(expr, known)
        if unknown:
            names = ", ".join(sorted(unknown))
            problems.append((path, f"refers to {names}, not a question asked before this one"))

    def check_question(path: tuple[Any, ...], q: Question, max_points: float | None) -> None:
        if q.name in seen_names:
            problems.append(((*path, "name"), f"question name '{q.name}' is used twice"))
        check_expression((*path, "relevant"), q.relevant, set(seen_names))
        check_expression((*path, "constraint"), q.constraint, set(seen_names))
        if q.constraint and not q.constraint_message:
            problems.append(((*path, "constraint"), "a constraint needs a constraint_message"))
        kind = QUESTION_TYPES[q.type]
        if kind.choices == "listed" and len(q.choices) < 2:
            problems.append(((*path, "choices"), f"{q.type} needs at least two choices"))
        if kind.choices == "none" and q.choices:
            problems.append(((*path, "choices"), f"a {q.type} question has no choices"))
        values = [c.value for c in q.choices]
        if len(set(values)) != len(values):
            problems.append(((*path, "choices"), "two choices share a value"))
        if q.min is not None and q.max is not None and q.min > q.max:
            problems.append(((*path, "min"), "min is above max"))
        if max_points is not None:
            for j, c in enumerate(q.choices):
                if c.points > max_points or c.points < 0:
                    problems.append(
                        (
                            (*path, "choices", j, "points"),
                            f"{c.points:g} points is outside 0..{max_points:g}",
                        )
                    )
        seen_names.add(q.name)

    for i, q in enumerate(pack.profile):
        check_question(("profile", i), q, None)
    for ci, criterion in enumerate(pack.criteria):
        cpath: tuple[Any, ...] = ("criteria", ci)
        if criterion.id in ids:
            problems.append(((*cpath, "id"), f"id '{criterion.id}' is used twice"))
        ids.add(criterion.id)
        subtotal = sum(i.max_points for i in criterion.indicators)
        if subtotal < criterion.max_points:
            problems.append(
                (
                    (*cpath, "max_points"),
                    f"indicators add up to {subtotal:g}, less than the criterion's "
                    f"{criterion.max_points:g}",
                )
            )
        if criterion.min_points is not None and criterion.min_points > criterion.max_points:
            problems.append(((*cpath, "min_points"), "min_points is above max_points"))
        for ii, ind in enumerate(criterion.indicators):
            ipath: tuple[Any, ...] = (*cpath, "indicators", ii)
            if ind.id in ids:
                problems.append(((*ipath, "id"), f"id '{ind.id}' is used twice"))
            ids.add(ind.id)
            if (ind.question is None) == (ind.calculate is None):
                problems.append((ipath, "an indicator needs either a question or a calculate"))
            if ind.question is not None:
                if not QUESTION_TYPES[ind.question.type].scorable:
                    scorable = [n for n, k in QUESTION_TYPES.items() if k.scorable]
                    problems.append(
                        (
                            (*ipath, "question", "type"),
                            f"a scored question must be {spoken_list(scorable)}",
                        )
                    )
                check_question((*ipath, "question"), ind.question, ind.max_points)
                if ind.relevant and ind.question.relevant:
                    problems.append(((*ipath, "relevant"), "set relevant on the question only"))
            else:
                check_expression((*ipath, "relevant"), ind.relevant, set(seen_names))
            if ind.calculate is not None:
                check_expression((*ipath, "calculate"), ind.calculate, set(seen_names))
                if not ind.bands:
                    problems.append(((*ipath, "bands"), "a computed indicator needs bands"))
            for bi, band in enumerate(ind.bands):
                if not 0 <= band.points <= ind.max_points:
                    problems.append(
                        ((*ipath, "bands", bi, "points"), "points outside the indicator's range")
                    )
            if ind.min_points is not None and ind.min_points > ind.max_points:
                problems.append(((*ipath, "min_points"), "min_points is above max_points"))
            if not 0 <= ind.na_points <= ind.max_points:
                problems.append(
                    ((*ipath, "not_applicable_points"), "outside the indicator's range")
                )
    rule = pack.pass_rule
    for field in ("total_min", "difficult_area_total_min"):
        value = getattr(rule, field)
        if value is not None and not 0 <= value <= pack.max_total:
            problems.append(
                (("pass_rule", field), f"{value:g} is outside 0..{pack.max_total:g} points")
            )
    return problems


def pack_from_data(data: Any, source: str = "", text: str | None = None) -> CriteriaPack:
    """Validate pack data; raise PackError naming every problem (and its line when known)."""
    lines = _line_index(text) if text is not None else {}
    if not isinstance(data, dict):
        raise PackError([PackProblem("pack", "the file is not a YAML mapping", 1)], source)
    try:
        data = migrate(data)
    except PackError as err:
        line = _line_for(("spec_version",), lines)
        raise PackError([replace(p, line=p.line or line) for p in err.problems], source) from None
    try:
        pack = CriteriaPack.model_validate(data)
    except ValidationError as err:
        errors = err.errors()
        locs = [tuple(e["loc"]) for e in errors]
        problems = [
            PackProblem(_describe(loc, data), e["msg"], _line_for(loc, lines))
            for e, loc in zip(errors, locs, strict=True)
            # pydantic drops the invalid items of a list and then finds it too short: that
            # "at least 1 item" would send the reader after a problem the file does not have.
            if not (
                e["type"] == "too_short"
                and any(other[: len(loc)] == loc and len(other) > len(loc) for other in locs)
            )
        ]
        raise PackError(problems, source) from None
    semantic = check_pack(pack)
    if semantic:
        found = [PackProblem(_describe(p, data), m, _line_for(p, lines)) for p, m in semantic]
        # In the order a person reads the file.
        found.sort(key=lambda p: p.line if p.line is not None else 0)
        raise PackError(found, source)
    return pack


def parse_pack(text: str, source: str = "") -> CriteriaPack:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        # "while parsing a flow mapping: expected ',' or '}', but got '?' (column 17)"
        parts = [getattr(err, "context", None), getattr(err, "problem", None)]
        message = ": ".join(p for p in parts if p) or str(err).splitlines()[0]
        if mark is not None:
            message += f" (column {mark.column + 1})"
        raise PackError([PackProblem("YAML", message, line)], source) from None
    return pack_from_data(data, source, text)


def load_pack(path: str | Path) -> CriteriaPack:
    file = Path(path)
    return parse_pack(file.read_text(encoding="utf-8"), str(file))
