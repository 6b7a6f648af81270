"""When digests and reminders go out: each commune's digest schedule, the collaborators' and
households' idle drafts with the reminders already queued about them, and the households the
study-promotion month is announced to."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Subquery, exists, func, or_, select, update

from storage import tables as t
from storage.progress import named, opt_utc
from storage.sql import Repository
from storage.tables import as_utc


@dataclass(frozen=True)
class Schedule:
    """When a commune's chairs get digests; None fields fall back to the settings."""

    enabled: bool = True
    weekday: int | None = None
    at_time: str | None = None
    daily_from: str | None = None
    daily_to: str | None = None


@dataclass(frozen=True)
class IdleDraft:
    assessment_id: int
    person_id: int
    commune_id: int
    # How many reminders this draft already had, and when the last one was queued.
    reminders: int
    last_reminder: datetime | None


@dataclass(frozen=True)
class DraftInfo:
    assessment_id: int
    title: str
    name: str
    village: str | None
    updated_at: datetime


class ScheduleRepository(Repository):
    async def digests(self) -> dict[int, Schedule]:
        """commune id -> its digest schedule, for the communes that have one set."""
        d = t.digest_schedules.c
        rows = await self.sql.all(
            select(d.commune_id, d.enabled, d.weekday, d.at_time, d.daily_from, d.daily_to)
        )
        return {int(r[0]): Schedule(bool(r[1]), r[2], r[3], r[4], r[5]) for r in rows}

    async def set_digest(self, commune_id: int, schedule: Schedule) -> None:
        values = {
            "enabled": schedule.enabled,
            "weekday": 0 if schedule.weekday is None else schedule.weekday,
            "at_time": schedule.at_time or "07:00",
            "daily_from": schedule.daily_from,
            "daily_to": schedule.daily_to,
            "updated_at": self.now,
        }
        stmt = self.sql.upsert(t.digest_schedules).values(commune_id=commune_id, **values)
        await self.sql.execute(
            stmt.on_conflict_do_update(index_elements=["commune_id"], set_=values)
        )

    async def idle_drafts(self, idle_before: datetime, max_reminders: int) -> list[IdleDraft]:
        """Collaborators' drafts untouched since `idle_before` that may still get a reminder."""
        a = t.assessments.c
        counts = _reminders_sent()
        rows = await self.sql.all(
            select(a.id, a.created_by, a.commune_id, counts.c.n, counts.c.last_at)
            .select_from(t.assessments)
            .join(t.people, t.people.c.id == a.created_by)
            .outerjoin(counts, counts.c.assessment_id == a.id)
            .where(
                a.status == "draft",
                a.updated_at < idle_before,
                t.people.c.role == "collaborator",
                t.people.c.disabled.is_(False),
                or_(counts.c.n.is_(None), counts.c.n < max_reminders),
                # The next reminder only after another idle stretch since the previous one.
                or_(counts.c.last_at.is_(None), counts.c.last_at <= idle_before),
            )
            .order_by(a.created_by, a.id)
        )
        return [
            IdleDraft(int(x[0]), int(x[1]), int(x[2]), int(x[3] or 0), opt_utc(x[4])) for x in rows
        ]

    async def idle_household_drafts(self, idle_before: datetime) -> list[IdleDraft]:
        """Households' own drafts untouched since `idle_before` and not reminded since they were
        last touched: one reminder per idle spell (touching the draft starts a new one)."""
        a, h = t.assessments.c, t.households.c
        counts = _reminders_sent()
        rows = await self.sql.all(
            select(a.id, a.created_by, a.commune_id, counts.c.n, counts.c.last_at)
            .select_from(t.assessments)
            .join(t.people, t.people.c.id == a.created_by)
            .join(t.households, h.id == a.household_id)
            .outerjoin(counts, counts.c.assessment_id == a.id)
            .where(
                a.status == "draft",
                a.updated_at < idle_before,
                t.people.c.role == "household",
                t.people.c.disabled.is_(False),
                h.deleted_at.is_(None),
                or_(counts.c.last_at.is_(None), counts.c.last_at < a.updated_at),
            )
            .order_by(a.id)
        )
        return [
            IdleDraft(int(x[0]), int(x[1]), int(x[2]), int(x[3] or 0), opt_utc(x[4])) for x in rows
        ]

    async def set_announce_study_month(self, commune_id: int, on: bool) -> None:
        await self.sql.execute(
            update(t.communes).where(t.communes.c.id == commune_id).values(announce_study_month=on)
        )

    async def study_month_recipients(self) -> list[tuple[int, int]]:
        """(person id, commune id) of the registered households of the communes that announce
        the study-promotion month: live household accounts with a household not deleted."""
        p, h = t.people.c, t.households.c
        live = exists().where(h.person_id == p.id, h.deleted_at.is_(None))
        rows = await self.sql.all(
            select(p.id, p.commune_id)
            .join(t.communes, t.communes.c.id == p.commune_id)
            .where(
                p.role == "household",
                p.disabled.is_(False),
                t.communes.c.announce_study_month.is_(True),
                live,
            )
            .order_by(p.id)
        )
        return [(int(x[0]), int(x[1])) for x in rows]

    async def record_draft_reminders(self, outbox_id: int, drafts: Sequence[IdleDraft]) -> None:
        for draft in drafts:
            await self.sql.execute(
                t.draft_reminders.insert().values(
                    assessment_id=draft.assessment_id,
                    number=draft.reminders + 1,
                    outbox_id=outbox_id,
                    created_at=self.now,
                )
            )

    async def drafts_info(self, ids: Sequence[int]) -> list[DraftInfo]:
        """The drafts among `ids` that are still drafts (a reminder skips finished ones)."""
        a = t.assessments.c
        rows = await self.sql.all(
            named(a.updated_at).where(a.id.in_(list(ids)), a.status == "draft").order_by(a.id)
        )
        return [DraftInfo(int(r[0]), str(r[1]), str(r[2]), r[3], as_utc(r[4])) for r in rows]


def _reminders_sent() -> Subquery:
    """Per draft: how many reminders it got, and when the last one was queued."""
    r = t.draft_reminders.c
    return (
        select(
            r.assessment_id.label("assessment_id"),
            func.count().label("n"),
            func.max(r.created_at).label("last_at"),
        )
        .group_by(r.assessment_id)
        .subquery()
    )
