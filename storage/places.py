"""Finding a province, commune or village by the name an administrator types: one lookup for
every command (units, targets, users, invites, exports, digests).

"kim lien", "Xa Kim Lien" and "Xã Kim Liên" find the same commune; "Sen 1" finds "Thôn Sen 1".
A name that could mean several places is refused with the candidates listed, never guessed.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from conversations.domain import Commune, Village
from conversations.places import pick, split_prefix
from conversations.text import fold
from storage.tables import CommuneRow, ProvinceRow, VillageRow


class PlaceError(LookupError):
    """No such place, or several: the message says which and lists the candidates."""


async def find_province(session: AsyncSession, name: str) -> tuple[int, str]:
    """(id, name) of the province a person typed ("nghe an" for "Tỉnh Nghệ An")."""
    rows = list(
        (
            await session.execute(select(ProvinceRow.id, ProvinceRow.name_key, ProvinceRow.name))
        ).all()
    )
    found = pick(rows, lambda r: str(r.name_key), name, "province")
    if len(found) == 1:
        return int(found[0].id), str(found[0].name)
    if not found:
        raise PlaceError(f"no province named “{name}”")
    names = ", ".join(sorted(str(r.name) for r in found))
    raise PlaceError(f"“{name}” could be {names}: write the full name")


async def find_commune(
    session: AsyncSession, name: str, province: str | None = None
) -> tuple[Commune, str]:
    """The commune (and its province's name) a person typed, accent-insensitively.

    An exact match wins; otherwise "Kim Lien" also finds "Xã Kim Liên". Several matches in
    different provinces need a province.
    """
    stmt = select(CommuneRow, ProvinceRow.name).join(
        ProvinceRow, ProvinceRow.id == CommuneRow.province_id
    )
    rows = list((await session.execute(stmt)).all())
    if province is not None:
        rows = pick(rows, lambda r: fold(r[1]), province, "province")
        if not rows:
            raise PlaceError(f"no province named “{province}” with communes")
    found = pick(rows, lambda r: r[0].name_key, name, "commune")
    if len(found) == 1:
        commune, province_name = found[0]
        return Commune.model_validate(commune), str(province_name)
    if not found:
        bare = split_prefix(fold(name), "commune")[1]
        near = sorted(r[0].name for r in rows if bare and bare in r[0].name_key)[:5]
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise PlaceError(f"no commune named “{name}”{hint} (import it with `hoctap units import`)")
    if len({r[1] for r in found}) == len(found):
        provinces = ", ".join(sorted(str(r[1]) for r in found))
        raise PlaceError(
            f"{len(found)} communes are named “{name}” (in {provinces}): add --province"
        )
    names = ", ".join(sorted(f"{r[0].name} ({r[1]})" for r in found))
    raise PlaceError(f"“{name}” could be {names}: write the full name")


async def find_village(session: AsyncSession, commune: Commune, name: str) -> Village:
    """The village of `commune` a person typed ("sen 1" for "Thôn Sen 1")."""
    rows = list(
        await session.scalars(
            select(VillageRow).where(VillageRow.commune_id == commune.id).order_by(VillageRow.id)
        )
    )
    found = pick(rows, lambda r: str(r.name_key), name, "village")
    if len(found) == 1:
        return Village.model_validate(found[0])
    if found:
        names = ", ".join(sorted(str(r.name) for r in found))
        raise PlaceError(f"“{name}” in {commune.name} could be {names}: write the full name")
    known = ", ".join(str(r.name) for r in rows) or "none yet"
    raise PlaceError(f"no village named “{name}” in {commune.name} (its villages: {known})")
