"""Invites (a deep link or QR code that binds whoever opens it to a role and a place) and the
wrong codes each chat gave, so guessing codes is limited across processes."""

from __future__ import annotations

import secrets
from datetime import datetime

from pydantic import BaseModel, ConfigDict
from sqlalchemy import delete, select, update

from conversations.domain import Role
from storage import tables as t
from storage.sql import Repository, columns_of, select_model, to_model

# Typed on a phone keypad or read aloud at a meeting: no 0/O, 1/I/L.
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


class Invite(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)

    id: int
    code: str
    role: Role
    commune_id: int
    village_id: int | None = None
    # What the invite is for (issue 15): a unit (its head, or its staff as citizens), a
    # household's adult member already named (`citizen_id`).
    unit_id: int | None = None
    household_id: int | None = None
    citizen_id: int | None = None
    max_uses: int | None = None
    uses: int = 0
    expires_at: datetime | None = None
    revoked_at: datetime | None = None

    def usable(self, now: datetime) -> bool:
        if self.revoked_at is not None:
            return False
        if self.expires_at is not None and self.expires_at <= now:
            return False
        return self.max_uses is None or self.uses < self.max_uses


def normalise_code(text: str) -> str:
    return "".join(ch for ch in text.upper() if ch.isalnum())


_INVITE = columns_of(Invite)
_i = t.invites.c
_tries = t.invite_attempts.c


class InviteRepository(Repository):
    async def add(
        self,
        role: Role,
        commune_id: int,
        *,
        village_id: int | None = None,
        max_uses: int | None = 1,
        expires_at: datetime | None = None,
        created_by: int | None = None,
        unit_id: int | None = None,
        household_id: int | None = None,
        citizen_id: int | None = None,
    ) -> Invite:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        row = await self.sql.first(
            t.invites.insert()
            .values(
                code=code,
                role=role,
                commune_id=commune_id,
                village_id=village_id,
                unit_id=unit_id,
                household_id=household_id,
                citizen_id=citizen_id,
                max_uses=max_uses,
                uses=0,
                expires_at=expires_at,
                created_by=created_by,
                created_at=self.now,
            )
            .returning(*(_i[name] for name in _INVITE))
        )
        invite = to_model(Invite, row)
        assert invite is not None
        return invite

    async def get(self, code: str) -> Invite | None:
        return to_model(
            Invite,
            await self.sql.first(
                select_model(t.invites, Invite).where(_i.code == normalise_code(code))
            ),
        )

    async def of_commune(self, commune_id: int) -> list[Invite]:
        rows = await self.sql.all(
            select_model(t.invites, Invite).where(_i.commune_id == commune_id).order_by(_i.id)
        )
        return [Invite.model_validate(dict(zip(_INVITE, r, strict=True))) for r in rows]

    async def use(self, invite_id: int) -> bool:
        """Count one use; False if it was used up meanwhile (two people, one personal link)."""
        return bool(
            await self.sql.rowcount(
                update(t.invites)
                .where(_i.id == invite_id, _i.max_uses.is_(None) | (_i.uses < _i.max_uses))
                .values(uses=_i.uses + 1)
            )
        )

    async def revoke(self, code: str) -> bool:
        return bool(
            await self.sql.rowcount(
                update(t.invites)
                .where(_i.code == normalise_code(code), _i.revoked_at.is_(None))
                .values(revoked_at=self.now)
            )
        )

    # --- wrong codes (guessing is limited per chat) ---

    async def failures(self, channel: str, chat_id: str, since: datetime) -> list[datetime]:
        """When this chat gave a wrong invite code, since `since`, oldest first."""
        return await self.sql.scalars(
            select(_tries.at)
            .where(_tries.channel == channel, _tries.chat_id == chat_id, _tries.at > since)
            .order_by(_tries.at)
        )

    async def record_failure(self, channel: str, chat_id: str, forget_before: datetime) -> None:
        """Count a wrong code; rows older than `forget_before` (of every chat) no longer
        matter and are removed, so the table stays small and keeps no old chat ids."""
        await self.sql.execute(delete(t.invite_attempts).where(_tries.at < forget_before))
        await self.sql.execute(
            t.invite_attempts.insert().values(channel=channel, chat_id=chat_id, at=self.now)
        )
