"""Reports and the outbox: aggregate queries for digests and exports, and the push queue.

Aggregates are computed in the database (GROUP BY, one query per kind of count), so a digest
for a commune of thousands of households is a handful of indexed queries, and the province
export streams rows instead of loading them.

All times are stored and compared in UTC. SQLite hands datetimes back without a time zone;
`as_utc` puts it back.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Any, cast

from sqlalchemy import String, and_, case, func, null, or_, select, update
from sqlalchemy import cast as sa_cast
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from storage.db import Database
from storage.tables import (
    AssessmentLogRow,
    AssessmentRow,
    ChannelIdentityRow,
    ClanRow,
    ClanVillageRow,
    CommuneRow,
    DigestScheduleRow,
    DraftReminderRow,
    HouseholdRow,
    OutboxRow,
    PersonRow,
    ProvinceRow,
    TargetRow,
    VillageRow,
)

# domain.md / issue 5: "assessed" = submitted or any later status of the yearly cycle.
ASSESSED = ("submitted", "verified", "returned", "proposed", "recognised", "rejected")
VERIFIED = ("verified", "proposed", "recognised")
TITLES = ("household", "clan", "village")


def as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _opt_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def _insert(session: AsyncSession, table: Any) -> Any:
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)


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
    a = AssessmentRow
    assessed = a.status.in_(ASSESSED)
    submitted_in = and_(assessed, _between(a.submitted_at, start, end))
    return [
        _count_if(assessed).label("assessed"),
        _count_if(and_(assessed, a.passed.is_(True))).label("passing"),
        _count_if(a.status.in_(VERIFIED)).label("verified"),
        _count_if(a.status == "recognised").label("recognised"),
        _count_if(submitted_in).label("p_assessed"),
        _count_if(and_(submitted_in, a.passed.is_(True))).label("p_passing"),
    ]


def _live_household() -> ColumnElement[bool]:
    return and_(HouseholdRow.deleted_at.is_(None), HouseholdRow.merged_into.is_(None))


def _status_became(status: str) -> ColumnElement[bool]:
    # The log's `new` is JSON; cast to text it reads '"verified"' on SQLite and PostgreSQL.
    return and_(
        AssessmentLogRow.action == "status",
        sa_cast(AssessmentLogRow.new, String) == f'"{status}"',
    )


async def _moved_in_period(
    session: AsyncSession,
    commune_id: int,
    year: int,
    start: datetime,
    end: datetime,
    title: str,
    stage: str,
) -> dict[int | None, int]:
    """village (None for clans) -> subjects that reached `stage` (verified or recognised) in
    the period and are still at or past it. From the log: only it records when."""
    a, log = AssessmentRow, AssessmentLogRow
    still = a.status.in_(VERIFIED) if stage == "verified" else a.status == "recognised"
    where = (
        a.commune_id == commune_id,
        a.year == year,
        a.title == title,
        still,
        _between(log.at, start, end),
        _status_became(stage),
    )
    count = func.count(func.distinct(a.id))
    if title == "household":
        rows = await session.execute(
            select(HouseholdRow.village_id, count)
            .select_from(log)
            .join(a, a.id == log.assessment_id)
            .join(HouseholdRow, HouseholdRow.id == a.household_id)
            .where(*where, _live_household())
            .group_by(HouseholdRow.village_id)
        )
        return {int(r[0]): int(r[1]) for r in rows.all()}
    total = await session.scalar(
        select(count).select_from(log).join(a, a.id == log.assessment_id).where(*where)
    )
    return {None: int(total or 0)}


async def commune_progress(
    session: AsyncSession,
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
    commune = await session.get(CommuneRow, commune_id)
    if commune is None:
        raise LookupError(f"commune {commune_id} not found")
    province = await session.get(ProvinceRow, commune.province_id)

    # Households registered per village (a village with none still gets a row).
    h = HouseholdRow
    registered_rows = await session.execute(
        select(
            VillageRow.id,
            VillageRow.name,
            func.count(h.id),
            _count_if(_between(h.created_at, start, end)),
        )
        .select_from(VillageRow)
        .outerjoin(h, and_(h.village_id == VillageRow.id, _live_household()))
        .where(VillageRow.commune_id == commune_id)
        .group_by(VillageRow.id, VillageRow.name)
        .order_by(VillageRow.id)
    )
    registered = {int(r[0]): (str(r[1]), int(r[2]), int(r[3])) for r in registered_rows}

    a = AssessmentRow
    household_rows = await session.execute(
        select(h.village_id, *_stage_columns(start, end))
        .select_from(a)
        .join(h, h.id == a.household_id)
        .where(
            a.commune_id == commune_id, a.year == year, a.title == "household", _live_household()
        )
        .group_by(h.village_id)
    )
    by_village = {int(r[0]): r for r in household_rows}
    verified = await _moved_in_period(
        session, commune_id, year, start, end, "household", "verified"
    )
    recognised = await _moved_in_period(
        session, commune_id, year, start, end, "household", "recognised"
    )

    villages: list[VillageProgress] = []
    for village_id, (name, count, new) in registered.items():
        r = by_village.get(village_id)
        year_counts = Counts(count, *(int(x) for x in r[1:5])) if r else Counts(count)
        period_counts = Counts(
            new,
            int(r[5]) if r else 0,
            int(r[6]) if r else 0,
            verified.get(village_id, 0),
            recognised.get(village_id, 0),
        )
        villages.append(VillageProgress(village_id, name, year_counts, period_counts))

    clans, clans_period = await _title_counts(
        session, commune_id, year, start, end, "clan", ClanRow
    )
    village_title, village_title_period = await _title_counts(
        session, commune_id, year, start, end, "village", None
    )
    village_title = replace(village_title, registered=len(registered))

    targets = {
        (int(r.target_year), str(r.title)): float(r.share)
        for r in await session.scalars(select(TargetRow).where(TargetRow.commune_id == commune_id))
    }
    waiting, waiting_total = await _waiting(
        session, commune_id, now - timedelta(days=waiting_days), waiting_limit
    )
    collaborators = await collaborator_activity(session, commune_id, year)
    since = inactive_since or start
    inactive = tuple(c for c in collaborators if c.last_active is None or c.last_active < since)
    return CommuneProgress(
        commune_id=commune_id,
        commune=commune.name,
        province=province.name if province else "",
        difficult_area=bool(commune.difficult_area),
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
    )


async def _title_counts(
    session: AsyncSession,
    commune_id: int,
    year: int,
    start: datetime,
    end: datetime,
    title: str,
    subjects: type[ClanRow] | None,
) -> tuple[Counts, Counts]:
    a = AssessmentRow
    registered, new = 0, 0
    if subjects is not None:
        row = (
            await session.execute(
                select(
                    func.count(subjects.id), _count_if(_between(subjects.created_at, start, end))
                )
                .select_from(subjects)
                .where(subjects.commune_id == commune_id)
            )
        ).one()
        registered, new = int(row[0]), int(row[1])
    r = (
        await session.execute(
            select(*_stage_columns(start, end)).where(
                a.commune_id == commune_id, a.year == year, a.title == title
            )
        )
    ).one()
    verified = await _moved_in_period(session, commune_id, year, start, end, title, "verified")
    recognised = await _moved_in_period(session, commune_id, year, start, end, title, "recognised")
    year_counts = Counts(registered, *(int(x) for x in r[0:4]))
    period_counts = Counts(
        new,
        int(r[4]),
        int(r[5]),
        verified.get(None, 0),
        recognised.get(None, 0),
    )
    return year_counts, period_counts


def _named(when: Any) -> Any:
    """(id, title, household head or clan name, village, `when`) of assessments."""
    a = AssessmentRow
    return (
        select(
            a.id,
            a.title,
            func.coalesce(HouseholdRow.head_name, ClanRow.name, ""),
            VillageRow.name,
            when,
        )
        .select_from(a)
        .outerjoin(HouseholdRow, HouseholdRow.id == a.household_id)
        .outerjoin(ClanRow, ClanRow.id == a.clan_id)
        .outerjoin(VillageRow, VillageRow.id == a.village_id)
    )


async def _waiting(
    session: AsyncSession, commune_id: int, before: datetime, limit: int
) -> tuple[tuple[Waiting, ...], int]:
    a = AssessmentRow
    live = or_(a.household_id.is_(None), _live_household())
    where = (a.commune_id == commune_id, a.status == "submitted", a.submitted_at < before, live)
    total = await session.scalar(
        select(func.count(a.id))
        .select_from(a)
        .outerjoin(HouseholdRow, HouseholdRow.id == a.household_id)
        .where(*where)
    )
    rows = await session.execute(
        _named(a.submitted_at).where(*where).order_by(a.submitted_at, a.id).limit(limit)
    )
    items = tuple(
        Waiting(int(r[0]), str(r[1]), str(r[2]), r[3], as_utc(cast(datetime, r[4])))
        for r in rows.all()
    )
    return items, int(total or 0)


async def collaborator_activity(
    session: AsyncSession, commune_id: int, year: int
) -> list[CollaboratorActivity]:
    """Each active collaborator and when they last changed an assessment (this year or last)."""
    log, a = AssessmentLogRow, AssessmentRow
    last = (
        select(log.actor_id.label("actor_id"), func.max(log.at).label("last_at"))
        .select_from(log)
        .join(a, a.id == log.assessment_id)
        .where(a.commune_id == commune_id, a.year >= year - 1, log.actor_id.is_not(None))
        .group_by(log.actor_id)
        .subquery()
    )
    rows = await session.execute(
        select(PersonRow.id, PersonRow.name, VillageRow.name, last.c.last_at)
        .select_from(PersonRow)
        .outerjoin(VillageRow, VillageRow.id == PersonRow.village_id)
        .outerjoin(last, last.c.actor_id == PersonRow.id)
        .where(
            PersonRow.commune_id == commune_id,
            PersonRow.role == "collaborator",
            PersonRow.disabled.is_(False),
        )
        .order_by(VillageRow.id, PersonRow.name)
    )
    return [CollaboratorActivity(int(r[0]), str(r[1]), r[2], _opt_utc(r[3])) for r in rows.all()]


# --- places and people ----------------------------------------------------------------------


@dataclass(frozen=True)
class CommuneRef:
    """A commune found by name (storage/places.py) with its province, for the report commands."""

    id: int
    name: str
    province_id: int
    province: str


async def commune_name(session: AsyncSession, commune_id: int) -> str:
    return str(
        await session.scalar(select(CommuneRow.name).where(CommuneRow.id == commune_id)) or ""
    )


async def chairs_by_commune(session: AsyncSession) -> dict[int, list[int]]:
    """commune id -> its active chairs, for every commune that has one."""
    rows = await session.execute(
        select(PersonRow.commune_id, PersonRow.id)
        .where(
            PersonRow.role == "chair",
            PersonRow.disabled.is_(False),
            PersonRow.commune_id.is_not(None),
        )
        .order_by(PersonRow.commune_id, PersonRow.id)
    )
    out: dict[int, list[int]] = {}
    for commune_id, person_id in rows.all():
        out.setdefault(int(cast(int, commune_id)), []).append(int(person_id))
    return out


@dataclass(frozen=True)
class Schedule:
    """When a commune's chairs get digests; None fields fall back to the settings."""

    enabled: bool = True
    weekday: int | None = None
    at_time: str | None = None
    daily_from: str | None = None
    daily_to: str | None = None


