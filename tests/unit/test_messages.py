"""Every message of the bot exists in Vietnamese and English, and every message id the code
asks for exists (a missing one would only show up as a crash in front of a user)."""

from __future__ import annotations

import ast
import functools
import re
import typing
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.i18n import LOCALES, Translator
from conversations.answers import RejectionCode
from conversations.domain import AssessmentStatus
from conversations.engine import AnswerRejected
from conversations.scoring import FailedRuleCode

ROOT = Path(__file__).resolve().parents[2]
BOT = ROOT / "bot"
MESSAGE_ID = re.compile(r"^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$")
# Parameters that take a message id, in the functions that take one.
MESSAGE_PARAMETERS = ("message_id", "notice")
# The translator itself: t(lang, "id"), translator(lang, "id").
TRANSLATORS = {"t": {1}, "translator": {1}}


def literals(annotation: object) -> set[str]:
    """The strings of a Literal type (or of a union of Literals)."""
    values: set[str] = set()
    for arg in typing.get_args(annotation):
        if isinstance(arg, str):
            values.add(arg)
        else:
            values |= literals(arg)
    return values


def kebab(values: set[str]) -> set[str]:
    return {v.replace("_", "-") for v in values}


REJECTIONS = literals(typing.get_type_hints(AnswerRejected)["code"])
# Message ids built from a code: each family and every value its code can take.
FAMILIES: dict[str, set[str]] = {
    "rejected-": kebab(REJECTIONS),
    "result-failed-": kebab(literals(FailedRuleCode)),
    "status-": literals(AssessmentStatus),
}


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator(ROOT / "locales")


def test_the_families_are_what_the_code_can_produce() -> None:
    assert literals(RejectionCode) <= REJECTIONS
    assert {"review_choice", "unanswered", "stale", "constraint"} <= REJECTIONS
    assert FAMILIES["result-failed-"] >= {"total-below-min", "mandatory", "unanswered"}


def test_every_message_exists_in_every_language(translator: Translator) -> None:
    ids = {lang: translator.message_ids(lang) for lang in LOCALES}
    assert ids["vi"], "no Vietnamese messages loaded"
    for lang in LOCALES:
        for other in LOCALES:
            missing = sorted(ids[lang] - ids[other])
            assert not missing, f"in {lang} but not in {other}: {missing}"


@dataclass
class Variables:
    used: set[str]  # every variable the message refers to
    selectors: set[str]  # those only used to choose a plural form


def variables_by_message(lang: str) -> dict[str, Variables]:
    """The variables each message of a language refers to, from the .ftl syntax tree."""
    from fluent.syntax import FluentParser
    from fluent.syntax import ast as fluent_ast
    from fluent.syntax.visitor import Visitor

    class Collect(Visitor):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.shown: set[str] = set()
            self.selectors: set[str] = set()

        def visit_SelectExpression(self, node: fluent_ast.SelectExpression) -> None:
            if isinstance(node.selector, fluent_ast.VariableReference):
                self.selectors.add(node.selector.id.name)
            for variant in node.variants:
                self.visit(variant)

        def visit_VariableReference(self, node: fluent_ast.VariableReference) -> None:
            self.shown.add(node.id.name)

    found: dict[str, Variables] = {}
    for file in sorted((ROOT / "locales" / lang).glob("*.ftl")):
        resource = FluentParser().parse(file.read_text(encoding="utf-8"))
        for entry in resource.body:
            if isinstance(entry, fluent_ast.Message):
                collect = Collect()
                collect.visit(entry)
                found[entry.id.name] = Variables(
                    collect.shown | collect.selectors, collect.selectors - collect.shown
                )
    return found


@pytest.mark.parametrize("lang", LOCALES)
def test_every_message_formats_with_its_variables(translator: Translator, lang: str) -> None:
    """Each message renders with its variables filled: a broken reference or selector would
    otherwise only fail when a user meets it."""
    variables = variables_by_message(lang)
    assert set(variables) == translator.message_ids(lang)
    for message_id, found in sorted(variables.items()):
        text = translator(lang, message_id, **dict.fromkeys(found.used, 1))
        assert text.strip(), f"{lang}/{message_id} is empty"


def test_a_message_shows_the_same_variables_in_both_languages() -> None:
    """A variable in one language only is a typo, unless it only picks a plural form
    (English "1 day" / "2 days"; Vietnamese has no plural)."""
    vi, en = variables_by_message("vi"), variables_by_message("en")
    different = {}
    for message_id in sorted(vi.keys() & en.keys()):
        only_vi = vi[message_id].used - en[message_id].used - vi[message_id].selectors
        only_en = en[message_id].used - vi[message_id].used - en[message_id].selectors
        if only_vi or only_en:
            different[message_id] = {"vi only": only_vi, "en only": only_en}
    assert not different, f"variables differ between vi and en: {different}"


# --- the ids the code uses -------------------------------------------------------------------


