"""The little the Zalo channel reads and writes about people itself."""

from __future__ import annotations

from sqlalchemy import select, update

from storage.db import Database
from storage.tables import ChannelIdentityRow

from .convert import CHANNEL


async def set_unreachable(db: Database, chat_id: str, unreachable: bool = True) -> int:
    """Flag everyone behind this Zalo chat as (un)reachable; returns how many identities changed.

    Set when Zalo answers 403 (the person blocked the bot) so pushes and digests stop trying;
    the repository clears it as soon as the person writes again."""
    async with db.session() as session:
        result = await session.execute(
            update(ChannelIdentityRow)
            .where(
                ChannelIdentityRow.channel == CHANNEL,
                ChannelIdentityRow.chat_id == chat_id,
                ChannelIdentityRow.unreachable != unreachable,
            )
            .values(unreachable=unreachable)
        )
        return int(getattr(result, "rowcount", 0) or 0)


async def chat_locale(db: Database, chat_id: str) -> str | None:
    """The language the person chose in the bot (for the few strings the channel adds)."""
    async with db.session() as session:
        locale = await session.scalar(
            select(ChannelIdentityRow.locale)
            .where(ChannelIdentityRow.channel == CHANNEL, ChannelIdentityRow.chat_id == chat_id)
            .limit(1)
        )
    return str(locale) if locale else None
