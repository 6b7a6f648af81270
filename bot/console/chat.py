"""The terminal chat: a real channel over standard input and output.

It goes through the same service and rendering as Telegram, so a piped script of answers is a
faithful test of the whole path. Options are printed numbered; there are no buttons.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import Sequence
from typing import TextIO

from bot.answering import InboundHandler
from bot.inbound import Inbound
from bot.rendering import Reply

CHANNEL = "console"


def _print(replies: Sequence[Reply], out: TextIO) -> None:
    for reply in replies:
        if reply.replaces_prompt:
            continue  # the echo of a choice only makes sense where a message can be edited
        out.write(reply.text.rstrip() + "\n")
        for photo in reply.album:  # a terminal shows no pictures: a line for each
            out.write(f"📷 [{photo.caption}]\n")
        out.write("\n")
    out.flush()


async def run_console(
    service: InboundHandler,
    *,
    user: str = "local",
    stdin: TextIO | None = None,
    stdout: TextIO | None = None,
) -> None:
    source = stdin or sys.stdin
    out = stdout or sys.stdout
    interactive = source.isatty()
    loop = asyncio.get_running_loop()

    async def send(text: str) -> None:
        inbound = Inbound(CHANNEL, user, user, "text", text=text, display_name=user)
        _print(await service.handle(inbound), out)

    await send("/start")
    while True:
        if interactive:
            out.write("> ")
            out.flush()
        line = await loop.run_in_executor(None, source.readline)
        if not line:
            break
        text = line.rstrip("\r\n")
        if text.strip().lower() in ("/quit", "/exit", "/thoat"):
            break
        if text.strip():
            await send(text)
