"""Criteria packs: the shipped packs, every problem of a broken pack named with its line,
spec-version migrations, and a pack expressing the "Công dân học tập" rule."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main as hoctap
from conversations import pack_files
from conversations.pack_files import PackError, load_pack, migrate, parse_pack
from conversations.packs import CURRENT_SPEC_VERSION, CriteriaPack
from conversations.scoring import score

PACKS = Path(__file__).resolve().parents[2] / "packs"


def problems_of(text: str) -> list[tuple[int | None, str, str]]:
    with pytest.raises(PackError) as caught:
        parse_pack(textwrap.dedent(text), "test.yaml")
    return [(p.line, p.where, p.message) for p in caught.value.problems]


# --- the shipped packs ---------------------------------------------------------------------


def test_household_pack_loads_with_its_structure() -> None:
    pack = load_pack(PACKS / "gdht-448.yaml")
    assert (pack.id, pack.version, pack.title) == ("gdht-448", "2015.2", "household")
    assert pack.name.vi == "Gia đình học tập"
    assert [(c.id, c.max_points) for c in pack.criteria] == [
        ("1", 30),
        ("2", 30),
        ("3", 20),
        ("4", 20),
    ]
    assert pack.max_total == 100
    assert (pack.pass_rule.total_min, pack.pass_rule.difficult_area_total_min) == (80, 70)
    assert [q.name for q in pack.profile] == [
        "head_name",
        "village",
        "members",
        "children",
        "adults",
    ]
    # 1.1 and 1.2 are asked only when there are school-age children, and then score full points.
    for indicator_id in ("1.1", "1.2"):
        indicator = next(i for i in pack.indicators() if i.id == indicator_id)
        assert indicator.condition == "${children} > 0"
        assert indicator.na_points == indicator.max_points == 10


def test_household_pack_flags_exactly_the_unconfirmed_indicators() -> None:
    pack = load_pack(PACKS / "gdht-448.yaml")
    confirmed = {i.id for i in pack.indicators() if not i.provisional}
    # domain.md §6: 1.1–1.3 and 2.1 were confirmed; only parts of 1.1 and 1.2 are flagged: both
    # score full points when they do not apply (no school-age children), and 1.2 gives partial
    # credit (5 points when some child is below the standard).
    assert confirmed == {"1.1", "1.2", "1.3", "2.1"}
    partly = {i.id for i in pack.indicators() if i.partly_provisional and not i.provisional}
    assert partly == {"1.1", "1.2"}
    assert pack.provisional
    assert pack.pass_rule.provisional  # 80, 70 in a difficult area: not checked
    indicators = {i.id: i for i in pack.indicators()}
    not_applicable = {i.id for i in pack.indicators() if i.not_applicable_provisional}
    assert not_applicable == {"1.1", "1.2"}
    partial = indicators["1.2"].question
    assert partial is not None and [c.points for c in partial.choices] == [10, 5, 0]
    assert [c.provisional for c in partial.choices] == [False, True, False]
    provisional_choices = {
        (i.id, c.value)
        for i in pack.indicators()
        if i.question is not None
        for c in i.question.choices
        if c.provisional
    }
    assert provisional_choices == {("1.2", "some")}
    assert "5 điểm khi có cháu chưa đạt" in (indicators["1.2"].source or "")
    # Every indicator says where its text came from; the confirmed ones name both copies.
    assert all(i.source for i in pack.indicators())
    for confirmed_id in ("1.1", "1.2", "1.3", "2.1"):
        source = indicators[confirmed_id].source or ""
        assert source.startswith("Quyết định 448/QĐ-KHVN (01/12/2015), nguyên văn")
        assert "Yên Bái" in source
        assert indicators[confirmed_id].max_points == 10
    assert "01/12/2015" in pack.source.vi


def test_household_pack_words_2_1_and_1_2_as_the_decision_does() -> None:
    pack = load_pack(PACKS / "gdht-448.yaml")
    indicators = {i.id: i for i in pack.indicators()}
    assert indicators["2.1"].text.vi == (
        "Người lớn từ 19 đến 60 tuổi (trừ những người không có khả năng học tập) đều đạt chuẩn "
        "biết chữ từ bậc 1 trở lên (tương đương từ lớp 3 trở lên)."
    )
    assert indicators["1.2"].text.vi == (
        "Kết quả học tập đạt từ trung bình trở lên (hoặc đạt yêu cầu đối với học sinh tiểu "
        "học); hạnh kiểm phải đạt từ Khá trở lên (hoặc đạt yêu cầu đối với học sinh tiểu học)."
    )
    # The question, and the profile question counting the adults it is about: 19 to 60.
    literacy = pack.question("adult_literacy")
    assert "19 đến 60 tuổi" in literacy.label.vi and "bậc 1" in literacy.label.vi
    assert pack.question("adults").label.vi == "Có bao nhiêu người lớn từ 19 đến 60 tuổi?"
    everything = pack.model_dump_json()
    assert "15 đến 60" not in everything and "mức độ 1" not in everything


def test_clan_pack_is_provisional_throughout_and_computes_2_1() -> None:
    pack = load_pack(PACKS / "dhht-2022.yaml")
    assert (pack.id, pack.title, pack.max_total) == ("dhht-2022", "clan", 100)
    assert all(i.provisional for i in pack.indicators())
    assert pack.pass_rule.provisional
    assert (
        pack.source.vi == "Bộ tiêu chí kèm Kế hoạch 123/KH-KHVN (14/4/2022) — bảng chưa đối chiếu"
    )
    assert all(i.source and "123/KH-KHVN" in i.source for i in pack.indicators())
    computed = next(i for i in pack.indicators() if i.id == "2.1")
    assert computed.question is None and computed.calculate
    assert sorted((b.min, b.points) for b in computed.bands) == [(0, 0), (50, 10), (70, 20)]
    prefills = {q.name: q.prefill for q in pack.profile}
    assert prefills["member_households"] == "clan.member_households"
    assert prefills["gdht_households"] == "clan.gdht_households"


def test_a_pack_without_provisional_indicators_is_not_provisional() -> None:
    assert not parse_pack(minimal_pack()).provisional


def test_a_provisional_choice_or_not_applicable_rule_makes_the_pack_provisional() -> None:
    pack = parse_pack(minimal_pack())
    ind = pack.criteria[0].indicators[0]
    assert ind.question is not None
    choices = tuple(
        c.model_copy(update={"provisional": i == 0}) for i, c in enumerate(ind.question.choices)
    )
    variants = (
        ind.model_copy(update={"not_applicable_provisional": True}),
        ind.model_copy(update={"question": ind.question.model_copy(update={"choices": choices})}),
    )
    for variant in variants:
        assert not variant.provisional and variant.partly_provisional
        criterion = pack.criteria[0].model_copy(update={"indicators": (variant,)})
        assert pack.model_copy(update={"criteria": (criterion,)}).provisional


def test_cli_validates_the_shipped_packs(capsys: pytest.CaptureFixture[str]) -> None:
    status = hoctap(
        ["pack", "validate", str(PACKS / "gdht-448.yaml"), str(PACKS / "dhht-2022.yaml")]
    )
    out = capsys.readouterr().out
    assert status == 0
    assert (
        "gdht-448@2015.2, 16 questions, 100 points, has provisional indicators, "
        "provisional pass rule)" in out
    )
    assert "dhht-2022@2022.1" in out


def test_cli_lists_where_each_indicator_came_from(capsys: pytest.CaptureFixture[str]) -> None:
    assert hoctap(["pack", "validate", "--sources", str(PACKS / "gdht-448.yaml")]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[1].startswith(
        "  source: Bộ tiêu chí khung kèm Quyết định 448/QĐ-KHVN ngày 01/12/2015"
    )
    assert lines[5].startswith("  2.1 confirmed: Quyết định 448/QĐ-KHVN (01/12/2015), nguyên văn")
    assert lines[6].startswith("  2.2 provisional: ")
    assert lines[-1] == "  pass rule: provisional"


def test_cli_counts_indicators_without_a_source(capsys: pytest.CaptureFixture[str]) -> None:
    assert hoctap(["pack", "validate", str(PACKS / "archive" / "gdht-448-2015.1.yaml")]) == 0
    assert (
        "gdht-448@2015.1, 16 questions, 100 points, has provisional indicators, 11 "
        "indicator(s) without a source)" in capsys.readouterr().out
    )


# --- every problem, with its place and line --------------------------------------------------

BROKEN = """\
    id: broken
    version: "1"
    title: household
    name: Hỏng
    source: Thử nghiệm
    profile:
      - name: members
        type: integer
        label: Bao nhiêu người?
        constraint: ". > 0"
      - name: members
        type: integer
        label: Lặp tên
    criteria:
      - id: "1"
        name: Một
        max_points: 20
        indicators:
          - id: "1.1"
            text: Hỏi trước
            max_points: 10
            question:
              name: early
              type: yes_no
              label: Câu sớm
              relevant: "${late} = 'yes'"
          - id: "1.2"
            text: Không ai biết
            max_points: 10
            question:
              name: late
              type: select_one
              label: Câu muộn
              relevant: "${nobody} > 0"
              choices:
                - {value: a, label: A, points: 10}
                - {value: b, label: B, points: 15}
      - id: "2"
        name: Hai
        max_points: 10
        indicators:
          - id: "2.1"
            text: Tính toán
            max_points: 10
            calculate: "${members} * 2"
    pass_rule:
      total_min: 80
      difficult_area_total_min: 70
