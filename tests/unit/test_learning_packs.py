"""The packs of the three newer titles — Công dân học tập (a person), Cộng đồng học tập cấp thôn
(a village) and Đơn vị học tập (a unit) — validated and scored at their boundaries through
`hoctap pack validate` and `hoctap pack score`, as an administrator would."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from bot.cli import main as hoctap
from conversations import engine
from conversations.answers import Accepted, Rejection, parse_answer
from conversations.pack_files import load_pack

PACKS = Path(__file__).resolve().parents[2] / "packs"
CITIZEN = PACKS / "cdht-2022.yaml"
VILLAGE = PACKS / "cdht-thon-2022.yaml"
UNIT = PACKS / "dvht-2020.yaml"


def score_cli(
    pack: Path,
    answers: dict[str, Any],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    difficult_area: bool = False,
) -> dict[str, Any]:
    file = tmp_path / "answers.json"
    file.write_text(json.dumps(answers, ensure_ascii=False), encoding="utf-8")
    args = ["pack", "score", str(pack), str(file)]
    assert hoctap([*args, "--difficult-area"] if difficult_area else args) == 0
    result: dict[str, Any] = json.loads(capsys.readouterr().out)
    return result


def failed(result: dict[str, Any]) -> list[tuple[str, str | None, float | None]]:
    return [(r["code"], r["target"], r["points"]) for r in result["failed_rules"]]


def indicator_points(result: dict[str, Any]) -> dict[str, float]:
    return {i["id"]: i["points"] for c in result["criteria"] for i in c["indicators"]}


def test_every_shipped_pack_validates(capsys: pytest.CaptureFixture[str]) -> None:
    files = sorted(PACKS.glob("*.yaml"))
    assert {f.name for f in files} >= {
        "gdht-448.yaml",
        "dhht-2022.yaml",
        "cdht-2022.yaml",
        "cdht-thon-2022.yaml",
        "dvht-2020.yaml",
    }
    assert hoctap(["pack", "validate", *map(str, files)]) == 0
    out = capsys.readouterr().out
    assert "cdht-2022@2022.1, 12 questions, 100 points, has provisional indicators)" in out
    assert (
        "cdht-thon-2022@2022.1, 11 questions, 100 points, has provisional indicators, "
        "provisional pass rule)" in out
    )
    assert "dvht-2020@2020.1, 11 questions, 100 points" in out
    titles = {load_pack(f).title for f in files}
    assert titles == {"household", "clan", "village", "citizen", "unit"}


# --- Công dân học tập ---------------------------------------------------------------------------

SCALE = {10: "always", 8: "often", 6: "sometimes", 4: "rarely", 0: "never"}
# 1.2 adds up the ways a person learned: a class 5, from people 3, media 3, reading 2 (max 10).
LEARNED = {10: ["class", "from_people", "reading"], 7: ["class", "reading"], 5: ["class"]}
SCALED = [
    "learning_plan",
    "self_reading",
    "applies_learning",
    "reads_writes",
    "uses_phone",
    "uses_new_tools",
    "helps_others",
    "joins_activities",
    "shares_knowledge",
]


def citizen(learned: int, *points: int) -> dict[str, Any]:
    assert len(points) == len(SCALED)
    answers: dict[str, Any] = {"full_name": "Lê Thị Hoa", "learned_how": LEARNED[learned]}
    answers.update({name: SCALE[p] for name, p in zip(SCALED, points, strict=True)})
    return answers


def test_the_citizen_pack_has_the_confirmed_structure_and_rule() -> None:
    pack = load_pack(CITIZEN)
    assert (pack.id, pack.title, pack.name.vi) == ("cdht-2022", "citizen", "Công dân học tập")
    assert [c.name.vi for c in pack.criteria] == [
        "Năng lực tự học và học tập suốt đời",
        "Năng lực sử dụng công cụ học tập, làm việc",
        "Năng lực xây dựng và thực hiện các mối quan hệ xã hội",
    ]
    indicators = list(pack.indicators())
    assert len(indicators) == 10 and {i.max_points for i in indicators} == {10}
    rule = pack.pass_rule
    assert (rule.total_min, rule.difficult_area_total_min, rule.indicator_min) == (80, 70, 5)
    assert not rule.provisional  # the rule is the toolkit's
    # The wording is not: every indicator is marked provisional and says so in its source.
    assert all(i.provisional for i in indicators)
    assert all(i.source and "677/QĐ-TTg" in i.source and "dựng tạm" in i.source for i in indicators)
    assert "677/QĐ-TTg" in pack.source.vi
    # A person answers about themselves.
    assert all("anh/chị" in i.question.label.vi.lower() for i in indicators if i.question)


@pytest.mark.parametrize(
    ("answers", "difficult_area", "total", "passed", "why"),
    [
        # exactly 80: eight indicators at 8, one at 6, 1.2 at 10
        (citizen(10, 8, 8, 8, 8, 8, 8, 8, 8, 6), False, 80, True, []),
        # 79: nine at 8, 1.2 at 7
        (
            citizen(7, 8, 8, 8, 8, 8, 8, 8, 8, 8),
            False,
            79,
            False,
            [("total_below_min", None, 79)],
        ),
        # 85 with one indicator at 4: below 5, so not passed whatever the total
        (
            citizen(5, 10, 10, 10, 10, 10, 10, 8, 8, 4),
            False,
            85,
            False,
            [("indicator_below_min", "3.3", 4)],
        ),
        # 85 with the lowest indicator at exactly 5 (1.2): passes
        (citizen(5, 10, 10, 10, 10, 10, 10, 8, 6, 6), False, 85, True, []),
        # 70 and 69 in a difficult area (70 or more)
        (citizen(10, 8, 8, 8, 6, 6, 6, 6, 6, 6), True, 70, True, []),
        (
            citizen(7, 8, 8, 8, 8, 6, 6, 6, 6, 6),
            True,
            69,
            False,
            [("total_below_min", None, 69)],
        ),
        # 70 elsewhere is not enough
        (
            citizen(10, 8, 8, 8, 6, 6, 6, 6, 6, 6),
            False,
            70,
            False,
            [("total_below_min", None, 70)],
        ),
    ],
)
def test_citizen_boundaries(
    answers: dict[str, Any],
    difficult_area: bool,
    total: float,
    passed: bool,
    why: list[tuple[str, str | None, float | None]],
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = score_cli(CITIZEN, answers, tmp_path, capsys, difficult_area)
    assert (result["total"], result["passed"]) == (total, passed)
    assert result["threshold"] == (70 if difficult_area else 80)
    assert failed(result) == why
    assert result["grade"] is None  # the citizen title is not graded
    assert result["provisional"] and not result["provisional_rule"]


def test_citizen_1_2_adds_the_ways_of_learning_up_to_10(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    answers = citizen(10, *[10] * 9)
    answers["learned_how"] = ["class", "from_people", "media", "reading"]  # 13
    result = score_cli(CITIZEN, answers, tmp_path, capsys)
    assert indicator_points(result)["1.2"] == 10 and result["total"] == 100
    answers["learned_how"] = ["nothing"]
    result = score_cli(CITIZEN, answers, tmp_path, capsys)
    assert failed(result) == [("indicator_below_min", "1.2", 0)]


# --- Cộng đồng học tập cấp thôn -----------------------------------------------------------------


def village(
    households: int = 100,
    gdht: int = 80,
    clans: int = 20,
    dhht: int = 15,
    adults: int = 200,
    cdht: int = 120,
) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "village_name": "Thôn Sen 1",
        "village_households": households,
        "gdht_households": gdht,
        "village_clans": clans,
        "village_adults": adults,
        # asked of the branch: 40 points
        "branch_active": "yes",
        "learning_corner": "yes",
        "clc_activities": "four_or_more",
        "cultural_village": "yes",
    }
    if clans:
        answers["dhht_clans"] = dhht
    if adults:
        answers["cdht_adults"] = cdht
    return answers


def test_the_village_pack_computes_its_shares_from_the_facts_the_bot_feeds() -> None:
    pack = load_pack(VILLAGE)
    assert (pack.id, pack.title, pack.name.vi) == ("cdht-thon-2022", "village", "Cộng đồng học tập")
    assert {q.prefill for q in pack.profile} == {
        "village.name",
        "village.households",
        "village.gdht_households",
        "village.clans",
        "village.dhht_clans",
        "village.adults",
        "village.cdht_adults",
    }
    assert all(q.locked for q in pack.profile)  # what the bot counted is not typed over
    computed = {i.id: i.calculate for i in pack.indicators() if i.calculate}
    assert computed == {
        "2.1": "${gdht_households} * 100 / ${village_households}",
        "2.2": "${dhht_clans} * 100 / ${village_clans}",
        "2.3": "${cdht_adults} * 100 / ${village_adults}",
    }
    asked = {i.question.name for i in pack.indicators() if i.question}
    assert asked == {"branch_active", "learning_corner", "clc_activities", "cultural_village"}
    assert all(i.provisional for i in pack.indicators()) and pack.pass_rule.provisional


@pytest.mark.parametrize(
    ("facts", "indicator", "points"),
    [
        # households holding Gia đình học tập, of the village's 100: 80% / 70% / 50%
        ({"gdht": 100}, "2.1", 25),
        ({"gdht": 80}, "2.1", 25),
        ({"gdht": 79}, "2.1", 20),
        ({"gdht": 70}, "2.1", 20),
        ({"gdht": 69}, "2.1", 10),
        ({"gdht": 50}, "2.1", 10),
        ({"gdht": 49}, "2.1", 0),
        ({"gdht": 0}, "2.1", 0),
        # against the TOTAL: 7 of 10 households is 70%
        ({"households": 10, "gdht": 7}, "2.1", 20),
        # clans holding Dòng họ học tập, of 20: 75% / 65% / 50%
        ({"dhht": 15}, "2.2", 20),
        ({"dhht": 14}, "2.2", 15),
        ({"dhht": 13}, "2.2", 15),
        ({"dhht": 12}, "2.2", 10),
        ({"dhht": 10}, "2.2", 10),
        ({"dhht": 9}, "2.2", 0),
        # a village without clans: not applicable, full points
        ({"clans": 0}, "2.2", 20),
        # adults holding Công dân học tập, of 200: 60% / 40% / 20%
        ({"cdht": 120}, "2.3", 15),
        ({"cdht": 119}, "2.3", 10),
        ({"cdht": 80}, "2.3", 10),
        ({"cdht": 79}, "2.3", 5),
        ({"cdht": 40}, "2.3", 5),
        ({"cdht": 39}, "2.3", 0),
        # no adults counted: not applicable, no points
        ({"adults": 0}, "2.3", 0),
    ],
)
def test_village_bands_at_their_edges(
    facts: dict[str, int],
    indicator: str,
    points: float,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = score_cli(VILLAGE, village(**facts), tmp_path, capsys)
    assert indicator_points(result)[indicator] == points
    assert not [r for r in failed(result) if r[0] == "unanswered"]


@pytest.mark.parametrize(
    ("gdht", "difficult_area", "total", "passed"),
    [
        (70, False, 80, True),  # 40 asked + 20 + 20 + 0: exactly 80
        (69, False, 70, False),
        (69, True, 70, True),  # 70 in a difficult area
        (49, True, 60, False),
    ],
)
def test_village_pass_mark(
    gdht: int,
    difficult_area: bool,
    total: float,
    passed: bool,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    answers = village(gdht=gdht, dhht=15, cdht=39)
    result = score_cli(VILLAGE, answers, tmp_path, capsys, difficult_area)
    assert (result["total"], result["passed"]) == (total, passed)
    assert result["provisional_rule"]


# --- Đơn vị học tập -----------------------------------------------------------------------------


def unit(
    plan: str = "yes",
    funds: str = "both",
    books: str = "both",
    cdht: int = 80,
    trained: str = "from_90",
    good_work: str = "from_80",
    rating: str = "excellent",
    movement: str = "yes",
    branch: str = "yes",
) -> dict[str, Any]:
    return {
        "unit_name": "Trường Tiểu học Kim Liên",
        "unit_staff": 100,
        "cdht_staff": cdht,
        "learning_plan": plan,
        "time_and_funds": funds,
        "books_and_it": books,
        "trained_share": trained,
        "good_work_share": good_work,
        "unit_rating": rating,
        "joins_movement": movement,
        "unit_branch": branch,
    }


def test_the_unit_pack_grades_tot_kha_dat() -> None:
    pack = load_pack(UNIT)
    assert (pack.id, pack.title, pack.name.vi) == ("dvht-2020", "unit", "Đơn vị học tập")
    assert "22/2020/TT-BGDĐT" in pack.source.vi
    grades = pack.pass_rule.grades
    assert [(g.id, g.name.vi, g.total_min) for g in grades] == [
        ("tot", "Tốt", 85),
        ("kha", "Khá", 70),
        ("dat", "Đạt", 50),
    ]
    assert (grades[0].criterion_minimums, grades[0].indicator_minimums) == ({"2": 30}, {"2.1": 10})
    assert pack.pass_rule.total_min == 50 and pack.pass_rule.provisional
    assert all(i.provisional and i.source for i in pack.indicators())
    staff = {q.name: q.prefill for q in pack.profile}
    assert staff == {
        "unit_name": "unit.name",
        "unit_staff": "unit.staff",
        "cdht_staff": "unit.cdht_staff",
    }


@pytest.mark.parametrize(
    ("answers", "total", "grade"),
    [
        (unit(), 100, "tot"),
        # Tốt exactly: 30 + (10 + 15 + 5) + (5 + 10 + 10)
        (unit(cdht=60, good_work="from_60", rating="done"), 85, "tot"),
        # just under Tốt (84 cannot be scored): 25 + 30 + 28
        (unit(books="one", cdht=60, good_work="from_60", rating="good"), 83, "kha"),
        # 85, but criterion 2 below Tốt's 30
        (unit(cdht=60, trained="from_70", good_work="from_60"), 85, "kha"),
        # 90, but fewer than 60% of the staff hold Công dân học tập (2.1 at 5)
        (unit(cdht=59), 90, "kha"),
        # Khá exactly: 30 + (10 + 5 + 5) + (0 + 10 + 10)
        (unit(cdht=60, trained="from_50", good_work="from_60", rating="not_done"), 70, "kha"),
        # just under Khá: 30 + 20 + 18
        (
            unit(cdht=60, trained="from_50", good_work="from_60", rating="good", branch="no"),
            68,
            "dat",
        ),
        # Đạt exactly: (10 + 5 + 5) + (5 + 5 + 0) + (0 + 10 + 10)
        (
            unit(
                funds="one",
                books="one",
                cdht=40,
                trained="from_50",
                good_work="under_60",
                rating="not_done",
            ),
            50,
            "dat",
        ),
        # under the pass mark: no grade
        (
            unit(
                funds="one",
                books="one",
                cdht=40,
                trained="from_50",
                good_work="under_60",
                rating="good",
                branch="no",
            ),
            48,
            None,
        ),
    ],
)
def test_unit_grades_at_each_threshold(
    answers: dict[str, Any],
    total: float,
    grade: str | None,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    result = score_cli(UNIT, answers, tmp_path, capsys)
    assert result["total"] == total
    assert result["passed"] is (grade is not None)
    assert (result["grade"] or {}).get("id") == grade
    if grade is not None:
        names = {"tot": "Tốt", "kha": "Khá", "dat": "Đạt"}
        assert result["grade"]["name"]["vi"] == names[grade]


def test_unit_share_of_staff_bands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    seen = {}
    for cdht in (100, 80, 79, 60, 59, 40, 39, 0):
        seen[cdht] = indicator_points(score_cli(UNIT, unit(cdht=cdht), tmp_path, capsys))["2.1"]
    assert seen == {100: 15, 80: 15, 79: 10, 60: 10, 59: 5, 40: 5, 39: 0, 0: 0}


@pytest.mark.parametrize(
    ("pack", "question", "typed", "value"),
    [
        (CITIZEN, "learning_plan", "thuong xuyen", "often"),
        (CITIZEN, "learning_plan", "Thỉnh thoảng", "sometimes"),
        (CITIZEN, "learning_plan", "it khi", "rarely"),
        (CITIZEN, "learning_plan", "không", "never"),
        (CITIZEN, "learning_plan", "2", "often"),
        (CITIZEN, "learned_how", "hoc lop, doc sach", ["class", "reading"]),
        (CITIZEN, "learned_how", "1 4", ["class", "reading"]),
        (VILLAGE, "clc_activities", "1 den 3", "one_to_three"),
        (VILLAGE, "branch_active", "co", "yes"),
        (UNIT, "trained_share", "dưới 50%", "under_50"),
        (UNIT, "unit_rating", "xuat sac", "excellent"),
    ],
)
def test_the_new_questions_take_answers_as_people_type_them(
    pack: Path, question: str, typed: str, value: Any
) -> None:
    loaded = load_pack(pack)
    assert parse_answer(loaded, loaded.question(question), typed, {}) == Accepted(value)


@pytest.mark.parametrize(
    ("pack", "question"),
    [(CITIZEN, "full_name"), (VILLAGE, "village_name"), (UNIT, "unit_name")],
)
def test_a_name_must_hold_letters(pack: Path, question: str) -> None:
    loaded = load_pack(pack)
    assert parse_answer(loaded, loaded.question(question), "1", {}) == Rejection("no_letters")


def test_the_graded_pack_round_trips_through_the_spreadsheet_commands(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    workbook = tmp_path / "dvht.xlsx"
    written = tmp_path / "dvht.yaml"
    assert hoctap(["pack", "export", str(UNIT), "--output", str(workbook)]) == 0
    assert "(sheets survey, choices, criteria, settings, grades)" in capsys.readouterr().out
    assert hoctap(["pack", "import", str(workbook), "--output", str(written)]) == 0
    assert load_pack(written) == load_pack(UNIT)
    assert "name:\n        vi: Khá" in written.read_text(encoding="utf-8")


def test_sources_list_the_grades_with_the_pass_rule(capsys: pytest.CaptureFixture[str]) -> None:
    assert hoctap(["pack", "validate", "--sources", str(UNIT)]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-4:] == [
        "  pass rule: provisional",
        "  grade tot (Tốt): from 85 points",
        "  grade kha (Khá): from 70 points",
        "  grade dat (Đạt): from 50 points",
    ]


def test_the_village_head_gives_the_adults_when_the_families_have_not_all_counted_them() -> None:
    """The bot knows the holders but not the village's adults: it asks, and a number below the
    holders is refused with the pack's reason, then the right one is taken."""
    pack = load_pack(VILLAGE)
    known = {"village.name": "Thôn Sen 1", "village.households": 100, "village.gdht_households": 60}
    session, events = engine.start(pack, known={**known, "village.cdht_adults": 3})
    asked = [e for e in events if isinstance(e, engine.QuestionAsked)]
    assert [e.question for e in asked] == ["village_clans"]
    session, _ = engine.resume(pack, session, engine.TextInput("0"))
    now = engine.current_question(pack, session)
    assert now is not None and now.question == "village_adults"
    session, events = engine.resume(pack, session, engine.TextInput("2"))
    [rejected] = [e for e in events if isinstance(e, engine.AnswerRejected)]
    assert (rejected.question, rejected.code) == ("village_adults", "constraint")
    assert pack.question("village_adults").constraint_message is not None
    assert "village_adults" not in session.answers
    session, _ = engine.resume(pack, session, engine.TextInput("5"))
    assert session.answers["village_adults"] == 5 and session.answers["cdht_adults"] == 3
    assert "village_adults" not in session.prefilled and "cdht_adults" in session.prefilled
