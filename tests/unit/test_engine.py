"""Scripted conversations through the engine: what a person types, what the bot does.

Each step is written as the person's input and the bot's events in a short notation:
"ask children 3/13" (question 3 of 13), "got children=2", "no children: constraint",
"review missing=0", "submitted 100 passed"."""

from __future__ import annotations

import json
import textwrap
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conversations.engine import (
    AlreadySubmitted,
    AnswerRecorded,
    AnswerRejected,
    AnswerSkipped,
    AssessmentPaused,
    AssessmentSubmitted,
    ChoiceTap,
    Command,
    EditRequest,
    Event,
    EvidenceAttached,
    Input,
    OtherInput,
    PhotoInput,
    QuestionAsked,
    ReviewShown,
    Session,
    TextInput,
    resume,
    start,
)
from conversations.pack_files import load_pack, parse_pack
from conversations.packs import AnswerValue, CriteriaPack
from tests.support.answers import HOUSEHOLD_ANSWERS

PACKS = Path(__file__).resolve().parents[2] / "packs"
HOUSEHOLD = load_pack(PACKS / "gdht-448.yaml")
CLAN = load_pack(PACKS / "dhht-2022.yaml")
VILLAGE = {"household.village": "Thôn Sen 1"}


def describe(event: Event) -> str:
    if isinstance(event, QuestionAsked):
        was = "" if event.current_answer is None else f" was={event.current_answer}"
        return f"ask {event.question} {event.number}/{event.total}{was}"
    if isinstance(event, AnswerRecorded):
        return f"got {event.question}={event.value}"
    if isinstance(event, AnswerRejected):
        return f"no {event.question or '-'}: {event.code}"
    if isinstance(event, AnswerSkipped):
        return f"skipped {event.question}"
    if isinstance(event, EvidenceAttached):
        return f"photo {event.question} #{event.count}"
    if isinstance(event, ReviewShown):
        return f"review missing={len(event.missing)}"
    if isinstance(event, AssessmentPaused):
        return f"paused at {event.question}"
    if isinstance(event, AssessmentSubmitted):
        verdict = "passed" if event.result.passed else "not passed"
        return f"submitted {event.result.total:g} {verdict}"
    assert isinstance(event, AlreadySubmitted)
    return "already submitted"


@dataclass
class Conversation:
    """A person talking to the engine; `say` returns what the bot did, in short."""

    pack: CriteriaPack
    session: Session
    opening: list[str]
    events: list[Event] = field(default_factory=list)

    @classmethod
    def start(
        cls,
        pack: CriteriaPack = HOUSEHOLD,
        known: dict[str, AnswerValue] | None = None,
        difficult_area: bool = False,
    ) -> Conversation:
        known = VILLAGE if known is None and pack is HOUSEHOLD else known
        session, events = start(pack, known=known, difficult_area=difficult_area)
        return cls(pack, session, [describe(e) for e in events], list(events))

    def say(self, *inputs: str | Input) -> list[str]:
        said: list[str] = []
        for given in inputs:
            typed = TextInput(given) if isinstance(given, str) else given
            self.session, events = resume(self.pack, self.session, typed)
            self.events = list(events)
            said.extend(describe(e) for e in events)
        return said

    @property
    def last(self) -> Event:
        return self.events[-1]

    @property
    def step(self) -> int:
        return self.session.step


def answered_up_to(count: int) -> Conversation:
    chat = Conversation.start()
    chat.say(*HOUSEHOLD_ANSWERS[:count])
    return chat


def at_review() -> Conversation:
    chat = answered_up_to(len(HOUSEHOLD_ANSWERS))
    assert chat.session.mode == "review"
    return chat


# --- a whole household assessment ----------------------------------------------------------


def test_complete_a_household_assessment() -> None:
    chat = Conversation.start()
    assert chat.opening == ["ask head_name 1/13"]
    assert chat.say("Nguyễn Văn An") == ["got head_name=Nguyễn Văn An", "ask members 2/13"]
    assert chat.say("năm") == ["got members=5", "ask children 3/13"]
    # Two children: 1.1 and 1.2 now apply, so there are two more questions.
    assert chat.say("2") == ["got children=2", "ask adults 4/15"]
    assert chat.say("3") == ["got adults=3", "ask school_attendance 5/15"]
    assert chat.say(*HOUSEHOLD_ANSWERS[4:-1])[-1] == "ask stable_lawful 15/15"
    assert chat.say("có") == ["got stable_lawful=yes", "review missing=0"]
    review = chat.last
    assert isinstance(review, ReviewShown)
    assert [i.question for i in review.items][:3] == ["head_name", "village", "members"]
    assert review.items[1].prefilled and review.items[1].value == "Thôn Sen 1"
    assert chat.say("gửi") == ["submitted 100 passed"]
    assert chat.session.mode == "completed"
    submitted = chat.last
    assert isinstance(submitted, AssessmentSubmitted)
    assert submitted.result.provisional
    assert chat.session.answers["info_devices"] == ["smartphone", "tv"]
    assert chat.session.answers["village"] == "Thôn Sen 1"


