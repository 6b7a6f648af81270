"""Scoring at the boundaries, on the shipped household and clan packs (and variants of the
household pack where a rule needs a field the shipped pack does not use)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main as hoctap
from bot.packs import PackLibrary
from conversations.pack_files import load_pack, pack_from_data
from conversations.packs import AnswerValue, CriteriaPack
from conversations.scoring import ScoreResult, score

PACKS = Path(__file__).resolve().parents[2] / "packs"
HOUSEHOLD = load_pack(PACKS / "gdht-448.yaml")
CLAN = load_pack(PACKS / "dhht-2022.yaml")


def household_variant(change: Callable[[dict[str, Any]], None]) -> CriteriaPack:
    """The household pack with one rule changed, as a commune could write it."""
    data = yaml.safe_load((PACKS / "gdht-448.yaml").read_text(encoding="utf-8"))
    change(data)
    return pack_from_data(data)


def indicator(data: dict[str, Any], indicator_id: str) -> dict[str, Any]:
    for criterion in data["criteria"]:
        for ind in criterion["indicators"]:
            if ind["id"] == indicator_id:
                return ind  # type: ignore[no-any-return]
    raise KeyError(indicator_id)


def household(**changes: AnswerValue) -> dict[str, AnswerValue]:
    """A household answering everything at full points, with some answers changed."""
    answers: dict[str, AnswerValue] = {
        "head_name": "Nguyễn Văn An",
        "village": "Thôn Sen 1",
        "members": 5,
        "children": 2,
        "adults": 3,
        "school_attendance": "all",
        "school_results": "all",
        "children_conduct": "yes",
        "adult_literacy": "yes",
        "adult_learning": "yes",
        "adult_applying": "yes",
        "study_corner": "yes",
        "info_devices": ["smartphone", "tv"],
        "study_fund": "yes",
        "cultured_family": "yes",
        "stable_lawful": "yes",
    }
    answers.update(changes)
    return answers


def criteria_points(result: ScoreResult) -> dict[str, float]:
    return {c.id: c.points for c in result.criteria}


def failed(result: ScoreResult) -> list[tuple[str, str | None, float | None, float | None]]:
    return [(r.code, r.target, r.points, r.required) for r in result.failed_rules]


def test_full_marks() -> None:
    result = score(HOUSEHOLD, household())
    assert (result.total, result.max_total, result.threshold) == (100, 100, 80)
    assert result.passed and result.failed_rules == ()
    assert criteria_points(result) == {"1": 30, "2": 30, "3": 20, "4": 20}
    assert (result.pack_id, result.pack_version, result.title) == (
        "gdht-448",
        "2015.2",
        "household",
    )


# --- the total threshold -------------------------------------------------------------------

EXACTLY_80 = {"study_corner": "no", "cultured_family": "no"}  # 30 + 30 + 10 + 10
EXACTLY_75 = {"study_corner": "no", "cultured_family": "no", "study_fund": "no"}
EXACTLY_70 = {"study_corner": "no", "cultured_family": "no", "adult_applying": "no"}


def test_exactly_on_the_threshold_passes() -> None:
    result = score(HOUSEHOLD, household(**EXACTLY_80))
    assert result.total == 80
    assert criteria_points(result) == {"1": 30, "2": 30, "3": 10, "4": 10}
    assert result.passed


def test_one_step_under_the_threshold_fails_with_the_reason() -> None:
    result = score(HOUSEHOLD, household(**EXACTLY_75))
    assert result.total == 75
    assert not result.passed
    assert failed(result) == [("total_below_min", None, 75, 80)]


def test_79_fails_and_80_passes_when_a_point_separates_them() -> None:
    # A commune's table where a radio is worth 4 points for indicator 3.2.
    def radio_four_points(data: dict[str, Any]) -> None:
        for choice in indicator(data, "3.2")["question"]["choices"]:
            if choice["value"] == "radio":
                choice["points"] = 4

    pack = household_variant(radio_four_points)
    base = {"cultured_family": "no", "stable_lawful": "no"}  # criterion 4 at 0
    eighty = score(pack, household(**base, info_devices=["smartphone"]))
    seventy_nine = score(pack, household(**base, info_devices=["radio"]))
    assert (eighty.total, eighty.passed) == (80, True)
    assert (seventy_nine.total, seventy_nine.passed) == (79, False)
    assert failed(seventy_nine) == [("total_below_min", None, 79, 80)]


@pytest.mark.parametrize(
    ("answers", "difficult_area", "threshold", "passed"),
    [
        (EXACTLY_70, True, 70, True),
        (EXACTLY_70, False, 80, False),
        (EXACTLY_75, True, 70, True),
        ({**EXACTLY_70, "study_fund": "no"}, True, 70, False),  # 65 in a difficult area
    ],
)
def test_the_difficult_area_threshold(
    answers: dict[str, AnswerValue], difficult_area: bool, threshold: float, passed: bool
) -> None:
    result = score(HOUSEHOLD, household(**answers), difficult_area=difficult_area)
    assert result.threshold == threshold
    assert result.difficult_area is difficult_area
    assert result.passed is passed
    if not passed:
        assert failed(result)[0][:2] == ("total_below_min", None)


def test_a_pack_without_a_difficult_area_threshold_keeps_its_own() -> None:
    def no_lower_threshold(data: dict[str, Any]) -> None:
        del data["pass_rule"]["difficult_area_total_min"]

    pack = household_variant(no_lower_threshold)
    result = score(pack, household(**EXACTLY_70), difficult_area=True)
    assert (result.threshold, result.passed) == (80, False)


# --- minimums and mandatory indicators -----------------------------------------------------


def test_a_failed_indicator_minimum_fails_a_high_total() -> None:
    def literacy_needs_full_points(data: dict[str, Any]) -> None:
        indicator(data, "2.1")["min_points"] = 10

    pack = household_variant(literacy_needs_full_points)
    result = score(pack, household(adult_literacy="no"))
    assert result.total == 90
    assert not result.passed
    assert failed(result) == [("indicator_below_min", "2.1", 0, 10)]
    assert score(pack, household()).passed


def test_a_failed_criterion_minimum() -> None:
    def conditions_need_15(data: dict[str, Any]) -> None:
        data["criteria"][2]["min_points"] = 15

    pack = household_variant(conditions_need_15)
    result = score(pack, household(study_corner="no"))  # criterion 3: 0 + 5 + 5
    assert result.total == 90
    assert failed(result) == [("criterion_below_min", "3", 10, 15)]
    assert score(pack, household(study_fund="no")).passed  # criterion 3: 15, exactly enough


def test_a_mandatory_indicator_must_score_its_full_points() -> None:
    def lawful_is_mandatory(data: dict[str, Any]) -> None:
        indicator(data, "4.2")["mandatory"] = True

    pack = household_variant(lawful_is_mandatory)
    result = score(pack, household(stable_lawful="no"))
    assert result.total == 90
    assert failed(result) == [("mandatory", "4.2", 0, 10)]
    assert score(pack, household()).passed


def test_several_failed_rules_are_all_listed_total_first() -> None:
    def strict(data: dict[str, Any]) -> None:
        indicator(data, "4.2")["mandatory"] = True
        indicator(data, "2.1")["min_points"] = 10

    pack = household_variant(strict)
    result = score(pack, household(stable_lawful="no", adult_literacy="no", study_corner="no"))
    assert result.total == 70
    assert [r.code for r in result.failed_rules] == [
        "total_below_min",
        "indicator_below_min",
        "mandatory",
    ]


# --- questions that do not apply ------------------------------------------------------------


def test_no_school_age_children_scores_1_1_and_1_2_at_full_points() -> None:
    answers = household(children=0)
    del answers["school_attendance"], answers["school_results"]
    result = score(HOUSEHOLD, answers)
    first = result.criteria[0]
    assert [(i.id, i.applicable, i.points) for i in first.indicators] == [
        ("1.1", False, 10),
        ("1.2", False, 10),
        ("1.3", True, 10),
    ]
    assert result.total == 100 and result.passed


def test_an_answer_left_over_from_before_the_children_changed_does_not_count() -> None:
    # The household first said 2 children (and that one does not attend), then corrected to 0.
    result = score(HOUSEHOLD, household(children=0, school_attendance="not_all"))
    assert result.criteria[0].indicators[0].points == 10
    assert result.total == 100


def test_a_pack_can_score_not_applicable_at_zero() -> None:
    def nothing_when_not_applicable(data: dict[str, Any]) -> None:
        indicator(data, "1.1")["not_applicable_points"] = 0

    pack = household_variant(nothing_when_not_applicable)
    result = score(pack, household(children=0))
    assert criteria_points(result)["1"] == 20
    assert result.total == 90


def test_applicable_but_unanswered_scores_nothing_and_says_so() -> None:
    answers = household()
    del answers["school_results"], answers["stable_lawful"]
    result = score(HOUSEHOLD, answers)
    assert result.total == 80
    assert not result.passed
    assert [(r.code, r.target) for r in result.failed_rules] == [
        ("unanswered", "1.2"),
        ("unanswered", "4.2"),
    ]
    scored = {i.id: i for c in result.criteria for i in c.indicators}
    assert (scored["1.2"].answered, scored["1.2"].points) == (False, 0)


# --- caps ------------------------------------------------------------------------------------


def test_select_multiple_is_capped_at_the_indicator_maximum() -> None:
    everything = ["smartphone", "computer", "internet", "tv", "radio"]  # 5 x 5 points
    result = score(HOUSEHOLD, household(info_devices=everything))
    devices = result.criteria[2].indicators[1]
    assert (devices.id, devices.points, devices.max_points) == ("3.2", 5, 5)
    assert result.total == 100
    none = score(HOUSEHOLD, household(info_devices=[]))
    assert none.criteria[2].indicators[1].points == 0
    assert none.total == 95


def test_a_criterion_subtotal_is_capped_at_its_maximum() -> None:
    def fund_worth_ten(data: dict[str, Any]) -> None:
        indicator(data, "3.3")["max_points"] = 10  # 10 + 5 + 10 = 25 for a 20-point criterion

    pack = household_variant(fund_worth_ten)
    result = score(pack, household())
    assert [i.points for i in result.criteria[2].indicators] == [10, 5, 10]
    assert criteria_points(result)["3"] == 20
    assert result.total == 100
    dropped = score(pack, household(info_devices=[]))
    assert criteria_points(dropped)["3"] == 20  # the extra 5 absorbs the missing device


# --- the clan pack's computed indicator ------------------------------------------------------


def clan(member_households: int, gdht_households: int) -> dict[str, AnswerValue]:
    return {
        "clan_name": "Họ Nguyễn",
        "head_name": "Nguyễn Văn Cả",
        "villages": "Thôn Sen 1",
        "member_households": member_households,
        "gdht_households": gdht_households,
        "board_active": "yes",
        "clan_fund": "yes",
        "no_dropouts": "yes",
        "adults_learning": "yes",
        "united_lawful": "yes",
        "rewarded_learners": "yes",
        "local_movement": "yes",
    }


@pytest.mark.parametrize(
    ("members", "holders", "points"),
    [
        (10, 10, 20),
        (10, 7, 20),  # 70%
        (100, 70, 20),
        (100, 69, 10),  # 69%
        (3, 2, 10),  # 66.7%
        (10, 5, 10),  # 50%
        (100, 49, 0),  # 49%
        (10, 0, 0),
    ],
)
def test_clan_share_of_learning_families_bands(members: int, holders: int, points: float) -> None:
    result = score(CLAN, clan(members, holders))
    computed = result.criteria[1].indicators[0]
    assert computed.id == "2.1"
    assert (computed.points, computed.answered) == (points, True)
    assert result.total == 80 + points
    assert result.passed is (80 + points >= 80)


def test_clan_with_no_member_households_is_unanswered_not_a_crash() -> None:
    result = score(CLAN, clan(0, 0))
    computed = result.criteria[1].indicators[0]
    assert (computed.points, computed.answered) == (0, False)
    assert ("unanswered", "2.1") in [(r.code, r.target) for r in result.failed_rules]
    assert not result.passed


def test_clan_share_not_known_yet_is_unanswered() -> None:
    answers = clan(10, 8)
    del answers["gdht_households"]
    result = score(CLAN, answers)
    assert result.criteria[1].indicators[0].answered is False
    assert [(r.code, r.target) for r in result.failed_rules][-1] == ("unanswered", "2.1")


# --- provisional -----------------------------------------------------------------------------


def test_a_result_scored_with_provisional_indicators_says_so() -> None:
    result = score(HOUSEHOLD, household())
    assert result.provisional is True
    assert score(CLAN, clan(10, 10)).provisional is True
    by_id = {i.id: i.provisional for c in result.criteria for i in c.indicators}
    assert by_id["2.1"] is False and by_id["2.2"] is True


def test_a_result_without_provisional_indicators_does_not() -> None:
    def confirm_everything(data: dict[str, Any]) -> None:
        for criterion in data["criteria"]:
            for ind in criterion["indicators"]:
                ind["provisional"] = False
                ind["not_applicable_provisional"] = False
                for choice in ind.get("question", {}).get("choices", []):
                    choice["provisional"] = False

    pack = household_variant(confirm_everything)
    assert score(pack, household()).provisional is False


def test_an_indicator_is_provisional_only_where_its_unchecked_part_is_used() -> None:
    """1.2's 10 points are confirmed, its 5 for "some" are not; 1.1 and 1.2 scoring full points
    when there are no school-age children is not confirmed either."""

    def first(result: ScoreResult) -> dict[str, tuple[bool, float, bool]]:
        return {
            i.id: (i.applicable, i.points, i.provisional) for i in result.criteria[0].indicators
        }

    assert first(score(HOUSEHOLD, household(school_results="all"))) == {
        "1.1": (True, 10, False),
        "1.2": (True, 10, False),
        "1.3": (True, 10, False),
    }
    assert first(score(HOUSEHOLD, household(school_results="some")))["1.2"] == (True, 5, True)
    assert first(score(HOUSEHOLD, household(school_results="none")))["1.2"] == (True, 0, False)
    answers = household(children=0)
    del answers["school_attendance"], answers["school_results"]
    assert first(score(HOUSEHOLD, answers)) == {
        "1.1": (False, 10, True),
        "1.2": (False, 10, True),
        "1.3": (True, 10, False),
    }
    # The pack as a whole still is: other indicators, and these parts.
    assert score(HOUSEHOLD, household()).provisional is True


def test_select_multiple_is_provisional_when_a_provisional_option_is_chosen() -> None:
    def mark_radio(data: dict[str, Any]) -> None:
        ind = indicator(data, "3.2")
        ind["provisional"] = False
        for choice in ind["question"]["choices"]:
            choice["provisional"] = choice["value"] == "radio"

    pack = household_variant(mark_radio)

    def devices(chosen: list[str]) -> bool:
        return score(pack, household(info_devices=chosen)).criteria[2].indicators[1].provisional

    assert devices(["tv"]) is False
    assert devices(["tv", "radio"]) is True
    assert devices([]) is False


def test_a_result_scored_with_a_provisional_pass_rule_says_so_apart() -> None:
    """80/70 was not checked: the pass rule's own flag, whatever the indicators say."""
    assert score(HOUSEHOLD, household()).provisional_rule is True
    assert score(CLAN, clan(10, 10)).provisional_rule is True

    def confirm_rule(data: dict[str, Any]) -> None:
        data["pass_rule"]["provisional"] = False

    confirmed = household_variant(confirm_rule)
    result = score(confirmed, household())
    assert (result.provisional, result.provisional_rule) == (True, False)


