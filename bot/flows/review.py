"""From a submitted self-assessment to a recognised title: the collaborator verifies or returns
it, the chair proposes, records the decision or rejects, and anyone allowed may reopen."""

from __future__ import annotations

import re
from collections import Counter
from datetime import date

from bot.flows import assessment
from bot.flows.common import label
from bot.flows.context import MENU, Outcome, Service, ToMenu, Turn
from bot.flows.screens import (
    Choices,
    CommentScreen,
    DecisionDateScreen,
    DecisionNumberScreen,
    DuplicatesScreen,
    ItemScreen,
    Queue,
    QueueScreen,
    as_queue,
)
from bot.flows.status import card, change_status
from bot.rendering import AlbumPhoto, Button, Reply
from conversations.domain import Assessment, AssessmentStatus, Transition
from conversations.permissions import Scope, verifiable_titles
from conversations.text import clean, fold, format_number
from storage.assessments import Desk

# What each list shows and what can be done from it.
QUEUES: dict[Queue, tuple[list[AssessmentStatus], list[str]]] = {
    "verify": (["submitted"], ["verify", "return", "answers"]),
    "returned": (["returned"], ["reopen", "answers"]),
    "propose": (["verified"], ["propose", "return", "answers"]),
    "proposed": (["proposed"], ["reject", "return", "answers"]),
    "rejected": (["rejected"], ["reopen", "answers"]),
}
MENU_KEYS = {*QUEUES, "decide", "duplicates"}
# The return comment's ready-made choice: the household is asked for more evidence photos.
MORE_EVIDENCE = "c:evidence"
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


# --- lists ------------------------------------------------------------------------------


def desk(turn: Turn) -> Desk:
    """The forms this person checks (issue 15): a collaborator's households, clans and the
    village's adults; a unit head's staff; a chair's villages and units."""
    assert turn.person is not None
    role = turn.person.role
    titles = verifiable_titles(role)
    if role == "unit_head":
        return Desk(titles, unit_id=turn.unit_id if turn.unit_id is not None else -1)
    return Desk(titles, no_units=role == "collaborator")


async def on_menu(service: Service, turn: Turn, key: str) -> Outcome:
    if key == "decide":
        return await ask_decision(service, turn)
    if key == "duplicates":
        return await show_duplicates(service, turn)
    queue = as_queue(key)
    return MENU if queue is None else await show_queue(service, turn, queue)


async def show_queue(
    service: Service, turn: Turn, queue: Queue, notice: str | None = None
) -> Outcome:
    person = turn.person
    assert person is not None and person.commune_id is not None
    statuses, _ = QUEUES[queue]
    village = person.village_id if person.role == "collaborator" else None
    items = await turn.uow.assessments.with_status(
        person.commune_id,
        service.year(),
        statuses,
        village_id=village,
        desk=desk(turn) if queue == "verify" else None,
    )
    if notice:
        turn.reply(notice)
    if not items:
        return ToMenu("queue-empty")
    options: list[tuple[str, str]] = []
    if queue == "propose" and len(items) > 1:
        options.append(("all", turn.say("queue-propose-all", count=len(items))))
    for item in items:
        points = ""
        if item.total is not None:
            points = " — " + turn.say("points-short", points=format_number(item.total))
        options.append((str(item.id), await label(turn, item) + points))
    options.append(("back", turn.say("queue-back")))
    title = turn.say(f"queue-title-{queue}", count=len(items))
    turn.offer(QueueScreen(choices=Choices.of(title, options), queue=queue))
    return None


async def on_queue(service: Service, turn: Turn, screen: QueueScreen, key: str) -> Outcome:
    if key == "back":
        return MENU
    if key == "all":
        person = turn.person
        assert person is not None and person.commune_id is not None
        done = 0
        for item in await turn.uow.assessments.with_status(
            person.commune_id, service.year(), ["verified"]
        ):
            done += await change_status(turn, item, "propose")
        # Said first, before anything refused on the way and the menu.
        turn.replies.insert(0, Reply(turn.say("proposed-all", count=done)))
        return MENU
    chosen = await turn.uow.assessments.get(int(key))
    if chosen is None:
        return await show_queue(service, turn, screen.queue)
    return await show_item(service, turn, screen.queue, chosen)


