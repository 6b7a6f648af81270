"""The little a channel reads and writes about people itself, each in a unit of work of its
own. Thin functions over `ChatRepository`, kept with their signatures for the channels."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

from storage.db import Database


async def set_unreachable(
    db: Database, channel: str, chat_id: str, unreachable: bool = True
) -> int:
    """Flag everyone behind this chat as (un)reachable (ChatRepository.set_unreachable)."""
    async with db.unit_of_work(datetime.now(UTC)) as uow:
        return await uow.chats.set_unreachable(channel, chat_id, unreachable)


async def chat_locale(db: Database, channel: str, chat_id: str) -> str | None:
    """The language the person chose in the bot (for the few strings a channel adds)."""
    async with db.unit_of_work(datetime.now(UTC)) as uow:
        return await uow.chats.locale(channel, chat_id)


async def chats_with_role(
    db: Database, channel: str, roles: Sequence[str]
) -> list[tuple[str, str]]:
    """(chat id, role) of every enabled person of these roles reachable on `channel`."""
    async with db.unit_of_work(datetime.now(UTC)) as uow:
        return await uow.chats.chats_with_role(channel, roles)