"""


def test_every_semantic_problem_is_reported_with_its_location_and_line() -> None:
    found = problems_of(BROKEN)
    assert found == [
        (10, "profile[0] (members).constraint", "a constraint needs a constraint_message"),
        (11, "profile[1] (members).name", "question name 'members' is used twice"),
        (
            26,
            "criteria[0] (1).indicators[0] (1.1).question.relevant",
            "refers to late, not a question asked before this one",
        ),
        (
            34,
            "criteria[0] (1).indicators[1] (1.2).question.relevant",
            "refers to nobody, not a question asked before this one",
        ),
        (
            37,
            "criteria[0] (1).indicators[1] (1.2).question.choices[1].points",
            "15 points is outside 0..10",
        ),
        (42, "criteria[1] (2).indicators[0] (2.1).bands", "a computed indicator needs bands"),
        (47, "pass_rule.total_min", "80 is outside 0..30 points"),
        (48, "pass_rule.difficult_area_total_min", "70 is outside 0..30 points"),
    ]


def test_the_error_message_names_the_file_and_counts_the_problems() -> None:
    with pytest.raises(PackError) as caught:
        parse_pack(textwrap.dedent(BROKEN), "xa-kim-lien.yaml")
    message = str(caught.value)
    assert message.startswith("xa-kim-lien.yaml: 8 problem(s)")
    assert "line 37: criteria[0] (1).indicators[1] (1.2).question.choices[1].points" in message


def test_more_semantic_problems() -> None:
    found = problems_of(
        """\
        id: more
        version: "1"
        title: household
        name: Thêm
        source: Thử
        criteria:
          - id: "1"
            name: Một
            max_points: 30
            min_points: 40
            indicators:
              - id: "1"
                text: Trùng mã với tiêu chí
                max_points: 10
                min_points: 12
                question:
                  name: q1
                  type: integer
                  label: Số
              - id: "1.2"
                text: Hai cách chấm
                max_points: 10
                calculate: "1"
                bands: [{min: 0, points: 10}]
                question: {name: q2, type: yes_no, label: "Có?"}
              - id: "1.3"
                text: Một lựa chọn
                max_points: 5
                not_applicable_points: 8
                question:
                  name: q3
                  type: select_one
                  label: Chọn
                  choices: [{value: a, label: A, points: 5}]
        pass_rule: {total_min: 20}
        """
    )
    c = "criteria[0] (1)"
    assert found == [
        (9, f"{c}.max_points", "indicators add up to 25, less than the criterion's 30"),
        (10, f"{c}.min_points", "min_points is above max_points"),
        (12, f"{c}.indicators[0] (1).id", "id '1' is used twice"),
        (15, f"{c}.indicators[0] (1).min_points", "min_points is above max_points"),
        (
            18,
            f"{c}.indicators[0] (1).question.type",
            "a scored question must be select_one, select_multiple or yes_no",
        ),
        (20, f"{c}.indicators[1] (1.2)", "an indicator needs either a question or a calculate"),
        (29, f"{c}.indicators[2] (1.3).not_applicable_points", "outside the indicator's range"),
        (34, f"{c}.indicators[2] (1.3).question.choices", "select_one needs at least two choices"),
    ]


def test_structural_problems_are_all_reported_with_lines_and_nothing_invented() -> None:
    found = problems_of(
        """\
        id: Bad Pack
        version: "1"
        title: village-ish
        name: Hỏng
        source: Thử
        criteria:
          - id: "1"
            name: Một
            max_points: 10
            indicators:
              - id: "1.1"
                text: Chỉ số
                max_points: 10
                question:
                  name: q1
                  type: yes_no
                  relevent: "1"
              - id: "1.2"
                text: Chỉ số
                max_points: -1
                question: {name: q2, type: date, label: X}
        pass_rule:
          total_min: 80
        """
    )
    assert [(line, where) for line, where, _ in found] == [
        (1, "id"),
        (3, "title"),
        (15, "criteria[0] (1).indicators[0] (1.1).question.label"),
        (17, "criteria[0] (1).indicators[0] (1.1).question.relevent"),
        (20, "criteria[0] (1).indicators[1] (1.2).max_points"),
        (21, "criteria[0] (1).indicators[1] (1.2).question.type"),
    ]
    # The criteria and indicators are there: no "at least 1 item" complaint about them.
    assert not any("at least 1 item" in message for _, _, message in found)


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("id: x\n  bad: [\n", 2, "mapping values are not allowed here"),
        ("id: x\nname: {vi: Tên, en: Name\nversion: '1'\n", 3, "expected ',' or '}'"),
        ('id: x\nname: "Tên\n', 3, "found unexpected end of stream"),
    ],
)
def test_bad_yaml_syntax_names_the_line(text: str, line: int, message: str) -> None:
    [(found_line, where, found_message)] = problems_of(text)
    assert (found_line, where) == (line, "YAML")
    assert message in found_message


@pytest.mark.parametrize("text", ["", "- a\n- b\n", "just text\n"])
def test_a_file_that_is_not_a_mapping(text: str) -> None:
    assert problems_of(text) == [(1, "pack", "the file is not a YAML mapping")]


def test_cli_reports_every_problem_and_exits_non_zero(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(textwrap.dedent(BROKEN), encoding="utf-8")
    good = PACKS / "gdht-448.yaml"
    status = hoctap(["pack", "validate", str(good), str(broken), str(tmp_path / "missing.yaml")])
    captured = capsys.readouterr()
    assert status == 1
    assert "gdht-448.yaml: OK" in captured.out
    assert f"{broken}: 8 problem(s)" in captured.err
    assert "line 42: criteria[1] (2).indicators[0] (2.1).bands" in captured.err
    assert "missing.yaml" in captured.err


# --- spec version migrations ---------------------------------------------------------------


def test_a_pack_of_the_current_spec_needs_no_migration() -> None:
    data = {"spec_version": CURRENT_SPEC_VERSION, "id": "x"}
    assert migrate(dict(data), {}) == data


def test_migrations_run_in_order_up_to_the_current_spec(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_files, "CURRENT_SPEC_VERSION", 3)
    seen: list[int] = []

    def rename_threshold(data: dict[str, Any]) -> dict[str, Any]:  # spec 1 -> 2
        seen.append(data["spec_version"])
        data["pass_rule"] = {"total_min": data.pop("pass_mark")}
        return data

    def add_source(data: dict[str, Any]) -> dict[str, Any]:  # spec 2 -> 3
        seen.append(data["spec_version"])
        data.setdefault("source", "không rõ")
        return data

    old = {"spec_version": 1, "id": "x", "pass_mark": 80}
    migrated = migrate(old, {1: rename_threshold, 2: add_source})
    assert seen == [1, 2]
    assert migrated == {
        "spec_version": 3,
        "id": "x",
        "pass_rule": {"total_min": 80},
        "source": "không rõ",
    }
    assert old == {"spec_version": 1, "id": "x", "pass_mark": 80}  # the input is left alone


def test_loading_an_old_pack_applies_the_registered_migrations(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(pack_files, "CURRENT_SPEC_VERSION", 2)

    def spec_1_to_2(data: dict[str, Any]) -> dict[str, Any]:
        data["pass_rule"] = {"total_min": data.pop("pass_mark")}
        return data

    monkeypatch.setitem(pack_files.MIGRATIONS, 1, spec_1_to_2)
    text = minimal_pack().replace("pass_rule: {total_min: 5}", "pass_mark: 7")
    pack = parse_pack("spec_version: 1\n" + text)
    assert pack.spec_version == 2
    assert pack.pass_rule.total_min == 7


def test_a_spec_1_pack_loads_as_spec_2_without_sources_or_a_provisional_rule() -> None:
    """Spec 2 added the indicator `source` and the pass rule's `provisional` flag."""
    assert CURRENT_SPEC_VERSION == 2
    pack = parse_pack("spec_version: 1\n" + minimal_pack())
    assert pack.spec_version == 2
    assert pack.pass_rule.provisional is False
    assert all(i.source is None for i in pack.indicators())
    old = load_pack(PACKS / "archive" / "gdht-448-2015.1.yaml")
    assert (old.spec_version, old.version) == (2, "2015.1")