def test_household_without_children_is_not_asked_about_schooling() -> None:
    chat = Conversation.start()
    chat.say("Lê Thị Hoa", "3", "0")
    assert chat.say("3") == ["got adults=3", "ask children_conduct 5/13"]
    chat.say("có", "có", "có", "có", "không", "không", "có", "có", "có")
    assert chat.say("gửi") == ["submitted 85 passed"]  # 30 + 30 + 5 + 20
    assert "school_attendance" not in chat.session.answers


def test_a_difficult_area_session_scores_with_the_lower_threshold() -> None:
    answers = [*HOUSEHOLD_ANSWERS[:10], "không", "1", "không", "không", "có"]  # 30 + 30 + 5 + 10
    easy = Conversation.start(difficult_area=True)
    easy.say(*answers)
    elsewhere = Conversation.start()
    elsewhere.say(*answers)
    assert easy.say("gửi") == ["submitted 75 passed"]
    assert elsewhere.say("gửi") == ["submitted 75 not passed"]


# --- back ----------------------------------------------------------------------------------


def test_back_goes_to_the_previous_question_showing_its_answer() -> None:
    chat = answered_up_to(3)  # at adults
    assert chat.say("quay lại") == ["ask children 3/15 was=2"]
    assert chat.say("1") == ["got children=1", "ask adults 4/15"]
    assert chat.session.answers["children"] == 1


def test_back_twice_then_forward_again() -> None:
    chat = answered_up_to(4)  # at school_attendance
    assert chat.say(Command("back")) == ["ask adults 4/15 was=3"]
    assert chat.say("lùi") == ["ask children 3/15 was=2"]
    assert chat.say("2") == ["got children=2", "ask school_attendance 5/15"]
    # ...and "back" now means the question before this one, not the one typed last.
    assert chat.say("back") == ["ask adults 4/15 was=3"]


def test_back_at_the_first_question_is_refused_and_loses_nothing() -> None:
    chat = Conversation.start()
    before = chat.session.model_copy(deep=True)
    assert chat.say("quay lại") == ["no head_name: no_previous", "ask head_name 1/13"]
    assert chat.session.answers == before.answers == {"village": "Thôn Sen 1"}
    assert chat.session.current == "head_name"
    first = chat.last
    assert isinstance(first, QuestionAsked) and not first.can_go_back


def test_back_from_the_review_goes_to_the_last_question() -> None:
    chat = at_review()
    assert chat.say("quay lại") == ["ask stable_lawful 15/15 was=yes"]
    assert chat.say("không") == ["got stable_lawful=no", "review missing=0"]


def test_a_back_button_from_an_old_prompt_does_not_go_back_twice() -> None:
    chat = answered_up_to(3)
    old_step = chat.step
    chat.say(Command("back", step=old_step))
    assert chat.say(Command("back", step=old_step)) == [
        "no children: stale",
        "ask children 3/15 was=2",
    ]


# --- skip ----------------------------------------------------------------------------------

OPTIONAL_PACK = parse_pack(
    textwrap.dedent(
        """\
        id: optional-test
        version: "1"
        title: household
        name: Thử
        source: Thử
        profile:
          - {name: head_name, type: text, label: Tên}
          - {name: phone, type: text, label: Số điện thoại, required: false}
        criteria:
          - id: "1"
            name: Một
            max_points: 20
            indicators:
              - id: "1.1"
                text: Sách
                max_points: 10
                question: {name: books, type: yes_no, label: Có sách, evidence: true}
              - id: "1.2"
                text: Báo
                max_points: 10
                question: {name: papers, type: yes_no, label: Có báo, required: false}
        pass_rule: {total_min: 10}
        """
    )
)


def test_skip_an_optional_question_and_answer_it_later() -> None:
    chat = Conversation.start(OPTIONAL_PACK)
    chat.say("Trần Văn Bình")
    assert chat.say("bỏ qua") == ["skipped phone", "ask books 3/4"]
    assert chat.say("có") == ["got books=yes", "ask papers 4/4"]
    assert chat.say(Command("skip")) == ["skipped papers", "review missing=0"]
    review = chat.last
    assert isinstance(review, ReviewShown)
    assert [(i.question, i.skipped) for i in review.items] == [
        ("head_name", False),
        ("phone", True),
        ("books", False),
        ("papers", True),
    ]
    # Change one's mind about the phone number from the review.
    assert chat.say("2") == ["ask phone 2/4"]
    assert chat.say("0912 345 678") == ["got phone=0912 345 678", "review missing=0"]
    assert chat.session.skipped == ["papers"]
    assert chat.say("gửi") == ["submitted 10 passed"]