@dataclass(frozen=True)
class Use:
    file: str
    line: int
    message_id: str  # a full id, or a family's prefix ending in "-"
    dynamic: bool = False

    def __str__(self) -> str:
        return f"{self.file}:{self.line}: {self.message_id}{'…' if self.dynamic else ''}"


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _message_functions(trees: dict[Path, ast.Module]) -> dict[str, set[int]]:
    """Functions with a message id parameter, and its positions among a call's arguments
    (two functions of one name may take it at different places)."""
    found = {name: set(positions) for name, positions in TRANSLATORS.items()}
    for tree in trees.values():
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            params = [a.arg for a in node.args.posonlyargs + node.args.args]
            if params[:1] in (["self"], ["cls"]):
                params = params[1:]
            for name in MESSAGE_PARAMETERS:
                if name in params:
                    found.setdefault(node.name, set()).add(params.index(name))
    return found


def _defaults(trees: dict[Path, ast.Module]) -> Iterator[tuple[Path, ast.expr]]:
    """Default values of message id parameters ("menu-unknown" in repeat_options)."""
    for path, tree in trees.items():
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args.posonlyargs + node.args.args
                for arg, default in zip(
                    args[len(args) - len(node.args.defaults) :], node.args.defaults, strict=True
                ):
                    if arg.arg in MESSAGE_PARAMETERS:
                        yield path, default


def _expression_ids(path: Path, expr: ast.expr, assigned: dict[str, list[ast.expr]]) -> list[Use]:
    file = str(path.relative_to(ROOT))
    if isinstance(expr, ast.Constant) and isinstance(expr.value, str):
        return [Use(file, expr.lineno, expr.value)]
    if isinstance(expr, ast.JoinedStr):
        first = expr.values[0] if expr.values else None
        prefix = first.value if isinstance(first, ast.Constant) else ""
        return [Use(file, expr.lineno, str(prefix), dynamic=True)]
    if isinstance(expr, ast.BinOp) and isinstance(expr.op, ast.Add):
        left = expr.left
        prefix = left.value if isinstance(left, ast.Constant) else ""
        return [Use(file, expr.lineno, str(prefix), dynamic=True)]
    if isinstance(expr, ast.IfExp):
        return _expression_ids(path, expr.body, assigned) + _expression_ids(
            path, expr.orelse, assigned
        )
    if isinstance(expr, ast.Name) and expr.id in assigned:
        return [u for value in assigned[expr.id] for u in _expression_ids(path, value, {})]
    return []  # a variable passed along: its origin is checked where it is a literal


@functools.cache
def message_uses() -> tuple[Use, ...]:
    trees = {p: ast.parse(p.read_text(encoding="utf-8")) for p in sorted(BOT.rglob("*.py"))}
    functions = _message_functions(trees)
    uses: list[Use] = []
    for path, tree in trees.items():
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            assigned: dict[str, list[ast.expr]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.Assign):
                    for target in node.targets:
                        if isinstance(target, ast.Name):
                            assigned.setdefault(target.id, []).append(node.value)
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                name = _call_name(node)
                if name not in functions:
                    continue
                chosen = [k.value for k in node.keywords if k.arg in MESSAGE_PARAMETERS]
                for position in functions[name]:
                    chosen += node.args[position : position + 1]
                for expr in chosen:
                    if isinstance(expr, ast.Starred):
                        continue
                    uses.extend(_expression_ids(path, expr, assigned))
    for path, default in _defaults(trees):
        uses.extend(_expression_ids(path, default, {}))
    # Keep what looks like a message id (a None default or a number is not one).
    return tuple(u for u in uses if u.dynamic or MESSAGE_ID.match(u.message_id))


def test_the_scan_finds_the_known_uses() -> None:
    found = {(u.file, u.message_id) for u in message_uses()}
    # Guards against a scan that silently finds nothing.
    assert ("bot/rendering.py", "question-progress") in found
    assert ("bot/rendering.py", "rejected-") in found
    assert ("bot/rendering.py", "result-failed-") in found
    assert len(found) > 40


def test_every_message_id_the_code_uses_exists(translator: Translator) -> None:
    known = {lang: translator.message_ids(lang) for lang in LOCALES}
    missing: list[str] = []
    for use in message_uses():
        if use.dynamic:
            family = FAMILIES.get(use.message_id)
            if family is None:
                # A family this test cannot expand: at least some of it must exist.
                if not use.message_id or not any(m.startswith(use.message_id) for m in known["vi"]):
                    missing.append(f"{use} (no message starts with it)")
                continue
            ids = [use.message_id + value for value in sorted(family)]
        else:
            ids = [use.message_id]
        for message_id in ids:
            for lang in LOCALES:
                if message_id not in known[lang]:
                    missing.append(f"{use} -> {lang}/{message_id}")
    assert not missing, "missing messages:\n" + "\n".join(missing)