def test_a_pass_rule_flag_that_is_not_yes_or_no_is_named_with_its_line() -> None:
    rule = "pass_rule: {total_min: 5, provisional: maybe}"
    text = minimal_pack().replace("pass_rule: {total_min: 5}", rule)
    [(line, where, _message)] = problems_of(text)
    assert (line, where) == (15, "pass_rule.provisional")


def test_a_missing_migration_is_a_problem(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pack_files, "CURRENT_SPEC_VERSION", 3)
    with pytest.raises(PackError, match="no migration from 2"):
        migrate({"spec_version": 1}, {1: lambda data: data})


def test_a_pack_from_a_newer_bot_is_rejected_with_its_line() -> None:
    newer = CURRENT_SPEC_VERSION + 1
    found = problems_of(f"id: x\nspec_version: {newer}\n")
    assert found == [(2, "spec_version", f"{newer} is newer than this bot understands")]


@pytest.mark.parametrize("value", ["two", "0", "-1", "1.5", "true"])
def test_a_spec_version_that_is_not_a_version(value: str) -> None:
    [(line, where, message)] = problems_of(f"id: x\nspec_version: {value}\n")
    assert (line, where) == (2, "spec_version")
    assert "is not a spec version" in message


# --- expressiveness: the "Công dân học tập" rule -------------------------------------------

