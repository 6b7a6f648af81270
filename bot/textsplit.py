"""Split long outgoing text into chunks a messenger will accept.

Zalo's sendMessage takes 1..2000 characters and Telegram's 4096, so both channels share this.
Lengths are measured in UTF-16 code units: that is how Telegram counts, and it is never smaller
than the code-point count, so a chunk that fits by this measure also fits a platform that counts
code points (Zalo does not document which one it uses).
"""

from __future__ import annotations

import unicodedata

__all__ = ["split_text", "utf16_len"]


def utf16_len(text: str) -> int:
    """Length of ``text`` in UTF-16 code units (astral characters such as emoji count twice)."""
    return len(text) + sum(1 for ch in text if ord(ch) > 0xFFFF)


def _fit(text: str, limit: int) -> int:
    """How many leading code points of ``text`` fit into ``limit`` UTF-16 units."""
    units = 0
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            return index
    return len(text)


def _hard_cut(text: str, cut: int) -> int:
    # Do not strand a combining mark (e.g. a decomposed Vietnamese tone mark) at the start of the
    # next chunk, where it would render on nothing.
    while cut > 1 and unicodedata.combining(text[cut]):
        cut -= 1
    return cut


def split_text(text: str, limit: int) -> list[str]:
    """Split ``text`` into chunks of 1..``limit`` UTF-16 units, never an empty or blank one.

    Cuts prefer the last line break that fits, then the last space, and only then a hard cut.
    The line break or space a cut happens at is consumed, blank lines at the start of a
    following chunk and trailing whitespace of a chunk are dropped (they would show as empty
    lines or be rejected as empty). Nothing else is changed, so joining the chunks with the
    separators that were consumed gives back the original text's content. Text that already
    fits is returned unchanged; blank text gives ``[]`` because there is nothing to send.
    """
    if limit < 1:
        raise ValueError("limit must be at least 1")
    if not text.strip():
        return []
    if utf16_len(text) <= limit:
        return [text]

    chunks: list[str] = []
    rest = text
    while utf16_len(rest) > limit:
        # max(1, …): a lone astral character cannot fit a limit of 1; send it rather than spin.
        fit = max(1, _fit(rest, limit))
        # The separator itself may sit just past the limit: it is consumed, not sent.
        window = rest[: fit + 1]
        cut = window.rfind("\n")
        if cut <= 0:
            cut = window.rfind(" ")
        if cut > 0:
            head, rest = rest[:cut], rest[cut + 1 :]
        else:
            cut = _hard_cut(rest, fit)
            head, rest = rest[:cut], rest[cut:]
        head = head.rstrip()
        if head:
            chunks.append(head)
        rest = rest.lstrip("\n")
    if rest.strip():
        chunks.append(rest.rstrip())
    return chunks