async def schedules(session: AsyncSession) -> dict[int, Schedule]:
    rows = await session.scalars(select(DigestScheduleRow))
    return {
        r.commune_id: Schedule(r.enabled, r.weekday, r.at_time, r.daily_from, r.daily_to)
        for r in rows
    }


async def set_schedule(
    session: AsyncSession, commune_id: int, schedule: Schedule, now: datetime
) -> None:
    values = {
        "enabled": schedule.enabled,
        "weekday": 0 if schedule.weekday is None else schedule.weekday,
        "at_time": schedule.at_time or "07:00",
        "daily_from": schedule.daily_from,
        "daily_to": schedule.daily_to,
        "updated_at": now,
    }
    stmt = _insert(session, DigestScheduleRow).values(commune_id=commune_id, **values)
    await session.execute(stmt.on_conflict_do_update(index_elements=["commune_id"], set_=values))


@dataclass(frozen=True)
class IdleDraft:
    assessment_id: int
    person_id: int
    commune_id: int
    # How many reminders this draft already had, and when the last one was queued.
    reminders: int
    last_reminder: datetime | None


async def idle_drafts(
    session: AsyncSession, idle_before: datetime, max_reminders: int
) -> list[IdleDraft]:
    """Collaborators' drafts untouched since `idle_before` that may still get a reminder."""
    a = AssessmentRow
    counts = (
        select(
            DraftReminderRow.assessment_id.label("assessment_id"),
            func.count().label("n"),
            func.max(DraftReminderRow.created_at).label("last_at"),
        )
        .group_by(DraftReminderRow.assessment_id)
        .subquery()
    )
    rows = await session.execute(
        select(a.id, a.created_by, a.commune_id, counts.c.n, counts.c.last_at)
        .select_from(a)
        .join(PersonRow, PersonRow.id == a.created_by)
        .outerjoin(counts, counts.c.assessment_id == a.id)
        .where(
            a.status == "draft",
            a.updated_at < idle_before,
            PersonRow.role == "collaborator",
            PersonRow.disabled.is_(False),
            or_(counts.c.n.is_(None), counts.c.n < max_reminders),
            # The next reminder only after another idle stretch since the previous one.
            or_(counts.c.last_at.is_(None), counts.c.last_at <= idle_before),
        )
        .order_by(a.created_by, a.id)
    )
    return [
        IdleDraft(int(r[0]), int(r[1]), int(r[2]), int(r[3] or 0), _opt_utc(r[4]))
        for r in rows.all()
    ]


