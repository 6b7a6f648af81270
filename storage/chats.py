"""Chats: updates already applied, each chat's screen state, and the channel accounts
(identities) behind them, with their language and whether they can be reached."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import bindparam, select, update

from conversations.domain import ChannelIdentity
from storage import tables as t
from storage.fastsql import Statement
from storage.sql import Repository, columns_of, select_model, to_model, upsert

_IDENTITY = columns_of(ChannelIdentity)
_chat = (t.chat_states.c.channel == bindparam("channel")) & (
    t.chat_states.c.chat_id == bindparam("chat_id")
)
_state = bindparam("state", type_=t.chat_states.c.state.type)

# The statements every message runs (compiled: storage.fastsql).
CLAIM_UPDATE = Statement(
    lambda d: (
        upsert(d, t.processed_updates)
        .values(channel=bindparam("channel"), update_key=bindparam("key"), at=bindparam("at"))
        .on_conflict_do_nothing()
    )
)
LOCK_STATE = Statement(lambda d: select(t.chat_states.c.state).where(_chat).with_for_update())
NEW_STATE = Statement(
    lambda d: (
        upsert(d, t.chat_states)
        .values(
            channel=bindparam("channel"),
            chat_id=bindparam("chat_id"),
            state=_state,
            updated_at=bindparam("at"),
        )
        .on_conflict_do_nothing()
    )
)
SAVE_STATE = Statement(
    lambda d: update(t.chat_states).where(_chat).values(state=_state, updated_at=bindparam("at"))
)
IDENTITY = Statement(
    lambda d: select_model(t.identities, ChannelIdentity).where(
        t.identities.c.channel == bindparam("channel"),
        t.identities.c.external_id == bindparam("external_id"),
    )
)


@dataclass(frozen=True)
class Recipient:
    """A chat a push can go to."""

    identity_id: int
    channel: str
    chat_id: str
    locale: str
    unreachable: bool = False


class ChatRepository(Repository):
    # --- updates and screen state ---

    async def claim_update(self, channel: str, key: str) -> bool:
        """Record an update as applied; False if it was applied before (a redelivery)."""
        params = {"channel": channel, "key": key, "at": self.now}
        return bool(await self.sql.run(CLAIM_UPDATE, params))

    async def state(self, channel: str, chat_id: str) -> dict[str, Any]:
        """The chat's state, locked for this transaction so one chat's updates go in order
        even across bot processes (FOR UPDATE; SQLite serialises writers anyway)."""
        where = {"channel": channel, "chat_id": chat_id}
        row = await self.sql.one(LOCK_STATE, where)
        if row is None:
            await self.sql.run(NEW_STATE, {**where, "state": {}, "at": self.now})
            row = await self.sql.one(LOCK_STATE, where)
        assert row is not None
        return dict(row[0] or {})

    async def save_state(self, channel: str, chat_id: str, state: dict[str, Any]) -> None:
        params = {"channel": channel, "chat_id": chat_id, "state": state, "at": self.now}
        await self.sql.run(SAVE_STATE, params)

    # --- channel identities ---

    async def identity(self, channel: str, external_id: str, chat_id: str) -> ChannelIdentity:
        """The account a message came from, made on its first message. The name the channel
        shows is not kept: nothing needs it, and a household that deleted its data would have
        it written back by its next message."""
        found = to_model(
            ChannelIdentity,
            await self.sql.one(IDENTITY, {"channel": channel, "external_id": external_id}),
        )
        if found is not None:
            if found.unreachable:
                # Writing to us again means they can be reached again.
                await self.sql.execute(
                    update(t.identities)
                    .where(t.identities.c.id == found.id)
                    .values(unreachable=False)
                )
                found = found.model_copy(update={"unreachable": False})
            return found
        row = await self.sql.first(
            t.identities.insert()
            .values(channel=channel, external_id=external_id, chat_id=chat_id, created_at=self.now)
            .returning(*(t.identities.c[name] for name in _IDENTITY))
        )
        made = to_model(ChannelIdentity, row)
        assert made is not None
        return made

    async def identities_of(self, person_id: int) -> list[ChannelIdentity]:
        """The person's reachable accounts."""
        rows = await self.sql.all(
            select_model(t.identities, ChannelIdentity)
            .where(
                t.identities.c.person_id == person_id,
                t.identities.c.unreachable.is_(False),
            )
            .order_by(t.identities.c.id)
        )
        return [ChannelIdentity.model_validate(dict(zip(_IDENTITY, r, strict=True))) for r in rows]

    async def set_locale(self, identity_id: int, locale: str) -> None:
        await self.sql.execute(
            update(t.identities).where(t.identities.c.id == identity_id).values(locale=locale)
        )

    async def bind(self, identity_id: int, person_id: int) -> None:
        await self.sql.execute(
            update(t.identities).where(t.identities.c.id == identity_id).values(person_id=person_id)
        )

    async def locale(self, channel: str, chat_id: str) -> str | None:
        """The language the person chose in the bot (for the few strings a channel adds)."""
        locale = await self.sql.scalar(
            select(t.identities.c.locale)
            .where(t.identities.c.channel == channel, t.identities.c.chat_id == chat_id)
            .limit(1)
        )
        return str(locale) if locale else None

    async def set_unreachable(self, channel: str, chat_id: str, unreachable: bool = True) -> int:
        """Flag everyone behind this chat as (un)reachable; returns how many identities changed.

        Set when the channel answers 403 (blocked, account deleted) so pushes and digests stop
        trying; cleared by `identity` as soon as the person writes again, or by the channel
        when it learns they unblocked the bot."""
        return await self.sql.rowcount(
            update(t.identities)
            .where(
                t.identities.c.channel == channel,
                t.identities.c.chat_id == chat_id,
                t.identities.c.unreachable != unreachable,
            )
            .values(unreachable=unreachable)
        )

    async def identity_unreachable(self, identity_id: int) -> None:
        """The chat blocked the bot or is gone; writing to us again clears it (`identity`)."""
        await self.sql.execute(
            update(t.identities).where(t.identities.c.id == identity_id).values(unreachable=True)
        )

    async def chats_with_role(self, channel: str, roles: Sequence[str]) -> list[tuple[str, str]]:
        """(chat id, role) of every enabled person of these roles reachable on `channel`: the
        chats whose command menu depends on who is there."""
        rows = await self.sql.all(
            select(t.identities.c.chat_id, t.people.c.role)
            .join(t.people, t.people.c.id == t.identities.c.person_id)
            .where(
                t.identities.c.channel == channel,
                t.identities.c.unreachable.is_(False),
                t.people.c.role.in_(list(roles)),
                t.people.c.disabled.is_(False),
            )
            .order_by(t.identities.c.id)
        )
        return [(str(chat_id), str(role)) for chat_id, role in rows]

    async def recipient(
        self, person_id: int, channels: Iterable[str], preferred: Sequence[str]
    ) -> Recipient | None:
        """The person's reachable chat on one of `channels`, in order of preference."""
        i = t.identities.c
        rows = await self.sql.all(
            select(i.id, i.channel, i.chat_id, i.locale)
            .where(
                i.person_id == person_id, i.unreachable.is_(False), i.channel.in_(list(channels))
            )
            .order_by(i.id.desc())
        )
        if not rows:
            return None
        order = {name: n for n, name in enumerate(preferred)}
        best = min(rows, key=lambda r: order.get(str(r[1]), len(order)))
        return Recipient(int(best[0]), str(best[1]), str(best[2]), str(best[3]))

    async def recipient_for(self, channel: str, chat_id: str) -> Recipient | None:
        """The newest account behind a chat, reachable or not."""
        i = t.identities.c
        row = await self.sql.first(
            select(i.id, i.channel, i.chat_id, i.locale, i.unreachable)
            .where(i.channel == channel, i.chat_id == chat_id)
            .order_by(i.id.desc())
            .limit(1)
        )
        if row is None:
            return None
        return Recipient(int(row[0]), str(row[1]), str(row[2]), str(row[3]), bool(row[4]))

    async def accounts_of(self, person_ids: Sequence[int]) -> list[ChannelIdentity]:
        """Every account of these people, reachable or not, by channel."""
        if not person_ids:
            return []
        rows = await self.sql.all(
            select_model(t.identities, ChannelIdentity)
            .where(t.identities.c.person_id.in_(list(person_ids)))
            .order_by(t.identities.c.channel, t.identities.c.id)
        )
        return [ChannelIdentity.model_validate(dict(zip(_IDENTITY, r, strict=True))) for r in rows]