def test_a_required_question_cannot_be_skipped() -> None:
    chat = Conversation.start(OPTIONAL_PACK)
    assert chat.say("bỏ qua") == ["no head_name: cannot_skip", "ask head_name 1/4"]
    assert chat.session.skipped == []
    household = answered_up_to(2)
    assert household.say("skip") == ["no children: cannot_skip", "ask children 3/13"]


# --- review and change ---------------------------------------------------------------------


def test_change_one_answer_from_the_review_with_a_button() -> None:
    chat = at_review()
    assert chat.say(EditRequest("study_fund", chat.step)) == ["ask study_fund 13/15 was=yes"]
    assert chat.say("không") == ["got study_fund=no", "review missing=0"]
    assert chat.say("gửi") == ["submitted 95 passed"]


def test_change_one_answer_from_the_review_by_typing_its_number() -> None:
    chat = at_review()
    # The review lists the prefilled village too: item 13 is info_devices.
    assert chat.say("13") == ["ask info_devices 12/15 was=['smartphone', 'tv']"]
    assert chat.say("ti vi") == ["got info_devices=['tv']", "review missing=0"]
    assert chat.session.answers["info_devices"] == ["tv"]


@pytest.mark.parametrize("typed", ["0", "17", "abc", "²"])
def test_a_review_choice_that_is_not_an_item(typed: str) -> None:
    chat = at_review()
    answers = dict(chat.session.answers)
    assert chat.say(typed) == ["no -: review_choice", "review missing=0"]
    assert chat.session.answers == answers


def test_saying_review_on_the_review_screen_does_not_submit() -> None:
    chat = at_review()
    assert chat.say("xem lại") == ["review missing=0"]
    assert chat.session.mode == "review"
    assert chat.say(Command("review")) == ["review missing=0"]


def test_a_change_that_makes_new_questions_apply_asks_them_before_the_review() -> None:
    chat = Conversation.start()
    chat.say("Lê Thị Hoa", "4", "0", "2", "có", "có", "có", "có", "có", "1", "có", "có", "có")
    assert isinstance(chat.last, ReviewShown)
    assert chat.say("4") == ["ask children 3/13 was=0"]
    assert chat.say("1") == [
        "got children=1",
        "ask school_attendance 5/15",
    ]
    assert chat.say("2") == ["got school_attendance=not_all", "ask school_results 6/15"]
    assert chat.say("2") == ["got school_results=some", "review missing=0"]
    assert chat.say("gửi") == ["submitted 85 passed"]


def test_a_change_that_breaks_a_later_answer_asks_it_again() -> None:
    chat = at_review()  # 5 members, 2 children, 3 adults
    assert chat.say("3") == ["ask members 2/15 was=5"]
    assert chat.say("1") == [
        "got members=1",
        "no children: constraint",
        "ask children 3/15 was=2",
    ]
    # Submitting while the answers contradict each other is refused.
    assert chat.say("gửi") == ["review missing=2"]
    assert chat.say("gửi") == ["no -: unanswered", "review missing=2"]
    assert chat.say("tiếp tục") == ["no children: constraint", "ask children 3/15 was=2"]
    assert chat.say("1") == ["got children=1", "no adults: constraint", "ask adults 4/15 was=3"]
    assert chat.say("0") == ["got adults=0", "review missing=0"]
    assert (chat.session.answers["members"], chat.session.answers["children"]) == (1, 1)


def test_the_known_village_cannot_be_changed_from_the_review() -> None:
    # The household belongs to the village it was registered in; the commune's lists follow.
    chat = at_review()
    assert chat.say("2") == ["no village: locked", "review missing=0"]
    assert chat.say(EditRequest("village", chat.step)) == ["no village: locked", "review missing=0"]
    review = chat.last
    assert isinstance(review, ReviewShown)
    assert review.items[1].prefilled and review.items[1].locked
    assert chat.session.answers["village"] == "Thôn Sen 1"


def test_a_question_that_does_not_apply_cannot_be_edited() -> None:
    chat = Conversation.start()
    chat.say("Lê Thị Hoa", "4", "0", "2", "có", "có", "có", "có", "có", "1", "có", "có", "có")
    assert chat.say(EditRequest("school_attendance", chat.step)) == ["review missing=0"]
    assert "school_attendance" not in chat.session.answers


