"""Joining from an invite link or QR code: collaborators, chairs, and households registering
themselves (with consent first, as the personal-data rules require)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from bot.flows.common import back_to_menu
from bot.rendering import Reply
from bot.service import Notice
from conversations.text import clean, fold, has_letters
from storage.workflow import CODE_LENGTH, Invite, normalise_code

if TYPE_CHECKING:
    from bot.service import ChatService, Turn

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


async def unregistered(
    service: ChatService, turn: Turn, command: str, payload: str, text: str
) -> None:
    """Someone the bot does not know yet: an invite, the next step of joining, or how to join."""
    screen = turn.state.get("screen", "")
    if command == "/start" and payload:
        await open_invite(service, turn, payload)
    elif screen.startswith("join_"):
        from bot.flows.router import SCREENS, TEXT_SCREENS

        if screen in TEXT_SCREENS:
            await TEXT_SCREENS[screen](service, turn)
        else:
            key = turn.chosen_option()
            if key is None:
                turn.repeat_options()
            else:
                await SCREENS[screen](service, turn, key)
    elif text and not command and looks_like_code(text):
        # Zalo has no start payload: people type the code printed under the QR.
        await open_invite(service, turn, text)
    else:
        turn.reply("not-registered")


async def _usable_invite(service: ChatService, turn: Turn, code: str) -> Invite | None:
    invite = await turn.repo.invite(code)
    if invite is None or not invite.usable(turn.repo.now):
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


async def open_invite(service: ChatService, turn: Turn, code: str) -> None:
    if turn.person is not None:
        await back_to_menu(service, turn, "invite-already-joined")
        return
    repo, channel, chat_id = turn.repo, turn.inbound.channel, turn.inbound.chat_id
    # Every block that can still be running began within the last two windows.
    since = repo.now - 2 * WRONG_CODE_WINDOW
    failures = await repo.invite_failures(channel, chat_id, since)
    until = blocked_until(failures, repo.now)
    # While blocked the code is not even looked at (nor counted).
    invite = None if until is not None else await _usable_invite(service, turn, code)
    if invite is None and until is None:
        await repo.record_invite_failure(channel, chat_id, forget_before=since)
        until = blocked_until([*failures, repo.now], repo.now)
    if invite is None:
        turn.state = {"lang": turn.lang}
        if until is None:
            turn.reply("invite-invalid")
        else:
            turn.reply("invite-too-many", time=f"{until.astimezone(service.tz):%H:%M}")
        return
    commune = await turn.repo.commune(invite.commune_id)
    village = await turn.repo.village(invite.village_id) if invite.village_id else None
    place = in_sentence(commune.name if commune else "")
    if village is not None:
        place = f"{in_sentence(village.name)}, {place}"
    if invite.role == "household":
        turn.options(
            "join_consent",
            turn.say("join-consent", commune=in_sentence(commune.name if commune else "")),
            [("agree", turn.say("join-agree")), ("decline", turn.say("join-decline"))],
            invite=invite.code,
        )
        return
    turn.state = {"screen": "join_name", "lang": turn.lang, "invite": invite.code}
    # "Chủ tịch Hội Khuyến học xã Kim Liên": the post is named with its commune, not offered.
    turn.reply(
        "join-welcome", role=invite.role, role_name=turn.say(f"role-{invite.role}"), place=place
    )
    turn.reply("join-ask-name")


async def on_consent(service: ChatService, turn: Turn, key: str) -> None:
    code = turn.state["invite"]
    if key == "decline":
        turn.state = {"lang": turn.lang}
        turn.reply("join-declined")
        return
    turn.state = {"screen": "join_head_name", "lang": turn.lang, "invite": code}
    turn.reply("join-ask-head-name")


def _name(turn: Turn) -> str | None:
    text = clean(turn.inbound.text) if turn.inbound.kind == "text" else ""
    if text and not text.startswith("/") and not has_letters(text):
        turn.reply("join-name-no-letters")  # "1" is not anyone's name
        return None
    if len(text) < 2 or len(text) > 100 or text.startswith("/"):
        turn.reply("join-name-invalid")
        return None
    return text


async def on_head_name(service: ChatService, turn: Turn) -> None:
    name = _name(turn)
    if name is None:
        return
    invite = await _usable_invite(service, turn, turn.state["invite"])
    if invite is None:
        turn.state = {"lang": turn.lang}
        turn.reply("invite-invalid")
        return
    if invite.village_id is not None:
        village = await turn.repo.village(invite.village_id)
        assert village is not None
        turn.options(
            "join_village_confirm",
            turn.say("join-confirm-village", village=village.name),
            [("yes", turn.say("join-yes")), ("other", turn.say("join-other-village"))],
            invite=invite.code,
            name=name,
            village_id=village.id,
        )
        return
    await _pick_village(turn, invite, name)


async def _pick_village(turn: Turn, invite: Invite, name: str) -> None:
    villages = await turn.repo.villages(invite.commune_id)
    turn.options(
        "join_village",
        turn.say("pick-village"),
        [(str(v.id), v.name) for v in villages],
        invite=invite.code,
        name=name,
    )


async def on_village_confirm(service: ChatService, turn: Turn, key: str) -> None:
    invite = await _usable_invite(service, turn, turn.state["invite"])
    if invite is None:
        turn.state = {"lang": turn.lang}
        turn.reply("invite-invalid")
        return
    if key == "other":
        await _pick_village(turn, invite, turn.state["name"])
    else:
        await _register_household(service, turn, invite, int(turn.state["village_id"]))


async def on_village(service: ChatService, turn: Turn, key: str) -> None:
    invite = await _usable_invite(service, turn, turn.state["invite"])
    if invite is None:
        turn.state = {"lang": turn.lang}
        turn.reply("invite-invalid")
        return
    await _register_household(service, turn, invite, int(key))


async def _register_household(
    service: ChatService, turn: Turn, invite: Invite, village_id: int
) -> None:
    from bot.flows.assessment import start_own_household

    repo = turn.repo
    name: str = turn.state["name"]
    if not await repo.use_invite(invite.id):
        turn.state = {"lang": turn.lang}
        turn.reply("invite-invalid")
        return
    person = await repo.add_person(
        name, "household", commune_id=invite.commune_id, village_id=village_id
    )
    await repo.bind_identity(turn.identity.id, person.id)
    household = await repo.register_household(village_id, name, person.id)
    turn.person = person
    turn.household_id = household.id
    village = await repo.village(village_id)
    duplicates = await repo.likely_duplicates(household)
    if duplicates:
        # The collaborator decides: two households may share a name, or one registered twice.
        for collaborator in await repo.people_to_tell(
            invite.commune_id, "collaborator", village_id
        ):
            turn.notices.append(
                Notice(
                    collaborator,
                    "notice-duplicate",
                    {"name": name, "village": village.name if village else ""},
                    household_id=household.id,
                )
            )
    turn.reply("join-household-done", name=name)
    await start_own_household(service, turn)


async def on_name(service: ChatService, turn: Turn) -> None:
    name = _name(turn)
    if name is None:
        return
    code = turn.state["invite"]
    turn.state = {"screen": "join_phone", "lang": turn.lang, "invite": code, "name": name}
    turn.replies.append(Reply(turn.say("join-ask-phone"), request_contact=True))


async def on_phone(service: ChatService, turn: Turn) -> None:
    text = turn.inbound.text.strip() if turn.inbound.kind in ("text", "contact") else ""
    phone: str | None = None
    if fold(text) not in _SKIP:
        digits = re.sub(r"[\s.\-()]", "", text)
        match = _PHONE.match(digits)
        if match is None:
            turn.reply("join-phone-invalid")
            return
        phone = "0" + match.group(1)
    invite = await _usable_invite(service, turn, turn.state["invite"])
    if invite is None or not await turn.repo.use_invite(invite.id):
        turn.state = {"lang": turn.lang}
        turn.reply("invite-invalid")
        return
    person = await turn.repo.add_person(
        turn.state["name"],
        invite.role,
        commune_id=invite.commune_id,
        village_id=invite.village_id,
        phone=phone,
    )
    await turn.repo.bind_identity(turn.identity.id, person.id)
    turn.person = person
    await back_to_menu(service, turn, "join-done")


SCREENS = {
    "join_consent": on_consent,
    "join_village_confirm": on_village_confirm,
    "join_village": on_village,
}
TEXT_SCREENS = {
    "join_head_name": on_head_name,
    "join_name": on_name,
    "join_phone": on_phone,
}
