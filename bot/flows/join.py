"""Joining from an invite link or QR code: collaborators, chairs, and households registering
themselves (with consent first, as the personal-data rules require); a person joining for
"Công dân học tập" gives their year of birth, and is not registered under the pack's
minimum age."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta

from bot.flows import assessment
from bot.flows.context import Notice, Outcome, Service, ToMenu, Turn
from bot.flows.screens import (
    Choices,
    JoinBirthYearScreen,
    JoinCitizenNameScreen,
    JoinConsentScreen,
    JoinHeadNameScreen,
    JoinNameScreen,
    JoinPhoneScreen,
    JoinVillageConfirmScreen,
    JoinVillageScreen,
)
from bot.rendering import Reply
from conversations.ages import birth_year_problem, parse_birth_year, under_age
from conversations.text import clean, fold, has_letters
from storage.invites import CODE_LENGTH, Invite, normalise_code

_PHONE = re.compile(r"^(?:\+?84|0)(\d{9,10})$")
_SKIP = {"bo qua", "skip", "khong", "ko", "k", "no"}
# Guessing invite codes: after this many wrong codes within the window, a chat's codes are
# not checked for one window (counted per channel and chat, in the database).
MAX_WRONG_CODES = 5
WRONG_CODE_WINDOW = timedelta(hours=1)


UNIT_WORDS = ("Xã ", "Phường ", "Thị trấn ", "Đặc khu ", "Thôn ", "Bản ", "Ấp ", "Tổ dân phố ")


def in_sentence(name: str) -> str:
    """ "Xã Kim Liên" reads "xã Kim Liên" inside a sentence."""
    for word in UNIT_WORDS:
        if name.startswith(word):
            return word.lower() + name[len(word) :]
    return name


def looks_like_code(text: str) -> bool:
    code = normalise_code(text)
    return len(code) == CODE_LENGTH and len(text.strip()) <= CODE_LENGTH + 2


async def _usable_invite(turn: Turn, code: str) -> Invite | None:
    invite = await turn.uow.invites.get(code)
    if invite is None or not invite.usable(turn.uow.now):
        return None
    return invite


def blocked_until(failures: Sequence[datetime], now: datetime) -> datetime | None:
    """Until when a chat may not try codes: an hour after its 5th wrong code within an hour.
    (Codes ignored meanwhile are not counted, so the block ends an hour after it began.)"""
    times = sorted(failures)
    ends = [
        times[i] + WRONG_CODE_WINDOW
        for i in range(MAX_WRONG_CODES - 1, len(times))
        if times[i] - times[i - MAX_WRONG_CODES + 1] <= WRONG_CODE_WINDOW
    ]
    until = max(ends, default=None)
    return until if until is not None and until > now else None


def _invalid(turn: Turn) -> Outcome:
    """The invite is gone (used up, withdrawn, expired): so is what was typed for it."""
    turn.show(None)
    turn.reply("invite-invalid")
    return None


async def open_invite(service: Service, turn: Turn, code: str) -> Outcome:
    if turn.person is not None:
        return ToMenu("invite-already-joined")
    uow, channel, chat_id = turn.uow, turn.inbound.channel, turn.inbound.chat_id
    # Every block that can still be running began within the last two windows.
    since = uow.now - 2 * WRONG_CODE_WINDOW
    failures = await uow.invites.failures(channel, chat_id, since)
    until = blocked_until(failures, uow.now)
    # While blocked the code is not even looked at (nor counted).
    invite = None if until is not None else await _usable_invite(turn, code)
    if invite is None and until is None:
        await uow.invites.record_failure(channel, chat_id, forget_before=since)
        until = blocked_until([*failures, uow.now], uow.now)
    if invite is None:
        turn.show(None)
        if until is None:
            turn.reply("invite-invalid")
        else:
            turn.reply("invite-too-many", time=f"{until.astimezone(service.tz):%H:%M}")
        return None
    commune = await turn.uow.places.commune(invite.commune_id)
    village = await turn.uow.places.village(invite.village_id) if invite.village_id else None
    place = in_sentence(commune.name if commune else "")
    if village is not None:
        place = f"{in_sentence(village.name)}, {place}"
    unit = await turn.uow.subjects.unit(invite.unit_id) if invite.unit_id else None
    if unit is not None:
        place = f"{unit.name}, {place}"
    if invite.role in ("household", "citizen"):
        commune_name = in_sentence(commune.name if commune else "")
        if invite.role == "household":
            consent = turn.say("join-consent", commune=commune_name)
        else:
            # A person asked to assess themselves for "Công dân học tập": named by whoever
            # invited them, or one of a unit's staff.
            citizen = await turn.uow.subjects.citizen(invite.citizen_id or 0)
            if citizen is not None:
                consent = turn.say(
                    "join-consent-citizen", commune=commune_name, name=citizen.name, place=place
                )
            else:
                consent = turn.say("join-consent-staff", commune=commune_name, place=place)
        options = [("agree", turn.say("join-agree")), ("decline", turn.say("join-decline"))]
        turn.offer(JoinConsentScreen(choices=Choices.of(consent, options), invite=invite.code))
        return None
    turn.show(JoinNameScreen(invite=invite.code))
    # "Chủ tịch Hội Khuyến học xã Kim Liên": the post is named with its commune, not offered.
    turn.reply(
        "join-welcome", role=invite.role, role_name=turn.say(f"role-{invite.role}"), place=place
    )
    turn.reply("join-ask-name")
    return None


async def on_consent(service: Service, turn: Turn, screen: JoinConsentScreen, key: str) -> Outcome:
    if key == "decline":
        turn.show(None)
        turn.reply("join-declined")
        return None
    invite = await _usable_invite(turn, screen.invite)
    if invite is not None and invite.role == "citizen":
        if invite.citizen_id is not None:  # named by whoever invited them
            return _ask_birth_year(turn, invite, None)
        turn.show(JoinCitizenNameScreen(invite=screen.invite))
        turn.reply("join-ask-name")
        return None
    turn.show(JoinHeadNameScreen(invite=screen.invite))
    turn.reply("join-ask-head-name")
    return None


async def on_citizen_name(service: Service, turn: Turn, screen: JoinCitizenNameScreen) -> Outcome:
    """A unit's staff member gave their name."""
    name = _name(turn)
    if name is None:
        return None
    invite = await _usable_invite(turn, screen.invite)
    if invite is None:
        return _invalid(turn)
    return _ask_birth_year(turn, invite, name)


