"""The questionnaire engine: a pure function from (session, input) to (session, events).

The caller loads the session, calls `resume`, stores the new session and turns the events into
messages. Nothing here touches a clock, a database or a network, so a conversation can be
replayed in a test exactly as it happened in a village.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from conversations.answers import (
    Accepted,
    Rejection,
    RejectionCode,
    check_constraint,
    choice_by_value,
    parse_answer,
)
from conversations.order import relevant_questions
from conversations.packs import AnswerValue, CriteriaPack, Question
from conversations.scoring import ScoreResult, score
from conversations.text import fold

Mode = Literal["asking", "review", "completed"]
CommandKind = Literal["back", "skip", "review", "leave", "submit", "resume"]

# Words that steer the conversation instead of answering, compared without diacritics.
COMMAND_WORDS: dict[str, CommandKind] = {
    **dict.fromkeys(["quay lai", "lui", "lui lai", "tro lai", "back", "/back"], "back"),
    **dict.fromkeys(["bo qua", "qua", "skip", "/skip"], "skip"),
    **dict.fromkeys(["xem lai", "review", "/review"], "review"),
    **dict.fromkeys(["luu", "luu lai", "luu va thoat", "tam dung", "save", "/save"], "leave"),
    **dict.fromkeys(["gui", "nop", "gui di", "nop bai", "xac nhan", "submit", "/submit"], "submit"),
    **dict.fromkeys(["tiep tuc", "tiep", "continue", "/continue"], "resume"),
}


def command_for(text: str) -> CommandKind | None:
    return COMMAND_WORDS.get(fold(text))


class Session(BaseModel):
    """Everything the engine knows of one assessment in progress; serialised between turns."""

    model_config = ConfigDict(extra="ignore")

    pack_id: str
    pack_version: str
    difficult_area: bool = False
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    skipped: list[str] = Field(default_factory=list)
    # Filled from data the bot already has (e.g. a clan's member households), not asked.
    prefilled: list[str] = Field(default_factory=list)
    evidence: dict[str, list[str]] = Field(default_factory=dict)
    history: list[str] = Field(default_factory=list)
    current: str | None = None
    mode: Mode = "asking"
    # Bumped whenever a new prompt is shown; buttons carry it so an old button is recognised.
    step: int = 0


# --- Inputs ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class TextInput:
    text: str


@dataclass(frozen=True)
class ChoiceTap:
    """A tapped option button: the prompt's step and the choice value."""

    step: int
    value: str


@dataclass(frozen=True)
class ChoicesTap:
    """A multiple choice submitted with its toggle buttons ("Xong"): the prompt's step and
    every value ticked (none at all is an answer too: "none of these")."""

    step: int
    values: tuple[str, ...]


@dataclass(frozen=True)
class Command:
    kind: CommandKind
    # From a button: the prompt's step, so a stale "back" does not go back twice.
    step: int | None = None


@dataclass(frozen=True)
class EditRequest:
    """From the review screen: change the answer of one question."""

    question: str
    step: int | None = None


@dataclass(frozen=True)
class PhotoInput:
    ref: str


@dataclass(frozen=True)
class OtherInput:
    """A sticker, voice note, file... anything that is not text where text is expected."""

    kind: str


Input = TextInput | ChoiceTap | ChoicesTap | Command | EditRequest | PhotoInput | OtherInput


# --- Events ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuestionAsked:
    question: str
    number: int
    total: int
    step: int
    can_go_back: bool
    # Set when the question was answered before (the person went back or is changing it).
    current_answer: AnswerValue = None
    evidence_count: int = 0


@dataclass(frozen=True)
class AnswerRejected:
    question: str | None
    code: RejectionCode | Literal["review_choice", "unanswered", "stale", "locked"]
    params: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class AnswerRecorded:
    question: str
    value: AnswerValue


@dataclass(frozen=True)
class AnswerSkipped:
    question: str


@dataclass(frozen=True)
class EvidenceAttached:
    question: str
    count: int


@dataclass(frozen=True)
class ReviewItem:
    number: int
    question: str
    value: AnswerValue
    prefilled: bool
    skipped: bool
    evidence_count: int
    # A known value that cannot be changed here (no "change" button for it).
    locked: bool = False


