"""What a channel may know about its chats beyond the messages: the language the person chose
(for the few strings a channel adds itself), whether they can be reached, and which chats
hold a role (Telegram's command menu per role).

Channels never touch storage: they get a `ChatDirectory` from the bootstrap (which backs it
with storage) and use it through `ChannelChats`, the one place that looks up a chat's
language and the one that sets the "unreachable" flag.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Protocol

from bot.i18n import Translator

log = logging.getLogger(__name__)


class ChatDirectory(Protocol):
    """The records behind every channel's chats (implemented in bot.bootstrap)."""

    async def language(self, channel: str, chat_id: str) -> str | None:
        """The language the person chose in the bot, if any."""
        ...

    async def mark_unreachable(self, channel: str, chat_id: str, unreachable: bool) -> None:
        """Flag everyone behind this chat as (un)reachable: pushes and digests stop or
        resume."""
        ...

    async def chats_with_role(self, channel: str, roles: Sequence[str]) -> list[tuple[str, str]]:
        """(chat id, role) of every enabled, reachable person of these roles."""
        ...


class ChannelChats:
    """One channel's view of its chats. Without a directory (unit tests of a channel alone)
    every chat speaks the default language and nothing is recorded."""

    def __init__(
        self, channel: str, translator: Translator, directory: ChatDirectory | None = None
    ) -> None:
        self.channel = channel
        self.t = translator
        self.directory = directory

    async def language(self, chat_id: str) -> str:
        if self.directory is not None:
            try:
                lang = await self.directory.language(self.channel, chat_id)
            except Exception:  # a channel's own note is still worth sending in Vietnamese
                log.exception("%s: could not read the language of chat %s", self.channel, chat_id)
            else:
                if lang:
                    return lang
        return self.t.default

    async def say(self, chat_id: str, message_id: str, **args: object) -> str:
        """One of the channel's own strings, in the language the person chose."""
        return self.t(await self.language(chat_id), message_id, **args)

    async def mark_unreachable(self, chat_id: str, unreachable: bool = True) -> None:
        if self.directory is not None:
            await self.directory.mark_unreachable(self.channel, chat_id, unreachable)

    async def with_role(self, roles: Sequence[str]) -> list[tuple[str, str]]:
        if self.directory is None:
            return []
        return await self.directory.chats_with_role(self.channel, roles)
