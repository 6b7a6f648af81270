"""A tiny reverse proxy for tests: one webhook address in front of several bot processes.

Each chat's updates go to the workers in turn (the first to worker 0, the next to worker 1,
...), so consecutive messages of one person are handled by different processes: what a
round-robin proxy such as nginx does to a busy chat. The body and the secret header pass
through unchanged, and the worker's answer goes back to the caller as it is.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, ClientTimeout, web

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def chat_of(update: dict[str, Any]) -> int | None:
    for key in ("message", "edited_message", "my_chat_member"):
        if isinstance(update.get(key), dict):
            return int(update[key]["chat"]["id"])
    query = update.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("message"), dict):
        return int(query["message"]["chat"]["id"])
    return None


@dataclass
class Forwarded:
    update_id: int
    chat_id: int | None
    worker: int
    status: int


@dataclass
class Forwarder:
    """`targets`: the workers' webhook URLs. Serves POST `path` on 127.0.0.1:`port`."""

    targets: Sequence[str]
    path: str = "/telegram/webhook"
    log: list[Forwarded] = field(default_factory=list)
    _turns: dict[int | None, int] = field(default_factory=lambda: defaultdict(int))
    _runner: web.AppRunner | None = None
    _client: ClientSession | None = None
    port: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{self.path}"

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post(self.path, self._forward)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", self.port)
        await site.start()
        self.port = int(self._runner.addresses[0][1])
        self._client = ClientSession(timeout=ClientTimeout(total=60))

    async def stop(self) -> None:
        if self._client is not None:
            await self._client.close()
        if self._runner is not None:
            await self._runner.cleanup()

    def workers_of(self, chat_id: int) -> list[int]:
        """Which worker took each of this chat's updates, in order."""
        return [f.worker for f in self.log if f.chat_id == chat_id and f.status == 200]

    async def _forward(self, request: web.Request) -> web.Response:
        assert self._client is not None
        body = await request.read()
        update = json.loads(body)
        chat = chat_of(update)
        worker = self._turns[chat] % len(self.targets)
        self._turns[chat] += 1
        headers = {"Content-Type": "application/json"}
        if SECRET_HEADER in request.headers:
            headers[SECRET_HEADER] = request.headers[SECRET_HEADER]
        try:
            async with self._client.post(
                self.targets[worker], data=body, headers=headers
            ) as answer:
                payload = await answer.read()
                status = answer.status
                content_type = answer.content_type
        except OSError:
            # The worker is down: Telegram sees a failed delivery and tries again later.
            status, payload, content_type = 502, b"", "text/plain"
        self.log.append(Forwarded(int(update.get("update_id", 0)), chat, worker, status))
        return web.Response(status=status, body=payload, content_type=content_type)
