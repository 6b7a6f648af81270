"""Invites, households joining, and the verification-to-recognition lists."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict
from sqlalchemy import ColumnElement, delete, func, or_, select, update

from conversations.domain import Assessment, AssessmentStatus, Household, Role
from conversations.text import clean, fold
from storage.privacy import forget_household
from storage.repository import HOUSEHOLD_COLUMNS, HOUSEHOLD_OF, Repository, _model
from storage.tables import (
    AssessmentRow,
    ChannelIdentityRow,
    ClanHouseholdRow,
    ClanVillageRow,
    HouseholdRow,
    InviteAttemptRow,
    InviteRow,
    PersonRow,
    VillageRow,
)

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


class WorkflowRepository(Repository):
    # --- invites -------------------------------------------------------------------------

    async def add_invite(
        self,
        role: Role,
        commune_id: int,
        *,
        village_id: int | None = None,
        max_uses: int | None = 1,
        expires_at: datetime | None = None,
        created_by: int | None = None,
    ) -> Invite:
        code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))
        row = InviteRow(
            code=code,
            role=role,
            commune_id=commune_id,
            village_id=village_id,
            max_uses=max_uses,
            uses=0,
            expires_at=expires_at,
            created_by=created_by,
            created_at=self.now,
        )
        self.s.add(row)
        await self.s.flush()
        return Invite.model_validate(row)

    async def invite(self, code: str) -> Invite | None:
        row = await self.s.scalar(select(InviteRow).where(InviteRow.code == normalise_code(code)))
        return Invite.model_validate(row) if row else None

    async def invites(self, commune_id: int) -> list[Invite]:
        rows = await self.s.scalars(
            select(InviteRow).where(InviteRow.commune_id == commune_id).order_by(InviteRow.id)
        )
        return [Invite.model_validate(r) for r in rows]

    async def use_invite(self, invite_id: int) -> bool:
        """Count one use; False if it was used up meanwhile (two people, one personal link)."""
        result = await self.s.execute(
            update(InviteRow)
            .where(
                InviteRow.id == invite_id,
                (InviteRow.max_uses.is_(None)) | (InviteRow.uses < InviteRow.max_uses),
            )
            .values(uses=InviteRow.uses + 1)
        )
        return bool(getattr(result, "rowcount", 0))

    async def revoke_invite(self, code: str) -> bool:
        result = await self.s.execute(
            update(InviteRow)
            .where(InviteRow.code == normalise_code(code), InviteRow.revoked_at.is_(None))
            .values(revoked_at=self.now)
        )
        return bool(getattr(result, "rowcount", 0))

    # --- wrong invite codes (guessing is limited per chat) --------------------------------

    async def invite_failures(self, channel: str, chat_id: str, since: datetime) -> list[datetime]:
        """When this chat gave a wrong invite code, since `since`, oldest first."""
        rows = await self.s.scalars(
            select(InviteAttemptRow.at)
            .where(
                InviteAttemptRow.channel == channel,
                InviteAttemptRow.chat_id == chat_id,
                InviteAttemptRow.at > since,
            )
            .order_by(InviteAttemptRow.at)
        )
        return list(rows)

    async def record_invite_failure(
        self, channel: str, chat_id: str, forget_before: datetime
    ) -> None:
        """Count a wrong code; rows older than `forget_before` (of every chat) no longer
        matter and are removed, so the table stays small and keeps no old chat ids."""
        await self.s.execute(delete(InviteAttemptRow).where(InviteAttemptRow.at < forget_before))
        self.s.add(InviteAttemptRow(channel=channel, chat_id=chat_id, at=self.now))
        await self.s.flush()

    # --- people and households -----------------------------------------------------------

    async def household_of(self, person_id: int) -> Household | None:
        fast = await self._fast()
        found = await fast.one(HOUSEHOLD_OF, {"person_id": person_id})
        household: Household | None = _model(Household, HOUSEHOLD_COLUMNS, found)
        return household

    async def register_household(
        self, village_id: int, head_name: str, person_id: int, phone: str | None = None
    ) -> Household:
        row = HouseholdRow(
            village_id=village_id,
            head_name=clean(head_name),
            head_name_key=fold(head_name),
            phone=phone,
            person_id=person_id,
            created_at=self.now,
            consent_at=self.now,
        )
        self.s.add(row)
        await self.s.flush()
        return Household.model_validate(row)

    async def likely_duplicates(self, household: Household) -> list[Household]:
        """Households of the same village with the same head name, ignoring diacritics/case."""
        rows = await self.s.scalars(
            select(HouseholdRow).where(
                HouseholdRow.village_id == household.village_id,
                HouseholdRow.head_name_key == fold(household.head_name),
                HouseholdRow.id != household.id,
                HouseholdRow.deleted_at.is_(None),
                HouseholdRow.merged_into.is_(None),
            )
        )
        return [Household.model_validate(r) for r in rows]

    async def merge_households(self, keep_id: int, duplicate_id: int) -> None:
        """Point the duplicate at the kept household; its account now speaks for the kept one."""
        duplicate = await self.s.get(HouseholdRow, duplicate_id)
        assert duplicate is not None
        duplicate.merged_into = keep_id
        keep = await self.s.get(HouseholdRow, keep_id)
        assert keep is not None
        if keep.person_id is None:
            keep.person_id = duplicate.person_id
        await self.s.execute(
            update(ClanHouseholdRow)
            .where(ClanHouseholdRow.household_id == duplicate_id)
            .values(household_id=keep_id)
        )

    async def people_to_tell(
        self, commune_id: int, role: Role, village_id: int | None = None
    ) -> list[int]:
        """Active people of a role in a commune; for a village, its collaborators and the
        commune-wide ones."""
        stmt = select(PersonRow.id).where(
            PersonRow.commune_id == commune_id,
            PersonRow.role == role,
            PersonRow.disabled.is_(False),
        )
        if village_id is not None:
            stmt = stmt.where(
                (PersonRow.village_id == village_id) | (PersonRow.village_id.is_(None))
            )
        return list(await self.s.scalars(stmt))

    async def identities_of(self, person_id: int) -> list[ChannelIdentityRow]:
        rows = await self.s.scalars(
            select(ChannelIdentityRow).where(
                ChannelIdentityRow.person_id == person_id,
                ChannelIdentityRow.unreachable.is_(False),
            )
        )
        return list(rows)

    async def find_households(
        self, commune_id: int, text: str, limit: int = 8
    ) -> list[tuple[Household, str]]:
        """Households whose head's name contains `text`, ignoring diacritics and case."""
        rows = await self.s.execute(
            select(HouseholdRow, VillageRow.name)
            .join(VillageRow, VillageRow.id == HouseholdRow.village_id)
            .where(
                VillageRow.commune_id == commune_id,
                HouseholdRow.head_name_key.contains(fold(text), autoescape=True),
                HouseholdRow.deleted_at.is_(None),
                HouseholdRow.merged_into.is_(None),
            )
            .order_by(HouseholdRow.head_name_key)
            .limit(limit)
        )
        return [(Household.model_validate(h), village) for h, village in rows.all()]

    async def duplicate_groups(
        self, commune_id: int, village_id: int | None = None
    ) -> list[tuple[str, str, list[int]]]:
        """(name, village, household ids oldest first) for names registered more than once."""
        stmt = (
            select(HouseholdRow.id, HouseholdRow.head_name, HouseholdRow.head_name_key, VillageRow)
            .join(VillageRow, VillageRow.id == HouseholdRow.village_id)
            .where(
                VillageRow.commune_id == commune_id,
                HouseholdRow.head_name_key != "",
                HouseholdRow.deleted_at.is_(None),
                HouseholdRow.merged_into.is_(None),
            )
            .order_by(HouseholdRow.id)
        )
        if village_id is not None:
            stmt = stmt.where(HouseholdRow.village_id == village_id)
        groups: dict[tuple[int, str], tuple[str, str, list[int]]] = {}
        for household_id, name, key, village in (await self.s.execute(stmt)).all():
            group = groups.setdefault((village.id, key), (name, village.name, []))
            group[2].append(household_id)
        return [g for g in groups.values() if len(g[2]) > 1]

    async def add_clan_village(self, clan_id: int, village_id: int) -> None:
        stmt = (
            self._insert(ClanVillageRow)
            .values(clan_id=clan_id, village_id=village_id)
            .on_conflict_do_nothing()
        )
        await self.s.execute(stmt)

    async def set_phone(self, person_id: int, phone: str) -> None:
        await self.s.execute(update(PersonRow).where(PersonRow.id == person_id).values(phone=phone))

    # --- lists for verification and recognition -----------------------------------------

    async def assessments_with_status(
        self,
        commune_id: int,
        year: int,
        statuses: Sequence[AssessmentStatus],
        *,
        village_id: int | None = None,
        limit: int = 50,
    ) -> list[Assessment]:
        stmt = select(AssessmentRow).where(
            AssessmentRow.commune_id == commune_id,
            AssessmentRow.year == year,
            AssessmentRow.status.in_(list(statuses)),
            _not_deleted(),
        )
        if village_id is not None:
            clans_here = select(ClanVillageRow.clan_id).where(
                ClanVillageRow.village_id == village_id
            )
            stmt = stmt.where(
                (AssessmentRow.village_id == village_id) | AssessmentRow.clan_id.in_(clans_here)
            )
        rows = await self.s.scalars(
            stmt.order_by(AssessmentRow.village_id, AssessmentRow.id).limit(limit)
        )
        return [Assessment.model_validate(r) for r in rows]

    async def count_with_status(
        self,
        commune_id: int,
        year: int,
        statuses: Sequence[AssessmentStatus],
        *,
        village_id: int | None = None,
    ) -> int:
        stmt = select(func.count()).where(
            AssessmentRow.commune_id == commune_id,
            AssessmentRow.year == year,
            AssessmentRow.status.in_(list(statuses)),
            _not_deleted(),
        )
        if village_id is not None:
            stmt = stmt.where(AssessmentRow.village_id == village_id)
        return int(await self.s.scalar(stmt) or 0)

    async def clan_village_ids(self, clan_id: int) -> frozenset[int]:
        rows = await self.s.scalars(
            select(ClanVillageRow.village_id).where(ClanVillageRow.clan_id == clan_id)
        )
        return frozenset(rows)

    async def update_assessment(self, assessment_id: int, **values: Any) -> None:
        await self.s.execute(
            update(AssessmentRow)
            .where(AssessmentRow.id == assessment_id)
            .values(updated_at=self.now, **values)
        )

    # --- personal data -------------------------------------------------------------------

    async def forget_household(self, household_id: int, text_questions: Sequence[str]) -> None:
        """Remove what identifies the household; keep its anonymous counts and scores."""
        await forget_household(self, household_id, text_questions)


def _not_deleted() -> ColumnElement[bool]:
    """A form of a household that deleted its data is kept for the counts, nameless; nobody
    can verify or propose it, so it leaves the working lists."""
    deleted = select(HouseholdRow.id).where(HouseholdRow.deleted_at.is_not(None))
    return or_(AssessmentRow.household_id.is_(None), AssessmentRow.household_id.not_in(deleted))
