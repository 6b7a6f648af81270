"""Moving an assessment along its statuses (submitted, verified, returned, proposed,
recognised, rejected, reopened), telling the people it concerns, and the card that shows it."""

from __future__ import annotations

from typing import Any

from bot.flows.common import label, scope_of
from bot.flows.context import Notice, Service, Turn
from bot.rendering import Reply
from conversations.domain import NEEDS_REASON, Assessment, Transition, next_status
from conversations.permissions import Action, verifiable_titles
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
    owners = await _owners(turn, assessment)
    verifiers = await _verifiers(turn, assessment)
    role = turn.person.role
    # Who is told, and with which message: whoever the form is of in their own words, whoever
    # checks it in theirs.
    sends: list[tuple[list[int], str]] = []
    if transition == "submit" and assessment.title not in verifiable_titles(role):
        sends.append((verifiers, "notice-submitted"))
    elif transition == "verify":
        by = {"chair": "-chair", "unit_head": "-unit-head"}.get(role, "")
        sends.append((owners, f"notice-verify{by}"))
    elif transition == "recognise":
        sends.append((owners, "notice-recognise"))
    elif transition == "return":
        sends.append((owners + (verifiers if role == "chair" else []), "notice-returned"))
    elif transition == "reject":
        own_words = assessment.subject_kind in ("household", "clan")
        sends.append((owners, "notice-rejected" if own_words else "notice-rejected-collaborator"))
        sends.append((verifiers, "notice-rejected-collaborator"))
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


async def _owners(turn: Turn, assessment: Assessment) -> list[int]:
    """Who the form is of: the household's or the person's account, the unit's head, the
    village's heads and whoever filled the village's form in."""
    uow = turn.uow
    owner: int | None = None
    if assessment.household_id is not None:
        household = await uow.households.get(assessment.household_id)
        owner = household.person_id if household else None
    elif assessment.citizen_id is not None:
        citizen = await uow.subjects.citizen(assessment.citizen_id)
        owner = citizen.person_id if citizen else None
    elif assessment.subject_kind == "unit":
        unit = await uow.subjects.unit(assessment.subject_id)
        owner = unit.head_person_id if unit else None
    elif assessment.subject_kind == "village":
        heads = await uow.people.to_tell(
            assessment.commune_id, "village_head", assessment.subject_id
        )
        return heads + ([assessment.created_by] if assessment.created_by else [])
    return [owner] if owner else []


async def _verifiers(turn: Turn, assessment: Assessment) -> list[int]:
    """Who checks the form: the village's collaborators, a staff member's unit head, or the
    commune's chairs (villages and units)."""
    uow = turn.uow
    if assessment.subject_kind in ("village", "unit"):
        return await uow.people.to_tell(assessment.commune_id, "chair")
    if assessment.subject_kind == "citizen" and assessment.unit_id is not None:
        unit = await uow.subjects.unit(assessment.unit_id)
        return [unit.head_person_id] if unit and unit.head_person_id else []
    return await uow.people.to_tell(assessment.commune_id, "collaborator", assessment.village_id)


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
    if assessment.household_id is not None:
        lines += await citizens_line(turn, assessment.household_id, assessment.year)
    return Reply("\n".join(lines))


async def citizens_line(turn: Turn, household_id: int, year: int) -> list[str]:
    """Which of the household's adults hold "Công dân học tập" (issue 15): nothing when none
    was invited to assess themselves."""
    members = await turn.uow.subjects.members(household_id)
    if not members:
        return []
    holders = await turn.uow.subjects.holders(household_id, year)
    if not holders:
        return [turn.say("card-citizens-none", total=len(members))]
    names = ", ".join(c.name for c in holders)
    return [turn.say("card-citizens", names=names, count=len(holders), total=len(members))]
