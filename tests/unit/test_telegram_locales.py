"""The Telegram channel's own strings: in both languages, and named so they cannot clash."""

from __future__ import annotations

import re
from pathlib import Path

from bot.i18n import LOCALES
from bot.settings import PROJECT_ROOT

MESSAGE_ID = re.compile(r"^([a-z][a-z0-9-]*)\s*=", re.MULTILINE)


def ids(lang: str) -> set[str]:
    text = Path(PROJECT_ROOT / "locales" / lang / "telegram.ftl").read_text(encoding="utf-8")
    return set(MESSAGE_ID.findall(text))


def test_every_telegram_string_exists_in_every_language() -> None:
    found = {lang: ids(lang) for lang in LOCALES}
    assert found["vi"], "no strings found"
    assert all(found[lang] == found["vi"] for lang in LOCALES), found
    assert all(message_id.startswith("telegram-") for message_id in found["vi"])


def test_the_translator_formats_them(repo_root: Path) -> None:
    from bot.i18n import Translator

    t = Translator(repo_root / "locales")
    for lang in LOCALES:
        for message_id in ids(lang):
            assert t(lang, message_id).strip()
    # Vietnamese with its diacritics, politely.
    assert t("vi", "telegram-error").startswith("Dạ,")
