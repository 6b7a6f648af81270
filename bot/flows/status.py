"""Moving an assessment along its statuses (submitted, verified, returned, proposed,
recognised, rejected, reopened), telling the people it concerns, and the card that shows it."""

from __future__ import annotations

from typing import Any

from bot.flows.common import label, scope_of
from bot.flows.context import Notice, Service, Turn
from bot.rendering import Reply
from conversations.domain import NEEDS_REASON, Assessment, Transition, next_status
from conversations.permissions import Action
from conversations.scoring import ScoreResult

ACTION_OF: dict[Transition, Action] = {
    "submit": "submit",
    "verify": "verify",
    "return": "return",
    "propose": "propose",
    "recognise": "recognise",
    "reject": "reject",
    "reopen": "reopen",
}


async def change_status(
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
        values.update(verified_by=turn.person.id, verified_at=turn.uow.now)
    if transition in NEEDS_REASON:
        values["comment"] = note
    await turn.uow.assessments.set_status(
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
    assert turn.person is not None
    name = await label(turn, assessment)
    household = (
        await turn.uow.households.get(assessment.household_id) if assessment.household_id else None
    )
    owner = household.person_id if household else None
    to_collaborators = await turn.uow.people.to_tell(
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


async def card(service: Service, turn: Turn, assessment: Assessment) -> Reply:
    """One assessment as a person reads it: who, status, points per criterion, comment."""
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
