"""Formatted messages are remembered (bot/i18n.py): the same message said again reads the
same, and values that are equal in Python but not on screen are never taken for each other."""

from __future__ import annotations

from bot.i18n import Translator
from bot.settings import PROJECT_ROOT


def test_a_message_said_again_reads_the_same() -> None:
    t = Translator(PROJECT_ROOT / "locales")
    first = t("vi", "menu-self-assess", year=2026)
    assert first == t("vi", "menu-self-assess", year=2026)
    assert "2026" in first and "2.026" not in first  # a year is never grouped, cached or not
    assert t("en", "menu-self-assess", year=2026) != first


def test_equal_values_of_other_types_are_told_apart() -> None:
    t = Translator(PROJECT_ROOT / "locales")
    # 2026 == 2026.0 in Python (one dictionary key), but only a whole number is a year that
    # stays ungrouped; a decimal is grouped like any amount.
    assert t("vi", "menu-self-assess", year=2026) == "Tự đánh giá năm 2026"
    assert t("vi", "menu-self-assess", year=2026.0) == "Tự đánh giá năm 2.026"
    assert t("vi", "menu-self-assess", year=2026) == "Tự đánh giá năm 2026"
    assert t("vi", "review-evidence", count=1000) == "📷 1.000"