# --- leave and resume ----------------------------------------------------------------------


def test_leave_and_resume_at_the_same_question() -> None:
    chat = answered_up_to(6)
    assert chat.say("lưu") == ["paused at children_conduct"]
    stored = json.dumps(chat.session.model_dump(mode="json"))
    later = Conversation(HOUSEHOLD, Session.model_validate(json.loads(stored)), [])
    assert later.say(Command("resume")) == ["ask children_conduct 7/15"]
    assert later.say(*HOUSEHOLD_ANSWERS[6:])[-1] == "review missing=0"
    assert later.say("gửi") == ["submitted 100 passed"]


def test_resume_from_a_review_with_open_questions_continues_with_them() -> None:
    chat = answered_up_to(4)
    assert chat.say("xem lại") == ["review missing=11"]
    assert chat.say("lưu") == ["paused at None"]
    assert chat.say("tiếp tục") == ["ask school_attendance 5/15"]


# --- buttons -------------------------------------------------------------------------------


def test_a_tap_answers_the_question_on_screen() -> None:
    chat = answered_up_to(4)
    assert chat.say(ChoiceTap(chat.step, "not_all")) == [
        "got school_attendance=not_all",
        "ask school_results 6/15",
    ]


def test_a_stale_tap_and_a_double_tap_change_nothing() -> None:
    chat = answered_up_to(4)  # at school_attendance
    step = chat.step
    assert chat.say(ChoiceTap(step, "all")) == [
        "got school_attendance=all",
        "ask school_results 6/15",
    ]
    # The same button tapped again (a double tap, or the message redelivered).
    assert chat.say(ChoiceTap(step, "not_all")) == [
        "no school_results: stale",
        "ask school_results 6/15",
    ]
    assert chat.session.answers["school_attendance"] == "all"
    assert "school_results" not in chat.session.answers
    # A button of a value the question does not have.
    assert chat.say(ChoiceTap(chat.step, "bogus")) == [
        "no school_results: unknown_choice",
        "ask school_results 6/15",
    ]


def test_a_tapped_answer_is_checked_against_the_constraint() -> None:
    pack = parse_pack(
        textwrap.dedent(
            """\
            id: tap-test
            version: "1"
            title: household
            name: Thử
            source: Thử
            profile:
              - {name: count, type: integer, label: Bao nhiêu}
            criteria:
              - id: "1"
                name: Một
                max_points: 10
                indicators:
                  - id: "1.1"
                    text: X
                    max_points: 10
                    question:
                      name: pick
                      type: select_one
                      label: Chọn
                      constraint: ". = 'a' or ${count} > 0"
                      constraint_message: Chỉ chọn B khi có.
                      choices: [{value: a, label: A}, {value: b, label: B, points: 10}]
            pass_rule: {total_min: 5}
            """
        )
    )
    chat = Conversation.start(pack)
    chat.say("0")
    assert chat.say(ChoiceTap(chat.step, "b")) == ["no pick: constraint", "ask pick 2/2"]
    assert chat.say(ChoiceTap(chat.step, "a")) == ["got pick=a", "review missing=0"]


# --- photos and other messages -------------------------------------------------------------


def test_a_photo_of_evidence_is_attached_to_the_question_that_takes_one() -> None:
    chat = answered_up_to(5)  # at school_results, which takes evidence
    assert chat.say(PhotoInput("photo-1")) == ["photo school_results #1"]
    assert chat.say(PhotoInput("photo-2"), PhotoInput("photo-2")) == [
        "photo school_results #2",
        "photo school_results #2",  # the same photo twice is kept once
    ]
    assert chat.session.current == "school_results"
    assert chat.say("1") == ["got school_results=all", "ask children_conduct 7/15"]
    # Right after answering, a photo still belongs to the question just answered.
    assert chat.say(PhotoInput("photo-3")) == ["photo school_results #3"]
    assert chat.session.evidence == {"school_results": ["photo-1", "photo-2", "photo-3"]}


def test_a_photo_where_no_evidence_is_taken_is_refused() -> None:
    chat = answered_up_to(1)  # at members; head_name takes no photo either
    assert chat.say(PhotoInput("photo-1")) == ["no members: no_evidence_here", "ask members 2/13"]
    assert chat.session.evidence == {}


