"""Places: provinces, communes, villages and the communes' recognition targets.

The `find_*` lookups find a place by the name an administrator types: one lookup for every
command (units, targets, users, invites, exports, digests). "kim lien", "Xa Kim Lien" and
"Xã Kim Liên" find the same commune; "Sen 1" finds "Thôn Sen 1". A name that could mean
several places is refused with the candidates listed, never guessed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

from sqlalchemy import Table, bindparam, select, update

from conversations.domain import Commune, Province, Village
from conversations.places import pick, split_prefix
from conversations.text import clean, fold
from storage import tables as t
from storage.fastsql import Statement
from storage.sql import Repository, columns_of, select_model, to_model

UnitKind = Literal["province", "commune", "village"]
_TABLES: dict[UnitKind, Table] = {
    "province": t.provinces,
    "commune": t.communes,
    "village": t.villages,
}
_PARENT: dict[UnitKind, str | None] = {
    "province": None,
    "commune": "province_id",
    "village": "commune_id",
}
_VILLAGE = columns_of(Village)
# Read when an assessment starts (compiled: storage.fastsql).
COMMUNE = Statement(
    lambda d: select_model(t.communes, Commune).where(t.communes.c.id == bindparam("commune_id"))
)
VILLAGE = Statement(
    lambda d: select_model(t.villages, Village).where(t.villages.c.id == bindparam("village_id"))
)


class PlaceError(LookupError):
    """No such place, or several: the message says which and lists the candidates."""


@dataclass(frozen=True)
class Unit:
    """A place as stored, with the folded name it is matched by (the units import)."""

    id: int
    name: str
    name_key: str
    difficult_area: bool = False
    # The real totals (None: not known yet): households and clans of a village, villages of a
    # commune.
    households_total: int | None = None
    clans_total: int | None = None
    villages_total: int | None = None


class PlaceRepository(Repository):
    # --- reading ---

    async def commune(self, commune_id: int) -> Commune | None:
        return to_model(Commune, await self.sql.one(COMMUNE, {"commune_id": commune_id}))

    async def commune_name(self, commune_id: int) -> str:
        name = await self.sql.scalar(select(t.communes.c.name).where(t.communes.c.id == commune_id))
        return str(name or "")

    async def village(self, village_id: int) -> Village | None:
        return to_model(Village, await self.sql.one(VILLAGE, {"village_id": village_id}))

    async def villages(self, commune_id: int) -> list[Village]:
        rows = await self.sql.all(
            select_model(t.villages, Village)
            .where(t.villages.c.commune_id == commune_id)
            .order_by(t.villages.c.id)
        )
        return [Village.model_validate(dict(zip(_VILLAGE, r, strict=True))) for r in rows]

    async def units(self, kind: UnitKind, parent_id: int | None = None) -> list[Unit]:
        """Every province, or the communes of a province, or the villages of a commune."""
        table = _TABLES[kind]
        extra = {
            "province": [],
            "commune": [t.communes.c.difficult_area, t.communes.c.villages_total],
            "village": [t.villages.c.households_total, t.villages.c.clans_total],
        }[kind]
        stmt = select(table.c.id, table.c.name, table.c.name_key, *extra)
        parent = _PARENT[kind]
        if parent is not None:
            stmt = stmt.where(table.c[parent] == parent_id)
        rows = await self.sql.all(stmt.order_by(table.c.id))
        units = []
        for r in rows:
            unit = Unit(int(r[0]), str(r[1]), str(r[2]))
            if kind == "commune":
                unit = Unit(unit.id, unit.name, unit.name_key, bool(r[3]), villages_total=r[4])
            elif kind == "village":
                unit = Unit(
                    unit.id, unit.name, unit.name_key, households_total=r[3], clans_total=r[4]
                )
            units.append(unit)
        return units

    # --- writing ---

    async def ensure_province(self, name: str) -> Province:
        key = fold(name)
        found = await self.sql.first(
            select(t.provinces.c.id, t.provinces.c.name).where(t.provinces.c.name_key == key)
        )
        if found is None:
            found = await self.sql.first(
                t.provinces.insert()
                .values(name=clean(name), name_key=key)
                .returning(t.provinces.c.id, t.provinces.c.name)
            )
        return Province(id=int(found[0]), name=str(found[1]))

    async def ensure_commune(self, province_id: int, name: str, difficult_area: bool) -> Commune:
        c = t.communes.c
        key = fold(name)
        commune_id = await self.sql.scalar(
            select(c.id).where(c.province_id == province_id, c.name_key == key)
        )
        if commune_id is None:
            commune_id = await self.sql.scalar(
                t.communes.insert()
                .values(
                    province_id=province_id,
                    name=clean(name),
                    name_key=key,
                    difficult_area=difficult_area,
                )
                .returning(c.id)
            )
        else:
            await self.set_difficult_area(int(commune_id), difficult_area)
        commune = await self.commune(int(commune_id))
        assert commune is not None
        return commune

    async def ensure_village(self, commune_id: int, name: str) -> Village:
        v = t.villages.c
        key = fold(name)
        found = await self.sql.first(
            select_model(t.villages, Village).where(v.commune_id == commune_id, v.name_key == key)
        )
        if found is None:
            found = await self.sql.first(
                t.villages.insert()
                .values(commune_id=commune_id, name=clean(name), name_key=key)
                .returning(*(v[n] for n in _VILLAGE))
            )
        village = to_model(Village, found)
        assert village is not None
        return village

    async def rename(self, kind: UnitKind, unit_id: int, name: str) -> None:
        """Store a better spelling of a place's name (e.g. with its diacritics restored)."""
        table = _TABLES[kind]
        await self.sql.execute(
            update(table).where(table.c.id == unit_id).values(name=clean(name), name_key=fold(name))
        )

    async def set_difficult_area(self, commune_id: int, difficult_area: bool) -> None:
        await self.sql.execute(
            update(t.communes)
            .where(t.communes.c.id == commune_id)
            .values(difficult_area=difficult_area)
        )

    async def set_village_totals(
        self, village_id: int, households: int | None, clans: int | None
    ) -> None:
        """Every household and clan of a village (None leaves a number as it is)."""
        values = {
            k: v
            for k, v in (("households_total", households), ("clans_total", clans))
            if v is not None
        }
        if values:
            await self.sql.execute(
                update(t.villages).where(t.villages.c.id == village_id).values(**values)
            )

    async def set_villages_total(self, commune_id: int, villages: int) -> None:
        """How many villages a commune has."""
        await self.sql.execute(
            update(t.communes).where(t.communes.c.id == commune_id).values(villages_total=villages)
        )

    # --- targets ---

    async def set_target(self, commune_id: int, target_year: int, title: str, share: float) -> None:
        stmt = self.sql.upsert(t.targets).values(
            commune_id=commune_id, target_year=target_year, title=title, share=share
        )
        await self.sql.execute(
            stmt.on_conflict_do_update(
                index_elements=["commune_id", "target_year", "title"], set_={"share": share}
            )
        )

    async def targets(self, commune_id: int) -> dict[tuple[int, str], float]:
        """(target year, title) -> share in percent."""
        c = t.targets.c
        rows = await self.sql.all(
            select(c.target_year, c.title, c.share).where(c.commune_id == commune_id)
        )
        return {(int(r[0]), str(r[1])): float(r[2]) for r in rows}

    # --- finding by a typed name ---

    async def find_province(self, name: str) -> tuple[int, str]:
        """(id, name) of the province a person typed ("nghe an" for "Tỉnh Nghệ An")."""
        rows = await self.units("province")
        found = pick(rows, lambda r: r.name_key, name, "province")
        if len(found) == 1:
            return found[0].id, found[0].name
        if not found:
            raise PlaceError(f"no province named “{name}”")
        names = ", ".join(sorted(r.name for r in found))
        raise PlaceError(f"“{name}” could be {names}: write the full name")

    async def find_commune(self, name: str, province: str | None = None) -> tuple[Commune, str]:
        """The commune (and its province's name) a person typed, accent-insensitively.

        An exact match wins; otherwise "Kim Lien" also finds "Xã Kim Liên". Several matches in
        different provinces need a province.
        """
        c = t.communes.c
        rows = list(
            await self.sql.all(
                select(
                    c.id, c.province_id, c.name, c.difficult_area, c.name_key, t.provinces.c.name
                )
                .join(t.provinces, t.provinces.c.id == c.province_id)
                .order_by(c.id)
            )
        )
        return choose_commune(rows, name, province)

    async def find_village(self, commune: Commune, name: str) -> Village:
        """The village of `commune` a person typed ("sen 1" for "Thôn Sen 1")."""
        return choose_village(commune, await self.units("village", commune.id), name)


