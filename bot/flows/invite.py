"""Invites handed out in the chat (issue 15), the same deep link and code as the printed ones
(`hoctap invite create`): a household head or the collaborator invites an adult member to
assess themselves for "Công dân học tập"; a unit's head invites the unit's staff; the chair
invites a unit's head; the chair or the collaborator invites a village head to assess the
village."""

from __future__ import annotations

from typing import Literal

from bot.flows.common import offered
from bot.flows.context import MENU, Outcome, Service, ToMenu, Turn
from bot.flows.join import in_sentence
from bot.flows.screens import Choices, InviteHouseholdScreen, InviteNameScreen, InvitePickScreen
from bot.rendering import Reply
from conversations.domain import Household
from conversations.packs import TitleKind
from conversations.permissions import Scope
from conversations.text import clean, has_letters
from storage.invites import Invite

MENU_KEYS = {"invite_member", "invite_staff", "invite_unit_head", "invite_village_head"}


async def options(service: Service, turn: Turn) -> list[tuple[str, str]]:
    """The invite entries of a person's menu, by role."""
    person = turn.person
    if person is None:
        return []
    # Each entry only where the bot has the pack of the title the invited person assesses.
    entries: list[tuple[str, TitleKind]] = []
    if person.role in ("household", "collaborator"):
        entries.append(("invite_member", "citizen"))
    if person.role == "unit_head" and turn.unit_id is not None:
        entries.append(("invite_staff", "citizen"))
    if person.role == "chair":
        entries.append(("invite_unit_head", "unit"))
    if person.role in ("chair", "collaborator"):
        entries.append(("invite_village_head", "village"))
    return [
        (key, turn.say("menu-" + key.replace("_", "-")))
        for key, title in entries
        if offered(service, title)
    ]


async def on_menu(service: Service, turn: Turn, key: str) -> Outcome:
    person = turn.person
    assert person is not None and person.commune_id is not None
    if key == "invite_member":
        if person.role == "household" and turn.household_id is not None:
            return _ask_name(turn, turn.household_id)
        turn.show(InviteHouseholdScreen())
        turn.reply("invite-ask-household")
        return None
    if key == "invite_staff" and turn.unit_id is not None:
        return await invite_staff(service, turn, turn.unit_id)
    if key == "invite_unit_head":
        units = await turn.uow.subjects.units(person.commune_id)
        if not units:
            return ToMenu("invite-no-units")
        choices = [(str(u.id), u.name) for u in units]
        return _pick(turn, "unit", turn.say("invite-pick-unit"), choices)
    if key == "invite_village_head":
        if person.village_id is not None:
            return await invite_village_head(service, turn, person.village_id)
        villages = await turn.uow.places.villages(person.commune_id)
        choices = [(str(v.id), v.name) for v in villages]
        return _pick(turn, "village", turn.say("pick-village"), choices)
    return MENU


def _pick(
    turn: Turn,
    purpose: Literal["household", "unit", "village"],
    title: str,
    choices: list[tuple[str, str]],
) -> Outcome:
    choices = [*choices, ("back", turn.say("queue-back"))]
    turn.offer(InvitePickScreen(choices=Choices.of(title, choices), purpose=purpose))
    return None


async def on_pick(service: Service, turn: Turn, screen: InvitePickScreen, key: str) -> Outcome:
    if key == "back":
        return MENU
    if screen.purpose == "unit":
        return await invite_unit_head(service, turn, int(key))
    if screen.purpose == "village":
        return await invite_village_head(service, turn, int(key))
    return _ask_name(turn, int(key))


# --- a household's adult member ----------------------------------------------------------


async def on_household(service: Service, turn: Turn, screen: InviteHouseholdScreen) -> Outcome:
    """The collaborator typed (part of) a household head's name."""
    person = turn.person
    assert person is not None and person.commune_id is not None
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if len(text) < 2:
        turn.reply("invite-ask-household")
        return None
    found = await turn.uow.households.find(person.commune_id, text, village_id=person.village_id)
    if not found:
        turn.reply("clan-member-not-found", name=text)
        return None
    if len(found) == 1:
        return _ask_name(turn, found[0][0].id)
    choices = [(str(h.id), f"{h.head_name} — {village}") for h, village in found]
    return _pick(turn, "household", turn.say("clan-member-pick"), choices)


