"""What the web page reads and the one-time links into it.

A link's token is never stored, only its SHA-256: whoever copies the database learns no link
that still works. Using a link is one UPDATE that succeeds once, so two tabs (or two bot
processes) opening the same link cannot both get in.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from sqlalchemy import and_, case, delete, func, or_, select, update
from sqlalchemy.sql.elements import ColumnElement

from storage import tables as t
from storage.sql import Repository
from storage.tables import as_utc

_w, _a, _h, _c, _v = t.web_links.c, t.assessments.c, t.households.c, t.clans.c, t.villages.c
_p, _u = t.citizens.c, t.units.c

LinkState = Literal["ok", "used", "expired", "unknown"]
SortKey = Literal["name", "village", "status", "total", "updated"]
_DAY = timedelta(days=1)
SORT_KEYS: tuple[SortKey, ...] = ("name", "village", "status", "total", "updated")


@dataclass(frozen=True)
class LinkUse:
    """What opening a link found: `ok` with the person and the page, or why not."""

    state: LinkState
    person_id: int | None = None
    target: str = "/"


@dataclass(frozen=True)
class FormRow:
    """One line of a list: an assessment with its subject's name and village."""

    id: int
    title: str
    status: str
    name: str
    village: str | None
    total: float | None
    passed: bool | None
    updated_at: datetime


@dataclass(frozen=True)
class FormFilter:
    commune_id: int
    year: int
    # A collaborator's village (clans spanning it included); None: the whole commune.
    village_id: int | None = None
    status: str | None = None
    title: str | None = None
    # Folded text ("nguyen van"): matched inside the folded names.
    search: str = ""
    sort: SortKey = "name"
    descending: bool = False
    page: int = 1
    per_page: int = 50


def _name() -> Any:
    """The subject's name: the household's head, the clan, the person, the unit, the village."""
    village = case((_a.subject_kind == "village", _v.name), else_=None)
    return func.coalesce(_h.head_name, _c.name, _p.name, _u.name, village, "")


def _name_key() -> Any:
    village = case((_a.subject_kind == "village", _v.name_key), else_=None)
    return func.coalesce(_h.head_name_key, _c.name_key, _p.name_key, _u.name_key, village, "")


def _subjects() -> Any:
    return (
        t.assessments.outerjoin(t.households, _h.id == _a.household_id)
        .outerjoin(t.clans, _c.id == _a.clan_id)
        .outerjoin(t.citizens, _p.id == _a.citizen_id)
        .outerjoin(t.units, _u.id == _a.unit_id)
        .outerjoin(t.villages, _v.id == _a.village_id)
    )


def _in_village(village_id: int) -> ColumnElement[bool]:
    clans = select(t.clan_villages.c.clan_id).where(t.clan_villages.c.village_id == village_id)
    return or_(_a.village_id == village_id, _a.clan_id.in_(clans))


def _live() -> ColumnElement[bool]:
    """Not the form of a household (person) that deleted its data, nor of a merged one."""
    household = or_(
        _a.household_id.is_(None), and_(_h.deleted_at.is_(None), _h.merged_into.is_(None))
    )
    return and_(household, or_(_a.citizen_id.is_(None), _p.deleted_at.is_(None)))


