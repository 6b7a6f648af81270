"""Progress against targets: the aggregate queries behind digests, summaries and exports.

Aggregates are computed in the database (GROUP BY, one query per kind of count), so a digest
for a commune of thousands of households is a handful of indexed queries.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import String, Table, and_, case, func, or_, select
from sqlalchemy import cast as sa_cast
from sqlalchemy.sql.elements import ColumnElement

from storage import tables as t
from storage.sql import Repository, Sql
from storage.tables import as_utc

# domain.md / issue 5: "assessed" = submitted or any later status of the yearly cycle.
ASSESSED = ("submitted", "verified", "returned", "proposed", "recognised", "rejected")
VERIFIED = ("verified", "proposed", "recognised")
TITLES = ("household", "clan", "village")


def opt_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


# --- progress against targets ---------------------------------------------------------------


@dataclass(frozen=True)
class Counts:
    """How many subjects are at each stage (year so far, or only what happened in a period)."""

    registered: int = 0
    assessed: int = 0
    passing: int = 0
    verified: int = 0
    recognised: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(
            self.registered + other.registered,
            self.assessed + other.assessed,
            self.passing + other.passing,
            self.verified + other.verified,
            self.recognised + other.recognised,
        )


@dataclass(frozen=True)
class VillageProgress:
    village_id: int
    name: str
    households: Counts
    households_period: Counts
    # Every household and clan of the village (units import); None: not known yet.
    households_total: int | None = None
    clans_total: int | None = None

    def total(self, title: str) -> int | None:
        return self.households_total if title == "household" else self.clans_total


@dataclass(frozen=True)
class Waiting:
    """A submitted assessment nobody has verified yet."""

    assessment_id: int
    title: str
    name: str
    village: str | None
    submitted_at: datetime


@dataclass(frozen=True)
class CollaboratorActivity:
    person_id: int
    name: str
    village: str | None
    last_active: datetime | None


@dataclass(frozen=True)
class CommuneProgress:
    commune_id: int
    commune: str
    province: str
    difficult_area: bool
    year: int
    period_start: datetime
    period_end: datetime
    villages: tuple[VillageProgress, ...]
    clans: Counts
    clans_period: Counts
    # The village title (Cộng đồng học tập): every village is a subject.
    village_title: Counts
    village_title_period: Counts
    # (target_year, title) -> share in percent.
    targets: Mapping[tuple[int, str], float]
    waiting: tuple[Waiting, ...] = ()
    waiting_total: int = 0
    collaborators: tuple[CollaboratorActivity, ...] = field(default_factory=tuple)
    # How many villages the commune has (units import); None: not known yet.
    villages_total: int | None = None

    def total(self, title: str) -> int | None:
        """Every household (clan, village) of the commune, the base of its shares: the sum of
        the villages' totals, or None while any village has none (a share over some villages
        would be read as the commune's)."""
        if title == "village":
            return self.villages_total
        totals = [v.total(title) for v in self.villages]
        if not totals or any(x is None for x in totals):
            return None
        return sum(x for x in totals if x is not None)

    def without_total(self, title: str) -> list[VillageProgress]:
        """The villages whose number of households (clans) is not known yet."""
        if title == "village":
            return []
        return [v for v in self.villages if v.total(title) is None]

    @property
    def households(self) -> Counts:
        return sum((v.households for v in self.villages), Counts())

    @property
    def households_period(self) -> Counts:
        return sum((v.households_period for v in self.villages), Counts())

    def counts(self, title: str) -> Counts:
        return {
            "household": self.households,
            "clan": self.clans,
            "village": self.village_title,
        }[title]

    def counts_period(self, title: str) -> Counts:
        return {
            "household": self.households_period,
            "clan": self.clans_period,
            "village": self.village_title_period,
        }[title]

    def target_years(self) -> list[int]:
        return sorted({year for year, _ in self.targets})


def _between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _count_if(condition: ColumnElement[bool]) -> Any:
    # SUM(CASE ...) rather than COUNT(...) FILTER: the same SQL on SQLite and PostgreSQL.
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _stage_columns(start: datetime, end: datetime) -> list[Any]:
    a = t.assessments
    assessed = a.c.status.in_(ASSESSED)
    submitted_in = and_(assessed, _between(a.c.submitted_at, start, end))
    return [
        _count_if(assessed).label("assessed"),
        _count_if(and_(assessed, a.c.passed.is_(True))).label("passing"),
        _count_if(a.c.status.in_(VERIFIED)).label("verified"),
        _count_if(a.c.status == "recognised").label("recognised"),
        _count_if(submitted_in).label("p_assessed"),
        _count_if(and_(submitted_in, a.c.passed.is_(True))).label("p_passing"),
    ]


def live_household() -> ColumnElement[bool]:
    return and_(t.households.c.deleted_at.is_(None), t.households.c.merged_into.is_(None))


def _status_became(status: str) -> ColumnElement[bool]:
    # The log's `new` is JSON; cast to text it reads '"verified"' on SQLite and PostgreSQL.
    return and_(
        t.assessment_log.c.action == "status",
        sa_cast(t.assessment_log.c.new, String) == f'"{status}"',
    )


