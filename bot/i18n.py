"""Bot chrome in Fluent: locales/<lang>/*.ftl, Vietnamese first."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource
from fluent.runtime.types import fluent_number

DEFAULT_LOCALE = "vi"
LOCALES = ("vi", "en")
# Arguments that name a year, a number or a code: shown as typed, never grouped (Fluent would
# write the year 2026 as "2.026" in Vietnamese). Counts and amounts keep their grouping.
UNGROUPED = frozenset({"year", "number", "code", "id"})


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

    def message_ids(self, lang: str) -> set[str]:
        return set(self._bundles[lang]._messages)

    def __call__(self, lang: str, message_id: str, **args: Any) -> str:
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
            for name, value in args.items()
        }
        text, errors = bundle.format_pattern(message.value, args)
        if errors:
            raise ValueError(f"{lang}/{message_id}: {errors}")
        return str(text)
