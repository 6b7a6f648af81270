"""People and places in memory: storage/people.py and storage/places.py, for what the chat
path uses. Finding a place by a typed name shares the SQL repository's choosing."""

from __future__ import annotations

from conversations.domain import Commune, Person, Province, Role, Village
from conversations.text import clean, fold
from storage.memory.data import MemoryRepository, insert, model, models
from storage.places import Unit, choose_commune, choose_village


class MemoryPeople(MemoryRepository):
    async def add(
        self,
        name: str,
        role: Role,
        *,
        commune_id: int | None = None,
        village_id: int | None = None,
        phone: str | None = None,
    ) -> Person:
        row = insert(
            self.data.people,
            {
                "name": clean(name),
                "role": role,
                "commune_id": commune_id,
                "village_id": village_id,
                "phone": phone,
                "locale": "vi",
                "disabled": False,
                "created_at": self.now,
            },
        )
        person = model(Person, row)
        assert person is not None
        return person

    async def get(self, person_id: int) -> Person | None:
        return model(Person, self.data.people.get(person_id))

    async def to_tell(
        self, commune_id: int, role: Role, village_id: int | None = None
    ) -> list[int]:
        return [
            person_id
            for person_id, p in sorted(self.data.people.items())
            if p["commune_id"] == commune_id
            and p["role"] == role
            and not p["disabled"]
            and (village_id is None or p["village_id"] in (village_id, None))
        ]


class MemoryPlaces(MemoryRepository):
    async def commune(self, commune_id: int) -> Commune | None:
        return model(Commune, self.data.communes.get(commune_id))

    async def village(self, village_id: int) -> Village | None:
        return model(Village, self.data.villages.get(village_id))

    async def villages(self, commune_id: int) -> list[Village]:
        rows = sorted(self.data.villages.items())
        return models(Village, [v for _, v in rows if v["commune_id"] == commune_id])

    async def ensure_province(self, name: str) -> Province:
        key = fold(name)
        for row in self.data.provinces.values():
            if row["name_key"] == key:
                return Province(id=row["id"], name=row["name"])
        row = insert(self.data.provinces, {"name": clean(name), "name_key": key})
        return Province(id=row["id"], name=row["name"])

    async def ensure_commune(self, province_id: int, name: str, difficult_area: bool) -> Commune:
        key = fold(name)
        found = next(
            (
                c
                for c in self.data.communes.values()
                if c["province_id"] == province_id and c["name_key"] == key
            ),
            None,
        )
        if found is None:
            found = insert(
                self.data.communes,
                {"province_id": province_id, "name": clean(name), "name_key": key},
            )
        found["difficult_area"] = difficult_area
        commune = model(Commune, found)
        assert commune is not None
        return commune

    async def ensure_village(self, commune_id: int, name: str) -> Village:
        key = fold(name)
        found = next(
            (
                v
                for v in self.data.villages.values()
                if v["commune_id"] == commune_id and v["name_key"] == key
            ),
            None,
        )
        if found is None:
            found = insert(
                self.data.villages, {"commune_id": commune_id, "name": clean(name), "name_key": key}
            )
        village = model(Village, found)
        assert village is not None
        return village

    async def find_commune(self, name: str, province: str | None = None) -> tuple[Commune, str]:
        provinces = self.data.provinces
        rows = [
            (
                c["id"],
                c["province_id"],
                c["name"],
                c["difficult_area"],
                c["name_key"],
                provinces[c["province_id"]]["name"],
            )
            for _, c in sorted(self.data.communes.items())
        ]
        return choose_commune(rows, name, province)

    async def find_village(self, commune: Commune, name: str) -> Village:
        units = [
            Unit(v["id"], v["name"], v["name_key"])
            for _, v in sorted(self.data.villages.items())
            if v["commune_id"] == commune.id
        ]
        return choose_village(commune, units, name)
