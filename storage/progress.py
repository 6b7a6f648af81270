"""Progress against targets: the aggregate queries behind digests, summaries and exports.

Aggregates are computed in the database (GROUP BY, one query per kind of count, each covering
every title), so a digest for a commune of thousands of households is a handful of indexed
queries however many titles it reports on.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import String, and_, case, func, literal, or_, select
from sqlalchemy import cast as sa_cast
from sqlalchemy.sql.elements import ColumnElement

from storage import tables as t

# The waiting list and quiet collaborators live in storage/attention.py; re-exported here,
# where storage/exports.py, storage/schedules.py and the reports have always found them.
from storage.attention import CollaboratorActivity as CollaboratorActivity
from storage.attention import Waiting as Waiting
from storage.attention import collaborator_activity, live_subject, waiting_list, with_subjects
from storage.attention import live_household as live_household
from storage.attention import named as named
from storage.attention import opt_utc as opt_utc
from storage.sql import Repository, Sql
from storage.subjects import ADULTS_QUESTION

# domain.md / issue 5: "assessed" = submitted or any later status of the yearly cycle.
ASSESSED = ("submitted", "verified", "returned", "proposed", "recognised", "rejected")
VERIFIED = ("verified", "proposed", "recognised")
# Every title a commune reports on, in the order of the plans and the yearly report (Gia đình,
# Dòng họ, Cộng đồng, Công dân, Đơn vị học tập).
TITLES = ("household", "clan", "village", "citizen", "unit")
# The key of the second share of Công dân học tập: the staff of the units (the first, key
# "citizen", is the working people of the registered households). The plans set each its own
# target ("40% of working people in families … 60% of staff in units").
CITIZEN_STAFF = "citizen_staff"
# Every key a target can have: a title, or the citizens' second share.
TARGET_KEYS = ("household", "clan", "village", "citizen", CITIZEN_STAFF, "unit")


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

    @property
    def empty(self) -> bool:
        return self == Counts()


@dataclass(frozen=True)
class Part:
    """One share a commune is measured on: some subjects of a title against their own base.

    `key` is the target's key in `CommuneProgress.targets` (the title, or CITIZEN_STAFF);
    `total` the base (every household, clan, village, unit, working person or staff member),
    None while it is not known (a share is then not given)."""

    key: str
    counts: Counts = Counts()
    counts_period: Counts = Counts()
    total: int | None = None


@dataclass(frozen=True)
class VillageProgress:
    village_id: int
    name: str
    households: Counts
    households_period: Counts
    # Every household and clan of the village (units import); None: not known yet.
    households_total: int | None = None
    clans_total: int | None = None
    # Adults aged 19 to 60 in its registered households, as their forms of the year count
    # them, and how many of those households gave the figure.
    adults: int = 0
    adults_known: int = 0

    def total(self, title: str) -> int | None:
        return self.households_total if title == "household" else self.clans_total

    @property
    def adults_missing(self) -> int:
        """Registered households whose number of adults is not known yet."""
        return max(0, self.households.registered - self.adults_known)


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
    # The shares of every title but households (whose counts and totals are the villages'),
    # by part key: clan, village, citizen, citizen_staff, unit. A missing key: nothing known.
    others: Mapping[str, Part]
    # (target_year, part key) -> share in percent.
    targets: Mapping[tuple[int, str], float]
    waiting: tuple[Waiting, ...] = ()
    waiting_total: int = 0
    collaborators: tuple[CollaboratorActivity, ...] = field(default_factory=tuple)

    @property
    def titles(self) -> tuple[str, ...]:
        """The titles the commune reports on, in report order: all five, always (a title with
        nothing registered is still part of the yearly report, as a row of zeros)."""
        return TITLES

    def parts(self, title: str) -> tuple[Part, ...]:
        """The shares a title is measured on, each against its own base and target: one per
        title, two for Công dân học tập (people of the registered households; unit staff)."""
        if title == "household":
            return (Part("household", self.households, self.households_period, self.total(title)),)
        keys = ("citizen", CITIZEN_STAFF) if title == "citizen" else (title,)
        return tuple(self.others.get(key, Part(key)) for key in keys)

    def total(self, title: str) -> int | None:
        """The base of a title's share: every household (clan) of the commune — the sum of
        the villages' totals, or None while any village has none (a share over some villages
        would be read as the commune's) —, its villages, its units, or its working people and
        unit staff (None unless both are known)."""
        if title in ("household", "clan"):
            return _villages_base(self.villages, title)
        bases = [part.total for part in self.parts(title)]
        if any(x is None for x in bases):
            return None
        return sum(x for x in bases if x is not None)

    def without_total(self, title: str) -> list[VillageProgress]:
        """The villages whose number of households (clans) is not known yet."""
        if title not in ("household", "clan"):
            return []
        return [v for v in self.villages if v.total(title) is None]

    @property
    def households(self) -> Counts:
        return sum((v.households for v in self.villages), Counts())

    @property
    def households_period(self) -> Counts:
        return sum((v.households_period for v in self.villages), Counts())

    @property
    def adults_missing(self) -> int:
        """Registered households whose number of adults is not known yet (the base of
        Công dân học tập in families is not known until it is 0)."""
        return sum(v.adults_missing for v in self.villages)

    def counts(self, title: str) -> Counts:
        if title == "household":
            return self.households
        return sum((part.counts for part in self.parts(title)), Counts())

    def counts_period(self, title: str) -> Counts:
        if title == "household":
            return self.households_period
        return sum((part.counts_period for part in self.parts(title)), Counts())

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


def _part_key() -> Any:
    """The part an assessment counts in: its title, or CITIZEN_STAFF for a citizen assessed
    as a member of a unit's staff (the unit whose head verifies it)."""
    a = t.assessments
    staff = and_(a.c.title == "citizen", a.c.unit_id.is_not(None))
    return case((staff, literal(CITIZEN_STAFF)), else_=a.c.title)


