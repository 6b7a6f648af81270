"""Queues the scheduled pushes: chairs' digests, the yearly-summary reminders, reminders of
idle drafts to collaborators and to households (one per idle spell), and the yearly
announcement of the study-promotion month (10/8) to households of communes that opted in.

No job store: every tick (once a minute) computes, from the clock, the latest time each push
was due, and queues it under a key naming the recipient and the period. The outbox ignores a
key it already has, so ticks, restarts and several bot processes can never queue a push
twice, and a push whose time passed while the bot was down is still queued when it comes back
(within `digest_catch_up_hours`).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from bot.reports.periods import (
    DigestTimes,
    ending_at,
    parse_clock,
    parse_day_month,
    summary_reminders,
)
from bot.settings import Settings
from storage.db import Database
from storage.schedules import IdleDraft, Schedule

log = logging.getLogger(__name__)
Clock = Callable[[], datetime]


@dataclass(frozen=True)
class ScheduledPush:
    """An outbox row the scheduler queues: the text is written when it is sent (see
    Reports.render), unlike the service's `Push`, a message already written for one chat."""

    key: str
    kind: str
    person_id: int
    commune_id: int
    payload: dict[str, Any]


def default_times(settings: Settings) -> DigestTimes:
    return DigestTimes(
        weekday=settings.digest_weekday,
        at=parse_clock(settings.digest_time),
        daily_from=parse_day_month(settings.digest_daily_from)
        if settings.digest_daily_from
        else None,
        daily_to=parse_day_month(settings.digest_daily_to) if settings.digest_daily_to else None,
    )


def times_for(defaults: DigestTimes, schedule: Schedule | None) -> DigestTimes | None:
    """A commune's digest times: its administrator's choice over the defaults; None = off."""
    if schedule is None:
        return defaults
    if not schedule.enabled:
        return None
    return DigestTimes(
        weekday=defaults.weekday if schedule.weekday is None else schedule.weekday,
        at=parse_clock(schedule.at_time) if schedule.at_time else defaults.at,
        daily_from=parse_day_month(schedule.daily_from) if schedule.daily_from else None,
        daily_to=parse_day_month(schedule.daily_to) if schedule.daily_to else None,
    )


