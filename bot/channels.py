"""Start every channel whose token is set; the terminal chat when none is."""

from __future__ import annotations

import asyncio
import logging

from bot.bootstrap import App

log = logging.getLogger(__name__)


async def run_channels(app: App) -> int:
    from bot.demo import ensure_demo

    await ensure_demo(app.db)
    tasks: list[asyncio.Task[None]] = []
    if not tasks:
        from bot.console.chat import run_console

        await run_console(app.service)
        return 0
    await asyncio.gather(*tasks)
    return 0
