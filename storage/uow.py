"""The unit of work: one transaction, opened once per message or job, with a repository per
aggregate on it. `async with db.unit_of_work(now) as uow:` commits when the block ends and
rolls back if it raises; `now` is the clock reading every write of it records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from storage import tables as t
from storage.assessments import AssessmentRepository
from storage.chats import ChatRepository
from storage.exports import ExportRepository
from storage.households import HouseholdRepository
from storage.invites import InviteRepository
from storage.media import PhotoFiles
from storage.outbox import OutboxRepository
from storage.papers import PaperRepository
from storage.people import PeopleRepository
from storage.photos import PhotoRepository
from storage.places import PlaceRepository
from storage.progress import ProgressRepository
from storage.schedules import ScheduleRepository
from storage.sql import Sql
from storage.subjects import SubjectRepository
from storage.web import WebRepository


class UnitOfWork:
    """Every repository of one transaction. They hand out domain models (conversations.domain
    or small frozen dataclasses beside each repository), never rows of the schema."""

    def __init__(
        self, session: AsyncSession | Sql, now: datetime, files: PhotoFiles | None = None
    ) -> None:
        # A session, or the `Sql` of a transaction begun on the driver connection (storage.db).
        self._sql = sql = session if isinstance(session, Sql) else Sql(session, now)
        self.chats = ChatRepository(sql)
        self.people = PeopleRepository(sql)
        self.places = PlaceRepository(sql)
        self.households = HouseholdRepository(sql, files)
        self.assessments = AssessmentRepository(sql)
        self.invites = InviteRepository(sql)
        self.outbox = OutboxRepository(sql)
        self.progress = ProgressRepository(sql)
        self.schedules = ScheduleRepository(sql)
        self.exports = ExportRepository(sql)
        self.photos = PhotoRepository(sql)
        self.subjects = SubjectRepository(sql, files)
        self.web = WebRepository(sql)
        self.papers = PaperRepository(sql)

    @property
    def now(self) -> datetime:
        """The transaction's clock reading: the time every write of it records."""
        return self._sql.now

    @now.setter
    def now(self, value: datetime) -> None:
        # For seeding data dated in the past (tests, the benchmark).
        self._sql.now = value

    async def lock(self, key: int) -> None:
        """Hold an application lock until this unit of work ends: one process at a time
        (PostgreSQL's advisory lock; SQLite's BEGIN IMMEDIATE serialises writers already)."""
        if self._sql.dialect.name == "postgresql":
            await self._sql.execute(text("SELECT pg_advisory_xact_lock(:key)").bindparams(key=key))

    async def is_empty(self) -> bool:
        """No commune and nobody yet: a database just made."""
        holds_data = select(t.communes.c.id).exists() | select(t.people.c.id).exists()
        return not await self._sql.scalar(select(holds_data))
