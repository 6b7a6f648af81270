"""Conversation tests written as data: a transcript file read as a script and its expected
answers (goflow's flow tests, in the shape of a chat).

    # What the conversation shows (comment lines, before the first turn)
    pack: gdht-448
    user: local

    > /start
    Dạ, xin chào Nguyễn Thị Lan! Vui lòng chọn:
    …

A line starting with "> " is what the person types; the lines under it, up to the next "> ",
are the bot's whole answer, word for word (blank lines at the end of a turn do not count).
A line holding only "…" stands for any number of lines, none included. In what the person
types, `{invite:ROLE}` is the demo commune's invite code for that role.

Header: `pack` names the packs the bot is given (comma-separated ids, the files in `packs/`
or next to the transcript), `user` the person's id on the terminal channel ("local" is the
demo collaborator; any other id is somebody new).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

ANY_LINES = "…"
_PLACEHOLDER = re.compile(r"\{invite:(\w+)\}")


@dataclass(frozen=True)
class Turn:
    says: str
    expected: tuple[str, ...]  # the answer's lines; ANY_LINES where lines are left out
    line: int  # of the "> " line, for failure messages


@dataclass(frozen=True)
class Transcript:
    path: Path
    title: str
    packs: tuple[str, ...]
    user: str
    turns: tuple[Turn, ...]

    def pack_files(self, shipped: Path) -> list[Path]:
        """Each named pack: next to the transcript if it is there, else the shipped one."""
        files = []
        for pack in self.packs:
            local = self.path.parent / f"{pack}.yaml"
            files.append(local if local.exists() else shipped / f"{pack}.yaml")
        missing = [str(f) for f in files if not f.exists()]
        if missing:
            raise TranscriptError(f"{self.path.name}: no pack file {', '.join(missing)}")
        return files


class TranscriptError(ValueError):
    """The transcript file itself is malformed."""


def parse(path: Path) -> Transcript:
    lines = path.read_text(encoding="utf-8").splitlines()
    header: dict[str, str] = {}
    comments: list[str] = []
    index = 0
    while index < len(lines) and not lines[index].startswith("> "):
        text = lines[index].strip()
        if text.startswith("#"):
            comments.append(text.lstrip("# "))
        elif text:
            key, colon, value = text.partition(":")
            if not colon or key.strip() not in {"pack", "user"}:
                raise TranscriptError(f"{path.name}:{index + 1}: expected 'pack:' or 'user:'")
            header[key.strip()] = value.strip()
        index += 1
    if "pack" not in header:
        raise TranscriptError(f"{path.name}: no 'pack:' line")
    turns: list[Turn] = []
    while index < len(lines):
        says, start = lines[index][2:], index + 1
        index += 1
        while index < len(lines) and not lines[index].startswith("> "):
            index += 1
        expected = list(lines[start:index])
        while expected and not expected[-1].strip():
            expected.pop()
        turns.append(Turn(says, tuple(expected), start))
    if not turns:
        raise TranscriptError(f"{path.name}: no '> ' line")
    return Transcript(
        path=path,
        title=" ".join(comments),
        packs=tuple(p.strip() for p in header["pack"].split(",") if p.strip()),
        user=header.get("user", "local"),
        turns=tuple(turns),
    )


def fill(says: str, invites: Mapping[str, str]) -> str:
    """The person's text with `{invite:ROLE}` replaced by that invite's code."""
    return _PLACEHOLDER.sub(lambda found: invites[found.group(1)], says)


def matches(expected: Sequence[str], actual: Sequence[str]) -> bool:
    """Whether the answer's lines are the expected ones, each ANY_LINES standing for any
    number of lines."""
    # reachable[j]: the expected lines so far can account for the first j actual lines.
    reachable = [True] + [False] * len(actual)
    for line in expected:
        if line == ANY_LINES:
            for j in range(1, len(actual) + 1):
                reachable[j] = reachable[j] or reachable[j - 1]
            continue
        reachable = [False] + [reachable[j] and actual[j] == line for j in range(len(actual))]
    return reachable[-1]


def as_turn(says: str, answer: str) -> str:
    """A turn as it would be written in a transcript (for copying from a failure)."""
    return f"> {says}\n{answer}"