def _adults_columns() -> list[Any]:
    """Adults the households' forms of the year count, and how many households gave the
    figure (a household has one form a year)."""
    a = t.assessments
    adults = a.c.answers[ADULTS_QUESTION].as_integer()
    household = a.c.title == "household"
    return [
        func.coalesce(func.sum(case((household, adults))), 0).label("adults"),
        _count_if(and_(household, adults.is_not(None))).label("adults_known"),
    ]


def _status_became(status: str) -> ColumnElement[bool]:
    # The log's `new` is JSON; cast to text it reads '"verified"' on SQLite and PostgreSQL.
    return and_(
        t.assessment_log.c.action == "status",
        sa_cast(t.assessment_log.c.new, String) == f'"{status}"',
    )


Moved = dict[tuple[str, int | None], tuple[int, int]]


async def _moved_in_period(
    sql: Sql, commune_id: int, year: int, start: datetime, end: datetime
) -> Moved:
    """(part key, village for households else None) -> (subjects verified, recognised) in the
    period and still at or past that stage, for every title in one query. From the log: only
    it records when."""
    a, log, h = t.assessments, t.assessment_log, t.households
    became_verified = and_(_status_became("verified"), a.c.status.in_(VERIFIED))
    became_recognised = and_(_status_became("recognised"), a.c.status == "recognised")
    key = _part_key()
    village = case((a.c.title == "household", h.c.village_id), else_=literal(None))
    rows = await sql.execute(
        select(
            key,
            village,
            func.count(func.distinct(case((became_verified, a.c.id)))),
            func.count(func.distinct(case((became_recognised, a.c.id)))),
        )
        .select_from(with_subjects(log.join(a, a.c.id == log.c.assessment_id)))
        .where(
            a.c.commune_id == commune_id,
            a.c.year == year,
            _between(log.c.at, start, end),
            or_(_status_became("verified"), _status_became("recognised")),
            live_subject(),
        )
        .group_by(key, village)
    )
    return {
        (str(r[0]), None if r[1] is None else int(r[1])): (int(r[2]), int(r[3])) for r in rows.all()
    }


