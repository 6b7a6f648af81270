"""Units and citizens in memory: storage/subjects.py's `SubjectRepository`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conversations.domain import Citizen, LearningUnit, LearningUnitKind
from conversations.text import clean, fold
from storage.memory.data import MemoryRepository, Row, insert, model, models
from storage.memory.privacy import forget_citizen
from storage.subjects import ADULTS_QUESTION, VillageFacts


class MemorySubjects(MemoryRepository):
    async def forget_citizen(self, citizen_id: int, text_questions: Sequence[str]) -> None:
        forget_citizen(self.data, self.now, citizen_id, text_questions, self.tx.files)

    # --- units ---

    async def add_unit(
        self,
        commune_id: int,
        name: str,
        kind: LearningUnitKind = "other",
        staff_total: int | None = None,
    ) -> LearningUnit:
        key = fold(name)
        if any(
            u["commune_id"] == commune_id and u["name_key"] == key for u in self.data.units.values()
        ):
            raise ValueError(f"the commune has a unit named {name} (uq_units_commune_id)")
        row = insert(
            self.data.units,
            {
                "commune_id": commune_id,
                "name": clean(name),
                "name_key": key,
                "kind": kind,
                "staff_total": staff_total,
                "head_person_id": None,
                "created_at": self.now,
            },
        )
        unit = model(LearningUnit, row)
        assert unit is not None
        return unit

    async def unit(self, unit_id: int) -> LearningUnit | None:
        return model(LearningUnit, self.data.units.get(unit_id))

    async def find_unit(self, commune_id: int, name: str) -> LearningUnit | None:
        key = fold(name)
        for _, row in sorted(self.data.units.items()):
            if row["commune_id"] == commune_id and row["name_key"] == key:
                return model(LearningUnit, row)
        return None

    async def units(self, commune_id: int) -> list[LearningUnit]:
        rows = [u for _, u in sorted(self.data.units.items()) if u["commune_id"] == commune_id]
        rows.sort(key=lambda u: (str(u["name_key"]), int(u["id"])))
        return models(LearningUnit, rows)

    async def update_unit(self, unit_id: int, **values: Any) -> None:
        if "name" in values:
            values["name"] = clean(values["name"])
            values["name_key"] = fold(values["name"])
        row = self.data.units.get(unit_id)
        if row is not None:
            row.update(values)

    async def unit_of_head(self, person_id: int) -> LearningUnit | None:
        for _, row in sorted(self.data.units.items()):
            if row["head_person_id"] == person_id:
                return model(LearningUnit, row)
        return None

    async def set_unit_head(self, unit_id: int, person_id: int) -> None:
        self.data.units[unit_id]["head_person_id"] = person_id

    # --- citizens ---

    async def add_citizen(
        self,
        commune_id: int,
        name: str,
        *,
        household_id: int | None = None,
        unit_id: int | None = None,
        village_id: int | None = None,
        person_id: int | None = None,
        birth_year: int | None = None,
    ) -> Citizen:
        row = insert(
            self.data.citizens,
            {
                "commune_id": commune_id,
                "name": clean(name),
                "name_key": fold(name),
                "household_id": household_id,
                "unit_id": unit_id,
                "village_id": village_id,
                "person_id": person_id,
                "birth_year": birth_year,
                "created_at": self.now,
                "deleted_at": None,
            },
        )
        citizen = model(Citizen, row)
        assert citizen is not None
        return citizen

    async def citizen(self, citizen_id: int) -> Citizen | None:
        return model(Citizen, self.data.citizens.get(citizen_id))

    async def citizen_of_person(self, person_id: int) -> Citizen | None:
        for _, row in sorted(self.data.citizens.items()):
            if row["person_id"] == person_id and row["deleted_at"] is None:
                return model(Citizen, row)
        return None

    async def bind_citizen(
        self, citizen_id: int, person_id: int, *, birth_year: int | None = None
    ) -> None:
        row = self.data.citizens[citizen_id]
        row["person_id"] = person_id
        if birth_year is not None:
            row["birth_year"] = birth_year

    async def rename_citizen(self, citizen_id: int, name: str) -> None:
        row = self.data.citizens.get(citizen_id)
        if row is not None:
            row.update(name=clean(name), name_key=fold(name))

    def _members(self, household_id: int) -> list[Row]:
        return [
            c
            for _, c in sorted(self.data.citizens.items())
            if c["household_id"] == household_id and c["deleted_at"] is None
        ]

    async def members(self, household_id: int) -> list[Citizen]:
        return models(Citizen, self._members(household_id))

    def _holds(self, title: str, year: int, column: str, subject_id: Any) -> bool:
        """Whether the subject holds the title this year or last."""
        return any(
            a[column] == subject_id
            and a["title"] == title
            and a["year"] in (year, year - 1)
            and a["status"] == "recognised"
            for a in self.data.assessments.values()
        )

    async def holders(self, household_id: int, year: int) -> list[Citizen]:
        rows = [
            c
            for c in self._members(household_id)
            if self._holds("citizen", year, "citizen_id", c["id"])
        ]
        return models(Citizen, rows)

    async def village_facts(self, village_id: int, year: int) -> VillageFacts:
        village = self.data.villages.get(village_id, {})
        households = [
            h
            for h in self.data.households.values()
            if h["village_id"] == village_id
            and h["deleted_at"] is None
            and h["merged_into"] is None
        ]
        clans = {c for c, v in self.data.clan_villages if v == village_id}
        clans_total = village.get("clans_total")
        if clans_total is None:
            clans_total = len(clans) or None
        adults = [
            c
            for c in self.data.citizens.values()
            if c["village_id"] == village_id
            and c["household_id"] is not None
            and c["deleted_at"] is None
        ]
        live = {h["id"] for h in households}
        counted = [
            a["answers"].get(ADULTS_QUESTION)
            for a in self.data.assessments.values()
            if a["title"] == "household" and a["year"] == year and a["household_id"] in live
        ]
        known = [n for n in counted if isinstance(n, int)]
        return VillageFacts(
            households_total=village.get("households_total"),
            gdht_households=sum(
                self._holds("household", year, "household_id", h["id"]) for h in households
            ),
            clans_total=clans_total,
            dhht_clans=sum(self._holds("clan", year, "clan_id", c) for c in clans),
            adults_total=sum(known) if live and len(known) >= len(live) else None,
            cdht_adults=sum(self._holds("citizen", year, "citizen_id", c["id"]) for c in adults),
        )

    async def unit_staff_holders(self, unit_id: int, year: int) -> int:
        staff = [
            c
            for c in self.data.citizens.values()
            if c["unit_id"] == unit_id and c["deleted_at"] is None
        ]
        return sum(self._holds("citizen", year, "citizen_id", c["id"]) for c in staff)