async def record_draft_reminders(
    session: AsyncSession, outbox_id: int, drafts: Sequence[IdleDraft], now: datetime
) -> None:
    for draft in drafts:
        session.add(
            DraftReminderRow(
                assessment_id=draft.assessment_id,
                number=draft.reminders + 1,
                outbox_id=outbox_id,
                created_at=now,
            )
        )
    await session.flush()


@dataclass(frozen=True)
class DraftInfo:
    assessment_id: int
    title: str
    name: str
    village: str | None
    updated_at: datetime


async def drafts_info(session: AsyncSession, ids: Sequence[int]) -> list[DraftInfo]:
    """The drafts among `ids` that are still drafts (a reminder skips finished ones)."""
    a = AssessmentRow
    rows = await session.execute(
        _named(a.updated_at).where(a.id.in_(list(ids)), a.status == "draft").order_by(a.id)
    )
    return [DraftInfo(int(r[0]), str(r[1]), str(r[2]), r[3], as_utc(r[4])) for r in rows.all()]


# --- export rows ----------------------------------------------------------------------------


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


def _points(score: Any) -> dict[str, float]:
    if not isinstance(score, dict):
        return {}
    out: dict[str, float] = {}
    for item in score.get("criteria") or ():
        if isinstance(item, dict) and "id" in item and item.get("points") is not None:
            out[str(item["id"])] = float(item["points"])
    return out


