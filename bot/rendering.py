"""Turning engine events into the messages a person reads. Pure: no I/O."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from conversations.engine import (
    AlreadySubmitted,
    AnswerRecorded,
    AnswerRejected,
    AnswerSkipped,
    AssessmentPaused,
    AssessmentSubmitted,
    EvidenceAttached,
    QuestionAsked,
    ReviewShown,
)
from conversations.engine import Event as EngineEvent
from conversations.packs import AnswerValue, CriteriaPack, Question
from conversations.scoring import FailedRule, ScoreResult
from conversations.text import format_number

Translate = Callable[..., str]


@dataclass(frozen=True)
class Button:
    label: str
    data: str
    # A button that opens a page instead of answering (`data` unused): on Telegram a link
    # button, or a Mini App when `web_app` (Telegram takes only https:// for those).
    url: str | None = None
    web_app: bool = False


# The largest id or step button data may carry: a database INTEGER (PostgreSQL's int4).
MAX_BUTTON_INT = 2**31 - 1


def button_int(text: str, maximum: int = MAX_BUTTON_INT) -> int | None:
    """A whole number carried in button data, or None when it cannot be one we made: ASCII
    digits only ("²" is a digit `int()` cannot read) and at most `maximum` (a forged 30-digit
    id would overflow the database, a year past 9999 the calendar)."""
    if not text.isascii() or not text.isdecimal() or len(text) > 10:
        return None
    value = int(text)
    return value if value <= maximum else None


@dataclass(frozen=True)
class AlbumPhoto:
    """An evidence photo shown with a reply: the channel it was sent on and its id or URL
    there (`ref`), the opaque name of its copy in the bot's photo store once fetched
    (`stored`), and what it shows (`caption`: the question it answers)."""

    caption: str
    channel: str
    ref: str
    stored: str | None = None


@dataclass(frozen=True)
class Reply:
    """One outgoing message, channel-neutral."""

    text: str
    buttons: tuple[tuple[Button, ...], ...] = ()
    # A question or menu whose buttons become stale once answered.
    is_prompt: bool = False
    # Telegram edits the previous prompt to this text (the choice made) instead of sending.
    replaces_prompt: bool = False
    # Telegram edits the tapped prompt to this text and these buttons, which stay live (an
    # option ticked on a multiple choice); other channels send it as a new message.
    updates_prompt: bool = False
    # Ask the phone to offer "share my number" (Telegram's contact button).
    request_contact: bool = False
    document: tuple[str, bytes] | None = None
    photo: bytes | None = None
    # Evidence photos sent after the text: an album on Telegram (10 at most each), a photo
    # message by URL each on Zalo, a line each in the terminal.
    album: tuple[AlbumPhoto, ...] = ()


@dataclass
class Renderer:
    """Renders for one person: their language, and whether their channel has buttons."""

    t: Translate
    lang: str
    buttons: bool = True
    _out: list[Reply] = field(default_factory=list)

    def say(self, message_id: str, **args: object) -> str:
        return self.t(self.lang, message_id, **args)

    # --- answers -------------------------------------------------------------------------

    def answer_text(self, question: Question, value: AnswerValue) -> str:
        if value is None:
            return self.say("answer-none")
        if isinstance(value, list):
            labels = [c.label.get(self.lang) for c in question.choices if c.value in value]
            return ", ".join(labels) if labels else self.say("answer-none-selected")
        if isinstance(value, str) and question.choices:
            choice = question.choice(value)
            return choice.label.get(self.lang) if choice else value
        if isinstance(value, int | float):
            return format_number(value, 0 if float(value).is_integer() else 1)
        return str(value)

    def _nav_row(self, step: int, can_go_back: bool, can_skip: bool) -> tuple[Button, ...]:
        row: list[Button] = []
        if can_go_back:
            row.append(Button(self.say("button-back"), f"n:{step}:back"))
        if can_skip:
            row.append(Button(self.say("button-skip"), f"n:{step}:skip"))
        row.append(Button(self.say("button-save"), f"n:{step}:leave"))
        return tuple(row)

    def question(
        self,
        pack: CriteriaPack,
        event: QuestionAsked,
        ticked: Sequence[str] | None = None,
        *,
        redraw: bool = False,
    ) -> Reply:
        """A question; a multiple choice with a toggle button per option (`ticked`: the
        options ticked so far, else those of the current answer) and "Xong". `redraw`: the
        same question with other options ticked, edited in place on Telegram."""
        q = pack.question(event.question)
        lines = [
            self.say("question-progress", number=event.number, total=event.total),
            q.label.get(self.lang),
        ]
        if q.hint:
            lines.append(f"({q.hint.get(self.lang)})")
        if event.current_answer is not None:
            lines.append(
                self.say("question-current", answer=self.answer_text(q, event.current_answer))
            )
        rows: list[tuple[Button, ...]] = []
        if q.choices:
            lines.extend(f"{i}. {c.label.get(self.lang)}" for i, c in enumerate(q.choices, 1))
            if q.type == "select_multiple":
                lines.append(self.say("question-reply-many"))
            else:
                lines.append(self.say("question-reply-choice", count=len(q.choices)))
            if q.type != "select_multiple":
                rows.extend(
                    (Button(f"{i}. {c.label.get(self.lang)}", f"a:{event.step}:{c.value}"),)
                    for i, c in enumerate(q.choices, 1)
                )
            else:
                if ticked is None:
                    current = event.current_answer
                    ticked = [str(v) for v in current] if isinstance(current, list) else []
                rows.extend(
                    (
                        Button(
                            f"{'☑' if c.value in ticked else '☐'} {i}. {c.label.get(self.lang)}",
                            f"t:{event.step}:{c.value}",
                        ),
                    )
                    for i, c in enumerate(q.choices, 1)
                )
                rows.append((Button(self.say("button-done"), f"n:{event.step}:done"),))
        elif q.type == "integer":
            lines.append(self.say("question-reply-number"))
        if q.evidence:
            lines.append(self.say("question-evidence", count=event.evidence_count))
        if not q.required:
            lines.append(self.say("question-optional"))
        if not self.buttons:
            lines.append(self.say("question-nav-words"))
        if self.buttons:
            rows.append(self._nav_row(event.step, event.can_go_back, not q.required))
        return Reply("\n".join(lines), tuple(rows), is_prompt=True, updates_prompt=redraw)

    def review(self, pack: CriteriaPack, event: ReviewShown) -> Reply:
        lines = [self.say("review-title")]
        rows: list[tuple[Button, ...]] = []
        for item in event.items:
            q = pack.question(item.question)
            if item.skipped:
                shown = self.say("answer-skipped")
            elif item.value is None:
                shown = self.say("answer-missing")
            else:
                shown = self.answer_text(q, item.value)
            extra = ""
            if item.prefilled:
                extra += " " + self.say("review-prefilled")
            if item.evidence_count:
                extra += " " + self.say("review-evidence", count=item.evidence_count)
            lines.append(f"{item.number}. {q.label.get(self.lang)} — {shown}{extra}")
            if self.buttons and not item.locked:
                rows.append(
                    (
                        Button(
                            self.say("button-change", number=item.number),
                            f"e:{event.step}:{q.name}",
                        ),
                    )
                )
        photos = sum(item.evidence_count for item in event.items)
        if photos:
            lines.append(self.say("review-evidence-total", count=photos))
        if event.missing:
            lines.append(self.say("review-missing", count=len(event.missing)))
        lines.append(self.say("review-instructions"))
        if self.buttons:
            # Several change buttons per row keep the screen short on a phone.
            rows = [tuple(b for r in rows[i : i + 4] for b in r) for i in range(0, len(rows), 4)]
            rows.append(
                (
                    Button(self.say("button-submit"), f"n:{event.step}:submit"),
                    Button(self.say("button-save"), f"n:{event.step}:leave"),
                )
            )
        return Reply("\n".join(lines), tuple(rows), is_prompt=True)

    def _failed_rule(self, pack: CriteriaPack, rule: FailedRule) -> str:
        args: dict[str, object] = {"target": rule.target or ""}
        if rule.points is not None:
            args["points"] = format_number(rule.points, 0 if rule.points.is_integer() else 1)
        if rule.required is not None:
            args["required"] = format_number(rule.required, 0 if rule.required.is_integer() else 1)
        return "- " + self.say(f"result-failed-{rule.code.replace('_', '-')}", **args)

    def result(
        self,
        pack: CriteriaPack,
        result: ScoreResult,
        next_step: str | None = "result-preliminary",
    ) -> Reply:
        """The scored result; `next_step` names what happens next for the reader (None: the
        status is shown beside it)."""

        def pts(value: float) -> str:
            return format_number(value, 0 if value.is_integer() else 1)

        title = pack.name.get(self.lang)
        lines = [self.say("result-title")]
        for criterion, scored in zip(pack.criteria, result.criteria, strict=True):
            # Points resting on a part of the criteria not yet checked against the official
            # text are marked where they stand, not only in the note below.
            provisional = any(i.provisional for i in scored.indicators)
            lines.append(
                self.say(
                    "result-criterion-provisional" if provisional else "result-criterion",
                    id=criterion.id,
                    name=criterion.name.get(self.lang),
                    points=pts(scored.points),
                    max=pts(scored.max_points),
                )
            )
        lines.append(
            self.say(
                "result-total",
                points=pts(result.total),
                max=pts(result.max_total),
                threshold=pts(result.threshold),
            )
        )
        if result.passed and result.grade is not None:
            grade = result.grade.name.get(self.lang)
            lines.append(self.say("result-passed-grade", title=title, grade=grade))
        elif result.passed:
            lines.append(self.say("result-passed", title=title))
        else:
            lines.append(self.say("result-not-passed", title=title))
            lines.extend(self._failed_rule(pack, r) for r in result.failed_rules)
        if result.provisional:
            lines.append(self.say("result-provisional"))
        if result.provisional_rule:
            lines.append(self.say("result-provisional-rule", threshold=pts(result.threshold)))
        if next_step is not None:
            lines.append(self.say(next_step))
        return Reply("\n".join(lines))

    # --- the whole turn ------------------------------------------------------------------

    def events(
        self,
        pack: CriteriaPack,
        events: Sequence[EngineEvent],
        result_next: str = "result-preliminary",
    ) -> list[Reply]:
        out: list[Reply] = []
        for event in events:
            if isinstance(event, QuestionAsked):
                out.append(self.question(pack, event))
            elif isinstance(event, ReviewShown):
                out.append(self.review(pack, event))
            elif isinstance(event, AnswerRecorded):
                q = pack.question(event.question)
                text = f"{q.label.get(self.lang)}\n✓ {self.answer_text(q, event.value)}"
                out.append(Reply(text, replaces_prompt=True))
            elif isinstance(event, AnswerSkipped):
                q = pack.question(event.question)
                text = f"{q.label.get(self.lang)}\n{self.say('answer-skipped')}"
                out.append(Reply(text, replaces_prompt=True))
            elif isinstance(event, AnswerRejected):
                out.append(self.rejection(pack, event))
            elif isinstance(event, EvidenceAttached):
                q = pack.question(event.question)
                out.append(
                    Reply(
                        self.say(
                            "evidence-received", count=event.count, question=q.label.get(self.lang)
                        )
                    )
                )
            elif isinstance(event, AssessmentPaused):
                out.append(Reply(self.say("assessment-paused")))
            elif isinstance(event, AssessmentSubmitted):
                out.append(self.result(pack, event.result, result_next))
            elif isinstance(event, AlreadySubmitted):
                out.append(Reply(self.say("assessment-already-submitted")))
        return out

    def rejection(self, pack: CriteriaPack, event: AnswerRejected) -> Reply:
        if event.code == "constraint" and event.question:
            q = pack.question(event.question)
            if q.constraint_message:
                return Reply(
                    self.say("rejected-prefix") + " " + q.constraint_message.get(self.lang)
                )
        message_id = "rejected-" + event.code.replace("_", "-")
        return Reply(self.say(message_id, **dict(event.params)))
