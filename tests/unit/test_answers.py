"""conversations.answers: what a person typed, read as an answer or refused with a reason."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conversations.answers import Accepted, Rejection, choice_by_value, parse_answer
from conversations.pack_files import load_pack
from conversations.packs import AnswerValue, Choice, CriteriaPack, Question

PACKS = Path(__file__).resolve().parents[2] / "packs"
PACK = load_pack(PACKS / "gdht-448.yaml")


def read(question: str, typed: str, answers: dict[str, AnswerValue] | None = None) -> Any:
    """The stored value, or the rejection code and its parameters."""
    outcome = parse_answer(PACK, PACK.question(question), typed, answers or {})
    if isinstance(outcome, Accepted):
        return outcome.value
    assert isinstance(outcome, Rejection)
    return (outcome.code, dict(outcome.params))


# --- numbers -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("5", 5),
        ("năm", 5),
        ("nam", 5),
        ("mười hai", 12),
        ("12 người", 12),
        ("1", 1),
        ("30", 30),
        ("0", ("too_small", {"min": "1"})),
        ("-3", ("too_small", {"min": "1"})),
        ("31", ("too_large", {"max": "30"})),
        ("1.234", ("too_large", {"max": "30"})),
        ("hai ba", ("not_a_number", {})),
        ("abc", ("not_a_number", {})),
        ("4,5", ("not_a_whole_number", {})),
        ("4.5", ("not_a_whole_number", {})),
        ("", ("empty", {})),
        ("   ", ("empty", {})),
    ],
)
def test_integer_answers(typed: str, expected: Any) -> None:
    assert read("members", typed) == expected


# --- choices -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1", "all"),
        ("2", "some"),
        ("3", "none"),
        (" 2. ", "some"),
        ("hai", "some"),  # the option number as a word
        ("Tất cả các cháu đều đạt", "all"),
        ("tat ca cac chau deu dat", "all"),  # no diacritics
        ("TẤT CẢ CÁC CHÁU ĐỀU ĐẠT", "all"),
        ("Có cháu chưa đạt", "some"),
        ("co chau chua dat", "some"),
        ("tat ca", "all"),  # a unique beginning of a label
        ("khong chau nao", "none"),
        ("All meet the standard", "all"),  # the English label
        ("0", ("unknown_choice", {"count": "3"})),
        ("4", ("unknown_choice", {"count": "3"})),
        ("chau", ("unknown_choice", {"count": "3"})),
        ("²", ("unknown_choice", {"count": "3"})),  # a digit character int() cannot read
        ("①", ("unknown_choice", {"count": "3"})),
    ],
)
def test_select_one_by_number_or_label(typed: str, expected: Any) -> None:
    assert read("school_results", typed) == expected


def test_two_labels_with_the_same_beginning_are_not_guessed() -> None:
    # "Có, tất cả đều đi học" / "Có cháu chưa đi học hoặc bỏ học" both begin with "có".
    assert read("school_attendance", "có") == ("unknown_choice", {"count": "2"})
    assert read("school_attendance", "co chau") == "not_all"
    assert read("school_attendance", "đi học hết") == "all"  # an alias in the pack


YES = ["có", "Có", "co", "CO", "c", "yes", "y", "ừ", "vâng", "dạ", "dạ có", "Có ạ", "có.", "1"]
NO = ["không", "Không", "khong", "ko", "k", "KO", "no", "chưa", "Không ạ", "dạ không", "2"]


@pytest.mark.parametrize("typed", YES)
def test_yes_words(typed: str) -> None:
    assert read("children_conduct", typed) == "yes"


@pytest.mark.parametrize("typed", NO)
def test_no_words(typed: str) -> None:
    assert read("children_conduct", typed) == "no"


@pytest.mark.parametrize("typed", ["có không", "3", "maybe", "co le", "kh"])
def test_unclear_yes_no_is_refused(typed: str) -> None:
    assert read("children_conduct", typed) == ("unknown_choice", {"count": "2"})


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1, 3", ["smartphone", "internet"]),
        ("1 3", ["smartphone", "internet"]),
        ("1,3", ["smartphone", "internet"]),
        ("3, 1", ["smartphone", "internet"]),  # stored in the pack's order
        ("1 và 3", ["smartphone", "internet"]),
        ("1, 1, 3", ["smartphone", "internet"]),
        ("4", ["tv"]),
        ("ti vi", ["tv"]),  # labels hold spaces
        ("Ti vi, Internet", ["internet", "tv"]),
        ("điện thoại thông minh; máy tính", ["smartphone", "computer"]),
        ("may tinh va dai", ["computer", "radio"]),
        ("1, 2, 3, 4, 5", ["smartphone", "computer", "internet", "tv", "radio"]),
        ("không", []),
        ("khong", []),
        ("ko", []),
        ("không có", []),
        ("Không ạ", []),
        ("1, 6", ("unknown_choice", {"count": "5"})),
        ("6", ("unknown_choice", {"count": "5"})),
        ("1, xe máy", ("unknown_choice", {"count": "5"})),
    ],
)
def test_select_multiple(typed: str, expected: Any) -> None:
    assert read("info_devices", typed) == expected


def test_a_tapped_button_carries_the_choice_value() -> None:
    question = PACK.question("school_results")
    assert choice_by_value(question, "some") == Accepted("some")
    assert choice_by_value(question, "bogus") == Rejection("unknown_choice", {"count": "3"})


# --- text ----------------------------------------------------------------------------------


def test_text_is_stored_trimmed_in_nfc() -> None:
    typed = "  Nguye\u0302\u0303n   Va\u0306n An "  # NFD, stray spaces
    assert read("head_name", typed) == "Nguyễn Văn An"


def test_text_too_long_is_refused_with_the_limit() -> None:
    assert read("head_name", "a" * 100) == "a" * 100
    assert read("head_name", "a" * 101) == ("too_long", {"max": "100"})


# --- constraints ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("question", "typed", "answers", "accepted"),
    [
        # children: ". <= ${members}"
        ("children", "3", {"members": 5}, True),
        ("children", "5", {"members": 5}, True),
        ("children", "6", {"members": 5}, False),
        ("children", "sáu", {"members": 5}, False),
        # adults: ". + ${children} <= ${members}"
        ("adults", "3", {"members": 5, "children": 2}, True),
        ("adults", "4", {"members": 5, "children": 2}, False),
        ("adults", "0", {"members": 5, "children": 5}, True),
    ],
)
def test_constraint_sees_the_answer_and_earlier_answers(
    question: str, typed: str, answers: dict[str, AnswerValue], accepted: bool
) -> None:
    result = read(question, typed, answers)
    if accepted:
        assert isinstance(result, int)
    else:
        assert result == ("constraint", {})


def test_range_is_checked_before_the_constraint() -> None:
    assert read("children", "21", {"members": 30}) == ("too_large", {"max": "20"})


def test_constraint_on_a_choice() -> None:
    pack = small_pack_with_choice_constraint()
    question = pack.question("favourite")
    ok = parse_answer(pack, question, "2", {"count": 3})
    refused = parse_answer(pack, question, "2", {"count": 0})
    assert ok == Accepted("b")
    assert refused == Rejection("constraint")


def small_pack_with_choice_constraint() -> CriteriaPack:
    from conversations.pack_files import parse_pack

    return parse_pack(
        """
