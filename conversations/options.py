"""Which option of a numbered list a typed reply means: the same rule for every option screen
and every choice question, on every channel.

A reply that is an option's own words (its label or an alias, folded, with or without a
"Thôn"/"Xã" prefix) chooses that option; a number is an option number only when it stands
alone ("2", "số 2", "câu 2", "hai"), so "sen 1" picks "Thôn Sen 1", never option 1; a reply that
could mean two options is asked again, never guessed.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from conversations.places import ANY_PREFIX
from conversations.text import fold, number_alone

# Polite words around an answer: "dạ có ạ", "vâng, có", "không ạ", "có nhé".
LEADING_PARTICLES = frozenset({"da", "vang", "thua"})
TRAILING_PARTICLES = frozenset({"a", "ah", "nhe", "nha", "ha"})
# Words before an option number: "số 2", "câu 2", "chọn 2", "lựa chọn số 2".
_NUMBER_WORDS = ("lua chon so", "lua chon", "chon so", "phuong an", "chon", "so", "cau")
# The shortest start of a label read as meaning it ("tat" for "Tất cả…").
_MIN_PREFIX = 3


def without_particles(folded: str) -> str:
    words = folded.replace(",", " ").split()
    while len(words) > 1 and words[-1] in TRAILING_PARTICLES:
        words.pop()
    while len(words) > 1 and words[0] in LEADING_PARTICLES:
        words.pop(0)
    return " ".join(words)


def without_place_prefix(folded: str) -> str:
    """ "thon sen 1" -> "sen 1"; a name that is only a prefix, or a prefix and a number
    ("thôn 3"), keeps it, since "3" alone is read as an option number."""
    for prefix in ANY_PREFIX:
        if folded.startswith(prefix + " "):
            bare = folded[len(prefix) + 1 :]
            return folded if bare.isdecimal() else bare
    return folded


@dataclass(frozen=True)
class _Keys:
    """The folded ways one option may be typed; `*_compact` without spaces ("sen1")."""

    full: frozenset[str]
    bare: frozenset[str]
    full_compact: frozenset[str]
    bare_compact: frozenset[str]

    @classmethod
    def of(cls, names: Iterable[str]) -> _Keys:
        full = frozenset({fold(name) for name in names} - {""})
        bare = frozenset({without_place_prefix(key) for key in full} - full)
        return cls(full, bare, frozenset(map(_compact, full)), frozenset(map(_compact, bare)))

    def exact(self, reply: str) -> bool:
        return _compact(reply) in self.full_compact

    def bare_exact(self, reply: str) -> bool:
        return _compact(reply) in self.bare_compact

    def starts_with(self, reply: str) -> bool:
        return len(reply) >= _MIN_PREFIX and any(k.startswith(reply) for k in self.full | self.bare)


def _compact(folded: str) -> str:
    # "sen1" for "sen 1", "tivi" for "ti vi".
    return folded.replace(" ", "")


def _option_number(reply: str) -> int | None:
    """ "2", "hai", "số 2", "câu 2" -> 2; "sen 2", "2 người" -> None."""
    for word in _NUMBER_WORDS:
        if reply.startswith(word + " "):
            reply = reply[len(word) + 1 :]
            break
    return number_alone(reply)


def match_option(text: str, options: Sequence[Iterable[str]]) -> list[int]:
    """The options (0-based) the reply may mean, each given by its label(s) and aliases: one
    index when it is clear, none when nothing fits, several when it is ambiguous."""
    folded = fold(text)
    if not folded:
        return []
    keys = [_Keys.of(names) for names in options]
    found = _match(folded, keys)
    if not found:
        bare = without_particles(folded)
        if bare and bare != folded:
            found = _match(bare, keys)
    return found


def _match(reply: str, keys: list[_Keys]) -> list[int]:
    number = _option_number(reply)
    shown = number - 1 if number is not None and 1 <= number <= len(keys) else None
    exact = [i for i, k in enumerate(keys) if k.exact(reply)]
    if exact:
        if shown is not None and exact != [shown]:
            # "2" is the label of one option and the number of another: ask, do not guess.
            return sorted({*exact, shown})
        return exact
    if shown is not None:
        return [shown]
    # Past here a number word is read as words: "không" may begin "Không, chọn thôn khác".
    for test in (_Keys.bare_exact, _Keys.starts_with):
        hits = [i for i, k in enumerate(keys) if test(k, reply)]
        if hits:
            return hits
    return []