def _export_select() -> Any:
    a = AssessmentRow
    verifier = aliased(PersonRow)
    return (
        select(
            a.id,
            a.title,
            CommuneRow.name,
            VillageRow.name,
            func.coalesce(HouseholdRow.head_name, ClanRow.name, ""),
            ClanRow.head_name,
            a.year,
            a.pack_id,
            a.pack_version,
            a.status,
            a.total,
            a.passed,
            a.score,
            verifier.name,
            a.verified_at,
            a.decision_number,
            a.decision_date,
            a.submitted_at,
            a.clan_id,
        )
        .select_from(a)
        .join(CommuneRow, CommuneRow.id == a.commune_id)
        .outerjoin(HouseholdRow, HouseholdRow.id == a.household_id)
        .outerjoin(ClanRow, ClanRow.id == a.clan_id)
        .outerjoin(
            VillageRow, VillageRow.id == func.coalesce(HouseholdRow.village_id, a.village_id)
        )
        .outerjoin(verifier, verifier.id == a.verified_by)
        .where(a.status.in_(ASSESSED), or_(a.household_id.is_(None), _live_household()))
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
        verified_at=_opt_utc(r[14]),
        decision_number=r[15],
        decision_date=r[16],
        submitted_at=_opt_utc(r[17]),
    )


