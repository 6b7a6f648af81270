"""What asks for the chair's attention in a digest: assessments waiting for verification too
long and collaborators with no activity; and which subjects are still live (not deleted or
merged), which every count of storage/progress.py relies on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.sql.elements import ColumnElement

from storage import tables as t
from storage.sql import Sql
from storage.tables import as_utc


def opt_utc(value: datetime | None) -> datetime | None:
    return None if value is None else as_utc(value)


def live_household() -> ColumnElement[bool]:
    return and_(t.households.c.deleted_at.is_(None), t.households.c.merged_into.is_(None))


def live_subject() -> ColumnElement[bool]:
    """An assessment of a live subject: not of a deleted or merged household (the title's own
    subject, or the household a citizen belongs to), nor of a deleted citizen. Needs the
    households and citizens outer-joined (`with_subjects`)."""
    return and_(
        or_(t.assessments.c.household_id.is_(None), live_household()),
        or_(t.assessments.c.citizen_id.is_(None), t.citizens.c.deleted_at.is_(None)),
    )


def with_subjects(source: Any) -> Any:
    a = t.assessments
    return source.outerjoin(t.households, t.households.c.id == a.c.household_id).outerjoin(
        t.citizens, t.citizens.c.id == a.c.citizen_id
    )


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


def named(when: Any) -> Any:
    """(id, title, subject's name, its place, `when`) of assessments: the person, household
    head, clan, village or unit; the village, or the unit of a member of its staff (None for
    a unit, and for a clan, which has no one village)."""
    a = t.assessments
    return (
        select(
            a.c.id,
            a.c.title,
            func.coalesce(
                t.citizens.c.name,
                t.households.c.head_name,
                t.clans.c.name,
                t.units.c.name,
                case((a.c.title == "village", t.villages.c.name)),
                "",
            ),
            case((a.c.title != "unit", func.coalesce(t.villages.c.name, t.units.c.name))),
            when,
        )
        .select_from(a)
        .outerjoin(t.households, t.households.c.id == a.c.household_id)
        .outerjoin(t.clans, t.clans.c.id == a.c.clan_id)
        .outerjoin(t.citizens, t.citizens.c.id == a.c.citizen_id)
        .outerjoin(t.units, t.units.c.id == a.c.unit_id)
        .outerjoin(t.villages, t.villages.c.id == a.c.village_id)
    )


async def waiting_list(
    sql: Sql, commune_id: int, before: datetime, limit: int
) -> tuple[tuple[Waiting, ...], int]:
    a = t.assessments
    where = (
        a.c.commune_id == commune_id,
        a.c.status == "submitted",
        a.c.submitted_at < before,
        live_subject(),
    )
    total = await sql.scalar(select(func.count(a.c.id)).select_from(with_subjects(a)).where(*where))
    rows = await sql.execute(
        named(a.c.submitted_at).where(*where).order_by(a.c.submitted_at, a.c.id).limit(limit)
    )
    items = tuple(
        Waiting(int(r[0]), str(r[1]), str(r[2]), r[3], as_utc(cast(datetime, r[4])))
        for r in rows.all()
    )
    return items, int(total or 0)


async def collaborator_activity(sql: Sql, commune_id: int, year: int) -> list[CollaboratorActivity]:
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