def _villages_base(villages: Sequence[VillageProgress], title: str) -> int | None:
    totals = [v.total(title) for v in villages]
    if not totals or any(x is None for x in totals):
        return None
    return sum(x for x in totals if x is not None)


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

    # Every title's stages in one query: households per village, the others per part.
    a = t.assessments
    key = _part_key()
    village = case((a.c.title == "household", h.c.village_id), else_=literal(None))
    stage_rows = await sql.execute(
        select(key, village, *_stage_columns(start, end), *_adults_columns())
        .select_from(with_subjects(a))
        .where(a.c.commune_id == commune_id, a.c.year == year, live_subject())
        .group_by(key, village)
    )
    stages: dict[tuple[str, int | None], Any] = {
        (str(r[0]), None if r[1] is None else int(r[1])): r[2:] for r in stage_rows
    }
    moved = await _moved_in_period(sql, commune_id, year, start, end)

    def counts(
        part: str, village_id: int | None, registered: int, new: int
    ) -> tuple[Counts, Counts]:
        r = stages.get((part, village_id))
        verified, recognised = moved.get((part, village_id), (0, 0))
        year_counts = Counts(registered, *(int(x) for x in r[0:4])) if r else Counts(registered)
        period_counts = Counts(
            new, int(r[4]) if r else 0, int(r[5]) if r else 0, verified, recognised
        )
        return year_counts, period_counts

    villages: list[VillageProgress] = []
    for village_id, (name, count, new, households_total, clans_total) in registered.items():
        year_counts, period_counts = counts("household", village_id, count, new)
        r = stages.get(("household", village_id))
        villages.append(
            VillageProgress(
                village_id,
                name,
                year_counts,
                period_counts,
                households_total,
                clans_total,
                adults=int(r[6]) if r else 0,
                adults_known=int(r[7]) if r else 0,
            )
        )
    # Working people of the registered families: known once every household gave its figure.
    adults_missing = sum(v.adults_missing for v in villages)

    subjects = await _subjects(sql, commune_id, start, end)
    bases: dict[str, int | None] = {
        "clan": _villages_base(villages, "clan"),
        "village": None if commune[3] is None else int(commune[3]),
        "citizen": None if adults_missing else sum(v.adults for v in villages),
        **{k: base for k, (_, _, base) in subjects.items() if k not in ("clan", "citizen")},
    }
    others: dict[str, Part] = {}
    for part in TARGET_KEYS[1:]:
        if part == "village":
            # Every village of the commune in the bot is a subject of Cộng đồng học tập.
            count, new = len(registered), 0
        else:
            count, new, _ = subjects.get(part, (0, 0, None))
        year_counts, period_counts = counts(part, None, count, new)
        others[part] = Part(part, year_counts, period_counts, bases.get(part))

    targets = {
        (int(r[0]), str(r[1])): float(r[2])
        for r in await sql.all(
            select(t.targets.c.target_year, t.targets.c.title, t.targets.c.share).where(
                t.targets.c.commune_id == commune_id
            )
        )
    }
    waiting, waiting_total = await waiting_list(
        sql, commune_id, now - timedelta(days=waiting_days), waiting_limit
    )
    collaborators = await collaborator_activity(sql, commune_id, year)
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
        others=others,
        targets=targets,
        waiting=waiting,
        waiting_total=waiting_total,
        collaborators=inactive,
    )


async def _subjects(
    sql: Sql, commune_id: int, start: datetime, end: datetime
) -> dict[str, tuple[int, int, int | None]]:
    """part key -> (subjects registered, of them new in the period, the part's base where it
    is not the villages') for the subjects kept in tables of their own, in one query of
    scalar subqueries."""
    c, p, u, h = t.clans, t.citizens, t.units, t.households

    def registered(table: Any, *where: Any, join: Any = None) -> tuple[Any, Any]:
        source = table if join is None else table.join(*join)
        return (
            select(func.count(table.c.id)).select_from(source).where(*where),
            select(_count_if(_between(table.c.created_at, start, end)))
            .select_from(source)
            .where(*where),
        )

    # Staff of every unit, known only when every unit's is (a sum over some would pass for
    # the commune's).
    staff = select(
        case(
            (
                func.count(u.c.id) == func.count(u.c.staff_total),
                func.coalesce(func.sum(u.c.staff_total), 0),
            ),
            else_=literal(None),
        )
    ).where(u.c.commune_id == commune_id)
    live_citizen = (p.c.commune_id == commune_id, p.c.deleted_at.is_(None))
    columns: dict[str, tuple[Any, Any, Any]] = {
        "clan": (*registered(c, c.c.commune_id == commune_id), None),
        # Adult members of the registered (live) households; their base is the villages'.
        "citizen": (
            *registered(
                p,
                *live_citizen,
                p.c.unit_id.is_(None),
                live_household(),
                join=(h, h.c.id == p.c.household_id),
            ),
            None,
        ),
        CITIZEN_STAFF: (
            *registered(p, *live_citizen, p.c.unit_id.is_not(None)),
            staff,
        ),
        "unit": (
            *registered(u, u.c.commune_id == commune_id),
            select(func.count(u.c.id)).where(u.c.commune_id == commune_id),
        ),
    }
    row = (
        await sql.execute(
            select(
                *(
                    literal(None) if query is None else query.scalar_subquery()
                    for parts in columns.values()
                    for query in parts
                )
            )
        )
    ).one()
    values = iter(row)
    result: dict[str, tuple[int, int, int | None]] = {}
    for key in columns:
        count, new, base = next(values), next(values), next(values)
        result[key] = (int(count or 0), int(new or 0), None if base is None else int(base))
    return result


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
        return await collaborator_activity(self.sql, commune_id, year)
