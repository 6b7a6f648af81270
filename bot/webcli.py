"""`hoctap web --port P` (the web page alone, without the channels) and `hoctap web-link
--user ID` (a one-time sign-in link printed for an administrator to hand on)."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable
from typing import Any

from aiohttp import web

from bot.bootstrap import App
from bot.channels import stop_on_signals
from bot.webaccess import HOME, safe_target

log = logging.getLogger(__name__)
WithApp = Callable[[Callable[[App, argparse.Namespace], Any]], Callable[[argparse.Namespace], int]]


async def _web_link(app: App, args: argparse.Namespace) -> int:
    async with app.db.unit_of_work(app.service.clock()) as uow:
        person = await uow.people.get(args.user)
        viewer = None if person is None else await app.web.viewer_of(uow, person.id)
    if viewer is None:
        print(
            f"person {args.user}: not found, disabled, or not a collaborator, chair or "
            "administrator",
            file=sys.stderr,
        )
        return 1
    url = await app.web.issue_link(args.user, safe_target(args.page))
    minutes = app.settings.web_link_minutes
    print(url)
    print(
        f"(one use, valid {minutes} minutes, for {person.name if person else args.user})",
        file=sys.stderr,
    )
    return 0


async def _web(app: App, args: argparse.Namespace) -> int:
    """Serve the page (and /healthz) until SIGTERM or SIGINT."""
    if not logging.getLogger().handlers:
        logging.basicConfig(
            level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
        )
    server = web.Application()

    async def healthz(request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "channels": []})

    server.router.add_get("/healthz", healthz)
    app.web_site().register(server)
    runner = web.AppRunner(server, access_log=None, shutdown_timeout=5.0)
    await runner.setup()
    host = args.host or app.settings.webhook_host
    await web.TCPSite(runner, host, args.port).start()
    log.info("web page on http://%s:%s/web/ (links: %s)", host, args.port, app.web.base_url)
    stop = asyncio.Event()
    stop_on_signals(stop)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    return 0


def register(sub: Any, with_app: WithApp) -> None:
    serve = sub.add_parser("web", help="serve only the web page for chairs and collaborators")
    serve.add_argument("--port", type=int, required=True)
    serve.add_argument("--host", help="address to listen on (default WEBHOOK_HOST)")
    serve.set_defaults(handler=with_app(_web))

    link = sub.add_parser("web-link", help="print a one-time sign-in link to the web page")
    link.add_argument("--user", type=int, required=True, help="the person's id (hoctap users list)")
    link.add_argument("--page", default=HOME, help="the page it opens (default /web/)")
    link.set_defaults(handler=with_app(_web_link))