async def _moved_in_period(
    sql: Sql,
    commune_id: int,
    year: int,
    start: datetime,
    end: datetime,
    title: str,
    stage: str,
) -> dict[int | None, int]:
    """village (None for clans) -> subjects that reached `stage` (verified or recognised) in
    the period and are still at or past it. From the log: only it records when."""
    a, log = t.assessments, t.assessment_log
    still = a.c.status.in_(VERIFIED) if stage == "verified" else a.c.status == "recognised"
    where = (
        a.c.commune_id == commune_id,
        a.c.year == year,
        a.c.title == title,
        still,
        _between(log.c.at, start, end),
        _status_became(stage),
    )
    count = func.count(func.distinct(a.c.id))
    if title == "household":
        rows = await sql.execute(
            select(t.households.c.village_id, count)
            .select_from(log)
            .join(a, a.c.id == log.c.assessment_id)
            .join(t.households, t.households.c.id == a.c.household_id)
            .where(*where, live_household())
            .group_by(t.households.c.village_id)
        )
        return {int(r[0]): int(r[1]) for r in rows.all()}
    total = await sql.scalar(
        select(count).select_from(log).join(a, a.c.id == log.c.assessment_id).where(*where)
    )
    return {None: int(total or 0)}


async def _commune_progress(
    sql: Sql,
    commune_id: int,
    year: int,
    start: datetime,
    end: datetime,
    *,
    now: datetime,
    waiting_days: int = 7,
    waiting_limit: int = 5,
    inactive_since: datetime | None = None,
) -> CommuneProgress:
    """Everything a digest or a summary needs about one commune, for the year so far and for
    the period [start, end)."""
    commune = await sql.first(
        select(
            t.communes.c.name,
            t.communes.c.difficult_area,
            t.provinces.c.name,
            t.communes.c.villages_total,
        )
        .outerjoin(t.provinces, t.provinces.c.id == t.communes.c.province_id)
        .where(t.communes.c.id == commune_id)
    )
    if commune is None:
        raise LookupError(f"commune {commune_id} not found")

    # Households registered per village (a village with none still gets a row).
    h = t.households
    registered_rows = await sql.execute(
        select(
            t.villages.c.id,
            t.villages.c.name,
            func.count(h.c.id),
            _count_if(_between(h.c.created_at, start, end)),
            t.villages.c.households_total,
            t.villages.c.clans_total,
        )
        .select_from(t.villages)
        .outerjoin(h, and_(h.c.village_id == t.villages.c.id, live_household()))
        .where(t.villages.c.commune_id == commune_id)
        .group_by(
            t.villages.c.id,
            t.villages.c.name,
            t.villages.c.households_total,
            t.villages.c.clans_total,
        )
        .order_by(t.villages.c.id)
    )
    registered = {int(r[0]): (str(r[1]), int(r[2]), int(r[3]), r[4], r[5]) for r in registered_rows}

    a = t.assessments
    household_rows = await sql.execute(
        select(h.c.village_id, *_stage_columns(start, end))
        .select_from(a)
        .join(h, h.c.id == a.c.household_id)
        .where(
            a.c.commune_id == commune_id,
            a.c.year == year,
            a.c.title == "household",
            live_household(),
        )
        .group_by(h.c.village_id)
    )
    by_village = {int(r[0]): r for r in household_rows}
    verified = await _moved_in_period(sql, commune_id, year, start, end, "household", "verified")
    recognised = await _moved_in_period(
        sql, commune_id, year, start, end, "household", "recognised"
    )

    villages: list[VillageProgress] = []
    for village_id, (name, count, new, households_total, clans_total) in registered.items():
        r = by_village.get(village_id)
        year_counts = Counts(count, *(int(x) for x in r[1:5])) if r else Counts(count)
        period_counts = Counts(
            new,
            int(r[5]) if r else 0,
            int(r[6]) if r else 0,
            verified.get(village_id, 0),
            recognised.get(village_id, 0),
        )
        villages.append(
            VillageProgress(
                village_id, name, year_counts, period_counts, households_total, clans_total
            )
        )

    clans, clans_period = await _title_counts(sql, commune_id, year, start, end, "clan", t.clans)
    village_title, village_title_period = await _title_counts(
        sql, commune_id, year, start, end, "village", None
    )
    village_title = replace(village_title, registered=len(registered))

    targets = {
        (int(r[0]), str(r[1])): float(r[2])
        for r in await sql.all(
            select(t.targets.c.target_year, t.targets.c.title, t.targets.c.share).where(
                t.targets.c.commune_id == commune_id
            )
        )
    }
    waiting, waiting_total = await _waiting(
        sql, commune_id, now - timedelta(days=waiting_days), waiting_limit
    )
    collaborators = await _collaborator_activity(sql, commune_id, year)
    since = inactive_since or start
    inactive = tuple(c for c in collaborators if c.last_active is None or c.last_active < since)
    return CommuneProgress(
        commune_id=commune_id,
        commune=str(commune[0]),
        province=str(commune[2] or ""),
        difficult_area=bool(commune[1]),
        year=year,
        period_start=start,
        period_end=end,
        villages=tuple(villages),
        clans=clans,
        clans_period=clans_period,
        village_title=village_title,
        village_title_period=village_title_period,
        targets=targets,
        waiting=waiting,
        waiting_total=waiting_total,
        collaborators=inactive,
        villages_total=None if commune[3] is None else int(commune[3]),
    )


