"""Handling one inbound message: the same path for every channel.

One transaction per message: the update id is recorded, the chat's state is locked, the flow
runs, every answer is stored, notices to other people are queued, and only after the commit are
the replies handed back to be sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.flows import router
from bot.flows.context import ReportHook, Turn, WebHook
from bot.flows.screens import ChatState
from bot.i18n import Translator
from bot.inbound import Inbound
from bot.notices import PushSink, pushes_for
from bot.packs import PackLibrary
from bot.rendering import Renderer, Reply
from storage.ports import UnitsOfWork

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# Told (channel, chat id, role or None) after a message changed who is in a chat: a person
# joined, or deleted their data. Telegram sets the chat's command menu for the role.
RoleListener = Callable[[str, str, str | None], Awaitable[None]]


class ChatService:
    def __init__(
        self,
        units: UnitsOfWork,
        packs: PackLibrary,
        translator: Translator,
        *,
        clock: Clock,
        timezone: str = "Asia/Ho_Chi_Minh",
        channels_with_buttons: Sequence[str] = ("telegram",),
        push_sink: PushSink | None = None,
        report_hook: ReportHook | None = None,
        push_channels: Sequence[str] = ("telegram", "zalo"),
        web_hook: WebHook | None = None,
        telegram_link: str | None = None,
    ) -> None:
        # Opens the unit of work of each message: the database's, or its in-memory twin.
        self.units = units
        self.packs = packs
        self.t = translator
        self.clock = clock
        self.tz = ZoneInfo(timezone)
        self.channels_with_buttons = frozenset(channels_with_buttons)
        self.push_sink = push_sink
        self.push_channels = frozenset(push_channels)
        self.report_hook = report_hook
        # "https://t.me/<bot>": invites handed out in the chat link there (issue 15).
        self.telegram_link = telegram_link
        self.web_hook = web_hook
        self.role_listeners: list[RoleListener] = []

    def year(self) -> int:
        return self.clock().astimezone(self.tz).year

    def local_now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    async def handle(self, inbound: Inbound) -> list[Reply]:
        async with self.units(self.clock()) as uow:
            # Delivered twice (a crash before the channel confirmed it, a webhook retry): the
            # first delivery was applied; the person may not have seen its reply, so show
            # where they are instead of applying it again.
            duplicate = bool(inbound.update_key) and not await uow.chats.claim_update(
                inbound.channel, str(inbound.update_key)
            )
            chat = ChatState.load(await uow.chats.state(inbound.channel, inbound.chat_id))
            identity = await uow.chats.identity(inbound.channel, inbound.user_id, inbound.chat_id)
            person = await uow.people.get(identity.person_id) if identity.person_id else None
            # The language is the account's (set from the menu); the chat's state holds none.
            lang = identity.locale or self.t.default
            render = Renderer(self.t, lang, buttons=inbound.channel in self.channels_with_buttons)
            turn = Turn(uow, inbound, identity, person, chat, render)
            if person is not None and person.role == "household":
                household = await uow.households.of_person(person.id)
                turn.household_id = household.id if household else None
            elif person is not None and person.role == "citizen":
                citizen = await uow.subjects.citizen_of_person(person.id)
                turn.citizen_id = citizen.id if citizen else None
            elif person is not None and person.role == "unit_head":
                unit = await uow.subjects.unit_of_head(person.id)
                turn.unit_id = unit.id if unit else None
            if duplicate:
                await router.reshow(self, turn)
            else:
                await router.dispatch(self, turn)
            await uow.chats.save_state(inbound.channel, inbound.chat_id, turn.chat.dump())
            if turn.notices and self.push_sink is not None:
                # Written in each reader's language, queued in this transaction (bot/notices.py).
                pushes = await pushes_for(uow, turn.notices, self.t, self.push_channels)
                if pushes:
                    await self.push_sink(uow, pushes)
        role = turn.person.role if turn.person is not None else None
        if role != (person.role if person is not None else None):
            await self._role_changed(inbound, role)
        return turn.replies

    async def _role_changed(self, inbound: Inbound, role: str | None) -> None:
        for listener in self.role_listeners:
            try:
                await listener(inbound.channel, inbound.chat_id, role)
            except Exception:  # a menu is a convenience: the committed turn still stands
                log.exception(
                    "role listener failed for %s chat %s", inbound.channel, inbound.chat_id
                )