async def export_rows(session: AsyncSession, commune_id: int, year: int) -> list[ExportRow]:
    """Every assessed subject of a commune's year (at most a few thousand rows)."""
    a = AssessmentRow
    clan_villages = await _clan_village_names(session, commune_id)
    rows = await session.execute(
        _export_select()
        .where(a.commune_id == commune_id, a.year == year)
        .order_by(a.title, VillageRow.id, a.id)
    )
    return [_export_row(r, clan_villages) for r in rows.all()]


async def _clan_village_names(
    session: AsyncSession | AsyncConnection, commune_id: int | None, province_id: int | None = None
) -> dict[int, str]:
    """clan id -> its villages ("Thôn A, Thôn B"), for a commune or a whole province."""
    stmt = (
        select(ClanVillageRow.clan_id, VillageRow.name)
        .join(VillageRow, VillageRow.id == ClanVillageRow.village_id)
        .join(ClanRow, ClanRow.id == ClanVillageRow.clan_id)
        .order_by(ClanVillageRow.clan_id, VillageRow.id)
    )
    if commune_id is not None:
        stmt = stmt.where(ClanRow.commune_id == commune_id)
    else:
        stmt = stmt.join(CommuneRow, CommuneRow.id == ClanRow.commune_id).where(
            CommuneRow.province_id == province_id
        )
    rows = await session.execute(stmt)
    out: dict[int, list[str]] = {}
    for clan_id, name in rows.all():
        out.setdefault(int(clan_id), []).append(str(name))
    return {k: ", ".join(v) for k, v in out.items()}


async def stream_province_rows(
    db: Database, province_id: int, year: int, batch: int = 2000
) -> AsyncIterator[ExportRow]:
    """Every assessed subject of a province's year (hundreds of thousands of rows), without
    holding them all: on PostgreSQL one server-side cursor read `batch` rows at a time; on
    SQLite commune by commune, each in its own short transaction, because every SQLite
    transaction here takes the write lock (BEGIN IMMEDIATE) and a long export must not stop
    the bot from answering."""
    a = AssessmentRow
    order = (CommuneRow.id, a.title, VillageRow.id, a.id)
    if db.sqlite:
        async with db.session() as session:
            communes = list(
                await session.scalars(
                    select(CommuneRow.id)
                    .where(CommuneRow.province_id == province_id)
                    .order_by(CommuneRow.id)
                )
            )
        for commune_id in communes:
            async with db.session() as session:
                clan_villages = await _clan_village_names(session, commune_id)
                rows = (
                    await session.execute(
                        _export_select()
                        .where(a.commune_id == commune_id, a.year == year)
                        .order_by(*order)
                    )
                ).all()
            for r in rows:
                yield _export_row(r, clan_villages)
        return
    async with db.engine.connect() as conn:
        clan_villages = await _clan_village_names(conn, None, province_id)
        stmt = (
            _export_select()
            .where(CommuneRow.province_id == province_id, a.year == year)
            .order_by(*order)
            .execution_options(yield_per=batch)
        )
        result = await conn.stream(stmt)
        async for partition in result.partitions(batch):
            for r in partition:
                yield _export_row(r, clan_villages)


# --- the outbox -----------------------------------------------------------------------------