def _ask_birth_year(turn: Turn, invite: Invite, name: str | None) -> Outcome:
    turn.show(JoinBirthYearScreen(invite=invite.code, name=name))
    turn.reply("join-ask-birth-year")
    return None


def _min_age(service: Service) -> int | None:
    """The youngest a person may be to join for "Công dân học tập" (its pack says)."""
    try:
        return service.packs.current("citizen").min_age
    except KeyError:
        return None


async def on_birth_year(service: Service, turn: Turn, screen: JoinBirthYearScreen) -> Outcome:
    """The year of birth of a person joining for "Công dân học tập": asked again when in
    doubt; under the pack's minimum age they are not registered, and the invite stays
    usable for when they are of age."""
    birth_year = parse_birth_year(turn.inbound.text) if turn.inbound.kind == "text" else None
    if birth_year is None:
        turn.reply("join-birth-year-unclear")
        return None
    year = service.year()
    problem = birth_year_problem(birth_year, year)
    if problem is not None:
        turn.reply(f"join-birth-year-{problem.replace('_', '-')}", year=birth_year)
        return None
    invite = await _usable_invite(turn, screen.invite)
    if invite is None or invite.role != "citizen":
        return _invalid(turn)
    youngest = _min_age(service)
    if under_age(birth_year, year, youngest):
        turn.show(None)
        by = "household" if invite.household_id is not None else "unit"
        turn.reply("join-under-age", age=youngest, by=by)
        return None
    return await _register_citizen(service, turn, invite, screen.name, birth_year)


async def _register_citizen(
    service: Service, turn: Turn, invite: Invite, name: str | None, birth_year: int
) -> Outcome:
    """The person joins as the citizen the invite named, or as a new member of the unit's
    staff; then their own form starts."""
    uow = turn.uow
    if not await uow.invites.use(invite.id):
        return _invalid(turn)
    citizen = await uow.subjects.citizen(invite.citizen_id) if invite.citizen_id else None
    if citizen is None:
        citizen = await uow.subjects.add_citizen(
            invite.commune_id,
            name or "",
            household_id=invite.household_id,
            unit_id=invite.unit_id,
            village_id=invite.village_id,
        )
    person = await uow.people.add(
        citizen.name, "citizen", commune_id=invite.commune_id, village_id=citizen.village_id
    )
    await uow.chats.bind(turn.identity.id, person.id)
    await uow.subjects.bind_citizen(citizen.id, person.id, birth_year=birth_year)
    turn.person = person
    turn.citizen_id = citizen.id
    turn.reply("join-citizen-done", name=citizen.name)
    return await assessment.start_citizen(service, turn, citizen.id)