id: tiny
version: "1"
title: household
name: Nhỏ
source: Thử
profile:
  - name: count
    type: integer
    label: Bao nhiêu?
    min: 0
criteria:
  - id: "1"
    name: Một
    max_points: 10
    indicators:
      - id: "1.1"
        text: Chỉ số
        max_points: 10
        question:
          name: favourite
          type: select_one
          label: Chọn
          constraint: ". = 'a' or ${count} > 0"
          constraint_message: Chỉ chọn b khi có ít nhất một.
          choices:
            - {value: a, label: A, points: 0}
            - {value: b, label: B, points: 10}
pass_rule: {total_min: 5}
"""
    )


# --- option words holding a digit, numbers with their unit, names with no letters ----------

DHHT = load_pack(PACKS / "dhht-2022.yaml")
VILLAGES = (("hoang_tru", "Thôn Hoàng Trù"), ("sen_1", "Thôn Sen 1"), ("sen_2", "Thôn Sen 2"))


def village_question(kind: str = "select_one") -> Question:
    """A choice whose labels hold digits, as the demo commune's villages do."""
    choices = tuple(Choice(value=value, label=label) for value, label in VILLAGES)
    base = PACK.question("info_devices" if kind == "select_multiple" else "school_results")
    return base.model_copy(update={"choices": choices, "constraint": None})


