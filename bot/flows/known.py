"""What the bot already knows of a subject when its form starts (a pack's `prefill` keys):
the shares it counts from storage rather than asking. Shared by the flows and the demo's
example forms (bot/demo_examples.py), so both fill a form from the same facts."""

from __future__ import annotations

from conversations.domain import Clan, LearningUnit, Village
from conversations.packs import AnswerValue
from storage.ports import ChatUnitOfWork


async def village_known(uow: ChatUnitOfWork, village: Village, year: int) -> dict[str, AnswerValue]:
    """A village's "Cộng đồng học tập" form: its households, clans and adults holding their
    titles, counted."""
    facts = await uow.subjects.village_facts(village.id, year)
    known: dict[str, AnswerValue] = {"village.name": village.name}
    if facts.households_total is not None:
        known["village.households"] = facts.households_total
        known["village.gdht_households"] = facts.gdht_households
    if facts.clans_total is not None:
        known["village.clans"] = facts.clans_total
        known["village.dhht_clans"] = facts.dhht_clans
    # Holders may outnumber the families' count (it counts ages 19 to 60 only): then the
    # village head gives the number, no smaller than the holders (the pack's constraint).
    if facts.adults_total is not None and facts.adults_total >= facts.cdht_adults:
        known["village.adults"] = facts.adults_total
    known["village.cdht_adults"] = facts.cdht_adults
    return known


async def clan_known(uow: ChatUnitOfWork, clan: Clan, year: int) -> dict[str, AnswerValue]:
    """A clan's member households the bot knows, and how many of them hold "Gia đình học
    tập" (nothing when none is linked: then the pack asks)."""
    known: dict[str, AnswerValue] = {}
    members, holders = await uow.households.clan_member_stats(clan.id, year)
    if members:
        known["clan.member_households"] = members
        known["clan.gdht_households"] = holders
    return known


async def unit_known(uow: ChatUnitOfWork, unit: LearningUnit, year: int) -> dict[str, AnswerValue]:
    """A unit's staff holding "Công dân học tập", counted when the size of its staff is
    known."""
    known: dict[str, AnswerValue] = {"unit.name": unit.name}
    if unit.staff_total:
        known["unit.staff"] = unit.staff_total
        known["unit.cdht_staff"] = await uow.subjects.unit_staff_holders(unit.id, year)
    return known
