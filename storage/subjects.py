"""The subjects issue 15 added beside households and clans: units ("Đơn vị học tập": offices,
schools, health stations, the People's Committee, enterprises) and citizens ("Công dân học
tập": a household's adult member or a unit's staff member), and what the bot counts for a
village's "Cộng đồng học tập". Deleting a citizen's personal data is storage/privacy.py."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, bindparam, func, select, update

from conversations.domain import Citizen, LearningUnit, LearningUnitKind
from conversations.text import clean, fold
from storage import tables as t
from storage.fastsql import Statement
from storage.media import PhotoFiles
from storage.privacy import forget_citizen
from storage.sql import Repository, Sql, columns_of, select_model, to_model

_UNIT = columns_of(LearningUnit)
_CITIZEN = columns_of(Citizen)
_u, _c, _a = t.units.c, t.citizens.c, t.assessments.c
# The statements every message from a unit's head or a citizen runs (compiled: storage.fastsql).
UNIT_OF_HEAD = Statement(
    lambda d: (
        select_model(t.units, LearningUnit)
        .where(_u.head_person_id == bindparam("person_id"))
        .order_by(_u.id)
        .limit(1)
    )
)
CITIZEN_OF_PERSON = Statement(
    lambda d: (
        select_model(t.citizens, Citizen)
        .where(_c.person_id == bindparam("person_id"), _c.deleted_at.is_(None))
        .order_by(_c.id)
        .limit(1)
    )
)


@dataclass(frozen=True)
class VillageFacts:
    """What the bot knows of a village for its "Cộng đồng học tập" form: each share's base and
    how many hold the title (recognised this year or last: recognition comes at the end of
    the year). A total is None when not known (units import), so the share is asked instead."""

    households_total: int | None
    gdht_households: int
    clans_total: int | None
    dhht_clans: int
    # Working people of the village's registered families as their forms of the year count
    # them (the digest's base); None until every registered household gave the figure.
    adults_total: int | None
    # The village's households' adults holding "Công dân học tập".
    cdht_adults: int


def _unit(row: Sequence[Any] | None) -> LearningUnit | None:
    return to_model(LearningUnit, row)


def _citizen(row: Sequence[Any]) -> Citizen:
    return Citizen.model_validate(dict(zip(_CITIZEN, row, strict=True)))


# The household form's profile question counting its adults aged 19 to 60 (packs/gdht-448.yaml):
# the family's working people, the base of Công dân học tập in families.
ADULTS_QUESTION = "adults"


def holding(title: str, year: int) -> tuple[ColumnElement[bool], ...]:
    """An assessment that gives its subject the title this year or last."""
    return (_a.title == title, _a.year.in_([year, year - 1]), _a.status == "recognised")


class SubjectRepository(Repository):
    def __init__(self, sql: Sql, files: PhotoFiles | None = None) -> None:
        super().__init__(sql)
        # The photo store whose files /xoa deletes with their rows.
        self.files = files

    async def forget_citizen(self, citizen_id: int, text_questions: Sequence[str]) -> None:
        """Remove what identifies the person (/xoa); keep their anonymous counts and scores
        (storage/privacy.py)."""
        await forget_citizen(self.sql, self.now, citizen_id, text_questions, self.files)

    # --- units ---

    async def add_unit(
        self,
        commune_id: int,
        name: str,
        kind: LearningUnitKind = "other",
        staff_total: int | None = None,
    ) -> LearningUnit:
        row = await self.sql.first(
            t.units.insert()
            .values(
                commune_id=commune_id,
                name=clean(name),
                name_key=fold(name),
                kind=kind,
                staff_total=staff_total,
                created_at=self.now,
            )
            .returning(*(_u[name] for name in _UNIT))
        )
        unit = _unit(row)
        assert unit is not None
        return unit

    async def unit(self, unit_id: int) -> LearningUnit | None:
        return _unit(
            await self.sql.first(select_model(t.units, LearningUnit).where(_u.id == unit_id))
        )

    async def find_unit(self, commune_id: int, name: str) -> LearningUnit | None:
        """The commune's unit of this name, ignoring case and diacritics."""
        return _unit(
            await self.sql.first(
                select_model(t.units, LearningUnit).where(
                    _u.commune_id == commune_id, _u.name_key == fold(name)
                )
            )
        )

    async def units(self, commune_id: int) -> list[LearningUnit]:
        rows = await self.sql.all(
            select_model(t.units, LearningUnit)
            .where(_u.commune_id == commune_id)
            .order_by(_u.name_key, _u.id)
        )
        return [u for u in (_unit(r) for r in rows) if u is not None]

    async def update_unit(self, unit_id: int, **values: Any) -> None:
        if "name" in values:
            values["name"] = clean(values["name"])
            values["name_key"] = fold(values["name"])
        await self.sql.execute(update(t.units).where(_u.id == unit_id).values(**values))

    async def unit_of_head(self, person_id: int) -> LearningUnit | None:
        return _unit(await self.sql.one(UNIT_OF_HEAD, {"person_id": person_id}))

    async def set_unit_head(self, unit_id: int, person_id: int) -> None:
        await self.sql.execute(
            update(t.units).where(_u.id == unit_id).values(head_person_id=person_id)
        )

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
        row = await self.sql.first(
            t.citizens.insert()
            .values(
                commune_id=commune_id,
                name=clean(name),
                name_key=fold(name),
                household_id=household_id,
                unit_id=unit_id,
                village_id=village_id,
                person_id=person_id,
                birth_year=birth_year,
                created_at=self.now,
            )
            .returning(*(_c[name] for name in _CITIZEN))
        )
        return _citizen(row)

    async def citizen(self, citizen_id: int) -> Citizen | None:
        return to_model(
            Citizen,
            await self.sql.first(select_model(t.citizens, Citizen).where(_c.id == citizen_id)),
        )

    async def citizen_of_person(self, person_id: int) -> Citizen | None:
        return to_model(Citizen, await self.sql.one(CITIZEN_OF_PERSON, {"person_id": person_id}))

    async def bind_citizen(
        self, citizen_id: int, person_id: int, *, birth_year: int | None = None
    ) -> None:
        """The person who joined as this citizen, with the year of birth they gave (kept
        as it was when not given)."""
        values: dict[str, Any] = {"person_id": person_id}
        if birth_year is not None:
            values["birth_year"] = birth_year
        await self.sql.execute(update(t.citizens).where(_c.id == citizen_id).values(**values))

    async def rename_citizen(self, citizen_id: int, name: str) -> None:
        await self.sql.execute(
            update(t.citizens)
            .where(_c.id == citizen_id)
            .values(name=clean(name), name_key=fold(name))
        )

    async def members(self, household_id: int) -> list[Citizen]:
        """A household's adult members registered as citizens, oldest first."""
        rows = await self.sql.all(
            select_model(t.citizens, Citizen)
            .where(_c.household_id == household_id, _c.deleted_at.is_(None))
            .order_by(_c.id)
        )
        return [_citizen(r) for r in rows]

    async def holders(self, household_id: int, year: int) -> list[Citizen]:
        """The household's adults holding "Công dân học tập" (this year or last)."""
        held = select(_a.citizen_id).where(_a.citizen_id.is_not(None), *holding("citizen", year))
        rows = await self.sql.all(
            select_model(t.citizens, Citizen)
            .where(_c.household_id == household_id, _c.deleted_at.is_(None), _c.id.in_(held))
            .order_by(_c.id)
        )
        return [_citizen(r) for r in rows]

    # --- a village's "Cộng đồng học tập" ---

    async def village_facts(self, village_id: int, year: int) -> VillageFacts:
        v, h, cv = t.villages.c, t.households.c, t.clan_villages.c
        row = await self.sql.first(
            select(v.households_total, v.clans_total).where(v.id == village_id)
        )
        households_total, clans_total = (row[0], row[1]) if row is not None else (None, None)
        live = (h.village_id == village_id, h.deleted_at.is_(None), h.merged_into.is_(None))
        gdht = await self.sql.scalar(
            select(func.count(func.distinct(_a.household_id)))
            .select_from(t.assessments)
            .join(t.households, h.id == _a.household_id)
            .where(*live, *holding("household", year))
        )
        clans_here = select(cv.clan_id).where(cv.village_id == village_id)
        if clans_total is None:
            # Not imported: the clans the bot knows in the village are the base.
            linked = await self.sql.scalar(
                select(func.count()).select_from(t.clan_villages).where(cv.village_id == village_id)
            )
            clans_total = int(linked) if linked else None
        dhht = await self.sql.scalar(
            select(func.count(func.distinct(_a.clan_id))).where(
                _a.clan_id.in_(clans_here), *holding("clan", year)
            )
        )
        registered = await self.sql.scalar(
            select(func.count()).select_from(t.households).where(*live)
        )
        counted = _a.answers[ADULTS_QUESTION].as_integer()
        adults_row = await self.sql.first(
            select(func.sum(counted), func.count(counted))
            .select_from(t.assessments)
            .join(t.households, h.id == _a.household_id)
            .where(*live, _a.title == "household", _a.year == year)
        )
        adults_total = None
        if registered and adults_row is not None and adults_row[1] >= registered:
            adults_total = int(adults_row[0])
        adults = (
            _c.village_id == village_id,
            _c.household_id.is_not(None),
            _c.deleted_at.is_(None),
        )
        cdht = await self.sql.scalar(
            select(func.count(func.distinct(_a.citizen_id)))
            .select_from(t.assessments)
            .join(t.citizens, _c.id == _a.citizen_id)
            .where(*adults, *holding("citizen", year))
        )
        return VillageFacts(
            households_total=households_total,
            gdht_households=int(gdht or 0),
            clans_total=clans_total,
            dhht_clans=int(dhht or 0),
            adults_total=adults_total,
            cdht_adults=int(cdht or 0),
        )

    async def unit_staff_holders(self, unit_id: int, year: int) -> int:
        """How many of the unit's staff hold "Công dân học tập" (this year or last)."""
        count = await self.sql.scalar(
            select(func.count(func.distinct(_a.citizen_id)))
            .select_from(t.assessments)
            .join(t.citizens, _c.id == _a.citizen_id)
            .where(_c.unit_id == unit_id, _c.deleted_at.is_(None), *holding("citizen", year))
        )
        return int(count or 0)