def read_village(typed: str, kind: str = "select_one") -> Any:
    outcome = parse_answer(PACK, village_question(kind), typed, {})
    return outcome.value if isinstance(outcome, Accepted) else outcome.code


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sen 1", "sen_1"),
        ("sen 2", "sen_2"),
        ("Sen 2", "sen_2"),
        ("sen1", "sen_1"),
        ("thôn sen 1", "sen_1"),
        ("Thôn Sen 2.", "sen_2"),
        ("dạ sen 2 ạ", "sen_2"),
        ("hoang tru", "hoang_tru"),
        ("hoàng", "hoang_tru"),  # a unique beginning
        # a number is an option number only when it stands alone
        ("1", "hoang_tru"),
        ("2", "sen_1"),
        ("số 2", "sen_1"),
        ("câu 3", "sen_2"),
        ("chọn 3", "sen_2"),
        ("hai", "sen_1"),
        ("ba", "sen_2"),
    ],
)
def test_typed_option_words_with_digit_pick_that_option(typed: str, expected: str) -> None:
    assert read_village(typed) == expected


@pytest.mark.parametrize("typed", ["sen", "thôn", "Thôn Sen", "sen 3", "4", "sen 1 2"])
def test_a_reply_that_could_mean_two_options_or_none_is_asked_again(typed: str) -> None:
    assert read_village(typed) == "unknown_choice"


def test_a_number_that_is_one_options_label_and_anothers_number_is_not_guessed() -> None:
    labels = (("none", "0"), ("one", "1"), ("two", "2"), ("more", "3 trở lên"))
    choices = tuple(Choice(value=value, label=label) for value, label in labels)
    question = PACK.question("school_results").model_copy(update={"choices": choices})
    outcome = parse_answer(PACK, question, "2", {})  # the label of "one", option 3's number
    assert outcome == Rejection("unknown_choice", {"count": "4"})
    assert parse_answer(PACK, question, "3 tro len", {}) == Accepted("more")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("sen 1, sen 2", ["sen_1", "sen_2"]),
        ("sen 2 và hoàng trù", ["hoang_tru", "sen_2"]),
        ("Thôn Sen 1; Thôn Hoàng Trù", ["hoang_tru", "sen_1"]),
        ("1, 3", ["hoang_tru", "sen_2"]),
        ("1 3", ["hoang_tru", "sen_2"]),
        ("sen 2", ["sen_2"]),
        ("sen, sen 1", "unknown_choice"),  # "sen" could be either
    ],
)
def test_select_multiple_option_words_with_digits(typed: str, expected: Any) -> None:
    assert read_village(typed, "select_multiple") == expected


@pytest.mark.parametrize(
    ("question", "typed", "answers", "expected"),
    [
        ("members", "bốn người", {}, 4),
        ("members", "bon nguoi", {}, 4),
        ("members", "có năm người ạ", {}, 5),
        ("members", "muoi hai", {}, 12),
        ("members", "muoi hai nguoi", {}, 12),
        ("members", "sáu khẩu", {}, 6),
        ("children", "hai cháu", {"members": 5}, 2),
        ("children", "hai chau", {"members": 5}, 2),
        ("children", "2 cháu", {"members": 5}, 2),
        ("adults", "ba người lớn", {"members": 5, "children": 2}, 3),
        # still refused: more than one number, or words that are not what is counted
        ("members", "hai ba người", {}, ("not_a_number", {})),
        ("members", "năm nay", {}, ("not_a_number", {})),
        ("children", "hai cháu và ba người lớn", {"members": 5}, ("not_a_number", {})),
    ],
)
def test_numbers_typed_as_words_with_their_unit(
    question: str, typed: str, answers: dict[str, AnswerValue], expected: Any
) -> None:
    assert read(question, typed, answers) == expected


def test_clan_households_typed_as_words_with_their_unit() -> None:
    question = DHHT.question("member_households")
    assert parse_answer(DHHT, question, "ba mươi hộ", {}) == Accepted(30)
    assert parse_answer(DHHT, question, "hai trăm hộ gia đình", {}) == Accepted(200)


@pytest.mark.parametrize("typed", ["1", "12", "...", "1 2 3", "😀", "-"])
def test_a_head_of_household_named_1_is_refused(typed: str) -> None:
    assert read("head_name", typed) == ("no_letters", {})


def test_names_with_letters_are_kept_and_other_text_may_be_digits() -> None:
    assert read("head_name", "Nguyễn Văn 2") == "Nguyễn Văn 2"
    assert read("head_name", "Ý") == "Ý"
    for name in ("clan_name", "head_name"):
        refused = parse_answer(DHHT, DHHT.question(name), "123", {})
        assert refused == Rejection("no_letters")
    # The villages a clan lives in are not a name: "1, 2" is a fine answer there.
    assert parse_answer(DHHT, DHHT.question("villages"), "1, 2", {}) == Accepted("1, 2")
