"""One chat's updates one at a time, in arrival order; different chats in parallel."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncGenerator, Hashable
from contextlib import asynccontextmanager

from aiogram.fsm.storage.base import BaseEventIsolation, StorageKey


class ChatIsolation(BaseEventIsolation):
    """aiogram's `SimpleEventIsolation`, but a lock is dropped once nobody holds or waits for
    it, so a bot that meets thousands of people does not keep a lock for each forever.

    asyncio.Lock wakes waiters first-come first-served, and the dispatcher takes the lock before
    its first await, so updates of one chat are handled in the order they were received."""

    def __init__(self) -> None:
        self._locks: dict[Hashable, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncGenerator[None, None]:
        lock, users = self._locks.get(key) or (asyncio.Lock(), 0)
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users <= 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    @property
    def active(self) -> int:
        """How many chats have an update in progress or waiting (for tests and health)."""
        return len(self._locks)

    async def close(self) -> None:
        self._locks.clear()
