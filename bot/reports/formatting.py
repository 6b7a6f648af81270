"""Numbers, shares and dates the way the reader writes them: 1.234, 72,5% and 22/11/2026 in
Vietnamese; 1,234, 72.5% in English. Pure."""

from __future__ import annotations

import math
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal
from zoneinfo import ZoneInfo


def number(value: float, lang: str = "vi", decimals: int = 0) -> str:
    """Rounded half up (72,45 -> 72,5: a chair checks shares by hand, not by banker's rule)."""
    quantum = Decimal(1).scaleb(-decimals)
    rounded = Decimal(str(value)).quantize(quantum, rounding=ROUND_HALF_UP)
    if decimals and rounded == rounded.to_integral_value():
        rounded = rounded.quantize(Decimal(1))
    text = f"{rounded:,}"
    if lang == "vi":
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text


def points(value: float, lang: str = "vi") -> str:
    """Up to two decimals, no trailing zeros: 85, 10,5, 7,25."""
    text = number(value, lang, 2)
    decimal_mark = "," if lang == "vi" else "."
    if decimal_mark in text:
        text = text.rstrip("0").rstrip(decimal_mark)
    return text


def share(part: int, whole: int) -> float | None:
    """Percent, or None when there is nothing to divide by."""
    return None if whole <= 0 else 100.0 * part / whole


def percent(value: float, lang: str = "vi") -> str:
    """72,5% (one decimal, dropped when zero: 70%)."""
    return number(value, lang, 1) + "%"


def still_needed(target: float, recognised: int, registered: int) -> int:
    """How many more subjects must be recognised to reach `target` percent (0 when reached)."""
    needed = math.ceil(target * registered / 100 - 1e-9)
    return max(0, needed - recognised)


def day(value: date | datetime, tz: ZoneInfo | None = None) -> str:
    if isinstance(value, datetime) and tz is not None:
        value = value.astimezone(tz)
    return value.strftime("%d/%m/%Y")


def day_month(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%d/%m")


def clock_time(value: datetime, tz: ZoneInfo) -> str:
    return value.astimezone(tz).strftime("%H:%M")