@dataclass(frozen=True)
class ReviewShown:
    items: tuple[ReviewItem, ...]
    missing: tuple[str, ...]
    step: int


@dataclass(frozen=True)
class AssessmentPaused:
    question: str | None


@dataclass(frozen=True)
class AssessmentSubmitted:
    result: ScoreResult


@dataclass(frozen=True)
class AlreadySubmitted:
    pass


Event = (
    QuestionAsked
    | AnswerRejected
    | AnswerRecorded
    | AnswerSkipped
    | EvidenceAttached
    | ReviewShown
    | AssessmentPaused
    | AssessmentSubmitted
    | AlreadySubmitted
)


# --- The flow -------------------------------------------------------------------------------


def _relevant(pack: CriteriaPack, session: Session) -> list[Question]:
    """The questions that apply given the answers so far, prefilled ones included. Worked out
    once for each change of the answers and passed on: it evaluates every condition."""
    return relevant_questions(pack, session.answers)


def _asked(
    pack: CriteriaPack,
    session: Session,
    including: str | None = None,
    relevant: list[Question] | None = None,
) -> list[Question]:
    """Questions this person is asked, given the answers so far, in order (`including` a
    prefilled one being changed from the review). `relevant`: `_relevant` of the session as
    it is, when already known."""
    if relevant is None:
        relevant = _relevant(pack, session)
    prefilled = session.prefilled
    if not prefilled:
        return relevant
    return [q for q in relevant if q.name not in prefilled or q.name == including]


def _invalid(pack: CriteriaPack, session: Session, question: Question) -> bool:
    """An answer its constraint no longer accepts, because an earlier answer changed
    (the household now has fewer members than the children counted)."""
    if question.name not in session.answers or not question.constraint:
        return False
    value = session.answers[question.name]
    return isinstance(check_constraint(pack, question, value, session.answers), Rejection)


def _next_unanswered(
    pack: CriteriaPack, session: Session, relevant: list[Question] | None = None
) -> str | None:
    for q in _asked(pack, session, relevant=relevant):
        if q.name not in session.answers and q.name not in session.skipped:
            return q.name
        if _invalid(pack, session, q):
            return q.name
    return None


def _ask(
    pack: CriteriaPack, session: Session, name: str, relevant: list[Question] | None = None
) -> QuestionAsked:
    session.current = name
    session.mode = "asking"
    session.step += 1
    if relevant is None:
        relevant = _relevant(pack, session)
    asked = [q.name for q in _asked(pack, session, name, relevant)]
    number = asked.index(name) + 1 if name in asked else len(asked)
    return QuestionAsked(
        question=name,
        number=number,
        total=len(asked),
        step=session.step,
        can_go_back=_previous(pack, session, relevant) is not None,
        current_answer=session.answers.get(name),
        evidence_count=len(session.evidence.get(name, [])),
    )


def _review(pack: CriteriaPack, session: Session) -> ReviewShown:
    session.mode = "review"
    session.current = None
    session.step += 1
    items: list[ReviewItem] = []
    missing: list[str] = []
    for q in _relevant(pack, session):
        unanswered = q.required and q.name not in session.answers and q.name not in session.skipped
        if unanswered or (q.name not in session.prefilled and _invalid(pack, session, q)):
            missing.append(q.name)
        items.append(
            ReviewItem(
                number=len(items) + 1,
                question=q.name,
                value=session.answers.get(q.name),
                prefilled=q.name in session.prefilled,
                skipped=q.name in session.skipped,
                evidence_count=len(session.evidence.get(q.name, [])),
                locked=_locked(pack, session, q.name),
            )
        )
    return ReviewShown(items=tuple(items), missing=tuple(missing), step=session.step)


def _advance(pack: CriteriaPack, session: Session) -> Event:
    relevant = _relevant(pack, session)
    following = _next_unanswered(pack, session, relevant)
    return _ask(pack, session, following, relevant) if following else _review(pack, session)


def _advance_explained(pack: CriteriaPack, session: Session) -> list[Event]:
    """The next prompt, saying why when it asks again an answer that is no longer valid."""
    relevant = _relevant(pack, session)
    following = _next_unanswered(pack, session, relevant)
    if following and _invalid(pack, session, pack.question(following)):
        return [AnswerRejected(following, "constraint"), _ask(pack, session, following, relevant)]
    if following:
        return [_ask(pack, session, following, relevant)]
    return [_review(pack, session)]