class WebRepository(Repository):
    # --- one-time links -------------------------------------------------------------------

    async def add_link(
        self, token_hash: str, person_id: int, target: str, expires_at: datetime
    ) -> None:
        # Links expired a day ago are of no use to anyone: tidied as new ones are made.
        await self.sql.execute(delete(t.web_links).where(_w.expires_at < self.now - _DAY))
        await self.sql.execute(
            t.web_links.insert().values(
                token_hash=token_hash,
                person_id=person_id,
                target=target,
                expires_at=expires_at,
                created_at=self.now,
            )
        )

    async def use_link(self, token_hash: str) -> LinkUse:
        """Mark the link used, once; says why when it cannot be."""
        taken = await self.sql.rowcount(
            update(t.web_links)
            .where(_w.token_hash == token_hash, _w.used_at.is_(None), _w.expires_at > self.now)
            .values(used_at=self.now)
        )
        row = await self.sql.first(
            select(_w.person_id, _w.target, _w.used_at, _w.expires_at).where(
                _w.token_hash == token_hash
            )
        )
        if row is None:
            return LinkUse("unknown")
        if taken == 1:
            return LinkUse("ok", int(row[0]), str(row[1]))
        return LinkUse("used" if row[2] is not None else "expired")

    async def forget_links(self, person_ids: Sequence[int]) -> None:
        if person_ids:
            await self.sql.execute(delete(t.web_links).where(_w.person_id.in_(person_ids)))

    # --- who is who -----------------------------------------------------------------------

    async def person_by_account(self, channel: str, external_id: str) -> int | None:
        value = await self.sql.scalar(
            select(t.identities.c.person_id).where(
                t.identities.c.channel == channel, t.identities.c.external_id == external_id
            )
        )
        return None if value is None else int(value)

    async def person_by_chat(self, channel: str, chat_id: str) -> int | None:
        value = await self.sql.scalar(
            select(t.identities.c.person_id)
            .where(
                t.identities.c.channel == channel,
                t.identities.c.chat_id == chat_id,
                t.identities.c.person_id.is_not(None),
            )
            .limit(1)
        )
        return None if value is None else int(value)

    async def names(self, person_ids: Sequence[int]) -> dict[int, str]:
        if not person_ids:
            return {}
        rows = await self.sql.all(
            select(t.people.c.id, t.people.c.name).where(t.people.c.id.in_(set(person_ids)))
        )
        return {int(r[0]): str(r[1]) for r in rows}

    async def province_of(self, commune_id: int) -> int | None:
        value = await self.sql.scalar(
            select(t.communes.c.province_id).where(t.communes.c.id == commune_id)
        )
        return None if value is None else int(value)

    async def provinces(self) -> list[tuple[int, str]]:
        rows = await self.sql.all(
            select(t.provinces.c.id, t.provinces.c.name).order_by(t.provinces.c.name_key)
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    async def communes_of(self, province_id: int) -> list[tuple[int, str]]:
        rows = await self.sql.all(
            select(t.communes.c.id, t.communes.c.name)
            .where(t.communes.c.province_id == province_id)
            .order_by(t.communes.c.name_key)
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    async def villages_of(self, commune_id: int) -> list[tuple[int, str]]:
        rows = await self.sql.all(
            select(_v.id, _v.name).where(_v.commune_id == commune_id).order_by(_v.id)
        )
        return [(int(r[0]), str(r[1])) for r in rows]

    # --- lists and forms ------------------------------------------------------------------

    async def forms(self, f: FormFilter) -> tuple[list[FormRow], int]:
        """One page of the commune's (village's) forms of the year, and how many match."""
        where: list[ColumnElement[bool]] = [_a.commune_id == f.commune_id, _a.year == f.year]
        where.append(_live())
        if f.village_id is not None:
            where.append(_in_village(f.village_id))
        if f.status:
            where.append(_a.status == f.status)
        if f.title:
            where.append(_a.title == f.title)
        if f.search:
            where.append(_name_key().contains(f.search, autoescape=True))
        joined = _subjects()
        total = await self.sql.scalar(select(func.count(_a.id)).select_from(joined).where(*where))
        order: Any = {
            "name": _name_key(),
            "village": func.coalesce(_v.name_key, ""),
            "status": _a.status,
            "total": func.coalesce(_a.total, -1),
            "updated": _a.updated_at,
        }[f.sort]
        order = order.desc() if f.descending else order.asc()
        rows = await self.sql.all(
            select(_a.id, _a.title, _a.status, _name(), _v.name, _a.total, _a.passed, _a.updated_at)
            .select_from(joined)
            .where(*where)
            .order_by(order, _a.id)
            .limit(f.per_page)
            .offset((max(1, f.page) - 1) * f.per_page)
        )
        return [
            FormRow(
                int(r[0]),
                str(r[1]),
                str(r[2]),
                str(r[3] or ""),
                r[4],
                None if r[5] is None else float(r[5]),
                r[6],
                as_utc(r[7]),
            )
            for r in rows
        ], int(total or 0)

    async def subject(self, assessment_id: int) -> tuple[str, str | None] | None:
        """(name of the household or clan, village) of a form; None when it does not exist."""
        row = await self.sql.first(
            select(_name(), _v.name).select_from(_subjects()).where(_a.id == assessment_id)
        )
        return None if row is None else (str(row[0] or ""), row[1])
