"""The bot's photo store: evidence photos copied from their channel, one file each in a folder
(EVIDENCE_DIR), named by an opaque id that says nothing about the household. A row of
`stored_photos` names each file; /xoa deletes both (storage/privacy.py)."""

from __future__ import annotations

import contextlib
import logging
import os
import re
import secrets
from collections.abc import Iterable
from pathlib import Path
from typing import Final

log = logging.getLogger(__name__)

# Only names this store made: never a path outside the folder.
_NAME: Final = re.compile(r"^[A-Za-z0-9_-]{20,64}\.(?:jpg|png|webp|bin)$")


def extension(data: bytes) -> str:
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    return "bin"


class PhotoFiles:
    """Files under `directory`, written once and read back by name."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    def path(self, name: str) -> Path | None:
        """Where a stored file is; None for a name this store could not have made."""
        return self.directory / name if _NAME.fullmatch(name) else None

    def write(self, data: bytes) -> str:
        """Keep the bytes under a new opaque name (written whole, then renamed into place, so
        a reader never sees half a file) and return the name."""
        self.directory.mkdir(parents=True, exist_ok=True)
        name = f"{secrets.token_urlsafe(24)}.{extension(data)}"
        partial = self.directory / f".{name}.part"
        partial.write_bytes(data)
        os.replace(partial, self.directory / name)
        return name

    def read(self, name: str) -> bytes | None:
        path = self.path(name)
        if path is None:
            return None
        try:
            return path.read_bytes()
        except OSError:
            return None

    def delete(self, names: Iterable[str]) -> int:
        """Remove these files (those already gone are skipped); returns how many went."""
        removed = 0
        for name in names:
            path = self.path(name)
            if path is None:
                continue
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
                removed += 1
        return removed

    def names(self) -> set[str]:
        """Every file in the store (for checks and tidying)."""
        if not self.directory.is_dir():
            return set()
        return {p.name for p in self.directory.iterdir() if _NAME.fullmatch(p.name)}
