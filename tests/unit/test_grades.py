"""Graded pass rules (xếp loại: Tốt / Khá / Đạt): the grade a result reaches, the pack checks
that name the line of a bad grade, and the grade's name where a result is shown."""

from __future__ import annotations

import textwrap
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from bot.rendering import Renderer
from bot.reports.exports import ExportContext, csv_row
from conversations.pack_files import PackError, load_pack, parse_pack
from conversations.packs import CriteriaPack
from conversations.scoring import ScoreResult, score
from storage.exports import ExportRow, grade_names

ROOT = Path(__file__).resolve().parents[2]
TRANSLATOR = Translator(ROOT / "locales")

# Two criteria, three indicators (a: 0–10, b: 0–10, c: 0–20), each answered by its points.
GRADED = """\
spec_version: 2
id: xep-loai
version: "1"
title: unit
name: Đơn vị học tập
source: Bảng thử
criteria:
  - id: "1"
    name: Kế hoạch
    max_points: 20
    indicators:
      - id: "1.1"
        text: A
        max_points: 10
        question:
          name: a
          type: select_one
          choices: &points
            - { value: p10, label: "10", points: 10 }
            - { value: p8, label: "8", points: 8 }
            - { value: p5, label: "5", points: 5 }
            - { value: p4, label: "4", points: 4 }
            - { value: p0, label: "0", points: 0 }
          label: A?
      - id: "1.2"
        text: B
        max_points: 10
        question: { name: b, type: select_one, label: "B?", choices: *points }
  - id: "2"
    name: Kết quả
    max_points: 20
    indicators:
      - id: "2.1"
        text: C
        max_points: 20
        question:
          name: c
          type: select_one
          label: C?
          choices:
            - { value: p20, label: "20", points: 20 }
            - { value: p16, label: "16", points: 16 }
            - { value: p12, label: "12", points: 12 }
            - { value: p10, label: "10", points: 10 }
            - { value: p8, label: "8", points: 8 }
            - { value: p0, label: "0", points: 0 }
pass_rule:
  total_min: 20
  difficult_area_total_min: 16
  grades:
    - id: tot
      name: { vi: Tốt, en: Very good }
      total_min: 36
      difficult_area_total_min: 32
      indicator_min: 8
      criterion_minimums: { 2: 16 }
    - id: kha
      name: { vi: Khá, en: Good }
      total_min: 30
      indicator_minimums: { "2.1": 12 }
    - id: dat
      name: { vi: Đạt, en: Passed }
      total_min: 24
"""


@pytest.fixture(scope="module")
def graded() -> CriteriaPack:
    return parse_pack(GRADED, "graded.yaml")


def answers(a: int, b: int, c: int) -> dict[str, Any]:
    return {"a": f"p{a}", "b": f"p{b}", "c": f"p{c}"}


@pytest.mark.parametrize(
    ("points", "difficult_area", "grade", "passed"),
    [
        ((10, 10, 20), False, "tot", True),
        ((8, 8, 20), False, "tot", True),  # 36: Tốt exactly, every indicator at 8
        ((10, 10, 16), False, "tot", True),  # criterion 2 at its minimum of 16
        ((10, 8, 16), False, "kha", True),  # 34: below Tốt's 36
        ((10, 8, 16), True, "tot", True),  # 34: Tốt in a difficult area (32)
        ((10, 10, 12), False, "kha", True),  # 32: criterion 2 below 16 for Tốt
        ((10, 4, 20), False, "kha", True),  # 34: an indicator below 8 for Tốt
        ((10, 10, 10), False, "dat", True),  # 30 but 2.1 below 12 for Khá
        ((10, 8, 12), False, "kha", True),  # 30: Khá exactly
        ((10, 4, 12), False, "dat", True),  # 26
        ((8, 8, 8), False, "dat", True),  # 24: Đạt exactly
        ((10, 5, 8), False, None, True),  # 23: passes (20) below every grade
        ((10, 10, 0), False, None, True),  # 20: the pass mark itself
        ((10, 8, 0), False, None, False),  # 18: not passed, so no grade
        ((10, 8, 0), True, None, True),  # 18 passes at 16 in a difficult area, no grade
        ((8, 8, 16), True, "tot", True),  # 32: Tốt in a difficult area only
        ((8, 8, 16), False, "kha", True),
    ],
)
def test_the_grade_reached(
    graded: CriteriaPack,
    points: tuple[int, int, int],
    difficult_area: bool,
    grade: str | None,
    passed: bool,
) -> None:
    result = score(graded, answers(*points), difficult_area=difficult_area)
    assert result.total == sum(points)
    assert result.passed is passed
    assert (result.grade.id if result.grade else None) == grade


