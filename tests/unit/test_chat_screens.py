"""Screens as typed values (bot/flows/screens.py), and the flows reacting to them on the
in-memory unit of work: no database.

What a chat stored before screens were typed (`{"screen": "menu", "options": [...], ...}`)
is read as the same screen; what cannot be read is read as no screen (the menu), never a
crash."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from bot.flows.screens import (
    AssessmentScreen,
    ChatState,
    Choices,
    ClanMemberPickScreen,
    ClanMembersScreen,
    CommentScreen,
    ConfirmDeleteScreen,
    DecisionDateScreen,
    DecisionNumberScreen,
    DuplicatesScreen,
    ItemScreen,
    JoinBirthYearScreen,
    JoinConsentScreen,
    JoinHeadNameScreen,
    JoinNameScreen,
    JoinPhoneScreen,
    JoinVillageConfirmScreen,
    JoinVillageScreen,
    MenuScreen,
    PickDraftScreen,
    PickVillageScreen,
    QueueScreen,
    Screen,
)
from bot.i18n import Translator
from bot.inbound import Inbound, InboundKind
from bot.packs import PackLibrary
from bot.rendering import Reply
from bot.service import ChatService
from storage.memory import MemoryDatabase

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
LIST = Choices.of("Chọn:", [("a", "Một"), ("b", "Hai")])

EVERY_SCREEN: list[Screen] = [
    MenuScreen(choices=LIST),
    PickVillageScreen(choices=LIST),
    PickDraftScreen(choices=LIST),
    ClanMemberPickScreen(choices=LIST, clan_id=3),
    JoinConsentScreen(choices=LIST, invite="ABCD2345"),
    JoinVillageConfirmScreen(choices=LIST, invite="ABCD2345", name="Hoa", village_id=2),
    JoinVillageScreen(choices=LIST, invite="ABCD2345", name="Hoa"),
    QueueScreen(choices=LIST, queue="verify"),
    ItemScreen(choices=LIST, queue="propose", assessment_id=9),
    DuplicatesScreen(choices=LIST),
    ConfirmDeleteScreen(choices=LIST, interrupted=AssessmentScreen(assessment_id=4)),
    JoinNameScreen(invite="ABCD2345"),
    JoinHeadNameScreen(invite="ABCD2345"),
    JoinPhoneScreen(invite="ABCD2345", name="Hoa"),
    JoinBirthYearScreen(invite="ABCD2345"),
    JoinBirthYearScreen(invite="ABCD2345", name="Hoa"),
    ClanMembersScreen(clan_id=3),
    CommentScreen(queue="verify", assessment_id=9, transition="return"),
    DecisionNumberScreen(),
    DecisionDateScreen(number="12/QĐ-UBND"),
    AssessmentScreen(assessment_id=4, ticked_step=2, ticked=["1", "3"]),
]


@pytest.mark.parametrize("screen", EVERY_SCREEN, ids=lambda s: s.kind)
def test_every_screen_is_stored_and_read_back_as_itself(screen: Screen) -> None:
    stored = ChatState(n=7, screen=screen).dump()
    assert set(stored) == {"n", "screen"} and stored["screen"]["kind"] == screen.kind
    assert ChatState.load(stored) == ChatState(n=7, screen=screen)


OLD_MENU = {
    "screen": "menu",
    "lang": "vi",
    "n": 7,
    "options": ["verify", "language"],
    "prompt": {"title": "Dạ, xin chào!", "labels": ["Phiếu chờ xác nhận (0)", "English"]},
    "page": 1,
}


@pytest.mark.parametrize(
    ("old", "expected"),
    [
        (
            OLD_MENU,
            MenuScreen(
                choices=Choices(
                    title="Dạ, xin chào!",
                    keys=["verify", "language"],
                    labels=["Phiếu chờ xác nhận (0)", "English"],
                    page=1,
                )
            ),
        ),
        (
            {**OLD_MENU, "screen": "item", "queue": "verify", "assessment_id": 9},
            ItemScreen(
                choices=Choices(
                    title="Dạ, xin chào!",
                    keys=["verify", "language"],
                    labels=["Phiếu chờ xác nhận (0)", "English"],
                    page=1,
                ),
                queue="verify",
                assessment_id=9,
            ),
        ),
        (
            {"screen": "assessment", "lang": "en", "assessment_id": 4, "ticked_step": 3},
            AssessmentScreen(assessment_id=4, ticked_step=3),
        ),
        (
            {"screen": "join_phone", "lang": "vi", "invite": "ABCD2345", "name": "Hoa"},
            JoinPhoneScreen(invite="ABCD2345", name="Hoa"),
        ),
        (
            {
                **OLD_MENU,
                "screen": "confirm_delete",
                "interrupted": {"screen": "assessment", "lang": "vi", "n": 6, "assessment_id": 4},
            },
            ConfirmDeleteScreen(
                choices=Choices(
                    title="Dạ, xin chào!",
                    keys=["verify", "language"],
                    labels=["Phiếu chờ xác nhận (0)", "English"],
                    page=1,
                ),
                interrupted=AssessmentScreen(assessment_id=4),
            ),
        ),
    ],
    ids=["menu", "item", "assessment", "join_phone", "confirm_delete"],
)
def test_a_state_stored_before_screens_were_typed_is_read_as_its_screen(
    old: dict[str, Any], expected: Screen
) -> None:
    state = ChatState.load(old)
    assert state.screen == expected
    assert state.n == old.get("n", 0)


@pytest.mark.parametrize(
    "stored",
    [
        None,
        {},
        {"n": 4},  # what deleting a household's data leaves
        {"lang": "vi", "n": 4},  # what it left when the chat kept the language
        {"screen": "gone_screen", "n": 4},
        {"screen": "queue", "n": 4, "options": ["1"], "prompt": {}, "queue": "nowhere"},
        {"screen": "assessment", "n": 4},  # no assessment id
        {"screen": {"kind": "nope"}, "n": 4},
        {"screen": 12, "n": 4},
        {"screen": "menu", "n": "many", "options": "x"},
    ],
)
def test_an_unreadable_state_is_read_as_no_screen(stored: dict[str, Any] | None) -> None:
    state = ChatState.load(stored)
    assert state.screen is None
    assert state.n == (4 if stored and stored.get("n") == 4 else 0)


# --- the flows on the in-memory unit of work ---------------------------------------------


@cache
def _packs() -> PackLibrary:
    return PackLibrary.from_directory(ROOT / "packs")


@cache
def _translator() -> Translator:
    return Translator(ROOT / "locales", "vi")


class Place:
    """A commune with one village, its collaborator (on Telegram, chat "col") and a household
    QR code."""

    def __init__(self) -> None:
        self.store = MemoryDatabase()
        self.service = ChatService(
            self.store.unit_of_work, _packs(), _translator(), clock=lambda: NOW
        )
        self.code = ""

    async def seed(self) -> None:
        async with self.store.unit_of_work(NOW) as uow:
            province = await uow.places.ensure_province("Tỉnh Hà Tĩnh")
            commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", False)
            village = await uow.places.ensure_village(commune.id, "Thôn Hoàng Trù")
            collaborator = await uow.people.add(
                "Nguyễn Thị Lan", "collaborator", commune_id=commune.id, village_id=village.id
            )
            identity = await uow.chats.identity("telegram", "col", "col")
            await uow.chats.bind(identity.id, collaborator.id)
            invite = await uow.invites.add("household", commune.id, village_id=village.id)
        self.code = invite.code

    def say(self, message_id: str, lang: str = "vi", **args: object) -> str:
        return _translator()(lang, message_id, **args)

    async def store_state(self, channel: str, chat: str, state: dict[str, Any]) -> None:
        async with self.store.unit_of_work(NOW) as uow:
            await uow.chats.state(channel, chat)
            await uow.chats.save_state(channel, chat, state)

    async def stored_state(self, channel: str, chat: str) -> dict[str, Any]:
        async with self.store.unit_of_work(NOW) as uow:
            return await uow.chats.state(channel, chat)

    async def send(
        self, chat: str, kind: InboundKind, text: str = "", *, data: str = "", channel: str = ""
    ) -> list[Reply]:
        inbound = Inbound(channel or "telegram", chat, chat, kind, text=text, data=data)
        return await self.service.handle(inbound)


@pytest.fixture
async def place() -> Place:
    made = Place()
    await made.seed()
    return made


def _texts(replies: list[Reply]) -> str:
    return "\n\n".join(r.text for r in replies)


async def test_a_menu_stored_in_the_old_shape_still_answers_its_buttons(place: Place) -> None:
    await place.store_state("telegram", "col", OLD_MENU)

    # A button of an older list is stale: said so, and the list comes again with new buttons.
    stale = await place.send("col", "callback", data="o:6:language")
    assert place.say("menu-unknown") in _texts(stale)
    assert stale[-1].buttons[0][0].data == "o:7:verify"

    # The list on screen answers: the language changes, the menu comes in English.
    changed = await place.send("col", "callback", data="o:7:language")
    assert _texts(changed).startswith(place.say("language-changed", "en"))
    stored = await place.stored_state("telegram", "col")
    assert stored["n"] == 8 and stored["screen"]["kind"] == "menu" and "lang" not in stored
    # The language lives on the account only; the next message reads it from there.
    again = await place.send("col", "text", "/menu")
    assert place.say("menu-title", "en", name="Nguyễn Thị Lan") in _texts(again)


async def test_an_unreadable_state_starts_from_the_menu(place: Place) -> None:
    await place.store_state("telegram", "col", {"screen": {"kind": "retired"}, "n": 3})
    replies = await place.send("col", "text", "xin chào")
    assert place.say("menu-title", name="Nguyễn Thị Lan") in _texts(replies)
    stored = await place.stored_state("telegram", "col")
    assert stored["screen"]["kind"] == "menu" and stored["n"] == 4


async def test_joining_stored_in_the_old_shape_carries_on(place: Place) -> None:
    # Halfway through joining as a household when the bot was upgraded: the name was given.
    await place.store_state(
        "telegram",
        "hh",
        {"screen": "join_head_name", "lang": "vi", "invite": place.code},
    )
    replies = await place.send("hh", "text", "Trần Thị Hoa")
    assert "Thôn Hoàng Trù" in _texts(replies)
    stored = await place.stored_state("telegram", "hh")
    assert stored["screen"]["kind"] == "join_village_confirm"
    assert stored["screen"]["name"] == "Trần Thị Hoa"


async def test_xoa_halfway_through_joining_forgets_the_name_typed(place: Place) -> None:
    await place.send("hh", "text", place.code)
    await place.send("hh", "text", "1")  # agree
    await place.send("hh", "text", "Trần Thị Hoa")
    assert "Trần Thị Hoa" in str(await place.stored_state("telegram", "hh"))

    replies = await place.send("hh", "text", "/xoa")
    assert _texts(replies) == place.say("privacy-nothing-stored")
    stored = await place.stored_state("telegram", "hh")
    assert "Trần Thị Hoa" not in str(stored) and stored["screen"] is None
    assert stored["n"] >= 2  # the counter stays: older buttons are still stale
    assert _texts(await place.send("hh", "text", "Trần Thị Hoa")) == place.say("not-registered")


async def test_a_long_list_turns_its_pages_in_memory(place: Place) -> None:
    async with place.store.unit_of_work(NOW) as uow:
        province = await uow.places.ensure_province("Tỉnh Hà Tĩnh")
        commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", False)
        for number in range(2, 31):
            await uow.places.ensure_village(commune.id, f"Thôn Số {number}")
        invite = await uow.invites.add("household", commune.id)
    await place.send("hh", "text", invite.code)
    await place.send("hh", "text", "1")  # agree
    [listing] = await place.send("hh", "text", "Trần Thị Hoa")
    assert len(listing.buttons) == 21  # 20 villages and ▶
    next_page = listing.buttons[-1][0].data
    [turned] = await place.send("hh", "callback", data=next_page)
    assert turned.updates_prompt and "21. " in turned.text
    stored = await place.stored_state("telegram", "hh")
    assert stored["screen"]["kind"] == "join_village" and stored["screen"]["choices"]["page"] == 1