def _previous(
    pack: CriteriaPack, session: Session, relevant: list[Question] | None = None
) -> str | None:
    """The question before the one on screen, in the order they are asked ("quay lại");
    from the review screen, the last question."""
    asked = [q.name for q in _asked(pack, session, session.current, relevant)]
    if session.mode != "asking" or session.current is None:
        return asked[-1] if asked else None
    if session.current not in asked:
        return session.history[-1] if session.history else None
    index = asked.index(session.current)
    return asked[index - 1] if index > 0 else None


def _reprompt(pack: CriteriaPack, session: Session) -> Event:
    """Show the current prompt again (after a rejection or a stale tap)."""
    if session.mode == "review" or session.current is None:
        return _review(pack, session)
    return _ask(pack, session, session.current)


def start(
    pack: CriteriaPack,
    *,
    known: Mapping[str, AnswerValue] | None = None,
    difficult_area: bool = False,
) -> tuple[Session, list[Event]]:
    """Begin an assessment. `known` holds values the bot already has, by prefill key."""
    session = Session(pack_id=pack.id, pack_version=pack.version, difficult_area=difficult_area)
    for q in pack.questions():
        if q.prefill and known and known.get(q.prefill) is not None:
            session.answers[q.name] = known[q.prefill]
            session.prefilled.append(q.name)
    return session, [_advance(pack, session)]


def _record(pack: CriteriaPack, session: Session, name: str, value: AnswerValue) -> list[Event]:
    session.answers[name] = value
    if name in session.skipped:
        session.skipped.remove(name)
    if name in session.prefilled:
        session.prefilled.remove(name)  # typed in now: no longer what the bot knew
    session.history.append(name)
    return [AnswerRecorded(name, value), *_advance_explained(pack, session)]


def _answer(pack: CriteriaPack, session: Session, outcome: Accepted | Rejection) -> list[Event]:
    assert session.current is not None
    if isinstance(outcome, Rejection):
        return [
            AnswerRejected(session.current, outcome.code, outcome.params),
            _reprompt(pack, session),
        ]
    return _record(pack, session, session.current, outcome.value)


def _command(pack: CriteriaPack, session: Session, kind: CommandKind) -> list[Event]:
    if kind == "leave":
        return [AssessmentPaused(session.current)]
    if kind == "resume":
        if session.mode == "review":
            # Left from the review with questions still open: continue with the first of them.
            return _advance_explained(pack, session)
        return [_reprompt(pack, session)]
    if kind == "review" or (kind == "submit" and session.mode == "asking"):
        return [_review(pack, session)]
    if kind == "back":
        previous = _previous(pack, session)
        if previous is None:
            return [AnswerRejected(session.current, "no_previous"), _reprompt(pack, session)]
        return [_ask(pack, session, previous)]
    if kind == "skip":
        if session.mode != "asking" or session.current is None:
            return [_reprompt(pack, session)]
        question = pack.question(session.current)
        if question.required:
            return [AnswerRejected(question.name, "cannot_skip"), _reprompt(pack, session)]
        session.answers.pop(question.name, None)
        if question.name not in session.skipped:
            session.skipped.append(question.name)
        session.history.append(question.name)
        return [AnswerSkipped(question.name), *_advance_explained(pack, session)]
    # submit, from the review screen
    review = _review(pack, session)
    if review.missing:
        return [
            AnswerRejected(None, "unanswered", {"count": str(len(review.missing))}),
            review,
        ]
    session.mode = "completed"
    session.current = None
    result = score(pack, session.answers, difficult_area=session.difficult_area)
    return [AssessmentSubmitted(result)]


def _review_input(pack: CriteriaPack, session: Session, text: str) -> list[Event]:
    folded = fold(text)
    if folded.isdecimal():  # not isdigit(): "²" is a digit int() cannot read
        items = _review(pack, session).items
        index = int(folded)
        if 1 <= index <= len(items):
            return _edit(pack, session, items[index - 1].question)
    return [
        AnswerRejected(None, "review_choice"),
        _review(pack, session),
    ]


def _edit(pack: CriteriaPack, session: Session, name: str) -> list[Event]:
    if _locked(pack, session, name):
        return [AnswerRejected(name, "locked"), _review(pack, session)]
    return [_ask(pack, session, name)]


