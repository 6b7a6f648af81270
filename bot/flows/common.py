"""Small pieces several flows use: where an assessment's subject lives, and how it is named."""

from __future__ import annotations

from bot.flows.context import Service, Turn
from conversations.domain import Assessment, Citizen
from conversations.packs import TitleKind
from conversations.permissions import Scope
from storage.ports import ChatUnitOfWork


def offered(service: Service, title: TitleKind) -> bool:
    """Whether the bot has a criteria pack for the title (a menu offers no title it cannot
    assess)."""
    try:
        service.packs.current(title)
    except KeyError:
        return False
    return True


async def scope_of(turn: Turn, assessment: Assessment) -> Scope:
    """What an assessment is of and where it lives, for permission checks."""
    return await scope_in(turn.uow, assessment)


async def scope_in(uow: ChatUnitOfWork, assessment: Assessment) -> Scope:
    """`scope_of` in a unit of work of one's own (the web page's)."""
    household_id = assessment.household_id
    if assessment.clan_id is not None:
        villages = await uow.households.clan_village_ids(assessment.clan_id)
    else:
        villages = frozenset({assessment.village_id} if assessment.village_id else set())
    if assessment.citizen_id is not None:
        # A household's adult member belongs to the household (it sees their result).
        citizen = await uow.subjects.citizen(assessment.citizen_id)
        household_id = citizen.household_id if citizen else None
    return Scope(
        commune_id=assessment.commune_id,
        village_ids=villages,
        household_id=household_id,
        subject=assessment.subject_kind,
        unit_id=assessment.unit_id,
        citizen_id=assessment.citizen_id,
    )


async def citizen_place(turn: Turn, citizen: Citizen) -> str:
    """Where a person belongs: their household's village, or their unit."""
    if citizen.unit_id is not None:
        unit = await turn.uow.subjects.unit(citizen.unit_id)
        return unit.name if unit else ""
    village = await turn.uow.places.village(citizen.village_id) if citizen.village_id else None
    return village.name if village else ""


async def label(turn: Turn, assessment: Assessment) -> str:
    """ "Hộ Nguyễn Văn An — Thôn Sen 1", "Dòng họ Lê", "Thôn Sen 1", "Trường Tiểu học Kim
    Liên" or "Nguyễn Văn Bình — Thôn Sen 1" for lists."""
    unnamed = turn.say("draft-unnamed")
    uow = turn.uow
    if assessment.household_id is not None:
        household = await uow.households.get(assessment.household_id)
        village = await uow.places.village(assessment.village_id) if assessment.village_id else None
        return turn.say(
            "draft-household",
            name=(household.head_name if household else "") or unnamed,
            village=village.name if village else "",
        )
    if assessment.subject_kind == "village":
        village = await uow.places.village(assessment.subject_id)
        return turn.say("draft-village", village=(village.name if village else "") or unnamed)
    if assessment.subject_kind == "unit":
        unit = await uow.subjects.unit(assessment.subject_id)
        return turn.say("draft-unit", name=(unit.name if unit else "") or unnamed)
    if assessment.citizen_id is not None:
        citizen = await uow.subjects.citizen(assessment.citizen_id)
        place = await citizen_place(turn, citizen) if citizen else ""
        return turn.say(
            "draft-citizen", name=(citizen.name if citizen else "") or unnamed, place=place
        )
    clan = await uow.households.clan(assessment.clan_id) if assessment.clan_id else None
    return turn.say("draft-clan", name=(clan.name if clan else "") or unnamed)