def test_a_stored_score_from_before_the_flag_reads_as_not_provisional_rule() -> None:
    stored = score(HOUSEHOLD, household()).model_dump(mode="json")
    del stored["provisional_rule"]
    assert ScoreResult.model_validate(stored).provisional_rule is False


# --- versions: an assessment keeps the pack version it was scored with ---------------------


def test_an_assessment_of_the_previous_version_still_loads_and_rescores() -> None:
    library = PackLibrary.from_directory(PACKS)
    current = library.current("household")
    assert current.key == "gdht-448@2015.2"
    old = library.get("gdht-448", "2015.1")
    # The same answers score the same under both: 2015.2 changed wording and flags only.
    for answers in (household(), household(school_results="some", adult_literacy="no")):
        before, after = score(old, answers), score(current, answers)
        assert (before.pack_version, after.pack_version) == ("2015.1", "2015.2")
        assert before.total == after.total
        assert before.passed == after.passed
    assert score(old, household()).provisional_rule is False  # 2015.1 had no such flag
    assert "15 đến 60" in old.question("adult_literacy").label.vi  # its own wording, kept


def test_cli_rescores_answers_with_the_corrected_pack(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = tmp_path / "answers.json"
    answers.write_text(
        json.dumps(household(school_results="some"), ensure_ascii=False), encoding="utf-8"
    )
    assert hoctap(["pack", "score", str(PACKS / "gdht-448.yaml"), str(answers)]) == 0
    result = json.loads(capsys.readouterr().out)
    assert (result["pack_version"], result["total"], result["passed"]) == ("2015.2", 95, True)
    assert (result["provisional"], result["provisional_rule"]) == (True, True)
    partial = result["criteria"][0]["indicators"][1]
    assert (partial["id"], partial["points"], partial["provisional"]) == ("1.2", 5, True)
    old = PACKS / "archive" / "gdht-448-2015.1.yaml"
    assert hoctap(["pack", "score", str(old), str(answers)]) == 0
    before = json.loads(capsys.readouterr().out)
    assert (before["pack_version"], before["total"], before["provisional_rule"]) == (
        "2015.1",
        95,
        False,
    )
