"""Regression: two processes starting at once on a fresh PostgreSQL database both create the
demo commune (`hoctap demo`, or two terminal chats on an empty database); one crashed on a
unique key."""

from __future__ import annotations

import asyncio

from bot.demo import ensure_demo, ensure_demo_for_terminal
from bot.settings import Settings
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


async def test_two_terminal_chats_starting_together_make_one_demo_commune(
    database_url: str,
) -> None:
    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    first, second = Database(database_url), Database(database_url)
    try:
        made = await asyncio.gather(
            ensure_demo_for_terminal(first, settings), ensure_demo_for_terminal(second, settings)
        )
    finally:
        await first.dispose()
        await second.dispose()
    # The emptiness check is made under the lock: the second sees the first one's commune.
    assert sorted(demo is None for demo in made) == [False, True]
