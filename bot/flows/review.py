"""From a submitted self-assessment to a recognised title: the collaborator verifies or returns
it, the chair proposes, records the decision or rejects, and anyone allowed may reopen."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Any

from bot.flows.common import back_to_menu, scope_of
from bot.rendering import Reply
from bot.service import Notice
from conversations.domain import NEEDS_REASON, Assessment, AssessmentStatus, Transition, next_status
from conversations.permissions import Action, Scope
from conversations.scoring import ScoreResult
from conversations.text import clean, fold, format_number

if TYPE_CHECKING:
    from bot.service import ChatService, Turn

# What each list shows and what can be done from it.
QUEUES: dict[str, tuple[list[AssessmentStatus], list[str]]] = {
    "verify": (["submitted"], ["verify", "return", "answers"]),
    "returned": (["returned"], ["reopen", "answers"]),
    "propose": (["verified"], ["propose", "return", "answers"]),
    "proposed": (["proposed"], ["reject", "return", "answers"]),
    "rejected": (["rejected"], ["reopen", "answers"]),
}
MENU_KEYS = {*QUEUES, "decide", "duplicates"}
ACTION_OF: dict[Transition, Action] = {
    "submit": "submit",
    "verify": "verify",
    "return": "return",
    "propose": "propose",
    "recognise": "recognise",
    "reject": "reject",
    "reopen": "reopen",
}
_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})$")


async def change_status(
    service: ChatService,
    turn: Turn,
    assessment: Assessment,
    transition: Transition,
    *,
    note: str | None = None,
    **values: Any,
) -> bool:
    """Apply one transition if this person may and the assessment is where it should be;
    log it and tell the people it concerns."""
    if not turn.may(ACTION_OF[transition], await scope_of(turn, assessment)):
        turn.reply("not-allowed")
        return False
    target = next_status(assessment.status, transition)
    if target is None:
        turn.reply("status-changed-meanwhile", status=turn.say(f"status-{assessment.status}"))
        return False
    if transition in NEEDS_REASON and not note:
        turn.reply("comment-required")
        return False
    assert turn.person is not None
    if transition == "verify":
        values.update(verified_by=turn.person.id, verified_at=turn.repo.now)
    if transition in NEEDS_REASON:
        values["comment"] = note
    await turn.repo.set_status(
        assessment.id,
        target,
        actor_id=turn.person.id,
        channel=turn.inbound.channel,
        note=note,
        **values,
    )
    await _tell(turn, assessment, transition, note, values)
    return True


async def _tell(
    turn: Turn,
    assessment: Assessment,
    transition: Transition,
    note: str | None,
    values: dict[str, Any],
) -> None:
    from bot.flows.assessment import label

    assert turn.person is not None
    name = await label(turn, assessment)
    household = (
        await turn.repo.household(assessment.household_id) if assessment.household_id else None
    )
    owner = household.person_id if household else None
    to_collaborators = await turn.repo.people_to_tell(
        assessment.commune_id, "collaborator", assessment.village_id
    )
    owners = [owner] if owner else []
    # Who is told, and with which message: the household in its own words, the collaborators
    # in theirs.
    sends: list[tuple[list[int], str]] = []
    if transition == "submit" and turn.person.role == "household":
        sends.append((to_collaborators, "notice-submitted"))
    elif transition in ("verify", "recognise"):
        sends.append((owners, f"notice-{transition}"))
    elif transition == "return":
        chair = turn.person.role == "chair"
        sends.append((owners + (to_collaborators if chair else []), "notice-returned"))
    elif transition == "reject":
        sends.append((owners, "notice-rejected"))
        sends.append((to_collaborators, "notice-rejected-collaborator"))
    decided = values.get("decision_date")
    args = {
        "name": name,
        "head": household.head_name if household else name,
        "comment": note or "",
        "title": assessment.title,
        "year": str(assessment.year),  # a year is never grouped ("2026", not "2.026")
        "number": str(values.get("decision_number") or ""),
        "date": decided.strftime("%d/%m/%Y") if decided else "",
    }
    told: set[int] = {turn.person.id}
    for recipients, message in sends:
        for person_id in recipients:
            if person_id in told:
                continue
            told.add(person_id)
            turn.notices.append(
                Notice(person_id, message, dict(args), household_id=assessment.household_id)
            )


async def card(service: ChatService, turn: Turn, assessment: Assessment) -> Reply:
    """One assessment as a person reads it: who, status, points per criterion, comment."""
    from bot.flows.assessment import label

    lines = [await label(turn, assessment), turn.say(f"status-{assessment.status}")]
    if assessment.score:
        pack = service.packs.get(assessment.pack_id, assessment.pack_version)
        result = ScoreResult.model_validate(assessment.score)
        # The status line above already says what happens next.
        lines.append(turn.render.result(pack, result, next_step=None).text)
    if assessment.comment:
        lines.append(turn.say("card-comment", comment=assessment.comment))
    if assessment.decision_number and assessment.decision_date:
        lines.append(
            turn.say(
                "card-decision",
                number=assessment.decision_number,
                date=assessment.decision_date.strftime("%d/%m/%Y"),
            )
        )
    return Reply("\n".join(lines))


# --- lists ------------------------------------------------------------------------------


async def on_menu(service: ChatService, turn: Turn, key: str) -> None:
    if key == "decide":
        await ask_decision(service, turn)
    elif key == "duplicates":
        await show_duplicates(service, turn)
    else:
        await show_queue(service, turn, key)


async def show_queue(
    service: ChatService, turn: Turn, queue: str, notice: str | None = None
) -> None:
    person = turn.person
    assert person is not None and person.commune_id is not None
    statuses, _ = QUEUES[queue]
    village = person.village_id if person.role == "collaborator" else None
    items = await turn.repo.assessments_with_status(
        person.commune_id, service.year(), statuses, village_id=village
    )
    if notice:
        turn.reply(notice)
    if not items:
        await back_to_menu(service, turn, "queue-empty")
        return
    from bot.flows.assessment import label

    options: list[tuple[str, str]] = []
    if queue == "propose" and len(items) > 1:
        options.append(("all", turn.say("queue-propose-all", count=len(items))))
    for item in items:
        points = ""
        if item.total is not None:
            points = " — " + turn.say("points-short", points=format_number(item.total))
        options.append((str(item.id), await label(turn, item) + points))
    options.append(("back", turn.say("queue-back")))
    turn.options("queue", turn.say(f"queue-title-{queue}", count=len(items)), options, queue=queue)


async def on_queue(service: ChatService, turn: Turn, key: str) -> None:
    queue: str = turn.state["queue"]
    if key == "back":
        await back_to_menu(service, turn)
        return
    if key == "all":
        person = turn.person
        assert person is not None and person.commune_id is not None
        done = 0
        for item in await turn.repo.assessments_with_status(
            person.commune_id, service.year(), ["verified"]
        ):
            done += await change_status(service, turn, item, "propose")
        await back_to_menu(service, turn, None)
        turn.replies.insert(0, Reply(turn.say("proposed-all", count=done)))
        return
    assessment = await turn.repo.assessment(int(key))
    if assessment is None:
        await show_queue(service, turn, queue)
        return
    await show_item(service, turn, queue, assessment)


async def show_item(service: ChatService, turn: Turn, queue: str, assessment: Assessment) -> None:
    turn.replies.append(await card(service, turn, assessment))
    _, actions = QUEUES[queue]
    options = [(a, turn.say(f"action-{a}")) for a in actions]
    options.append(("back", turn.say("queue-back")))
    turn.options(
        "item", turn.say("item-what-next"), options, queue=queue, assessment_id=assessment.id
    )


async def on_item(service: ChatService, turn: Turn, key: str) -> None:
    queue: str = turn.state["queue"]
    assessment = await turn.repo.assessment(int(turn.state["assessment_id"]))
    if key == "back" or assessment is None:
        await show_queue(service, turn, queue)
        return
    if key == "answers":
        turn.replies.append(_answers(service, turn, assessment))
        turn.replies.append(turn.options_reply())
        return
    if key in ("return", "reject"):
        turn.state = {
            "screen": "ask_comment",
            "lang": turn.lang,
            "queue": queue,
            "assessment_id": assessment.id,
            "transition": key,
        }
        turn.reply(f"ask-{key}-comment")
        return
    if key == "reopen" and turn.person is not None and turn.person.role != "chair":
        from bot.flows.assessment import reopen

        await reopen(service, turn, assessment)
        return
    transition: Transition = key  # type: ignore[assignment]
    if await change_status(service, turn, assessment, transition):
        await show_queue(service, turn, queue, f"done-{key}")


def _answers(service: ChatService, turn: Turn, assessment: Assessment) -> Reply:
    pack = service.packs.get(assessment.pack_id, assessment.pack_version)
    lines = [turn.say("answers-title")]
    for number, question in enumerate(pack.questions(), 1):
        if question.name in assessment.answers:
            value = turn.render.answer_text(question, assessment.answers[question.name])
            lines.append(f"{number}. {question.label.get(turn.lang)} — {value}")
    return Reply("\n".join(lines))


async def on_comment(service: ChatService, turn: Turn) -> None:
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if len(text) < 3:
        turn.reply("comment-required")
        return
    assessment = await turn.repo.assessment(int(turn.state["assessment_id"]))
    queue: str = turn.state["queue"]
    if assessment is None:
        await back_to_menu(service, turn)
        return
    transition: Transition = turn.state["transition"]
    if await change_status(service, turn, assessment, transition, note=text[:1000]):
        await show_queue(service, turn, queue, f"done-{transition}")
    else:
        await show_queue(service, turn, queue)


# --- the recognition decision ------------------------------------------------------------


async def ask_decision(service: ChatService, turn: Turn) -> None:
    person = turn.person
    assert person is not None and person.commune_id is not None
    count = await turn.repo.count_with_status(person.commune_id, service.year(), ["proposed"])
    if not count:
        await back_to_menu(service, turn, "queue-empty")
        return
    turn.state = {"screen": "decision_number", "lang": turn.lang}
    turn.reply("ask-decision-number", count=count)


async def on_decision_number(service: ChatService, turn: Turn) -> None:
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if fold(text) in ("huy", "cancel"):
        await back_to_menu(service, turn)
        return
    if not 2 <= len(text) <= 100:
        turn.reply("ask-decision-number-again")
        return
    turn.state = {"screen": "decision_date", "lang": turn.lang, "number": text}
    turn.reply("ask-decision-date", today=service.local_now().strftime("%d/%m/%Y"))


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


async def on_decision_date(service: ChatService, turn: Turn) -> None:
    text = turn.inbound.text if turn.inbound.kind == "text" else ""
    if fold(text) in ("huy", "cancel"):
        await back_to_menu(service, turn)
        return
    today = service.local_now().date()
    when = parse_date(text, today)
    if when is None or when > today:
        turn.reply("ask-decision-date-again")
        return
    person = turn.person
    assert person is not None and person.commune_id is not None
    number: str = turn.state["number"]
    done = 0
    for item in await turn.repo.assessments_with_status(
        person.commune_id, service.year(), ["proposed"], limit=100_000
    ):
        done += await change_status(
            service,
            turn,
            item,
            "recognise",
            note=number,
            decision_number=number,
            decision_date=when,
        )
    await back_to_menu(service, turn)
    turn.replies.insert(
        0,
        Reply(
            turn.say("decision-recorded", count=done, number=number, date=when.strftime("%d/%m/%Y"))
        ),
    )


# --- likely duplicates --------------------------------------------------------------------


async def show_duplicates(service: ChatService, turn: Turn) -> None:
    person = turn.person
    assert person is not None and person.commune_id is not None
    groups = await turn.repo.duplicate_groups(person.commune_id, person.village_id)
    if not groups:
        await back_to_menu(service, turn, "duplicates-none")
        return
    options = [
        (
            ",".join(str(i) for i in ids),
            turn.say("duplicate-group", name=name, village=village, count=len(ids)),
        )
        for name, village, ids in groups
    ]
    options.append(("back", turn.say("queue-back")))
    turn.options("duplicates", turn.say("duplicates-title"), options)


async def on_duplicates(service: ChatService, turn: Turn, key: str) -> None:
    if key == "back":
        await back_to_menu(service, turn)
        return
    keep, *others = (int(i) for i in key.split(","))
    household = await turn.repo.household(keep)
    assert household is not None and turn.person is not None
    village = await turn.repo.village(household.village_id)
    assert village is not None
    scope = Scope(commune_id=village.commune_id, village_ids=frozenset({village.id}))
    if not turn.may("merge_households", scope):
        await back_to_menu(service, turn, "not-allowed")
        return
    for other in others:
        await turn.repo.merge_households(keep, other)
    await back_to_menu(service, turn, "duplicates-merged")


SCREENS = {"queue": on_queue, "item": on_item, "duplicates": on_duplicates}
TEXT_SCREENS = {
    "ask_comment": on_comment,
    "decision_number": on_decision_number,
    "decision_date": on_decision_date,
}
