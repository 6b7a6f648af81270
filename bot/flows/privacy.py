"""A household, or a person assessed for "Công dân học tập", sees and deletes its own data
(Nghị định 13/2023/NĐ-CP)."""

from __future__ import annotations

from bot.flows.common import citizen_place
from bot.flows.context import MENU, RESHOW, Outcome, Service, Turn
from bot.flows.screens import Choices, ConfirmDeleteScreen, MenuScreen
from bot.rendering import Reply
from conversations.domain import Assessment
from conversations.permissions import Scope


async def _own_scope(turn: Turn) -> Scope | None:
    if turn.person is None or turn.person.commune_id is None:
        return None
    if turn.citizen_id is not None:
        return Scope(turn.person.commune_id, subject="citizen", citizen_id=turn.citizen_id)
    if turn.household_id is None:
        return None
    return Scope(commune_id=turn.person.commune_id, household_id=turn.household_id)


async def _citizen_data(service: Service, turn: Turn) -> None:
    assert turn.citizen_id is not None
    citizen = await turn.uow.subjects.citizen(turn.citizen_id)
    assert citizen is not None
    lines = [
        turn.say("privacy-data-title-citizen"),
        turn.say("privacy-data-person", name=citizen.name),
    ]
    if citizen.birth_year is not None:
        lines.append(turn.say("privacy-data-birth-year", year=citizen.birth_year))
    lines.append(turn.say("privacy-data-place", place=await citizen_place(turn, citizen)))
    assessment = await turn.uow.assessments.for_subject(
        "citizen", citizen.id, "citizen", service.year()
    )
    lines += _answers(service, turn, assessment)
    lines.append(turn.say("privacy-data-footer"))
    turn.replies.append(Reply("\n".join(lines)))


def _answers(service: Service, turn: Turn, assessment: Assessment | None) -> list[str]:
    if assessment is None:
        return []
    lines = [
        turn.say(
            "privacy-data-assessment",
            year=assessment.year,
            status=turn.say(f"status-{assessment.status}"),
        )
    ]
    pack = service.packs.get(assessment.pack_id, assessment.pack_version)
    for question in pack.questions():
        if question.name in assessment.answers:
            value = turn.render.answer_text(question, assessment.answers[question.name])
            lines.append(f"• {question.label.get(turn.lang)} {value}")
    return lines


async def show_data(service: Service, turn: Turn) -> None:
    """The household's own data; the caller then shows the screen the person was on."""
    scope = await _own_scope(turn)
    if scope is None or not turn.may("see_own_data", scope):
        turn.reply("privacy-households-only")
        return
    if turn.citizen_id is not None:
        await _citizen_data(service, turn)
        return
    assert turn.household_id is not None and turn.person is not None
    household = await turn.uow.households.get(turn.household_id)
    assert household is not None
    village = await turn.uow.places.village(household.village_id)
    lines = [
        turn.say("privacy-data-title"),
        turn.say("privacy-data-name", name=household.head_name),
        turn.say("privacy-data-village", village=village.name if village else ""),
        turn.say("privacy-data-phone", phone=household.phone or turn.person.phone or "—"),
    ]
    assessment = await turn.uow.assessments.for_subject(
        "household", household.id, "household", service.year()
    )
    lines += _answers(service, turn, assessment)
    lines.append(turn.say("privacy-data-footer"))
    turn.replies.append(Reply("\n".join(lines)))


async def ask_delete(service: Service, turn: Turn) -> bool:
    """Ask to confirm; False (with a refusal said) when this person has no data of their own.
    The screen the person was on is kept, to go back to it if they keep their data."""
    scope = await _own_scope(turn)
    if scope is None or not turn.may("delete_own_data", scope):
        turn.reply("privacy-households-only")
        return False
    screen = turn.screen
    if isinstance(screen, ConfirmDeleteScreen):  # "/xoa" typed twice: back to the first screen
        interrupted = screen.interrupted
    else:
        interrupted = None if isinstance(screen, MenuScreen) else screen
    options = [
        ("delete", turn.say("privacy-delete-yes")),
        ("keep", turn.say("privacy-delete-no")),
    ]
    choices = Choices.of(turn.say("privacy-delete-confirm"), options)
    turn.offer(ConfirmDeleteScreen(choices=choices, interrupted=interrupted))
    return True


async def on_confirm(
    service: Service, turn: Turn, screen: ConfirmDeleteScreen, key: str
) -> Outcome:
    if key != "delete" or (turn.household_id is None and turn.citizen_id is None):
        if screen.interrupted is None:
            return MENU
        # Kept: back to the question or list "/xoa" interrupted; a newer counter makes the
        # confirmation's buttons stale.
        turn.chat.n += 1
        turn.show(screen.interrupted)
        return RESHOW
    # Free-text answers may name people; numbers and choices stay for anonymous counts.
    text_questions = {
        q.name for pack in service.packs for q in pack.questions() if q.type == "text"
    }
    if turn.citizen_id is not None:
        await turn.uow.subjects.forget_citizen(turn.citizen_id, sorted(text_questions))
    else:
        assert turn.household_id is not None
        await turn.uow.households.forget(turn.household_id, sorted(text_questions))
    turn.person = None
    turn.household_id = None
    turn.citizen_id = None
    # Nothing of the screen it was on (the name typed in, a question); the counter stays so
    # an older button is still recognised as stale.
    turn.show(None)
    turn.reply("privacy-deleted")
    return None
