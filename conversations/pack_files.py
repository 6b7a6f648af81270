"""Reading criteria packs: YAML (or a spreadsheet's conversion), forward migrations of the
pack format, and every check that can be made before a collaborator meets the pack in a
village, each problem named with its line."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from conversations.expressions import ExpressionError, check_references
from conversations.packs import (
    CURRENT_SPEC_VERSION,
    QUESTION_TYPES,
    CriteriaPack,
    Grade,
    Question,
    spoken_list,
)


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
    if pack.min_age is not None and pack.title != "citizen":
        problems.append((("min_age",), "only a title for one person (citizen) has a minimum age"))
    rule = pack.pass_rule
    for field in ("total_min", "difficult_area_total_min"):
        value = getattr(rule, field)
        if value is not None and not 0 <= value <= pack.max_total:
            problems.append(
                (("pass_rule", field), f"{value:g} is outside 0..{pack.max_total:g} points")
            )
    problems.extend(_check_grades(pack))
    return problems


def _check_grades(pack: CriteriaPack) -> list[tuple[tuple[Any, ...], str]]:
    """Grades a result can reach, best first, naming criteria and indicators the pack has."""
    problems: list[tuple[tuple[Any, ...], str]] = []
    rule = pack.pass_rule
    criteria = {c.id: c for c in pack.criteria}
    indicators = {i.id: i for i in pack.indicators()}
    seen: set[str] = set()
    previous: Grade | None = None
    for gi, grade in enumerate(rule.grades):
        path: tuple[Any, ...] = ("pass_rule", "grades", gi)
        if grade.id in seen:
            problems.append(((*path, "id"), f"grade id '{grade.id}' is used twice"))
        seen.add(grade.id)
        for field in ("total_min", "difficult_area_total_min"):
            value = getattr(grade, field)
            if value is not None and not 0 <= value <= pack.max_total:
                problems.append(
                    ((*path, field), f"{value:g} is outside 0..{pack.max_total:g} points")
                )
        # In a difficult area too, unless nothing there differs (one problem, said once).
        for difficult, field in ((False, "total_min"), (True, "difficult_area_total_min")):
            mark, own = rule.threshold(difficult), grade.threshold(difficult)
            same = (mark, own) == (rule.threshold(False), grade.threshold(False))
            where = " in a difficult area" if difficult else ""
            at = (*path, field if getattr(grade, field) is not None else "total_min")
            if own < mark and not (difficult and same):
                problems.append(
                    (
                        at,
                        f"{own:g} is below the pass mark{where} ({mark:g}): a result under it "
                        "does not pass, so gets no grade",
                    )
                )
            if previous is None or own <= previous.threshold(difficult):
                continue
            normal = (grade.threshold(False), previous.threshold(False))
            if difficult and (own, previous.threshold(True)) == normal:
                continue
            problems.append(
                (
                    at,
                    f"needs more points{where} than '{previous.id}' above it: list grades "
                    "best first",
                )
            )
        for key, known, kind in (
            ("criterion_minimums", criteria, "criterion"),
            ("indicator_minimums", indicators, "indicator"),
        ):
            minimums: dict[str, float] = getattr(grade, key)
            for target, points in minimums.items():
                found = known.get(target)
                if found is None:
                    problems.append(((*path, key, target), f"no {kind} has the id '{target}'"))
                elif not 0 <= points <= found.max_points:
                    problems.append(
                        (
                            (*path, key, target),
                            f"{points:g} is outside 0..{found.max_points:g} points",
                        )
                    )
        previous = grade
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
