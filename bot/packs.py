"""The criteria packs the bot assesses with, parsed once at start-up."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from conversations.pack_files import load_pack
from conversations.packs import CriteriaPack, TitleKind


def provisional_note(pack: CriteriaPack) -> str:
    """What a pack's summary line adds about what was not checked against the official text."""
    notes = []
    if pack.provisional:
        notes.append("has provisional indicators")
    if pack.pass_rule.provisional:
        notes.append("provisional pass rule")
    unsourced = sum(1 for i in pack.indicators() if i.source is None)
    if unsourced:
        notes.append(f"{unsourced} indicator(s) without a source")
    return "".join(f", {n}" for n in notes)


def source_lines(pack: CriteriaPack) -> list[str]:
    """Each indicator (and the pass rule): confirmed or provisional, and where it came from."""
    lines = [f"  source: {pack.source.vi}"]
    for ind in pack.indicators():
        # "confirmed": not marked provisional; "partly provisional": some choice's points or
        # the not-applicable rule is.
        state = (
            "provisional"
            if ind.provisional
            else "partly provisional"
            if ind.partly_provisional
            else "confirmed"
        )
        lines.append(f"  {ind.id} {state}: {ind.source or '(no source)'}")
    rule = "provisional" if pack.pass_rule.provisional else "not marked provisional"
    lines.append(f"  pass rule: {rule}")
    for grade in pack.pass_rule.grades:
        # The grades are part of the pass rule, and as checked as it is.
        lines.append(f"  grade {grade.id} ({grade.name.vi}): from {grade.total_min:g} points")
    return lines


ARCHIVE = "archive"


class PackLibrary:
    """Every pack in the packs folder, parsed once at start-up.

    The packs in the folder itself are the ones new assessments use (the last one loaded per
    title); `archive/` keeps the earlier versions that stored assessments were scored with, so
    they still open and re-score after a pack is corrected under a new version.
    """

    def __init__(self, packs: Iterable[CriteriaPack], retired: Iterable[CriteriaPack] = ()) -> None:
        self._by_key: dict[tuple[str, str], CriteriaPack] = {}
        self._current: dict[str, CriteriaPack] = {}
        for pack in packs:
            self._by_key[(pack.id, pack.version)] = pack
            # The last pack loaded for a title is the one new assessments use.
            self._current[pack.title] = pack
        for pack in retired:
            known = self._by_key.setdefault((pack.id, pack.version), pack)
            if known != pack:
                raise ValueError(
                    f"{ARCHIVE}/ holds a different pack under {pack.key}, the key of a current "
                    "pack: stored assessments would not know which one scored them"
                )

    @classmethod
    def from_directory(cls, directory: Path) -> PackLibrary:
        return cls(
            (load_pack(p) for p in sorted(directory.glob("*.yaml"))),
            (load_pack(p) for p in sorted((directory / ARCHIVE).glob("*.yaml"))),
        )

    def get(self, pack_id: str, version: str) -> CriteriaPack:
        return self._by_key[(pack_id, version)]

    def current(self, title: TitleKind) -> CriteriaPack:
        return self._current[title]

    def __iter__(self) -> Iterator[CriteriaPack]:
        return iter(self._by_key.values())