def test_the_grade_carries_its_names_and_the_total_it_needed(graded: CriteriaPack) -> None:
    result = score(graded, answers(8, 8, 16), difficult_area=True)
    assert result.grade is not None
    assert (result.grade.name.vi, result.grade.name.get("en")) == ("Tốt", "Very good")
    assert result.grade.threshold == 32
    assert score(graded, answers(8, 8, 20)).grade.threshold == 36  # type: ignore[union-attr]
    dumped = score(graded, answers(10, 8, 12)).model_dump(mode="json")["grade"]
    assert dumped == {"id": "kha", "name": {"vi": "Khá", "en": "Good"}, "threshold": 30.0}


def test_a_pack_without_grades_and_a_stored_score_from_before_grades_have_none() -> None:
    household = load_pack(ROOT / "packs" / "gdht-448.yaml")
    assert household.pass_rule.grades == ()
    stored = score(household, {}).model_dump(mode="json")
    del stored["grade"]
    assert ScoreResult.model_validate(stored).grade is None


def test_a_failed_pass_rule_reaches_no_grade_even_with_a_high_total() -> None:
    pack = parse_pack(GRADED.replace("  difficult_area_total_min: 16\n", "  indicator_min: 5\n"))
    result = score(pack, answers(10, 4, 20))  # 34, but 1.2 is below the pass rule's 5
    assert not result.passed and result.grade is None


# --- checks -------------------------------------------------------------------------------------


