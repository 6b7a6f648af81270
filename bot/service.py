"""Handling one inbound message: the same path for every channel.

One transaction per message: the update id is recorded, the chat's state is locked, the flow
runs, every answer is stored, notices to other people are queued, and only after the commit are
the replies handed back to be sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.flows import router
from bot.flows.context import Notice, ReportHook, Turn
from bot.flows.options import OPTIONS_PER_PAGE
from bot.flows.screens import ChatState
from bot.i18n import Translator
from bot.inbound import Inbound, InboundKind
from bot.packs import PackLibrary
from bot.rendering import Renderer, Reply
from storage.ports import ChatUnitOfWork, UnitsOfWork

# Where they were defined before the flows had a context of their own; imported from here by
# the channels, the bootstrap and the reports.
__all__ = [
    "OPTIONS_PER_PAGE",
    "ChatService",
    "Inbound",
    "InboundKind",
    "Notice",
    "PackLibrary",
    "Push",
    "ReportHook",
    "Turn",
]

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Push:
    """A message to someone other than the sender (a notice, a digest), sent via the outbox."""

    person_id: int
    channel: str
    chat_id: str
    reply: Reply
    # What makes this push unique, so queueing it twice sends it once.
    key: str
    # The household the message names, so deleting the household's data finds it.
    household_id: int | None = None


Clock = Callable[[], datetime]
PushSink = Callable[[ChatUnitOfWork, Sequence[Push]], Awaitable[None]]
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
            if duplicate:
                await router.reshow(self, turn)
            else:
                await router.dispatch(self, turn)
            await uow.chats.save_state(inbound.channel, inbound.chat_id, turn.chat.dump())
            if turn.notices:
                await self._queue_notices(uow, turn.notices)
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

    async def _queue_notices(self, uow: ChatUnitOfWork, notices: Sequence[Notice]) -> None:
        """Render each notice in its reader's language and hand it to the outbox."""
        pushes: list[Push] = []
        for index, notice in enumerate(notices):
            for identity in await uow.chats.identities_of(notice.person_id):
                if identity.channel not in self.push_channels:
                    continue  # the terminal chat cannot be reached when nobody is at it
                text = self.t(identity.locale or self.t.default, notice.message_id, **notice.args)
                key = f"notice:{notice.message_id}:{notice.person_id}:{uow.now.isoformat()}:{index}"
                pushes.append(
                    Push(
                        notice.person_id,
                        identity.channel,
                        identity.chat_id,
                        Reply(text),
                        key,
                        notice.household_id,
                    )
                )
        if pushes and self.push_sink is not None:
            await self.push_sink(uow, pushes)