@dataclass(frozen=True)
class OutboxItem:
    id: int
    key: str
    kind: str
    person_id: int
    commune_id: int | None
    payload: Mapping[str, Any]
    status: str
    attempts: int
    parts_sent: int
    next_attempt_at: datetime
    lease_owner: str | None
    lease_until: datetime | None
    channel: str | None
    chat_id: str | None
    last_error: str | None
    created_at: datetime
    sent_at: datetime | None

    @classmethod
    def from_row(cls, row: OutboxRow) -> OutboxItem:
        return cls(
            id=row.id,
            key=row.key,
            kind=row.kind,
            person_id=row.person_id,
            commune_id=row.commune_id,
            payload=dict(row.payload or {}),
            status=row.status,
            attempts=row.attempts,
            parts_sent=row.parts_sent,
            next_attempt_at=as_utc(row.next_attempt_at),
            lease_owner=row.lease_owner,
            lease_until=_opt_utc(row.lease_until),
            channel=row.channel,
            chat_id=row.chat_id,
            last_error=row.last_error,
            created_at=as_utc(row.created_at),
            sent_at=_opt_utc(row.sent_at),
        )


async def enqueue(
    session: AsyncSession,
    *,
    key: str,
    kind: str,
    person_id: int,
    commune_id: int | None,
    payload: Mapping[str, Any],
    now: datetime,
) -> int | None:
    """Queue a push once: the id of the new row, or None if `key` was queued before (by this
    process, another one, or before a restart)."""
    stmt = (
        _insert(session, OutboxRow)
        .values(
            key=key,
            kind=kind,
            person_id=person_id,
            commune_id=commune_id,
            payload=dict(payload),
            status="pending",
            attempts=0,
            parts_sent=0,
            next_attempt_at=now,
            created_at=now,
            updated_at=now,
        )
        .on_conflict_do_nothing(index_elements=["key"])
        .returning(OutboxRow.id)
    )
    return cast(int | None, await session.scalar(stmt))


async def existing_keys(session: AsyncSession, keys: Iterable[str]) -> set[str]:
    wanted = list(keys)
    if not wanted:
        return set()
    rows = await session.scalars(select(OutboxRow.key).where(OutboxRow.key.in_(wanted)))
    return set(rows)


@dataclass(frozen=True)
class Recipient:
    identity_id: int
    channel: str
    chat_id: str
    locale: str
    unreachable: bool = False


