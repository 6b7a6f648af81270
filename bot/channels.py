"""Start every channel whose token is set; the terminal chat when none is.

Channels run side by side until SIGTERM or SIGINT; then each stops taking updates, finishes
the ones in progress and closes. Channels in webhook mode share one web server
(WEBHOOK_HOST:WEBHOOK_PORT), which also answers GET /healthz.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging
import signal

from aiohttp import web
from aiohttp.typedefs import Handler

from bot.bootstrap import App
from bot.console.chat import run_console
from bot.demo import ensure_demo_for_terminal
from bot.outbox.scheduler import ReportScheduler
from bot.outbox.worker import OutboxWorker

log = logging.getLogger(__name__)


async def run_channels(app: App) -> int:
    runners = app.runners()
    if not runners:
        # No token: the terminal chat, with the demo commune on an empty database. With a
        # token nothing is created: demo invites on a deployment would let anyone in.
        await ensure_demo_for_terminal(app.db, app.settings, examples=app.service)
        await run_console(app.service)
        return 0
    _configure_logging()
    freeze_startup_objects()
    stop = asyncio.Event()
    stop_on_signals(stop)
    web_app = web.Application()
    web_app.router.add_get("/healthz", _health([r.name for r in runners]))
    wants_server = [runner.register(web_app) for runner in runners]
    # The web page for chairs and collaborators (issue 16) rides on the same server.
    app.web_site().register(web_app)
    webhooks = any(wants_server)
    server = await _serve(web_app, app, webhooks) if webhooks or app.settings.web_port else None
    tasks = [asyncio.create_task(r.run(stop), name=f"channel-{r.name}") for r in runners]
    # Reports (issue 5): scheduled digests and reminders, delivered through the outbox by each
    # channel's own sender (which paces and retries), stopping with the channels.
    worker = app.outbox_worker({r.name: r.channel for r in runners})
    reports = run_reports(app.report_scheduler(), worker, stop, app.settings.outbox_poll_seconds)
    tasks.append(asyncio.create_task(reports, name="reports"))
    # Evidence photos copied into the photo store, beside the answers, never in them.
    photos = app.photo_fetcher().run(stop, app.settings.photo_fetch_poll_seconds)
    tasks.append(asyncio.create_task(photos, name="photos"))
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        # One channel failed (or all ended): stop the others too, gracefully.
        stop.set()
        await asyncio.wait(tasks)
    finally:
        if server is not None:
            await server.cleanup()
    failed = [t for t in tasks if not t.cancelled() and t.exception() is not None]
    for task in failed:
        log.error("channel %s failed", task.get_name(), exc_info=task.exception())
    return 1 if failed else 0


async def run_reports(
    scheduler: ReportScheduler, worker: OutboxWorker, stop: asyncio.Event, poll_seconds: float
) -> None:
    """Queue scheduled pushes every minute and deliver the outbox until `stop` is set."""
    await asyncio.gather(scheduler.run(stop), worker.run(stop, poll_seconds=poll_seconds))


def freeze_startup_objects() -> None:
    """Keep what start-up built (modules, pydantic and aiogram classes, the packs) out of the
    garbage collector's full passes: there are some 300,000 such objects, and a full pass over
    them stopped every chat for 150 ms now and then (measured with `python -m bench`; with
    the freeze a full pass takes a few ms). They live as long as the process anyway."""
    gc.collect()
    gc.freeze()


def _configure_logging() -> None:
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )


def stop_on_signals(stop: asyncio.Event) -> None:
    """SIGTERM and SIGINT set `stop` (`hoctap run`, `hoctap web`)."""
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        # Not possible off the main thread or on Windows: then Ctrl-C simply ends the process.
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(sig, _request_stop, stop, sig)


def _request_stop(stop: asyncio.Event, sig: signal.Signals) -> None:
    log.info("%s received: stopping", sig.name)
    stop.set()


def _health(channels: list[str]) -> Handler:
    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "channels": channels})

    return healthz


async def _serve(web_app: web.Application, app: App, webhooks: bool = True) -> web.AppRunner:
    """The webhook port when a channel takes webhooks, and WEB_PORT too when it is set."""
    settings = app.settings
    host = settings.webhook_host
    ports = [settings.webhook_port] if webhooks else []
    if settings.web_port is not None and settings.web_port not in ports:
        ports.append(settings.web_port)
    # shutdown_timeout: requests still open when we stop get this long to finish.
    runner = web.AppRunner(web_app, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    for port in ports:
        await web.TCPSite(runner, host, port).start()
        log.info("web server listening on %s:%s", host, port)
    return runner
