"""Bot chrome in Fluent: locales/<lang>/*.ftl, Vietnamese first."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.types import fluent_number

DEFAULT_LOCALE = "vi"
LOCALES = ("vi", "en")
# Arguments that name a year, a number or a code: shown as typed, never grouped (Fluent would
# write the year 2026 as "2.026" in Vietnamese). Counts and amounts keep their grouping.
UNGROUPED = frozenset({"year", "number", "code", "id"})
# Formatted messages remembered: every question screen says the same few things with the same
# numbers ("Câu 3/14"), and Fluent with its number formatting costs more than the lookup.
CACHED_MESSAGES = 4096
# Only messages whose arguments are all short plain values are remembered.
_CACHEABLE = (str, int, float, bool, type(None))
_CACHED_TEXT = 200


class Translator:
    def __init__(self, directory: Path, default: str = DEFAULT_LOCALE) -> None:
        self.default = default
        self._bundles: dict[str, FluentBundle] = {}
        for lang in LOCALES:
            # use_isolating=False: Unicode isolation marks show up as boxes on old phones.
            bundle = FluentBundle([lang], use_isolating=False)
            for file in sorted((directory / lang).glob("*.ftl")):
                bundle.add_resource(FluentResource(file.read_text(encoding="utf-8")))
            self._bundles[lang] = bundle
        self._remembered = functools.lru_cache(maxsize=CACHED_MESSAGES)(self._format_typed)

    def message_ids(self, lang: str) -> set[str]:
        return set(self._bundles[lang]._messages)

    def __call__(self, lang: str, message_id: str, **args: Any) -> str:
        if all(
            type(v) in _CACHEABLE and (type(v) is not str or len(v) <= _CACHED_TEXT)
            for v in args.values()
        ):
            # Each value's type is part of the key: 1, 1.0 and True are equal keys otherwise.
            return self._remembered(
                lang, message_id, tuple((k, type(v), v) for k, v in args.items())
            )
        return self._format(lang, message_id, tuple(args.items()))

    def _format_typed(
        self, lang: str, message_id: str, typed: tuple[tuple[str, type, Any], ...]
    ) -> str:
        return self._format(lang, message_id, tuple((k, v) for k, _, v in typed))

    def _format(self, lang: str, message_id: str, items: tuple[tuple[str, Any], ...]) -> str:
        bundle = self._bundles.get(lang) or self._bundles[self.default]
        if not bundle.has_message(message_id):
            bundle = self._bundles[self.default]
        message = bundle.get_message(message_id)
        if message.value is None:
            raise KeyError(message_id)
        args = {
            name: fluent_number(value, useGrouping=False)
            if name in UNGROUPED and isinstance(value, int) and not isinstance(value, bool)
            else value
            for name, value in items
        }
        text, errors = bundle.format_pattern(message.value, args)
        if errors:
            raise ValueError(f"{lang}/{message_id}: {errors}")
        return str(text)