def _locked(pack: CriteriaPack, session: Session, name: str) -> bool:
    return pack.question(name).locked and name in session.prefilled


def _attach(pack: CriteriaPack, session: Session, ref: str) -> list[Event]:
    candidates = [session.current, *reversed(session.history[-1:])]
    for name in candidates:
        if name and pack.question(name).evidence:
            refs = session.evidence.setdefault(name, [])
            if ref not in refs:
                refs.append(ref)
            return [EvidenceAttached(name, len(refs))]
    return [AnswerRejected(session.current, "no_evidence_here"), _reprompt(pack, session)]


def _copy(session: Session) -> Session:
    """A copy whose changes leave `session` as it was: what `model_copy(deep=True)` makes,
    without copying the strings and numbers one by one (answers hold nothing else)."""
    return session.model_copy(
        update={
            "answers": {
                k: list(v) if isinstance(v, list) else v for k, v in session.answers.items()
            },
            "skipped": list(session.skipped),
            "prefilled": list(session.prefilled),
            "evidence": {k: list(v) for k, v in session.evidence.items()},
            "history": list(session.history),
        }
    )


def resume(pack: CriteriaPack, session: Session, given: Input) -> tuple[Session, list[Event]]:
    """Apply one input. The given session is not changed; the new one is returned."""
    session = _copy(session)
    if session.mode == "completed":
        return session, [AlreadySubmitted()]
    step = getattr(given, "step", None)  # buttons carry the step of the prompt they belong to
    if step is not None and step != session.step:
        return session, [AnswerRejected(session.current, "stale"), _reprompt(pack, session)]
    if isinstance(given, Command):
        return session, _command(pack, session, given.kind)
    if isinstance(given, EditRequest):
        # Only a question that applies, given the answers so far, can be changed.
        if given.question not in {q.name for q in _asked(pack, session, including=given.question)}:
            return session, [_reprompt(pack, session)]
        return session, _edit(pack, session, given.question)
    if isinstance(given, PhotoInput):
        return session, _attach(pack, session, given.ref)
    if isinstance(given, OtherInput):
        return session, [AnswerRejected(session.current, "not_text"), _reprompt(pack, session)]
    if isinstance(given, ChoicesTap):
        if session.mode != "asking" or session.current is None:
            return session, [_reprompt(pack, session)]
        question = pack.question(session.current)
        known = {c.value for c in question.choices}
        if question.type != "select_multiple" or not set(given.values) <= known:
            outcome: Accepted | Rejection = Rejection("unknown_choice", {"count": str(len(known))})
        else:
            # The pack's order, as for typed "3, 1": the stored answer does not depend on it.
            ticked = [c.value for c in question.choices if c.value in given.values]
            outcome = check_constraint(pack, question, ticked, session.answers)
        return session, _answer(pack, session, outcome)
    if isinstance(given, ChoiceTap):
        if session.mode != "asking" or session.current is None:
            return session, [_reprompt(pack, session)]
        question = pack.question(session.current)
        outcome = choice_by_value(question, given.value)
        if isinstance(outcome, Accepted):
            outcome = check_constraint(pack, question, outcome.value, session.answers)
        return session, _answer(pack, session, outcome)
    # Free text: a navigation word, a review choice, or an answer.
    kind = command_for(given.text)
    if kind is not None:
        return session, _command(pack, session, kind)
    if session.mode == "review" or session.current is None:
        return session, _review_input(pack, session, given.text)
    question = pack.question(session.current)
    return session, _answer(
        pack, session, parse_answer(pack, question, given.text, session.answers)
    )


def current_question(pack: CriteriaPack, session: Session) -> QuestionAsked | None:
    """The question on screen as it was asked, at the same step (its buttons stay valid): to
    draw it again with other options ticked. None when no question is on screen."""
    if session.mode != "asking" or session.current is None:
        return None
    event = _ask(pack, session.model_copy(deep=True), session.current)
    return replace(event, step=session.step)


def reopen(pack: CriteriaPack, session: Session) -> tuple[Session, list[Event]]:
    """A returned or rejected assessment goes back to its review screen to be fixed."""
    session = session.model_copy(deep=True)
    session.mode = "asking"
    return session, [_advance(pack, session)]