CITIZEN = """\
id: cdht-test
version: "2021.1"
title: citizen
name: Công dân học tập
source: Bộ công cụ 2021–2030 (thử)
criteria:
  - id: "1"
    name: Tự học và học tập suốt đời
    max_points: 40
    indicators:
      - {id: "1.1", text: Tự học, max_points: 20, question: {name: self_study, type: select_one, label: "Tự học?", choices: [{value: a, label: Tốt, points: 20}, {value: b, label: Khá, points: 15}, {value: c, label: Đạt, points: 5}, {value: d, label: Chưa, points: 4}]}}
      - {id: "1.2", text: Suốt đời, max_points: 20, question: {name: lifelong, type: select_one, label: "Suốt đời?", choices: [{value: a, label: Tốt, points: 20}, {value: b, label: Khá, points: 15}, {value: c, label: Đạt, points: 5}, {value: d, label: Chưa, points: 4}]}}
  - id: "2"
    name: Sử dụng công cụ học tập, làm việc
    max_points: 30
    indicators:
      - {id: "2.1", text: Công cụ, max_points: 30, question: {name: tools, type: select_one, label: "Công cụ?", choices: [{value: a, label: Tốt, points: 30}, {value: b, label: Khá, points: 25}, {value: c, label: Đạt, points: 20}]}}
  - id: "3"
    name: Xây dựng và thực hiện các mối quan hệ xã hội
    max_points: 30
    indicators:
      - {id: "3.1", text: Quan hệ, max_points: 30, question: {name: relations, type: select_one, label: "Quan hệ?", choices: [{value: a, label: Tốt, points: 30}, {value: b, label: Khá, points: 25}, {value: c, label: Đạt, points: 20}]}}
pass_rule:
  total_min: 80
  difficult_area_total_min: 70
  indicator_min: 5
"""


