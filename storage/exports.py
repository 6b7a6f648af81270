"""Export rows: every assessed subject of a commune's or a province's year, with its points
per criterion, who verified it and the recognition decision (the lists to print and file)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, or_, select

from storage import tables as t
from storage.progress import ASSESSED, live_household, opt_utc
from storage.sql import Repository


@dataclass(frozen=True)
class ExportRow:
    assessment_id: int
    title: str
    commune: str
    village: str | None
    name: str
    head_name: str | None
    year: int
    pack_id: str
    pack_version: str
    status: str
    total: float | None
    passed: bool | None
    # criterion id -> points
    points: Mapping[str, float]
    verified_by: str | None
    verified_at: datetime | None
    decision_number: str | None
    decision_date: date | None
    submitted_at: datetime | None
    # The grade reached (xếp loại) by language, {"vi": "Khá", "en": "Good"}; None when the
    # pack has no grades or none was reached.
    grade: Mapping[str, str] | None = None
    # A person's ("Công dân học tập") year of birth, as they gave it when joining.
    birth_year: int | None = None


def grade_names(score: Any) -> dict[str, str] | None:
    """The grade (xếp loại) a stored score reached, by language; None when its pack has no
    grades or none was reached."""
    grade = score.get("grade") if isinstance(score, dict) else None
    name = grade.get("name") if isinstance(grade, dict) else None
    if not isinstance(name, dict) or not isinstance(name.get("vi"), str):
        return None
    return {lang: text for lang, text in name.items() if isinstance(text, str)}


def _points(score: Any) -> dict[str, float]:
    if not isinstance(score, dict):
        return {}
    out: dict[str, float] = {}
    for item in score.get("criteria") or ():
        if isinstance(item, dict) and "id" in item and item.get("points") is not None:
            out[str(item["id"])] = float(item["points"])
    return out


def export_select() -> Any:
    a = t.assessments
    verifier = t.people.alias("verifier")
    return (
        select(
            a.c.id,
            a.c.title,
            t.communes.c.name,
            t.villages.c.name,
            # The subject's name: a household's head, a clan, a person, a unit (a village's
            # row is named by its village).
            func.coalesce(
                t.households.c.head_name, t.clans.c.name, t.citizens.c.name, t.units.c.name, ""
            ),
            t.clans.c.head_name,
            a.c.year,
            a.c.pack_id,
            a.c.pack_version,
            a.c.status,
            a.c.total,
            a.c.passed,
            a.c.score,
            verifier.c.name,
            a.c.verified_at,
            a.c.decision_number,
            a.c.decision_date,
            a.c.submitted_at,
            a.c.clan_id,
            t.citizens.c.birth_year,
        )
        .select_from(a)
        .join(t.communes, t.communes.c.id == a.c.commune_id)
        .outerjoin(t.households, t.households.c.id == a.c.household_id)
        .outerjoin(t.clans, t.clans.c.id == a.c.clan_id)
        .outerjoin(t.citizens, t.citizens.c.id == a.c.citizen_id)
        .outerjoin(t.units, t.units.c.id == a.c.unit_id)
        .outerjoin(
            t.villages, t.villages.c.id == func.coalesce(t.households.c.village_id, a.c.village_id)
        )
        .outerjoin(verifier, verifier.c.id == a.c.verified_by)
        .where(a.c.status.in_(ASSESSED), or_(a.c.household_id.is_(None), live_household()))
    )


def _export_row(r: Any, clan_villages: Mapping[int, str] | None = None) -> ExportRow:
    village = r[3]
    if village is None and r[18] is not None and clan_villages:
        village = clan_villages.get(int(r[18]))
    return ExportRow(
        assessment_id=int(r[0]),
        title=str(r[1]),
        commune=str(r[2]),
        village=village,
        name=str(r[4]),
        head_name=r[5],
        year=int(r[6]),
        pack_id=str(r[7]),
        pack_version=str(r[8]),
        status=str(r[9]),
        total=None if r[10] is None else float(r[10]),
        passed=r[11],
        points=_points(r[12]),
        verified_by=r[13],
        verified_at=opt_utc(r[14]),
        decision_number=r[15],
        decision_date=r[16],
        submitted_at=opt_utc(r[17]),
        grade=grade_names(r[12]),
        birth_year=r[19],
    )


class ExportRepository(Repository):
    async def commune_rows(self, commune_id: int, year: int) -> list[ExportRow]:
        """Every assessed subject of a commune's year (at most a few thousand rows)."""
        a = t.assessments.c
        clan_villages = await self._clan_village_names(commune_id)
        rows = await self.sql.all(
            export_select()
            .where(a.commune_id == commune_id, a.year == year)
            .order_by(a.title, t.villages.c.id, a.id)
        )
        return [_export_row(r, clan_villages) for r in rows]

    async def province_communes(self, province_id: int) -> list[int]:
        c = t.communes.c
        return [
            int(i)
            for i in await self.sql.scalars(
                select(c.id).where(c.province_id == province_id).order_by(c.id)
            )
        ]

    async def stream_province(
        self, province_id: int, year: int, batch: int = 2000
    ) -> AsyncIterator[ExportRow]:
        """Every assessed subject of a province's year through one server-side cursor read
        `batch` rows at a time (PostgreSQL; storage.db.Database.export_province picks)."""
        a = t.assessments.c
        clan_villages = await self._clan_village_names(None, province_id)
        stmt = (
            export_select()
            .where(t.communes.c.province_id == province_id, a.year == year)
            .order_by(t.communes.c.id, a.title, t.villages.c.id, a.id)
            .execution_options(yield_per=batch)
        )
        result = await self.sql.session.stream(stmt)
        async for partition in result.partitions(batch):
            for r in partition:
                yield _export_row(r, clan_villages)

    async def _clan_village_names(
        self, commune_id: int | None, province_id: int | None = None
    ) -> dict[int, str]:
        """clan id -> its villages ("Thôn A, Thôn B"), for a commune or a whole province."""
        cv, v, c = t.clan_villages.c, t.villages.c, t.clans.c
        stmt = (
            select(cv.clan_id, v.name)
            .join(t.villages, v.id == cv.village_id)
            .join(t.clans, c.id == cv.clan_id)
            .order_by(cv.clan_id, v.id)
        )
        if commune_id is not None:
            stmt = stmt.where(c.commune_id == commune_id)
        else:
            stmt = stmt.join(t.communes, t.communes.c.id == c.commune_id).where(
                t.communes.c.province_id == province_id
            )
        out: dict[int, list[str]] = {}
        for clan_id, name in await self.sql.all(stmt):
            out.setdefault(int(clan_id), []).append(str(name))
        return {k: ", ".join(v) for k, v in out.items()}
