"""The little a channel reads and writes about people itself."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select, update

from storage.db import Database
from storage.tables import ChannelIdentityRow, PersonRow


async def set_unreachable(
    db: Database, channel: str, chat_id: str, unreachable: bool = True
) -> int:
    """Flag everyone behind this chat as (un)reachable; returns how many identities changed.

    Set when the channel answers 403 (blocked, account deleted) so pushes and digests stop
    trying; cleared by the repository as soon as the person writes again, or by the channel
    when it learns they unblocked the bot."""
    async with db.session() as session:
        result = await session.execute(
            update(ChannelIdentityRow)
            .where(
                ChannelIdentityRow.channel == channel,
                ChannelIdentityRow.chat_id == chat_id,
                ChannelIdentityRow.unreachable != unreachable,
            )
            .values(unreachable=unreachable)
        )
        return int(getattr(result, "rowcount", 0) or 0)


async def chat_locale(db: Database, channel: str, chat_id: str) -> str | None:
    """The language the person chose in the bot (for the few strings a channel adds)."""
    async with db.session() as session:
        locale = await session.scalar(
            select(ChannelIdentityRow.locale)
            .where(ChannelIdentityRow.channel == channel, ChannelIdentityRow.chat_id == chat_id)
            .limit(1)
        )
    return str(locale) if locale else None


async def chats_with_role(
    db: Database, channel: str, roles: Sequence[str]
) -> list[tuple[str, str]]:
    """(chat id, role) of every enabled person of these roles reachable on `channel`: the
    chats whose command menu depends on who is there."""
    async with db.session() as session:
        rows = await session.execute(
            select(ChannelIdentityRow.chat_id, PersonRow.role)
            .join(PersonRow, PersonRow.id == ChannelIdentityRow.person_id)
            .where(
                ChannelIdentityRow.channel == channel,
                ChannelIdentityRow.unreachable.is_(False),
                PersonRow.role.in_(list(roles)),
                PersonRow.disabled.is_(False),
            )
            .order_by(ChannelIdentityRow.id)
        )
        return [(str(chat_id), str(role)) for chat_id, role in rows]