def _name(turn: Turn) -> str | None:
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if text and not text.startswith("/") and not has_letters(text):
        turn.reply("join-name-no-letters")  # "1" is not anyone's name
        return None
    if len(text) < 2 or len(text) > 100 or text.startswith("/"):
        turn.reply("join-name-invalid")
        return None
    return text


async def on_head_name(service: Service, turn: Turn, screen: JoinHeadNameScreen) -> Outcome:
    name = _name(turn)
    if name is None:
        return None
    invite = await _usable_invite(turn, screen.invite)
    if invite is None:
        return _invalid(turn)
    if invite.village_id is not None:
        village = await turn.uow.places.village(invite.village_id)
        assert village is not None
        question = turn.say("join-confirm-village", village=village.name)
        options = [("yes", turn.say("join-yes")), ("other", turn.say("join-other-village"))]
        turn.offer(
            JoinVillageConfirmScreen(
                choices=Choices.of(question, options),
                invite=invite.code,
                name=name,
                village_id=village.id,
            )
        )
        return None
    await _pick_village(turn, invite, name)
    return None


async def _pick_village(turn: Turn, invite: Invite, name: str) -> None:
    villages = await turn.uow.places.villages(invite.commune_id)
    options = [(str(v.id), v.name) for v in villages]
    choices = Choices.of(turn.say("pick-village"), options)
    turn.offer(JoinVillageScreen(choices=choices, invite=invite.code, name=name))


async def on_village_confirm(
    service: Service, turn: Turn, screen: JoinVillageConfirmScreen, key: str
) -> Outcome:
    invite = await _usable_invite(turn, screen.invite)
    if invite is None:
        return _invalid(turn)
    if key == "other":
        await _pick_village(turn, invite, screen.name)
        return None
    return await _register_household(service, turn, invite, screen.name, screen.village_id)


async def on_village(service: Service, turn: Turn, screen: JoinVillageScreen, key: str) -> Outcome:
    invite = await _usable_invite(turn, screen.invite)
    if invite is None:
        return _invalid(turn)
    return await _register_household(service, turn, invite, screen.name, int(key))


async def _register_household(
    service: Service, turn: Turn, invite: Invite, name: str, village_id: int
) -> Outcome:
    uow = turn.uow
    if not await uow.invites.use(invite.id):
        return _invalid(turn)
    person = await uow.people.add(
        name, "household", commune_id=invite.commune_id, village_id=village_id
    )
    await uow.chats.bind(turn.identity.id, person.id)
    household = await uow.households.register(village_id, name, person.id)
    turn.person = person
    turn.household_id = household.id
    village = await uow.places.village(village_id)
    duplicates = await uow.households.likely_duplicates(household)
    if duplicates:
        # The collaborator decides: two households may share a name, or one registered twice.
        for collaborator in await uow.people.to_tell(invite.commune_id, "collaborator", village_id):
            turn.notices.append(
                Notice(
                    collaborator,
                    "notice-duplicate",
                    {"name": name, "village": village.name if village else ""},
                    household_id=household.id,
                )
            )
    turn.reply("join-household-done", name=name)
    return await assessment.start_own_household(service, turn)


async def on_name(service: Service, turn: Turn, screen: JoinNameScreen) -> Outcome:
    name = _name(turn)
    if name is None:
        return None
    turn.show(JoinPhoneScreen(invite=screen.invite, name=name))
    turn.replies.append(Reply(turn.say("join-ask-phone"), request_contact=True))
    return None


async def on_phone(service: Service, turn: Turn, screen: JoinPhoneScreen) -> Outcome:
    text = turn.inbound.text.strip() if turn.inbound.kind in ("text", "contact") else ""
    phone: str | None = None
    if fold(text) not in _SKIP:
        digits = re.sub(r"[\s.\-()]", "", text)
        match = _PHONE.match(digits)
        if match is None:
            turn.reply("join-phone-invalid")
            return None
        phone = "0" + match.group(1)
    invite = await _usable_invite(turn, screen.invite)
    if invite is None or not await turn.uow.invites.use(invite.id):
        return _invalid(turn)
    person = await turn.uow.people.add(
        screen.name,
        invite.role,
        commune_id=invite.commune_id,
        village_id=invite.village_id,
        phone=phone,
    )
    await turn.uow.chats.bind(turn.identity.id, person.id)
    turn.person = person
    if invite.role == "unit_head" and invite.unit_id is not None:
        # The unit's head self-assesses it and checks its staff.
        await turn.uow.subjects.set_unit_head(invite.unit_id, person.id)
        turn.unit_id = invite.unit_id
    return ToMenu("join-done")