class Outbox:
    """The outbox's state changes, each in its own short transaction.

    Every change made on behalf of a claim names the claim's `owner` token, so a worker
    whose lease was taken away can never overwrite what happened after.
    """

    def __init__(self, db: Database) -> None:
        self.db = db

    async def claim(
        self, now: datetime, lease: timedelta, limit: int, worker: str
    ) -> tuple[str, list[OutboxItem]]:
        """Take up to `limit` due rows: 'pending' -> 'sending' with a lease, committed before
        anything is sent. PostgreSQL: FOR UPDATE SKIP LOCKED, so concurrent workers take
        different rows without waiting. SQLite ignores FOR UPDATE, but its transactions start
        with BEGIN IMMEDIATE (one writer at a time), and the `status = 'pending'` guard on
        the UPDATE makes a row claimable once either way."""
        owner = f"{worker}/{uuid.uuid4().hex[:12]}"
        async with self.db.session() as s:
            ids = list(
                await s.scalars(
                    select(OutboxRow.id)
                    .where(OutboxRow.status == "pending", OutboxRow.next_attempt_at <= now)
                    .order_by(OutboxRow.next_attempt_at, OutboxRow.id)
                    .limit(limit)
                    .with_for_update(skip_locked=True)
                )
            )
            if not ids:
                return owner, []
            await s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.status == "pending")
                .values(
                    status="sending",
                    lease_owner=owner,
                    lease_until=now + lease,
                    attempts=OutboxRow.attempts + 1,
                    # No chat until `start` names one just before sending (kept when a part
                    # already went out there): that is how `expire_leases` knows whether a
                    # dead worker had begun sending.
                    channel=case((OutboxRow.parts_sent == 0, null()), else_=OutboxRow.channel),
                    chat_id=case((OutboxRow.parts_sent == 0, null()), else_=OutboxRow.chat_id),
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            rows = await s.scalars(
                select(OutboxRow)
                .where(OutboxRow.id.in_(ids), OutboxRow.lease_owner == owner)
                .order_by(OutboxRow.id)
            )
            return owner, [OutboxItem.from_row(r) for r in rows]

    async def _set(self, item_id: int, owner: str, statuses: Sequence[str], **values: Any) -> bool:
        async with self.db.session() as s:
            result = await s.execute(
                update(OutboxRow)
                .where(
                    OutboxRow.id == item_id,
                    OutboxRow.lease_owner == owner,
                    OutboxRow.status.in_(statuses),
                )
                .values(**values)
                .execution_options(synchronize_session=False)
            )
            return bool(cast(Any, result).rowcount)

    async def start(
        self, item_id: int, owner: str, channel: str, chat_id: str, now: datetime
    ) -> bool:
        return await self._set(
            item_id, owner, ("sending",), channel=channel, chat_id=chat_id, updated_at=now
        )

    async def part_sent(
        self, item_id: int, owner: str, parts_sent: int, now: datetime, lease: timedelta
    ) -> bool:
        """One message of the push went out: record it and extend the lease."""
        return await self._set(
            item_id,
            owner,
            ("sending",),
            parts_sent=parts_sent,
            lease_until=now + lease,
            updated_at=now,
        )

    async def sent(self, item_id: int, owner: str, now: datetime) -> bool:
        # 'failed' too: if our lease ran out while we were (slowly) sending, the row was
        # marked as interrupted; we now know better, and nobody resent it meanwhile.
        return await self._set(
            item_id,
            owner,
            ("sending", "failed"),
            status="sent",
            sent_at=now,
            lease_until=None,
            last_error=None,
            updated_at=now,
        )

    async def retry_later(
        self, item_id: int, owner: str, at: datetime, error: str, now: datetime
    ) -> bool:
        return await self._set(
            item_id,
            owner,
            ("sending",),
            status="pending",
            next_attempt_at=at,
            lease_owner=None,
            lease_until=None,
            last_error=error[:2000],
            updated_at=now,
        )

    async def fail(
        self, item_id: int, owner: str, error: str, now: datetime, status: str = "failed"
    ) -> bool:
        return await self._set(
            item_id,
            owner,
            ("sending",),
            status=status,
            lease_until=None,
            last_error=error[:2000],
            updated_at=now,
        )

    async def identity_unreachable(self, identity_id: int) -> None:
        """The chat blocked the bot or is gone; writing to us again clears it
        (Repository.identity)."""
        async with self.db.session() as s:
            await s.execute(
                update(ChannelIdentityRow)
                .where(ChannelIdentityRow.id == identity_id)
                .values(unreachable=True)
            )

    async def switch_channel(self, item_id: int, owner: str, error: str, now: datetime) -> bool:
        """Requeue a push from its first message, for another of the person's channels."""
        return await self._set(
            item_id,
            owner,
            ("sending",),
            status="pending",
            parts_sent=0,
            channel=None,
            chat_id=None,
            next_attempt_at=now,
            lease_owner=None,
            lease_until=None,
            last_error=error[:2000],
            updated_at=now,
        )

    async def release(self, item_id: int, owner: str, now: datetime) -> bool:
        """Give back a claimed row nothing was sent for (a graceful stop)."""
        return await self._set(
            item_id,
            owner,
            ("sending",),
            status="pending",
            attempts=OutboxRow.attempts - 1,
            lease_owner=None,
            lease_until=None,
            updated_at=now,
        )

    async def expire_leases(self, now: datetime) -> int:
        """Rows left 'sending' by a worker that died; returns how many were marked failed.

        A worker that died before naming the chat (`start`, committed just before the first
        network call) sent nothing: its row simply goes back to 'pending'.

        One that died after may have died before its message went out or after it was
        delivered but before it recorded so, and nothing tells the two apart (Telegram and
        Zalo have no idempotency key for sendMessage). Sending again would risk a second
        copy, which must never happen; dropping it silently would lose a digest. So the row
        becomes 'failed' with an explanation, shown by `hoctap outbox list`, and an
        administrator who checks with the chair can resend it (`hoctap outbox retry ID`).
        Messages of the push confirmed before the crash are counted in `parts_sent`, so at
        most one message is in doubt. A graceful stop never gets here: it finishes the
        message in flight and records it.
        """
        expired = (OutboxRow.status == "sending", OutboxRow.lease_until < now)
        async with self.db.session() as s:
            await s.execute(
                update(OutboxRow)
                .where(*expired, OutboxRow.channel.is_(None))
                .values(
                    status="pending",
                    attempts=OutboxRow.attempts - 1,
                    next_attempt_at=now,
                    lease_owner=None,
                    lease_until=None,
                    last_error="the worker stopped before sending: queued again",
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            result = await s.execute(
                update(OutboxRow)
                .where(*expired)
                .values(
                    status="failed",
                    last_error="interrupted while sending: delivery unknown, not resent "
                    "automatically (hoctap outbox retry ID to resend)",
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            return int(cast(Any, result).rowcount or 0)

    async def recipient(
        self, person_id: int, channels: Iterable[str], preferred: Sequence[str]
    ) -> Recipient | None:
        """The person's reachable chat on one of `channels`, in order of preference."""
        names = list(channels)
        async with self.db.session() as s:
            rows = list(
                await s.scalars(
                    select(ChannelIdentityRow)
                    .where(
                        ChannelIdentityRow.person_id == person_id,
                        ChannelIdentityRow.unreachable.is_(False),
                        ChannelIdentityRow.channel.in_(names),
                    )
                    .order_by(ChannelIdentityRow.id.desc())
                )
            )
        if not rows:
            return None
        order = {name: i for i, name in enumerate(preferred)}
        best = min(rows, key=lambda r: order.get(r.channel, len(order)))
        return Recipient(best.id, best.channel, best.chat_id, best.locale)

    async def identity_for(self, channel: str, chat_id: str) -> Recipient | None:
        async with self.db.session() as s:
            row = await s.scalar(
                select(ChannelIdentityRow)
                .where(ChannelIdentityRow.channel == channel, ChannelIdentityRow.chat_id == chat_id)
                .order_by(ChannelIdentityRow.id.desc())
                .limit(1)
            )
        if row is None:
            return None
        return Recipient(row.id, row.channel, row.chat_id, row.locale, row.unreachable)

    async def list(
        self, *, status: str | None = None, commune_id: int | None = None, limit: int = 50
    ) -> list[OutboxItem]:
        async with self.db.session() as s:
            stmt = select(OutboxRow).order_by(OutboxRow.id.desc()).limit(limit)
            if status:
                stmt = stmt.where(OutboxRow.status == status)
            if commune_id is not None:
                stmt = stmt.where(OutboxRow.commune_id == commune_id)
            return [OutboxItem.from_row(r) for r in await s.scalars(stmt)]

    async def counts(self) -> dict[str, int]:
        async with self.db.session() as s:
            rows = await s.execute(
                select(OutboxRow.status, func.count()).group_by(OutboxRow.status)
            )
            return {str(r[0]): int(r[1]) for r in rows.all()}

    async def requeue(self, ids: Sequence[int], now: datetime) -> int:
        """An administrator's resend of failed or unreachable pushes (from their first part
        not yet confirmed)."""
        async with self.db.session() as s:
            result = await s.execute(
                update(OutboxRow)
                .where(OutboxRow.id.in_(list(ids)), OutboxRow.status.in_(("failed", "unreachable")))
                .values(
                    status="pending",
                    attempts=0,
                    next_attempt_at=now,
                    lease_owner=None,
                    lease_until=None,
                    updated_at=now,
                )
                .execution_options(synchronize_session=False)
            )
            return int(cast(Any, result).rowcount or 0)
