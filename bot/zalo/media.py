"""Pictures the bot sends on Zalo, whose sendPhoto takes a URL and never the bytes.

A picture (a digest chart) is written to a folder under an unguessable name and served by the
bot's own web server; Zalo fetches it from the public address that points there. Files are
on disk rather than in memory so that a push sent by another process of the same deployment
is still served. Old files are removed as new ones arrive.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from pathlib import Path
from typing import Final

from aiohttp import web

log = logging.getLogger(__name__)

DEFAULT_PATH: Final = "/zalo/media"
# A week: long enough for Zalo (and a person scrolling back) to load it, short enough that the
# folder does not grow.
DEFAULT_TTL: Final = 7 * 24 * 3600.0
_NAME: Final = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(?:png|jpg)$")


def _extension(data: bytes) -> str | None:
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    return None


class MediaStore:
    def __init__(
        self,
        directory: Path,
        public_url: str,
        *,
        path: str = DEFAULT_PATH,
        ttl: float = DEFAULT_TTL,
    ) -> None:
        self.directory = directory
        self.public_url = public_url.rstrip("/")
        self.path = "/" + path.strip("/")
        self.ttl = ttl

    def publish(self, data: bytes) -> str | None:
        """Store a PNG or JPEG and return its public URL; None for anything else."""
        extension = _extension(data)
        if extension is None:
            log.warning("zalo: not sending a picture that is neither PNG nor JPEG")
            return None
        self.directory.mkdir(parents=True, exist_ok=True)
        self.prune()
        name = f"{secrets.token_urlsafe(24)}.{extension}"
        (self.directory / name).write_bytes(data)
        return f"{self.public_url}/{name}"

    def prune(self) -> int:
        """Delete files older than the time to live; returns how many went."""
        cutoff = time.time() - self.ttl
        removed = 0
        for file in self.directory.glob("*"):
            try:
                if file.is_file() and file.stat().st_mtime < cutoff:
                    file.unlink()
                    removed += 1
            except OSError:
                continue  # another process got there first
        return removed

    def register(self, web_app: web.Application) -> None:
        web_app.router.add_get(f"{self.path}/{{name}}", self.serve)

    async def serve(self, request: web.Request) -> web.StreamResponse:
        name = request.match_info["name"]
        # Only names we made: never a path outside the folder.
        if not _NAME.fullmatch(name):
            raise web.HTTPNotFound()
        file = self.directory / name
        if not file.is_file():
            raise web.HTTPNotFound()
        return web.FileResponse(file, headers={"Cache-Control": "private, max-age=86400"})