async def show_item(service: Service, turn: Turn, queue: Queue, item: Assessment) -> Outcome:
    turn.replies.append(await card(service, turn, item))
    evidence = await evidence_reply(service, turn, item)
    if evidence is not None:
        turn.replies.append(evidence)
    _, actions = QUEUES[queue]
    options = [(a, turn.say(f"action-{a}")) for a in actions]
    options.append(("back", turn.say("queue-back")))
    choices = Choices.of(turn.say("item-what-next"), options)
    turn.offer(ItemScreen(choices=choices, queue=queue, assessment_id=item.id))
    return None


async def on_item(service: Service, turn: Turn, screen: ItemScreen, key: str) -> Outcome:
    queue = screen.queue
    item = await turn.uow.assessments.get(screen.assessment_id)
    if key == "back" or item is None:
        return await show_queue(service, turn, queue)
    if key == "answers":
        turn.replies.append(await _answers(service, turn, item))
        turn.replies.append(turn.options_reply())
        return None
    if key in ("return", "reject"):
        transition: Transition = "return" if key == "return" else "reject"
        comment = CommentScreen(queue=queue, assessment_id=item.id, transition=transition)
        turn.show(comment)
        turn.replies.append(comment_prompt(turn, comment))
        return None
    if key == "reopen" and turn.person is not None and turn.person.role != "chair":
        return await assessment.reopen(service, turn, item)
    transition = key  # type: ignore[assignment]
    if await change_status(turn, item, transition):
        return await show_queue(service, turn, queue, f"done-{key}")
    return None


async def _answers(service: Service, turn: Turn, item: Assessment) -> Reply:
    pack = service.packs.get(item.pack_id, item.pack_version)
    photos = Counter(p.question for p in await turn.uow.assessments.evidence(item.id))
    lines = [turn.say("answers-title")]
    for number, question in enumerate(pack.questions(), 1):
        if question.name in item.answers:
            value = turn.render.answer_text(question, item.answers[question.name])
            line = f"{number}. {question.label.get(turn.lang)} — {value}"
            if photos[question.name]:
                line += " " + turn.say("review-evidence", count=photos[question.name])
            lines.append(line)
    return Reply("\n".join(lines))


async def evidence_reply(service: Service, turn: Turn, item: Assessment) -> Reply | None:
    """How many photos each answer has, with the photos themselves (each captioned with its
    question); None when the form's questions take no photos."""
    pack = service.packs.get(item.pack_id, item.pack_version)
    questions = {q.name: (number, q) for number, q in enumerate(pack.questions(), 1)}
    photos = await turn.uow.assessments.evidence(item.id)
    if not photos:
        if any(q.evidence for _, q in questions.values()):
            return Reply(turn.say("item-evidence-none"))
        return None

    def place(name: str) -> tuple[int, str]:
        number, question = questions.get(name, (0, None))
        return number, question.label.get(turn.lang) if question is not None else name

    ordered = sorted(photos, key=lambda photo: place(photo.question)[0])
    counts = Counter(photo.question for photo in ordered)
    lines = [turn.say("item-evidence-title", count=len(photos))]
    for name, count in counts.items():
        number, label = place(name)
        lines.append(turn.say("item-evidence-line", number=number, question=label, count=count))
    album = tuple(
        AlbumPhoto(
            turn.say("item-evidence-caption", number=number, question=label),
            photo.channel,
            photo.file_ref,
            photo.stored,
        )
        for photo in ordered
        for number, label in [place(photo.question)]
    )
    return Reply("\n".join(lines), album=album)


def comment_prompt(turn: Turn, screen: CommentScreen) -> Reply:
    """What the comment screen asks; returning a form also offers to ask for more evidence."""
    text = turn.say(f"ask-{screen.transition}-comment")
    if screen.transition != "return":
        return Reply(text)
    text += "\n" + turn.say("ask-return-more-evidence")
    buttons: tuple[tuple[Button, ...], ...] = ()
    if turn.render.buttons:
        buttons = ((Button(turn.say("return-more-evidence"), MORE_EVIDENCE),),)
    return Reply(text, buttons, is_prompt=True)


