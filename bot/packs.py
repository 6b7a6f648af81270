"""The criteria packs the bot assesses with, parsed once at start-up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from conversations.packs import CriteriaPack, TitleKind, load_pack


class PackLibrary:
    """Every pack in the packs folder, parsed once at start-up."""

    def __init__(self, packs: Iterable[CriteriaPack]) -> None:
        self._by_key: dict[tuple[str, str], CriteriaPack] = {}
        self._current: dict[str, CriteriaPack] = {}
        for pack in packs:
            self._by_key[(pack.id, pack.version)] = pack
            # The last pack loaded for a title is the one new assessments use.
            self._current[pack.title] = pack

    @classmethod
    def from_directory(cls, directory: Path) -> PackLibrary:
        return cls(load_pack(p) for p in sorted(directory.glob("*.yaml")))

    def get(self, pack_id: str, version: str) -> CriteriaPack:
        return self._by_key[(pack_id, version)]

    def current(self, title: TitleKind) -> CriteriaPack:
        return self._current[title]

    def __iter__(self) -> Iterator[CriteriaPack]:
        return iter(self._by_key.values())