@pytest.mark.parametrize("kind", ["sticker", "voice", "document", "contact"])
def test_a_sticker_or_other_message_is_refused_and_nothing_changes(kind: str) -> None:
    chat = answered_up_to(3)
    before = chat.session.model_copy(deep=True)
    assert chat.say(OtherInput(kind)) == ["no adults: not_text", "ask adults 4/15"]
    after = chat.session
    assert (after.answers, after.current, after.history, after.mode) == (
        before.answers,
        before.current,
        before.history,
        before.mode,
    )


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("", "empty"),
        ("mười", "too_large"),  # members 5: adults + children <= members, but range first
        ("bốn", "constraint"),
        ("ba phẩy năm", "not_a_number"),
        ("3,5", "not_a_whole_number"),
        ("-1", "too_small"),
    ],
)
def test_every_invalid_answer_gets_a_reason_and_the_same_question(typed: str, code: str) -> None:
    chat = answered_up_to(3)  # at adults: 5 members, 2 children; adults in 0..30
    before = dict(chat.session.answers)
    said = chat.say(typed)
    if code == "too_large":
        assert said == ["no adults: constraint", "ask adults 4/15"]  # 10 <= 30, but 10 + 2 > 5
    else:
        assert said == [f"no adults: {code}", "ask adults 4/15"]
    assert chat.session.answers == before


# --- submitting ----------------------------------------------------------------------------


def test_submit_with_missing_answers_is_refused() -> None:
    chat = answered_up_to(5)
    assert chat.say("gửi") == ["review missing=10"]  # first "gửi" shows the review
    review = chat.last
    assert isinstance(review, ReviewShown)
    assert review.missing[0] == "school_results"
    assert chat.say("gửi") == ["no -: unanswered", "review missing=10"]
    rejected = chat.events[0]
    assert isinstance(rejected, AnswerRejected) and rejected.params == {"count": "10"}
    assert chat.session.mode == "review"


@pytest.mark.parametrize(
    "given",
    [TextInput("có"), TextInput("gửi"), Command("back"), ChoiceTap(99, "yes"), PhotoInput("p")],
)
def test_input_after_submission_is_answered_already_submitted(given: Input) -> None:
    chat = at_review()
    chat.say("gửi")
    answers = dict(chat.session.answers)
    assert chat.say(given) == ["already submitted"]
    assert chat.session.answers == answers
    assert chat.session.mode == "completed"


# --- the session between messages ----------------------------------------------------------


def test_a_session_survives_a_json_round_trip_and_continues_identically() -> None:
    straight = answered_up_to(8)
    straight.say(PhotoInput("photo-1"))  # adult_learning takes evidence
    restored = Conversation(
        HOUSEHOLD,
        Session.model_validate(json.loads(json.dumps(straight.session.model_dump(mode="json")))),
        [],
    )
    assert restored.session == straight.session
    rest = [*HOUSEHOLD_ANSWERS[8:], "quay lại", "có", "11", "1 2 3", "gửi"]
    assert restored.say(*rest) == straight.say(*rest)
    assert restored.session == straight.session
    assert restored.session.evidence == {"adult_learning": ["photo-1"]}


def test_resume_does_not_change_the_session_it_was_given() -> None:
    chat = answered_up_to(2)
    before = chat.session
    copy = before.model_copy(deep=True)
    resume(HOUSEHOLD, before, TextInput("2"))
    assert before == copy


def test_known_values_are_not_asked() -> None:
    known: dict[str, AnswerValue] = {
        "clan.name": "Họ Nguyễn Đình",
        "clan.head_name": None,  # not known: asked
        "clan.member_households": 12,
        "clan.gdht_households": 9,
    }
    chat = Conversation.start(CLAN, known=known)
    assert chat.opening == ["ask head_name 1/9"]
    assert chat.session.prefilled == ["clan_name", "member_households", "gdht_households"]
    chat.say("Nguyễn Đình Cả", "Thôn Sen 1, Thôn Sen 2", *["có"] * 7)
    review = chat.last
    assert isinstance(review, ReviewShown)
    assert [i.question for i in review.items if i.prefilled] == [
        "clan_name",
        "member_households",
        "gdht_households",
    ]
    assert chat.say("gửi") == ["submitted 100 passed"]  # 9/12 = 75% -> 20 points


def test_the_clan_is_asked_its_counts_when_they_are_not_known() -> None:
    chat = Conversation.start(CLAN, known={})
    assert chat.opening == ["ask clan_name 1/12"]
    chat.say("Họ Lê", "Lê Văn Cả", "Thôn Sen 1", "10")
    assert chat.say("11") == ["no gdht_households: constraint", "ask gdht_households 5/12"]
    assert chat.say("5") == ["got gdht_households=5", "ask board_active 6/12"]
    chat.say(*["có"] * 7)
    assert chat.say("gửi") == ["submitted 90 passed"]  # 50% -> 10 points