@dataclass(frozen=True)
class CommuneRef:
    """A commune found by name with its province, for the report commands."""

    id: int
    name: str
    province_id: int
    province: str


# The choosing is pure, shared with the in-memory twin (storage/memory).


def choose_commune(rows: list[Any], name: str, province: str | None) -> tuple[Commune, str]:
    """The commune meant by `name` among rows of (id, province id, name, difficult area,
    folded name, province name), ordered by id: see `PlaceRepository.find_commune`."""
    if province is not None:
        rows = pick(rows, lambda r: fold(r[5]), province, "province")
        if not rows:
            raise PlaceError(f"no province named “{province}” with communes")
    found = pick(rows, lambda r: str(r[4]), name, "commune")
    if len(found) == 1:
        r = found[0]
        commune = Commune(id=r[0], province_id=r[1], name=r[2], difficult_area=bool(r[3]))
        return commune, str(r[5])
    if not found:
        bare = split_prefix(fold(name), "commune")[1]
        near = sorted(str(r[2]) for r in rows if bare and bare in str(r[4]))[:5]
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise PlaceError(f"no commune named “{name}”{hint} (import it with `hoctap units import`)")
    if len({r[5] for r in found}) == len(found):
        provinces = ", ".join(sorted(str(r[5]) for r in found))
        raise PlaceError(
            f"{len(found)} communes are named “{name}” (in {provinces}): add --province"
        )
    names = ", ".join(sorted(f"{r[2]} ({r[5]})" for r in found))
    raise PlaceError(f"“{name}” could be {names}: write the full name")


def choose_village(commune: Commune, rows: list[Unit], name: str) -> Village:
    """The village of `commune` meant by `name` among its villages ordered by id."""
    found = pick(rows, lambda r: r.name_key, name, "village")
    if len(found) == 1:
        return Village(id=found[0].id, commune_id=commune.id, name=found[0].name)
    if found:
        names = ", ".join(sorted(r.name for r in found))
        raise PlaceError(f"“{name}” in {commune.name} could be {names}: write the full name")
    known = ", ".join(r.name for r in rows) or "none yet"
    raise PlaceError(f"no village named “{name}” in {commune.name} (its villages: {known})")