def _ask_name(turn: Turn, household_id: int) -> Outcome:
    turn.show(InviteNameScreen(household_id=household_id))
    turn.reply("invite-ask-member-name")
    return None


async def on_member_name(service: Service, turn: Turn, screen: InviteNameScreen) -> Outcome:
    """The adult member's name: they are registered as a citizen of the household, and get a
    personal invite."""
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if not 2 <= len(text) <= 100 or not has_letters(text) or text.startswith("/"):
        turn.reply("join-name-invalid")
        return None
    household = await turn.uow.households.get(screen.household_id)
    if household is None:
        return MENU
    return await invite_member(service, turn, household, text)


async def invite_member(service: Service, turn: Turn, household: Household, name: str) -> Outcome:
    village = await turn.uow.places.village(household.village_id)
    assert village is not None and turn.person is not None
    scope = Scope(
        village.commune_id,
        frozenset({village.id}),
        household.id,
        subject="citizen",
    )
    if not turn.may("invite", scope):
        return ToMenu("not-allowed")
    citizen = await turn.uow.subjects.add_citizen(
        village.commune_id, name, household_id=household.id, village_id=village.id
    )
    invite = await turn.uow.invites.add(
        "citizen",
        village.commune_id,
        village_id=village.id,
        household_id=household.id,
        citizen_id=citizen.id,
        created_by=turn.person.id,
    )
    turn.replies.append(invite_reply(service, turn, invite, "invite-made-member", name=name))
    return MENU


# --- units and villages ---------------------------------------------------------------


async def invite_staff(service: Service, turn: Turn, unit_id: int) -> Outcome:
    """One code for the whole staff: each member gives their name when they join."""
    unit = await turn.uow.subjects.unit(unit_id)
    assert unit is not None and turn.person is not None
    if not turn.may("invite", Scope(unit.commune_id, subject="citizen", unit_id=unit.id)):
        return ToMenu("not-allowed")
    invite = await turn.uow.invites.add(
        "citizen", unit.commune_id, unit_id=unit.id, max_uses=None, created_by=turn.person.id
    )
    turn.replies.append(invite_reply(service, turn, invite, "invite-made-staff", name=unit.name))
    return MENU


async def invite_unit_head(service: Service, turn: Turn, unit_id: int) -> Outcome:
    unit = await turn.uow.subjects.unit(unit_id)
    assert unit is not None and turn.person is not None
    if not turn.may("invite", Scope(unit.commune_id, subject="unit", unit_id=unit.id)):
        return ToMenu("not-allowed")
    invite = await turn.uow.invites.add(
        "unit_head", unit.commune_id, unit_id=unit.id, created_by=turn.person.id
    )
    turn.replies.append(
        invite_reply(service, turn, invite, "invite-made-unit-head", name=unit.name)
    )
    return MENU


async def invite_village_head(service: Service, turn: Turn, village_id: int) -> Outcome:
    village = await turn.uow.places.village(village_id)
    assert village is not None and turn.person is not None
    scope = Scope(village.commune_id, frozenset({village.id}), subject="village")
    if not turn.may("invite", scope):
        return ToMenu("not-allowed")
    invite = await turn.uow.invites.add(
        "village_head", village.commune_id, village_id=village.id, created_by=turn.person.id
    )
    turn.replies.append(
        invite_reply(
            service, turn, invite, "invite-made-village-head", name=in_sentence(village.name)
        )
    )
    return MENU


def invite_reply(
    service: Service, turn: Turn, invite: Invite, message_id: str, *, name: str
) -> Reply:
    """Who the invite is for, its code (typed on Zalo) and its Telegram link."""
    lines = [turn.say(message_id, name=name, code=invite.code)]
    if service.telegram_link:
        link = f"{service.telegram_link}?start={invite.code}"
        lines.append(turn.say("invite-telegram-link", link=link))
    lines.append(turn.say("invite-zalo-code", code=invite.code))
    return Reply("\n".join(lines))
