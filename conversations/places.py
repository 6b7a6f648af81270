"""Matching a place name as a person types it to the stored names: pure, no I/O.

Names are compared folded (no diacritics, any case), and the word in front of a name that
people often leave out is optional: "kim lien" is "Xã Kim Liên", "Sen 1" is "Thôn Sen 1".
Two different prefixes stay different ("Phường X" is not "Xã X").
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from conversations.text import fold

T = TypeVar("T")

# Words in front of a name, folded, longest first so "to dan pho" wins over "to".
PREFIXES: dict[str, tuple[str, ...]] = {
    "province": ("thanh pho", "tinh", "tp"),
    "commune": ("thi tran", "dac khu", "phuong", "xa"),
    "village": ("to dan pho", "khu pho", "thon", "buon", "lang", "ban", "xom", "khu", "ap", "to"),
}
# Every level's prefixes, longest first: an option list may name places of any level.
ANY_PREFIX: tuple[str, ...] = tuple(
    sorted({p for level in PREFIXES.values() for p in level}, key=len, reverse=True)
)


def split_prefix(key: str, level: str) -> tuple[str, str]:
    """("xa", "kim lien") for the folded key "xa kim lien"."""
    for prefix in PREFIXES.get(level, ()):
        if key.startswith(prefix + " "):
            return prefix, key[len(prefix) + 1 :]
    return "", key


def same_place(stored_key: str, typed_key: str, level: str) -> bool:
    """Whether a typed name means a stored one: equal when folded, or equal once a prefix
    that only one of them has is dropped ("Phường X" and "Xã X" stay different)."""
    if stored_key == typed_key:
        return True
    stored_prefix, stored_bare = split_prefix(stored_key, level)
    typed_prefix, typed_bare = split_prefix(typed_key, level)
    return stored_bare == typed_bare and not (stored_prefix and typed_prefix)


def pick(rows: list[T], key_of: Callable[[T], str], typed: str, level: str) -> list[T]:
    """The rows a typed name means: the exact match, else every prefix-tolerant one."""
    key = fold(typed)
    exact = [r for r in rows if key_of(r) == key]
    return exact or [r for r in rows if same_place(key_of(r), key, level)]
