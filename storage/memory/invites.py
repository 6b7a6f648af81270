"""Invites and the wrong codes each chat gave, in memory: storage/invites.py's
`InviteRepository`."""

from __future__ import annotations

import secrets
from datetime import datetime

from conversations.domain import Role
from storage.invites import CODE_ALPHABET, CODE_LENGTH, Invite, normalise_code
from storage.memory.data import MemoryRepository, insert, model, models, utc


class MemoryInvites(MemoryRepository):
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
        row = insert(
            self.data.invites,
            {
                "code": code,
                "role": role,
                "commune_id": commune_id,
                "village_id": village_id,
                "unit_id": unit_id,
                "household_id": household_id,
                "citizen_id": citizen_id,
                "max_uses": max_uses,
                "uses": 0,
                "expires_at": utc(expires_at) if expires_at else None,
                "revoked_at": None,
                "created_by": created_by,
                "created_at": self.now,
            },
        )
        invite = model(Invite, row)
        assert invite is not None
        return invite

    async def get(self, code: str) -> Invite | None:
        wanted = normalise_code(code)
        found = (row for row in self.data.invites.values() if row["code"] == wanted)
        return model(Invite, next(found, None))

    async def of_commune(self, commune_id: int) -> list[Invite]:
        rows = sorted(self.data.invites.items())
        return models(Invite, [row for _, row in rows if row["commune_id"] == commune_id])

    async def use(self, invite_id: int) -> bool:
        row = self.data.invites.get(invite_id)
        if row is None or (row["max_uses"] is not None and row["uses"] >= row["max_uses"]):
            return False
        row["uses"] += 1
        return True

    async def revoke(self, code: str) -> bool:
        wanted = normalise_code(code)
        for row in self.data.invites.values():
            if row["code"] == wanted and row["revoked_at"] is None:
                row["revoked_at"] = self.now
                return True
        return False

    # --- wrong codes (guessing is limited per chat) ---

    async def failures(self, channel: str, chat_id: str, since: datetime) -> list[datetime]:
        return sorted(
            row["at"]
            for row in self.data.invite_attempts.values()
            if row["channel"] == channel and row["chat_id"] == chat_id and row["at"] > since
        )

    async def record_failure(self, channel: str, chat_id: str, forget_before: datetime) -> None:
        attempts = self.data.invite_attempts
        for attempt_id in [i for i, row in attempts.items() if row["at"] < forget_before]:
            del attempts[attempt_id]
        insert(attempts, {"channel": channel, "chat_id": chat_id, "at": self.now})
