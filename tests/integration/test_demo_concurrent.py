"""Regression: two bot processes starting at once on a fresh PostgreSQL database both create
the demo commune (bot.channels runs ensure_demo at start); one crashed on a unique key."""

from __future__ import annotations

import asyncio

from bot.demo import ensure_demo
from storage.db import Database


async def test_two_processes_starting_together_share_one_demo_commune(database_url: str) -> None:
    first, second = Database(database_url), Database(database_url)
    try:
        a, b = await asyncio.gather(ensure_demo(first), ensure_demo(second))
    finally:
        await first.dispose()
        await second.dispose()
    assert a.commune_id == b.commune_id
    assert a.village_ids == b.village_ids
    assert (a.collaborator_id, a.chair_id) == (b.collaborator_id, b.chair_id)