def _asks_more_evidence(turn: Turn) -> bool:
    inbound = turn.inbound
    if inbound.kind == "callback":
        return inbound.data == MORE_EVIDENCE
    typed = fold(clean(inbound.text)) if inbound.kind == "text" else ""
    return typed in ("1", fold(turn.say("return-more-evidence")))


async def on_comment(service: Service, turn: Turn, screen: CommentScreen) -> Outcome:
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if screen.transition == "return" and _asks_more_evidence(turn):
        text = turn.say("return-more-evidence-note")
    if len(text) < 3:
        turn.reply("comment-required")
        return None
    item = await turn.uow.assessments.get(screen.assessment_id)
    if item is None:
        return MENU
    if await change_status(turn, item, screen.transition, note=text[:1000]):
        return await show_queue(service, turn, screen.queue, f"done-{screen.transition}")
    return await show_queue(service, turn, screen.queue)


# --- the recognition decision ------------------------------------------------------------


async def ask_decision(service: Service, turn: Turn) -> Outcome:
    person = turn.person
    assert person is not None and person.commune_id is not None
    count = await turn.uow.assessments.count_with_status(
        person.commune_id, service.year(), ["proposed"]
    )
    if not count:
        return ToMenu("queue-empty")
    turn.show(DecisionNumberScreen())
    turn.reply("ask-decision-number", count=count)
    return None


async def on_decision_number(service: Service, turn: Turn, screen: DecisionNumberScreen) -> Outcome:
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if fold(text) in ("huy", "cancel"):
        return MENU
    if not 2 <= len(text) <= 100:
        turn.reply("ask-decision-number-again")
        return None
    turn.show(DecisionDateScreen(number=text))
    turn.reply("ask-decision-date", today=service.local_now().strftime("%d/%m/%Y"))
    return None


def parse_date(text: str, today: date) -> date | None:
    folded = fold(text)
    if folded in ("hom nay", "today"):
        return today
    match = _DATE.match(folded.replace(" ", ""))
    if match is None:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


async def on_decision_date(service: Service, turn: Turn, screen: DecisionDateScreen) -> Outcome:
    text = turn.inbound.text if turn.inbound.kind == "text" else ""
    if fold(text) in ("huy", "cancel"):
        return MENU
    today = service.local_now().date()
    when = parse_date(text, today)
    if when is None or when > today:
        turn.reply("ask-decision-date-again")
        return None
    person = turn.person
    assert person is not None and person.commune_id is not None
    number = screen.number
    done = 0
    for item in await turn.uow.assessments.with_status(
        person.commune_id, service.year(), ["proposed"], limit=100_000
    ):
        done += await change_status(
            turn,
            item,
            "recognise",
            note=number,
            decision_number=number,
            decision_date=when,
        )
    recorded = turn.say("decision-recorded", count=done, number=number, date=f"{when:%d/%m/%Y}")
    turn.replies.insert(0, Reply(recorded))
    return MENU


# --- likely duplicates --------------------------------------------------------------------


async def show_duplicates(service: Service, turn: Turn) -> Outcome:
    person = turn.person
    assert person is not None and person.commune_id is not None
    groups = await turn.uow.households.duplicate_groups(person.commune_id, person.village_id)
    if not groups:
        return ToMenu("duplicates-none")
    options = [
        (
            ",".join(str(i) for i in ids),
            turn.say("duplicate-group", name=name, village=village, count=len(ids)),
        )
        for name, village, ids in groups
    ]
    options.append(("back", turn.say("queue-back")))
    turn.offer(DuplicatesScreen(choices=Choices.of(turn.say("duplicates-title"), options)))
    return None


async def on_duplicates(service: Service, turn: Turn, key: str) -> Outcome:
    if key == "back":
        return MENU
    keep, *others = (int(i) for i in key.split(","))
    household = await turn.uow.households.get(keep)
    assert household is not None and turn.person is not None
    village = await turn.uow.places.village(household.village_id)
    assert village is not None
    scope = Scope(commune_id=village.commune_id, village_ids=frozenset({village.id}))
    if not turn.may("merge_households", scope):
        return ToMenu("not-allowed")
    for other in others:
        await turn.uow.households.merge(keep, other)
    return ToMenu("duplicates-merged")
