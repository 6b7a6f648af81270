"""The photo fetcher's side of the photo store: which evidence photos still wait to be copied
from their channel, claimed one at a time under a lease so that two bot processes never fetch
the same photo, and recorded once stored (or tried again later)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, select, update

from storage import tables as t
from storage.sql import Repository

_s, _e = t.stored_photos.c, t.evidence.c


@dataclass(frozen=True)
class PhotoToFetch:
    """A photo due for fetching: its row in the store, and where it is on its channel."""

    id: int
    channel: str
    file_ref: str
    attempts: int


class PhotoRepository(Repository):
    async def due(
        self, channels: Sequence[str], max_attempts: int, limit: int = 20
    ) -> list[PhotoToFetch]:
        """Photos not stored yet, from these channels, whose time for a try has come."""
        if not channels:
            return []
        rows = await self.sql.all(
            select(_s.id, _e.channel, _e.file_ref, _s.attempts)
            .join(t.evidence, _e.id == _s.evidence_id)
            .where(
                _s.name.is_(None),
                _s.attempts < max_attempts,
                _s.next_at <= self.now,
                _e.channel.in_(channels),
            )
            .order_by(_s.next_at, _s.id)
            .limit(limit)
        )
        return [PhotoToFetch(*row) for row in rows]

    async def claim(self, photo: PhotoToFetch, until: datetime) -> bool:
        """Take the photo for one try: no other process picks it until `until` (a crashed
        try is tried again then). False when another process took it first."""
        taken = await self.sql.rowcount(
            update(t.stored_photos)
            .where(
                and_(_s.id == photo.id, _s.name.is_(None), _s.attempts == photo.attempts),
                _s.next_at <= self.now,
            )
            .values(attempts=photo.attempts + 1, next_at=until)
        )
        return taken == 1

    async def stored(self, photo_id: int, name: str, size: int) -> bool:
        """The photo is in the store under `name`. False when its row is gone meanwhile (the
        household deleted its data): the caller then deletes the file."""
        done = await self.sql.rowcount(
            update(t.stored_photos)
            .where(_s.id == photo_id, _s.name.is_(None))
            .values(name=name, size=size, stored_at=self.now, next_at=None, last_error=None)
        )
        return done == 1

    async def failed(self, photo_id: int, error: str, retry_at: datetime | None) -> None:
        """A try failed: again at `retry_at`, or never (None: the photo cannot be had)."""
        await self.sql.execute(
            update(t.stored_photos)
            .where(_s.id == photo_id, _s.name.is_(None))
            .values(last_error=error[:300], next_at=retry_at)
        )

    async def names(self) -> set[str]:
        """The name of every stored file (to find files no row names any more)."""
        return set(await self.sql.scalars(select(_s.name).where(_s.name.is_not(None))))
