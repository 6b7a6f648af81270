"""One bot worker in webhook mode, for the several-workers benchmark.

`python -m bench.worker DATABASE_URL PORT`: the real webhook receiver (secret check, Update
parsing, our dispatcher, service, storage, sender) on 127.0.0.1:PORT, with the Bot API kept in
memory (bench.session), sharing the database with the other workers. Prints "ready" when it
listens; stops on SIGTERM.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys

from aiohttp import web

from bench.targets import HocTap
from bot.channels import freeze_startup_objects
from bot.telegram.webhook import WebhookReceiver

SECRET = "bench-secret"
PATH = "/telegram/webhook"


async def serve(url: str, port: int) -> None:
    target = await HocTap.open(url, f"worker:{port}", households=0, migrate=False)
    receiver = WebhookReceiver(target.bot, target.dispatcher, SECRET)
    freeze_startup_objects()  # as bot.channels does
    app = web.Application()
    app.router.add_post(PATH, receiver.handle)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", port, backlog=1024).start()
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Not a stub: event loops without signal support (Windows) raise this; the
        # benchmark then stops the worker with terminate() alone.
        with contextlib.suppress(NotImplementedError):
            loop.add_signal_handler(sig, stop.set)
    print("ready", flush=True)
    await stop.wait()
    await receiver.drain(5)
    await runner.cleanup()
    await target.close()


def main() -> None:
    url, port = sys.argv[1], int(sys.argv[2])
    asyncio.run(serve(url, port))


if __name__ == "__main__":
    main()