def problems_of(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(PackError) as caught:
        parse_pack(text, "graded.yaml")
    return [(p.line, p.where, p.message) for p in caught.value.problems]


def test_grade_problems_name_their_line() -> None:
    text = (
        GRADED.replace("criterion_minimums: { 2: 16 }", "criterion_minimums: { 9: 16 }")
        .replace('indicator_minimums: { "2.1": 12 }', 'indicator_minimums: { "2.1": 30 }')
        .replace("      total_min: 24", "      total_min: 18")
    )
    lines = text.splitlines()

    def line_of(fragment: str) -> int:
        return next(i for i, line in enumerate(lines, 1) if fragment in line)

    assert problems_of(text) == [
        (
            line_of("{ 9: 16 }"),
            "pass_rule.grades[0] (tot).criterion_minimums.9",
            "no criterion has the id '9'",
        ),
        (
            line_of('{ "2.1": 30 }'),
            "pass_rule.grades[1] (kha).indicator_minimums.2.1",
            "30 is outside 0..20 points",
        ),
        (
            line_of("total_min: 18"),
            "pass_rule.grades[2] (dat).total_min",
            "18 is below the pass mark (20): a result under it does not pass, so gets no grade",
        ),
    ]


def test_grades_must_be_listed_best_first_with_distinct_ids() -> None:
    text = GRADED.replace("      total_min: 30", "      total_min: 38").replace(
        "    - id: dat", "    - id: tot"
    )
    found = [(where, message) for _, where, message in problems_of(text)]
    assert found == [
        (
            "pass_rule.grades[1] (kha).total_min",
            "needs more points than 'tot' above it: list grades best first",
        ),
        (
            "pass_rule.grades[1] (kha).total_min",
            "needs more points in a difficult area than 'tot' above it: list grades best first",
        ),
        ("pass_rule.grades[2] (tot).id", "grade id 'tot' is used twice"),
    ]


def test_a_grade_without_a_name_or_with_a_bad_id_is_named_with_its_line() -> None:
    text = GRADED.replace("    - id: kha\n      name: { vi: Khá, en: Good }\n", "    - id: Khá\n")
    found = problems_of(text)
    line = next(i for i, s in enumerate(text.splitlines(), 1) if "id: Khá" in s)
    assert [(p[0], p[1]) for p in found] == [
        (line, "pass_rule.grades[1] (Khá).id"),
        (line, "pass_rule.grades[1] (Khá).name"),
    ]


def test_a_difficult_area_grade_below_the_difficult_pass_mark_is_refused() -> None:
    text = GRADED.replace(
        "      total_min: 24", "      total_min: 24\n      difficult_area_total_min: 14"
    )
    assert [m for _, _, m in problems_of(text)] == [
        "14 is below the pass mark in a difficult area (16): a result under it does not pass, "
        "so gets no grade"
    ]


# --- where a result is shown --------------------------------------------------------------------


def test_the_chat_result_names_the_grade(graded: CriteriaPack) -> None:
    result = score(graded, answers(10, 8, 12))
    vi = Renderer(TRANSLATOR, "vi").result(graded, result).text
    assert "Sơ bộ: ĐẠT danh hiệu “Đơn vị học tập”, xếp loại Khá." in vi
    en = Renderer(TRANSLATOR, "en").result(graded, result).text
    assert 'Preliminary: PASSES "Đơn vị học tập", graded Good.' in en
    ungraded = score(graded, answers(10, 10, 0))  # passed below every grade
    text = Renderer(TRANSLATOR, "vi").result(graded, ungraded).text
    assert "Sơ bộ: ĐẠT danh hiệu “Đơn vị học tập”." in text and "xếp loại" not in text


def _export_row(score_json: Any, passed: bool) -> ExportRow:
    return ExportRow(
        assessment_id=1,
        title="household",
        commune="Xã Kim Liên",
        village=None,
        name="Trường Tiểu học Kim Liên",
        head_name=None,
        year=2026,
        pack_id="xep-loai",
        pack_version="1",
        status="verified",
        total=30,
        passed=passed,
        points={"1": 18, "2": 12},
        verified_by=None,
        verified_at=None,
        decision_number=None,
        decision_date=None,
        submitted_at=None,
        grade=grade_names(score_json),
    )


@pytest.mark.parametrize(("lang", "word"), [("vi", "Khá"), ("en", "Good")])
def test_the_exported_result_is_the_grade(graded: CriteriaPack, lang: str, word: str) -> None:
    ctx = ExportContext(
        t=TRANSLATOR,
        lang=lang,
        tz=ZoneInfo("Asia/Ho_Chi_Minh"),
        now=datetime(2026, 11, 30, tzinfo=UTC),
        packs=lambda pack_id, version: graded,
    )
    stored = score(graded, answers(10, 8, 12)).model_dump(mode="json")
    row = csv_row(1, _export_row(stored, True), ctx, ["1", "2"])
    assert word in row
    # A pack without grades (or a score stored before them) shows the plain result.
    del stored["grade"]
    plain = csv_row(1, _export_row(stored, True), ctx, ["1", "2"])
    assert ctx.say("report-result-passed") in plain and word not in plain
    assert grade_names(None) is None and grade_names({"grade": None}) is None


def test_old_packs_load_unchanged() -> None:
    text = (ROOT / "packs" / "dhht-2022.yaml").read_text(encoding="utf-8")
    pack = parse_pack(textwrap.dedent(text))
    assert pack == load_pack(ROOT / "packs" / "dhht-2022.yaml")
    assert pack.pass_rule.grades == ()


def test_a_graded_pack_is_hashable_like_any_other(graded: CriteriaPack) -> None:
    # Packs are frozen values; a cache keyed by a pack must work for a graded one too.
    again = parse_pack(GRADED, "graded.yaml")
    assert hash(graded) == hash(again) and {graded: 1}[again] == 1


def test_without_difficult_area_marks_a_problem_is_said_once() -> None:
    text = (
        GRADED.replace("  difficult_area_total_min: 16\n", "")
        .replace("      difficult_area_total_min: 32\n", "")
        .replace("      total_min: 30", "      total_min: 38")
        .replace("      total_min: 24", "      total_min: 18")
    )
    assert [(where, message) for _, where, message in problems_of(text)] == [
        (
            "pass_rule.grades[1] (kha).total_min",
            "needs more points than 'tot' above it: list grades best first",
        ),
        (
            "pass_rule.grades[2] (dat).total_min",
            "18 is below the pass mark (20): a result under it does not pass, so gets no grade",
        ),
    ]
