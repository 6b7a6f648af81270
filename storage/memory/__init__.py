"""The in-memory twin of the unit of work (storage/ports.py's `ChatUnitOfWork`): plain dicts
that behave like the SQL repositories for everything the chat path uses, so the flows can be
tested without a database. tests/integration/test_storage_contract.py holds both to one
contract.

Transactions are copy-on-open: a unit of work works on a deep copy of the data, which
replaces the data when the block ends and is dropped if it raises. Units run one at a time,
as SQLite's writers do.
"""

from __future__ import annotations

import asyncio
import copy
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime

from storage.media import PhotoFiles
from storage.memory.assessments import MemoryAssessments
from storage.memory.chats import MemoryChats
from storage.memory.data import Data, Tx
from storage.memory.households import MemoryHouseholds
from storage.memory.invites import MemoryInvites
from storage.memory.outbox import MemoryOutbox
from storage.memory.people import MemoryPeople, MemoryPlaces
from storage.memory.subjects import MemorySubjects
from storage.ports import ChatUnitOfWork, UnitsOfWork
from storage.uow import UnitOfWork

__all__ = ["MemoryDatabase", "MemoryUnitOfWork"]


class MemoryUnitOfWork:
    """Every in-memory repository of one transaction."""

    def __init__(self, data: Data, now: datetime, files: PhotoFiles | None = None) -> None:
        self._tx = tx = Tx(data, now, files)
        self.chats = MemoryChats(tx)
        self.people = MemoryPeople(tx)
        self.places = MemoryPlaces(tx)
        self.households = MemoryHouseholds(tx)
        self.assessments = MemoryAssessments(tx)
        self.invites = MemoryInvites(tx)
        self.outbox = MemoryOutbox(tx)
        self.subjects = MemorySubjects(tx)

    @property
    def now(self) -> datetime:
        return self._tx.now

    @now.setter
    def now(self, value: datetime) -> None:
        # For seeding data dated in the past (tests).
        self._tx.now = value


class MemoryDatabase:
    """`async with MemoryDatabase().unit_of_work(now) as uow:`, like `storage.db.Database`."""

    def __init__(self, photos: PhotoFiles | None = None) -> None:
        self.data = Data()
        self.photos = photos
        self._lock = asyncio.Lock()

    @asynccontextmanager
    async def unit_of_work(self, now: datetime) -> AsyncIterator[MemoryUnitOfWork]:
        async with self._lock:
            working = copy.deepcopy(self.data)
            yield MemoryUnitOfWork(working, now, self.photos)
            self.data = working  # reached only when the block did not raise


def _both_satisfy_the_ports(
    memory: MemoryDatabase, sql: UnitOfWork
) -> tuple[UnitsOfWork, ChatUnitOfWork, ChatUnitOfWork]:
    """Never called: mypy checks here, structurally, that the twin and the SQL unit of work
    both are what the chat path needs (storage/ports.py)."""
    return memory.unit_of_work, MemoryUnitOfWork(memory.data, sql.now), sql