async def _title_counts(
    sql: Sql,
    commune_id: int,
    year: int,
    start: datetime,
    end: datetime,
    title: str,
    subjects: Table | None,
) -> tuple[Counts, Counts]:
    a = t.assessments
    registered, new = 0, 0
    if subjects is not None:
        row = (
            await sql.execute(
                select(
                    func.count(subjects.c.id),
                    _count_if(_between(subjects.c.created_at, start, end)),
                )
                .select_from(subjects)
                .where(subjects.c.commune_id == commune_id)
            )
        ).one()
        registered, new = int(row[0]), int(row[1])
    r = (
        await sql.execute(
            select(*_stage_columns(start, end)).where(
                a.c.commune_id == commune_id, a.c.year == year, a.c.title == title
            )
        )
    ).one()
    verified = await _moved_in_period(sql, commune_id, year, start, end, title, "verified")
    recognised = await _moved_in_period(sql, commune_id, year, start, end, title, "recognised")
    year_counts = Counts(registered, *(int(x) for x in r[0:4]))
    period_counts = Counts(
        new,
        int(r[4]),
        int(r[5]),
        verified.get(None, 0),
        recognised.get(None, 0),
    )
    return year_counts, period_counts


def named(when: Any) -> Any:
    """(id, title, household head or clan name, village, `when`) of assessments."""
    a = t.assessments
    return (
        select(
            a.c.id,
            a.c.title,
            func.coalesce(t.households.c.head_name, t.clans.c.name, ""),
            t.villages.c.name,
            when,
        )
        .select_from(a)
        .outerjoin(t.households, t.households.c.id == a.c.household_id)
        .outerjoin(t.clans, t.clans.c.id == a.c.clan_id)
        .outerjoin(t.villages, t.villages.c.id == a.c.village_id)
    )


async def _waiting(
    sql: Sql, commune_id: int, before: datetime, limit: int
) -> tuple[tuple[Waiting, ...], int]:
    a = t.assessments
    live = or_(a.c.household_id.is_(None), live_household())
    where = (
        a.c.commune_id == commune_id,
        a.c.status == "submitted",
        a.c.submitted_at < before,
        live,
    )
    total = await sql.scalar(
        select(func.count(a.c.id))
        .select_from(a)
        .outerjoin(t.households, t.households.c.id == a.c.household_id)
        .where(*where)
    )
    rows = await sql.execute(
        named(a.c.submitted_at).where(*where).order_by(a.c.submitted_at, a.c.id).limit(limit)
    )
    items = tuple(
        Waiting(int(r[0]), str(r[1]), str(r[2]), r[3], as_utc(cast(datetime, r[4])))
        for r in rows.all()
    )
    return items, int(total or 0)


async def _collaborator_activity(
    sql: Sql, commune_id: int, year: int
) -> list[CollaboratorActivity]:
    """Each active collaborator and when they last changed an assessment (this year or last)."""
    log, a = t.assessment_log, t.assessments
    last = (
        select(log.c.actor_id.label("actor_id"), func.max(log.c.at).label("last_at"))
        .select_from(log)
        .join(a, a.c.id == log.c.assessment_id)
        .where(a.c.commune_id == commune_id, a.c.year >= year - 1, log.c.actor_id.is_not(None))
        .group_by(log.c.actor_id)
        .subquery()
    )
    rows = await sql.execute(
        select(t.people.c.id, t.people.c.name, t.villages.c.name, last.c.last_at)
        .select_from(t.people)
        .outerjoin(t.villages, t.villages.c.id == t.people.c.village_id)
        .outerjoin(last, last.c.actor_id == t.people.c.id)
        .where(
            t.people.c.commune_id == commune_id,
            t.people.c.role == "collaborator",
            t.people.c.disabled.is_(False),
        )
        .order_by(t.villages.c.id, t.people.c.name)
    )
    return [CollaboratorActivity(int(r[0]), str(r[1]), r[2], opt_utc(r[3])) for r in rows.all()]


class ProgressRepository(Repository):
    async def commune(
        self,
        commune_id: int,
        year: int,
        start: datetime,
        end: datetime,
        *,
        waiting_days: int = 7,
        waiting_limit: int = 5,
        inactive_since: datetime | None = None,
        now: datetime | None = None,
    ) -> CommuneProgress:
        """Everything a digest or a summary needs about one commune, for the year so far and
        for the period [start, end); `now` (else the unit of work's) ages the waiting list."""
        return await _commune_progress(
            self.sql,
            commune_id,
            year,
            start,
            end,
            now=now or self.now,
            waiting_days=waiting_days,
            waiting_limit=waiting_limit,
            inactive_since=inactive_since,
        )

    async def collaborator_activity(self, commune_id: int, year: int) -> list[CollaboratorActivity]:
        return await _collaborator_activity(self.sql, commune_id, year)