class ReportScheduler:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.tz = ZoneInfo(settings.timezone)
        self.defaults = default_times(settings)
        self.catch_up = timedelta(hours=settings.digest_catch_up_hours)
        # Keys this process already knows are queued: saves asking the database every tick.
        self._queued: set[str] = set()

    def due_pushes(
        self,
        now: datetime,
        chairs: dict[int, list[int]],
        commune_schedules: dict[int, Schedule],
    ) -> list[ScheduledPush]:
        """Digests and summary reminders whose time came within the catch-up window."""
        due_day = parse_day_month(self.settings.summary_due)
        pushes: list[ScheduledPush] = []
        for commune_id, people in chairs.items():
            times = times_for(self.defaults, commune_schedules.get(commune_id))
            if times is None:
                continue
            fire = times.latest_fire(now, self.tz)
            if fire is not None and now - fire[0] <= self.catch_up:
                at, kind = fire
                period = ending_at(kind, at, self.tz)
                stamp = at.astimezone(self.tz).date().isoformat()
                pushes += [
                    ScheduledPush(
                        f"digest:{kind}:{stamp}:c{commune_id}:p{person}",
                        "digest",
                        person,
                        commune_id,
                        period.payload(),
                    )
                    for person in people
                ]
            for at, days, deadline in summary_reminders(
                now, self.tz, due_day, self.settings.summary_reminder_days, times.at
            ):
                if now - at > self.catch_up:
                    continue
                payload = {"year": deadline.year, "due": deadline.isoformat(), "days": days}
                pushes += [
                    ScheduledPush(
                        f"summary-due:{deadline.year}:{days}:c{commune_id}:p{person}",
                        "summary_due",
                        person,
                        commune_id,
                        payload,
                    )
                    for person in people
                ]
        return pushes

    async def tick(self) -> int:
        """Queue whatever is due; returns how many pushes were queued now."""
        now = self.clock().astimezone(UTC)
        async with self.db.unit_of_work(now) as uow:
            chairs = await uow.people.chairs_by_commune()
            commune_schedules = await uow.schedules.digests()
        pushes = [
            p for p in self.due_pushes(now, chairs, commune_schedules) if p.key not in self._queued
        ]
        queued = 0
        if pushes:
            async with self.db.unit_of_work(now) as uow:
                known = await uow.outbox.existing_keys([p.key for p in pushes])
                for push in pushes:
                    if push.key in known:
                        continue
                    new = await uow.outbox.enqueue(
                        key=push.key,
                        kind=push.kind,
                        person_id=push.person_id,
                        commune_id=push.commune_id,
                        payload=push.payload,
                    )
                    queued += new is not None
            self._remember(p.key for p in pushes)
        queued += await self.draft_reminders(now)
        queued += await self.study_month(now)
        if queued:
            log.info("reports: %s push(es) queued", queued)
        return queued

    async def draft_reminders(self, now: datetime) -> int:
        """Once a day at the digest time: one message per collaborator listing their drafts
        idle for `draft_idle_days`, each draft reminded at most `draft_idle_max_reminders`
        times (the next one only after another idle stretch)."""
        local = now.astimezone(self.tz)
        fire = datetime.combine(local.date(), self.defaults.at, tzinfo=self.tz)
        if fire > local:
            fire -= timedelta(days=1)
        day_key = f"draft-idle:{fire.date().isoformat()}"
        if day_key in self._queued or now - fire > self.catch_up:
            return 0
        idle_before = now - timedelta(days=self.settings.draft_idle_days)
        queued = 0
        async with self.db.unit_of_work(now) as uow:
            drafts = await uow.schedules.idle_drafts(
                idle_before, self.settings.draft_idle_max_reminders
            )
            by_person: dict[int, list[IdleDraft]] = {}
            for draft in drafts:
                by_person.setdefault(draft.person_id, []).append(draft)
            for person_id, items in by_person.items():
                outbox_id = await uow.outbox.enqueue(
                    key=f"{day_key}:p{person_id}",
                    kind="draft_idle",
                    person_id=person_id,
                    commune_id=items[0].commune_id,
                    payload={
                        "assessments": [d.assessment_id for d in items],
                        "idle_days": self.settings.draft_idle_days,
                    },
                )
                # Same transaction as the outbox row: counted only if this process queued it.
                if outbox_id is not None:
                    await uow.schedules.record_draft_reminders(outbox_id, items)
                    queued += 1
            # Households: one message per draft, once per idle spell (the number of the
            # reminder is in the key, so a second process cannot queue the same one).
            for draft in await uow.schedules.idle_household_drafts(idle_before):
                outbox_id = await uow.outbox.enqueue(
                    key=f"household-idle:a{draft.assessment_id}:n{draft.reminders + 1}",
                    kind="household_idle",
                    person_id=draft.person_id,
                    commune_id=draft.commune_id,
                    payload={
                        "assessments": [draft.assessment_id],
                        "idle_days": self.settings.draft_idle_days,
                    },
                )
                if outbox_id is not None:
                    await uow.schedules.record_draft_reminders(outbox_id, [draft])
                    queued += 1
        self._remember([day_key])
        return queued

    async def study_month(self, now: datetime) -> int:
        """On 10/8 at the digest time (local): the study-promotion month announcement, once a
        year, to the registered households of the communes that opted in."""
        local = now.astimezone(self.tz)
        fire = datetime(local.year, 8, 10, self.defaults.at.hour, self.defaults.at.minute)
        fire = fire.replace(tzinfo=self.tz)
        key = f"study-month:{local.year}"
        if key in self._queued or fire > local or now - fire > self.catch_up:
            return 0
        queued = 0
        async with self.db.unit_of_work(now) as uow:
            for person_id, commune_id in await uow.schedules.study_month_recipients():
                new = await uow.outbox.enqueue(
                    key=f"{key}:p{person_id}",
                    kind="study_month",
                    person_id=person_id,
                    commune_id=commune_id,
                    payload={"year": local.year},
                )
                queued += new is not None
        # Not remembered: a household registering later the same morning still gets it.
        return queued

    def _remember(self, keys: Any) -> None:
        if len(self._queued) > 50_000:
            self._queued.clear()
        self._queued.update(keys)

    async def run(self, stop: asyncio.Event, every: float = 60.0) -> None:
        while not stop.is_set():
            try:
                await self.tick()
            except Exception:
                log.exception("reports scheduler: tick failed; trying again next minute")
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(every):
                    await stop.wait()
