"""Households and clans in memory: storage/households.py's `HouseholdRepository`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conversations.domain import Clan, Household
from conversations.text import clean, fold
from storage.memory.data import MemoryRepository, Row, insert, model, models
from storage.memory.privacy import forget_household


class MemoryHouseholds(MemoryRepository):
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
        row = insert(
            self.data.households,
            {
                "village_id": village_id,
                "head_name": clean(head_name),
                "head_name_key": fold(head_name),
                "phone": phone,
                "person_id": person_id,
                "created_at": self.now,
                "deleted_at": None,
                "consent_at": self.now if consent else None,
                "merged_into": None,
            },
        )
        household = model(Household, row)
        assert household is not None
        return household

    async def register(
        self, village_id: int, head_name: str, person_id: int, phone: str | None = None
    ) -> Household:
        return await self.add(village_id, head_name, person_id=person_id, phone=phone, consent=True)

    async def get(self, household_id: int) -> Household | None:
        return model(Household, self.data.households.get(household_id))

    def _live(self) -> list[Row]:
        """Households neither deleted nor merged into another, by id."""
        return [
            h
            for _, h in sorted(self.data.households.items())
            if h["deleted_at"] is None and h["merged_into"] is None
        ]

    async def of_person(self, person_id: int) -> Household | None:
        for _, row in sorted(self.data.households.items()):
            if row["person_id"] == person_id and row["deleted_at"] is None:
                return model(Household, row)
        return None

    async def rename(self, household_id: int, head_name: str) -> None:
        row = self.data.households.get(household_id)
        if row is not None:
            row.update(head_name=clean(head_name), head_name_key=fold(head_name))

    async def likely_duplicates(self, household: Household) -> list[Household]:
        key = fold(household.head_name)
        rows = [
            h
            for h in self._live()
            if h["village_id"] == household.village_id
            and h["head_name_key"] == key
            and h["id"] != household.id
        ]
        return models(Household, rows)

    async def merge(self, keep_id: int, duplicate_id: int) -> None:
        households = self.data.households
        duplicate = households.get(duplicate_id)
        duplicate_person = duplicate["person_id"] if duplicate is not None else None
        if duplicate is not None:
            duplicate["merged_into"] = keep_id
        kept = households.get(keep_id)
        if kept is not None and kept["person_id"] is None:
            kept["person_id"] = duplicate_person
        links = self.data.clan_households
        for clan_id, household_id in list(links):
            if household_id == duplicate_id:
                links.discard((clan_id, household_id))
                links.add((clan_id, keep_id))

    async def find(
        self, commune_id: int, text: str, limit: int = 8, *, village_id: int | None = None
    ) -> list[tuple[Household, str]]:
        villages = self.data.villages
        key = fold(text)
        rows = [
            h
            for h in self._live()
            if villages[h["village_id"]]["commune_id"] == commune_id
            and key in h["head_name_key"]
            and village_id in (None, h["village_id"])
        ]
        rows.sort(key=lambda h: str(h["head_name_key"]))
        return [
            (household, str(villages[household.village_id]["name"]))
            for household in models(Household, rows[:limit])
        ]

    async def duplicate_groups(
        self, commune_id: int, village_id: int | None = None
    ) -> list[tuple[str, str, list[int]]]:
        villages = self.data.villages
        groups: dict[tuple[int, str], tuple[str, str, list[int]]] = {}
        for h in self._live():
            village = villages[h["village_id"]]
            if village["commune_id"] != commune_id or h["head_name_key"] == "":
                continue
            if village_id is not None and h["village_id"] != village_id:
                continue
            group = groups.setdefault(
                (village["id"], h["head_name_key"]), (h["head_name"], village["name"], [])
            )
            group[2].append(h["id"])
        return [g for g in groups.values() if len(g[2]) > 1]

    async def forget(self, household_id: int, text_questions: Sequence[str]) -> None:
        forget_household(self.data, self.now, household_id, text_questions, self.tx.files)

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
        row = insert(
            self.data.clans,
            {
                "commune_id": commune_id,
                "name": clean(name),
                "name_key": fold(name),
                "head_name": head_name,
                "member_count": member_count,
                "created_at": self.now,
            },
        )
        for village_id in village_ids:
            await self.add_clan_village(row["id"], village_id)
        return Clan(
            id=row["id"],
            commune_id=commune_id,
            name=clean(name),
            head_name=head_name,
            member_count=member_count,
            village_ids=tuple(village_ids),
        )

    async def update_clan(self, clan_id: int, **values: Any) -> None:
        if "name" in values:
            values["name_key"] = fold(values["name"])
        row = self.data.clans.get(clan_id)
        if row is not None:
            row.update(values)

    async def link_clan_household(self, clan_id: int, household_id: int) -> None:
        self.data.clan_households.add((clan_id, household_id))

    async def add_clan_village(self, clan_id: int, village_id: int) -> None:
        self.data.clan_villages.add((clan_id, village_id))

    async def clan(self, clan_id: int) -> Clan | None:
        row = self.data.clans.get(clan_id)
        if row is None:
            return None
        return Clan(
            id=row["id"],
            commune_id=row["commune_id"],
            name=row["name"],
            head_name=row["head_name"],
            member_count=row["member_count"],
            village_ids=tuple(sorted(await self.clan_village_ids(clan_id))),
        )

    async def clan_village_ids(self, clan_id: int) -> frozenset[int]:
        return frozenset(v for c, v in self.data.clan_villages if c == clan_id)

    async def clan_member_stats(self, clan_id: int, year: int) -> tuple[int, int]:
        members = {h for c, h in self.data.clan_households if c == clan_id}
        holders = {
            a["household_id"]
            for a in self.data.assessments.values()
            if a["household_id"] in members
            and a["title"] == "household"
            # Recognition comes at the end of the year: last year's title counts too.
            and a["year"] in (year, year - 1)
            and a["status"] == "recognised"
        }
        return len(members), len(holders)
