"""The photo fetcher: copies every evidence photo once from its channel into the bot's photo
store (storage/media.py), so exports and the recognition dossier can include it and it
outlives the chat.

It runs beside the channels, like the outbox worker, and never in the answer to a message: a
household's photo is acknowledged at once and copied within a few seconds. Each photo is
claimed under a lease (storage/photos.py), so two bot processes never fetch the same one; a
failed try is tried again later, waiting twice as long each time, up to a number of tries. A
channel takes part by giving a download function (Telegram: getFile and the download); the
fetcher writes the bytes and records the row.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime, timedelta

from storage.db import Database
from storage.photos import PhotoToFetch

log = logging.getLogger(__name__)

# A channel's download: the bytes of the photo it knows by this id.
Download = Callable[[str], Awaitable[bytes]]


class PhotoFetcher:
    def __init__(
        self,
        db: Database,
        downloads: Mapping[str, Download],
        clock: Callable[[], datetime],
        *,
        max_attempts: int = 8,
        backoff: float = 60.0,
        lease: timedelta = timedelta(minutes=10),
        batch: int = 20,
    ) -> None:
        self.db = db
        self.downloads = dict(downloads)
        self.clock = clock
        self.max_attempts = max_attempts
        self.backoff = backoff
        self.lease = lease
        self.batch = batch

    async def run_once(self) -> int:
        """Fetch the photos that are due now; returns how many were stored."""
        files = self.db.photos
        if files is None or not self.downloads:
            return 0
        async with self.db.unit_of_work(self.clock()) as uow:
            due = await uow.photos.due(sorted(self.downloads), self.max_attempts, self.batch)
        stored = 0
        for photo in due:
            stored += await self._fetch(photo)
        return stored

    async def _fetch(self, photo: PhotoToFetch) -> bool:
        files = self.db.photos
        assert files is not None
        async with self.db.unit_of_work(self.clock()) as uow:
            if not await uow.photos.claim(photo, uow.now + self.lease):
                return False  # another process has it
        try:
            data = await self.downloads[photo.channel](photo.file_ref)
            if not data:
                raise ValueError("an empty file")
        except Exception as error:
            tries = photo.attempts + 1
            wait = self.backoff * 2 ** (tries - 1)
            log.info("photo %s: try %s failed (%s), next in %ss", photo.id, tries, error, wait)
            async with self.db.unit_of_work(self.clock()) as uow:
                again = uow.now + timedelta(seconds=wait) if tries < self.max_attempts else None
                await uow.photos.failed(photo.id, f"{type(error).__name__}: {error}", again)
            return False
        name = await asyncio.to_thread(files.write, data)
        async with self.db.unit_of_work(self.clock()) as uow:
            kept = await uow.photos.stored(photo.id, name, len(data))
        if not kept:
            # Its household deleted its data meanwhile: no copy may stay.
            files.delete([name])
        return kept

    async def run(self, stop: asyncio.Event, poll_seconds: float = 5.0) -> None:
        """Fetch what is due every `poll_seconds` until `stop` is set."""
        while not stop.is_set():
            try:
                while await self.run_once() and not stop.is_set():
                    pass  # a full batch: the next one at once
            except Exception:
                log.exception("photo fetcher: a pass failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), poll_seconds)