@pytest.fixture(scope="module")
def citizen() -> CriteriaPack:
    return parse_pack(CITIZEN)


@pytest.mark.parametrize(
    ("answers", "difficult_area", "total", "passed", "failed"),
    [
        # 20 + 20 + 30 + 30: full marks
        (
            {"self_study": "a", "lifelong": "a", "tools": "a", "relations": "a"},
            False,
            100,
            True,
            [],
        ),
        # 15 + 5 + 30 + 30 = 80: exactly on the threshold, every indicator at 5 or more
        ({"self_study": "b", "lifelong": "c", "tools": "a", "relations": "a"}, False, 80, True, []),
        # 20 + 4 + 30 + 30 = 84 but one indicator below 5
        (
            {"self_study": "a", "lifelong": "d", "tools": "a", "relations": "a"},
            False,
            84,
            False,
            [("indicator_below_min", "1.2")],
        ),
        # 15 + 5 + 25 + 25 = 70: enough in a difficult area only
        ({"self_study": "b", "lifelong": "c", "tools": "b", "relations": "b"}, True, 70, True, []),
        (
            {"self_study": "b", "lifelong": "c", "tools": "b", "relations": "b"},
            False,
            70,
            False,
            [("total_below_min", None)],
        ),
        # difficult area, 70 points, but an indicator at 4: still not passed
        (
            {"self_study": "d", "lifelong": "a", "tools": "c", "relations": "b"},
            True,
            69,
            False,
            [("total_below_min", None), ("indicator_below_min", "1.1")],
        ),
    ],
)
def test_the_citizen_rule_scores_as_written(
    citizen: CriteriaPack,
    answers: dict[str, str],
    difficult_area: bool,
    total: float,
    passed: bool,
    failed: list[tuple[str, str | None]],
) -> None:
    result = score(citizen, answers, difficult_area=difficult_area)
    assert result.total == total
    assert result.passed is passed
    assert [(r.code, r.target) for r in result.failed_rules] == failed
    assert result.threshold == (70 if difficult_area else 80)


