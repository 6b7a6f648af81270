"""Small pieces several flows use: where an assessment's subject lives, and how it is named."""

from __future__ import annotations

from bot.flows.context import Turn
from conversations.domain import Assessment
from conversations.permissions import Scope


async def scope_of(turn: Turn, assessment: Assessment) -> Scope:
    """Where an assessment's subject lives, for permission checks."""
    if assessment.clan_id is not None:
        villages = await turn.uow.households.clan_village_ids(assessment.clan_id)
    else:
        villages = frozenset({assessment.village_id} if assessment.village_id else set())
    return Scope(
        commune_id=assessment.commune_id,
        village_ids=villages,
        household_id=assessment.household_id,
    )


async def label(turn: Turn, assessment: Assessment) -> str:
    """ "Hộ Nguyễn Văn An — Thôn Sen 1" or "Dòng họ Lê" for lists."""
    unnamed = turn.say("draft-unnamed")
    if assessment.household_id is not None:
        household = await turn.uow.households.get(assessment.household_id)
        village = (
            await turn.uow.places.village(assessment.village_id) if assessment.village_id else None
        )
        return turn.say(
            "draft-household",
            name=(household.head_name if household else "") or unnamed,
            village=village.name if village else "",
        )
    clan = await turn.uow.households.clan(assessment.clan_id) if assessment.clan_id else None
    return turn.say("draft-clan", name=(clan.name if clan else "") or unnamed)
