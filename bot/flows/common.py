"""Small pieces every flow uses."""

from __future__ import annotations

from typing import TYPE_CHECKING

from conversations.domain import Assessment
from conversations.permissions import Scope

if TYPE_CHECKING:
    from bot.service import ChatService, Turn


async def back_to_menu(service: ChatService, turn: Turn, notice: str | None = None) -> None:
    from bot.flows.router import show_menu  # the router imports every flow

    await show_menu(service, turn, notice)


async def reshow_screen(service: ChatService, turn: Turn) -> None:
    from bot.flows.router import reshow

    await reshow(service, turn)


async def scope_of(turn: Turn, assessment: Assessment) -> Scope:
    """Where an assessment's subject lives, for permission checks."""
    if assessment.clan_id is not None:
        villages = await turn.repo.clan_village_ids(assessment.clan_id)
    else:
        villages = frozenset({assessment.village_id} if assessment.village_id else set())
    return Scope(
        commune_id=assessment.commune_id,
        village_ids=villages,
        household_id=assessment.household_id,
    )
