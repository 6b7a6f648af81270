"""A household sees and deletes its own data (Nghị định 13/2023/NĐ-CP)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.flows.common import back_to_menu
from bot.rendering import Reply
from conversations.permissions import Scope

if TYPE_CHECKING:
    from bot.service import ChatService, Turn


async def _own_scope(turn: Turn) -> Scope | None:
    if turn.household_id is None or turn.person is None or turn.person.commune_id is None:
        return None
    return Scope(commune_id=turn.person.commune_id, household_id=turn.household_id)


async def show_data(service: ChatService, turn: Turn) -> None:
    scope = await _own_scope(turn)
    if scope is None or not turn.may("see_own_data", scope):
        await back_to_menu(service, turn, "privacy-households-only")
        return
    assert turn.household_id is not None and turn.person is not None
    household = await turn.repo.household(turn.household_id)
    assert household is not None
    village = await turn.repo.village(household.village_id)
    lines = [
        turn.say("privacy-data-title"),
        turn.say("privacy-data-name", name=household.head_name),
        turn.say("privacy-data-village", village=village.name if village else ""),
        turn.say("privacy-data-phone", phone=household.phone or turn.person.phone or "—"),
    ]
    assessment = await turn.repo.assessment_for(
        "household", household.id, "household", service.year()
    )
    if assessment is not None:
        lines.append(
            turn.say(
                "privacy-data-assessment",
                year=assessment.year,
                status=turn.say(f"status-{assessment.status}"),
            )
        )
        pack = service.packs.get(assessment.pack_id, assessment.pack_version)
        for question in pack.questions():
            if question.name in assessment.answers:
                value = turn.render.answer_text(question, assessment.answers[question.name])
                lines.append(f"• {question.label.get(turn.lang)} {value}")
    lines.append(turn.say("privacy-data-footer"))
    turn.replies.append(Reply("\n".join(lines)))
    await back_to_menu(service, turn)


async def ask_delete(service: ChatService, turn: Turn) -> None:
    scope = await _own_scope(turn)
    if scope is None or not turn.may("delete_own_data", scope):
        await back_to_menu(service, turn, "privacy-households-only")
        return
    turn.options(
        "confirm_delete",
        turn.say("privacy-delete-confirm"),
        [("delete", turn.say("privacy-delete-yes")), ("keep", turn.say("privacy-delete-no"))],
    )


async def on_confirm(service: ChatService, turn: Turn, key: str) -> None:
    if key != "delete" or turn.household_id is None:
        await back_to_menu(service, turn)
        return
    # Free-text answers may name people; numbers and choices stay for anonymous counts.
    text_questions = {
        q.name for pack in service.packs for q in pack.questions() if q.type == "text"
    }
    await turn.repo.forget_household(turn.household_id, sorted(text_questions))
    turn.person = None
    turn.household_id = None
    turn.state = {"lang": turn.lang}
    turn.reply("privacy-deleted")


SCREENS = {"confirm_delete": on_confirm}
