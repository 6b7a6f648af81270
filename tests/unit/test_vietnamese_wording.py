"""The Vietnamese a careful native would write, checked over every message: quotes as in
Vietnamese print, "Dạ" only when answering someone, years and codes never grouped."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fluent.syntax import FluentParser
from fluent.syntax import ast as fluent_ast

from bot.i18n import Translator

ROOT = Path(__file__).resolve().parents[2]
# Messages the bot sends first (pushed to someone who said nothing): they must not answer "Dạ".
SENT_FIRST = re.compile(r"^(notice-.*|digest-title|reminder-summary-due|reminder-draft-title)$")
EMOJI = re.compile(r"^[^\wĐđ]+")


@pytest.fixture(scope="module")
def translator() -> Translator:
    return Translator(ROOT / "locales")


def vi_messages() -> dict[str, str]:
    """id -> the message's source text, as written in locales/vi."""
    found: dict[str, str] = {}
    for file in sorted((ROOT / "locales" / "vi").glob("*.ftl")):
        source = file.read_text(encoding="utf-8")
        for entry in FluentParser().parse(source).body:
            if isinstance(entry, fluent_ast.Message) and entry.span is not None:
                found[entry.id.name] = source[entry.span.start : entry.span.end]
    return found


def test_vietnamese_messages_quote_with_curly_quotes_not_guillemets_or_straight_quotes() -> None:
    wrong = {}
    for message_id, source in vi_messages().items():
        # {" "} and {""} are Fluent's own string literals, not quotes a person reads.
        text = source.replace('{" "}', "").replace('{""}', "")
        if any(mark in text for mark in '«»"'):
            wrong[message_id] = text
    assert not wrong, wrong


def test_messages_sent_first_do_not_open_with_da(translator: Translator) -> None:
    args = dict.fromkeys(
        ("name", "head", "comment", "village", "commune", "year", "due", "days", "count"), "X"
    )
    args |= {"number": "15/QĐ-UBND", "date": "20/11/2026", "title": "household"}
    checked = [m for m in translator.message_ids("vi") if SENT_FIRST.match(m)]
    assert "notice-recognise" in checked and "digest-title" in checked
    for message_id in checked:
        text = EMOJI.sub("", translator("vi", message_id, **args))
        assert not text.startswith("Dạ"), (message_id, text)


def test_years_decision_numbers_and_codes_are_never_grouped(translator: Translator) -> None:
    assert translator("vi", "menu-self-assess", year=2026) == "Tự đánh giá năm 2026"
    data = translator("vi", "privacy-data-assessment", year=2026, status="Đang làm")
    assert data == "• Phiếu năm 2026: Đang làm"
    assert translator("en", "menu-self-assess", year=2026) == "Self-assessment 2026"
    # Counts keep the grouping a reader expects for amounts.
    assert translator("vi", "menu-verify", count=1234) == "Phiếu chờ xác nhận (1.234)"
