"""The outbox repository as the tests drive it: each call in a unit of work of its own, like
the worker's steps."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from storage.db import Database


class Outbox:
    def __init__(self, db: Database) -> None:
        self.db = db

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            async with self.db.unit_of_work(datetime.now(UTC)) as uow:
                return await getattr(uow.outbox, name)(*args, **kwargs)

        return call
