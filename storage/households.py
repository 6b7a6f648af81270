"""Households and clans: registering, finding likely duplicates and merging them, the clans'
villages and member households. Deleting a household's personal data is storage/privacy.py."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import bindparam, func, select, update

from conversations.domain import Clan, Household
from conversations.text import clean, fold
from storage import tables as t
from storage.fastsql import Statement
from storage.media import PhotoFiles
from storage.privacy import forget_household
from storage.sql import Repository, Sql, columns_of, select_model, to_model

_HOUSEHOLD = columns_of(Household)
_h = t.households.c
# The statement every message from a household runs (compiled: storage.fastsql).
HOUSEHOLD = Statement(
    lambda d: select_model(t.households, Household).where(_h.id == bindparam("household_id"))
)
HOUSEHOLD_OF = Statement(
    lambda d: (
        select_model(t.households, Household)
        .where(_h.person_id == bindparam("person_id"), _h.deleted_at.is_(None))
        .limit(2)
    )
)


def _household(row: Sequence[Any]) -> Household:
    return Household.model_validate(dict(zip(_HOUSEHOLD, row, strict=True)))


class HouseholdRepository(Repository):
    def __init__(self, sql: Sql, files: PhotoFiles | None = None) -> None:
        super().__init__(sql)
        # The photo store whose files /xoa deletes with their rows.
        self.files = files

    # --- households ---

    async def add(
        self,
        village_id: int,
        head_name: str = "",
        *,
        person_id: int | None = None,
        phone: str | None = None,
        consent: bool = False,
    ) -> Household:
        """A household; `consent`: it agreed to the personal-data notice now (it registered
        itself)."""
        row = await self.sql.first(
            t.households.insert()
            .values(
                village_id=village_id,
                head_name=clean(head_name),
                head_name_key=fold(head_name),
                phone=phone,
                person_id=person_id,
                created_at=self.now,
                consent_at=self.now if consent else None,
            )
            .returning(*(_h[name] for name in _HOUSEHOLD))
        )
        return _household(row)

    async def register(
        self, village_id: int, head_name: str, person_id: int, phone: str | None = None
    ) -> Household:
        """A household that registered itself (it consented to the notice first)."""
        return await self.add(village_id, head_name, person_id=person_id, phone=phone, consent=True)

    async def get(self, household_id: int) -> Household | None:
        return to_model(Household, await self.sql.one(HOUSEHOLD, {"household_id": household_id}))

    async def of_person(self, person_id: int) -> Household | None:
        return to_model(Household, await self.sql.one(HOUSEHOLD_OF, {"person_id": person_id}))

    async def rename(self, household_id: int, head_name: str) -> None:
        await self.sql.execute(
            update(t.households)
            .where(_h.id == household_id)
            .values(head_name=clean(head_name), head_name_key=fold(head_name))
        )

    async def likely_duplicates(self, household: Household) -> list[Household]:
        """Households of the same village with the same head name, ignoring diacritics/case."""
        rows = await self.sql.all(
            select_model(t.households, Household)
            .where(
                _h.village_id == household.village_id,
                _h.head_name_key == fold(household.head_name),
                _h.id != household.id,
                _h.deleted_at.is_(None),
                _h.merged_into.is_(None),
            )
            .order_by(_h.id)
        )
        return [_household(r) for r in rows]

    async def merge(self, keep_id: int, duplicate_id: int) -> None:
        """Point the duplicate at the kept household; its account now speaks for the kept one."""
        duplicate_person = await self.sql.scalar(select(_h.person_id).where(_h.id == duplicate_id))
        await self.sql.execute(
            update(t.households).where(_h.id == duplicate_id).values(merged_into=keep_id)
        )
        await self.sql.execute(
            update(t.households)
            .where(_h.id == keep_id, _h.person_id.is_(None))
            .values(person_id=duplicate_person)
        )
        await self.sql.execute(
            update(t.clan_households)
            .where(t.clan_households.c.household_id == duplicate_id)
            .values(household_id=keep_id)
        )

    async def find(
        self, commune_id: int, text: str, limit: int = 8, *, village_id: int | None = None
    ) -> list[tuple[Household, str]]:
        """Households whose head's name contains `text`, ignoring diacritics and case, with
        their village's name; only one village's when `village_id` is given (a collaborator's:
        filtered here, so the limit does not fill up with other villages' "Nguyễn")."""
        in_village = () if village_id is None else (_h.village_id == village_id,)
        rows = await self.sql.all(
            select(*(_h[name] for name in _HOUSEHOLD), t.villages.c.name)
            .join(t.villages, t.villages.c.id == _h.village_id)
            .where(
                t.villages.c.commune_id == commune_id,
                _h.head_name_key.contains(fold(text), autoescape=True),
                _h.deleted_at.is_(None),
                _h.merged_into.is_(None),
                *in_village,
            )
            .order_by(_h.head_name_key)
            .limit(limit)
        )
        return [(_household(r[:-1]), str(r[-1])) for r in rows]

    async def duplicate_groups(
        self, commune_id: int, village_id: int | None = None
    ) -> list[tuple[str, str, list[int]]]:
        """(name, village, household ids oldest first) for names registered more than once."""
        v = t.villages.c
        stmt = (
            select(_h.id, _h.head_name, _h.head_name_key, v.id, v.name)
            .join(t.villages, v.id == _h.village_id)
            .where(
                v.commune_id == commune_id,
                _h.head_name_key != "",
                _h.deleted_at.is_(None),
                _h.merged_into.is_(None),
            )
            .order_by(_h.id)
        )
        if village_id is not None:
            stmt = stmt.where(_h.village_id == village_id)
        groups: dict[tuple[int, str], tuple[str, str, list[int]]] = {}
        for household_id, name, key, village, village_name in await self.sql.all(stmt):
            group = groups.setdefault((village, key), (name, village_name, []))
            group[2].append(household_id)
        return [g for g in groups.values() if len(g[2]) > 1]

    async def forget(self, household_id: int, text_questions: Sequence[str]) -> None:
        """Remove what identifies the household (/xoa); keep its anonymous counts and scores
        (storage/privacy.py)."""
        await forget_household(self.sql, self.now, household_id, text_questions, self.files)

    # --- clans ---

    async def add_clan(
        self,
        commune_id: int,
        name: str = "",
        *,
        head_name: str | None = None,
        member_count: int | None = None,
        village_ids: Sequence[int] = (),
    ) -> Clan:
        clan_id = int(
            await self.sql.scalar(
                t.clans.insert()
                .values(
                    commune_id=commune_id,
                    name=clean(name),
                    name_key=fold(name),
                    head_name=head_name,
                    member_count=member_count,
                    created_at=self.now,
                )
                .returning(t.clans.c.id)
            )
        )
        for village_id in village_ids:
            await self.add_clan_village(clan_id, village_id)
        return Clan(
            id=clan_id,
            commune_id=commune_id,
            name=clean(name),
            head_name=head_name,
            member_count=member_count,
            village_ids=tuple(village_ids),
        )

    async def update_clan(self, clan_id: int, **values: Any) -> None:
        if "name" in values:
            values["name_key"] = fold(values["name"])
        await self.sql.execute(update(t.clans).where(t.clans.c.id == clan_id).values(**values))

    async def link_clan_household(self, clan_id: int, household_id: int) -> None:
        await self.sql.execute(
            self.sql.upsert(t.clan_households)
            .values(clan_id=clan_id, household_id=household_id)
            .on_conflict_do_nothing()
        )

    async def add_clan_village(self, clan_id: int, village_id: int) -> None:
        await self.sql.execute(
            self.sql.upsert(t.clan_villages)
            .values(clan_id=clan_id, village_id=village_id)
            .on_conflict_do_nothing()
        )

    async def clan(self, clan_id: int) -> Clan | None:
        c = t.clans.c
        row = await self.sql.first(
            select(c.id, c.commune_id, c.name, c.head_name, c.member_count).where(c.id == clan_id)
        )
        if row is None:
            return None
        return Clan(
            id=row[0],
            commune_id=row[1],
            name=row[2],
            head_name=row[3],
            member_count=row[4],
            village_ids=tuple(sorted(await self.clan_village_ids(clan_id))),
        )

    async def clan_village_ids(self, clan_id: int) -> frozenset[int]:
        cv = t.clan_villages.c
        return frozenset(
            int(i)
            for i in await self.sql.scalars(select(cv.village_id).where(cv.clan_id == clan_id))
        )

    async def clan_member_stats(self, clan_id: int, year: int) -> tuple[int, int]:
        """(linked member households, of them holding a recognised GĐHT this or last year)."""
        ch, a = t.clan_households.c, t.assessments.c
        members = await self.sql.scalar(
            select(func.count()).select_from(t.clan_households).where(ch.clan_id == clan_id)
        )
        holders = await self.sql.scalar(
            select(func.count(func.distinct(a.household_id)))
            .select_from(t.assessments)
            .join(t.clan_households, ch.household_id == a.household_id)
            .where(
                ch.clan_id == clan_id,
                a.title == "household",
                # Recognition comes at the end of the year: last year's title counts too.
                a.year.in_([year, year - 1]),
                a.status == "recognised",
            )
        )
        return int(members or 0), int(holders or 0)
