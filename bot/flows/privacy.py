"""A household sees and deletes its own data (Nghị định 13/2023/NĐ-CP)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from bot.flows.common import back_to_menu, reshow_screen
from bot.rendering import Reply
from conversations.permissions import Scope

if TYPE_CHECKING:
    from bot.service import ChatService, Turn


async def _own_scope(turn: Turn) -> Scope | None:
    if turn.household_id is None or turn.person is None or turn.person.commune_id is None:
        return None
    return Scope(commune_id=turn.person.commune_id, household_id=turn.household_id)


async def show_data(service: ChatService, turn: Turn) -> None:
    """The household's own data; the caller then shows the screen the person was on."""
    scope = await _own_scope(turn)
    if scope is None or not turn.may("see_own_data", scope):
        turn.reply("privacy-households-only")
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


async def ask_delete(service: ChatService, turn: Turn) -> bool:
    """Ask to confirm; False (with a refusal said) when this person has no data of their own.
    The screen the person was on is kept, to go back to it if they keep their data."""
    scope = await _own_scope(turn)
    if scope is None or not turn.may("delete_own_data", scope):
        turn.reply("privacy-households-only")
        return False
    screen = turn.state.get("screen")
    if screen == "confirm_delete":  # "/xoa" typed twice: still back to the first screen
        interrupted = turn.state.get("interrupted")
    else:
        interrupted = turn.state if screen not in (None, "menu") else None
    turn.options(
        "confirm_delete",
        turn.say("privacy-delete-confirm"),
        [("delete", turn.say("privacy-delete-yes")), ("keep", turn.say("privacy-delete-no"))],
        interrupted=interrupted,
    )
    return True


async def on_confirm(service: ChatService, turn: Turn, key: str) -> None:
    if key != "delete" or turn.household_id is None:
        interrupted = turn.state.get("interrupted")
        if not interrupted:
            await back_to_menu(service, turn)
            return
        # Kept: back to the question or list "/xoa" interrupted; a newer counter makes the
        # confirmation's buttons stale.
        turn.state = {**interrupted, "n": int(turn.state.get("n", 0)) + 1}
        await reshow_screen(service, turn)
        return
    # Free-text answers may name people; numbers and choices stay for anonymous counts.
    text_questions = {
        q.name for pack in service.packs for q in pack.questions() if q.type == "text"
    }
    await turn.repo.forget_household(turn.household_id, sorted(text_questions))
    turn.person = None
    turn.household_id = None
    # Nothing of the screen it was on (the name typed in, a question); the counter stays so
    # an older button is still recognised as stale.
    turn.state = {"lang": turn.lang, "n": int(turn.state.get("n", 0))}
    turn.reply("privacy-deleted")


SCREENS = {"confirm_delete": on_confirm}