def test_cli_scores_answers_offline(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pack_file = tmp_path / "cdht.yaml"
    pack_file.write_text(CITIZEN, encoding="utf-8")
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps({"self_study": "b", "lifelong": "c", "tools": "b", "relations": "b"}),
        encoding="utf-8",
    )
    assert hoctap(["pack", "score", str(pack_file), str(answers)]) == 0
    elsewhere = json.loads(capsys.readouterr().out)
    assert hoctap(["pack", "score", str(pack_file), str(answers), "--difficult-area"]) == 0
    difficult = json.loads(capsys.readouterr().out)
    assert (elsewhere["total"], elsewhere["passed"], elsewhere["threshold"]) == (70, False, 80)
    assert [r["code"] for r in elsewhere["failed_rules"]] == ["total_below_min"]
    assert [c["points"] for c in elsewhere["criteria"]] == [20, 25, 25]
    assert (difficult["passed"], difficult["threshold"]) == (True, 70)


def test_cli_score_refuses_unknown_questions(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(json.dumps({"members": 4, "typo_question": "yes"}), encoding="utf-8")
    assert hoctap(["pack", "score", str(PACKS / "gdht-448.yaml"), str(answers)]) == 1
    assert "unknown questions: typo_question" in capsys.readouterr().err


def minimal_pack() -> str:
    return textwrap.dedent(
        """\
        id: tiny
        version: "1"
        title: household
        name: Nhỏ
        source: Thử
        criteria:
          - id: "1"
            name: Một
            max_points: 10
            indicators:
              - id: "1.1"
                text: Chỉ số
                max_points: 10
                question: {name: q1, type: yes_no, label: "Có?"}
        pass_rule: {total_min: 5}
        """
    )
