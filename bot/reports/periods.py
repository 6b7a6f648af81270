"""Report periods and when scheduled pushes fire, in the commune's local time. Pure."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Literal, cast
from zoneinfo import ZoneInfo

PeriodKind = Literal["day", "week", "month", "year"]
PERIOD_KINDS: tuple[PeriodKind, ...] = ("day", "week", "month", "year")


@dataclass(frozen=True)
class Period:
    """[start, end) in UTC, and the assessment year the year-so-far figures are for."""

    kind: PeriodKind
    start: datetime
    end: datetime
    year: int

    def payload(self) -> dict[str, Any]:
        return {
            "period": self.kind,
            "start": self.start.isoformat(),
            "end": self.end.isoformat(),
            "year": self.year,
        }

    @classmethod
    def from_payload(cls, payload: dict[str, Any]) -> Period:
        return cls(
            cast(PeriodKind, payload["period"]),
            datetime.fromisoformat(payload["start"]),
            datetime.fromisoformat(payload["end"]),
            int(payload["year"]),
        )


def _local_midnight(d: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(d, time(0), tzinfo=tz).astimezone(UTC)


def on_demand(kind: PeriodKind, now: datetime, tz: ZoneInfo) -> Period:
    """/baocao: the last 24 hours or 7 days, this month or this year so far."""
    local = now.astimezone(tz)
    if kind == "day":
        start = now - timedelta(days=1)
    elif kind == "week":
        start = now - timedelta(days=7)
    elif kind == "month":
        start = _local_midnight(local.date().replace(day=1), tz)
    else:
        start = _local_midnight(date(local.year, 1, 1), tz)
    return Period(kind, start.astimezone(UTC), now.astimezone(UTC), local.year)


def ending_at(kind: PeriodKind, end: datetime, tz: ZoneInfo) -> Period:
    """A scheduled digest covers the day or week up to the moment it fires."""
    if kind in ("day", "week"):
        start = end - timedelta(days=1 if kind == "day" else 7)
        year = (end - timedelta(microseconds=1)).astimezone(tz).year
        return Period(kind, start.astimezone(UTC), end.astimezone(UTC), year)
    return on_demand(kind, end, tz)


def parse_day_month(text: str) -> tuple[int, int]:
    """ "10/08" -> (10, 8): day first, as Vietnamese dates are written."""
    day_text, _, month_text = text.strip().partition("/")
    day, month = int(day_text), int(month_text)
    date(2024, month, day)  # raises ValueError for 31/02 and the like (2024: 29/02 is fine)
    return day, month


def parse_clock(text: str) -> time:
    hour_text, _, minute_text = text.strip().partition(":")
    return time(int(hour_text), int(minute_text or 0))


def _in_window(d: date, start: tuple[int, int], end: tuple[int, int]) -> bool:
    key = (d.month, d.day)
    first, last = (start[1], start[0]), (end[1], end[0])
    if first <= last:
        return first <= key <= last
    return key >= first or key <= last  # a window across the new year


@dataclass(frozen=True)
class DigestTimes:
    """When one commune's digests fire: weekly, and daily inside a window of the year."""

    weekday: int = 0
    at: time = time(7, 0)
    daily_from: tuple[int, int] | None = (10, 8)
    daily_to: tuple[int, int] | None = (10, 9)

    def kind_on(self, d: date) -> Literal["day", "week"] | None:
        if (
            self.daily_from is not None
            and self.daily_to is not None
            and _in_window(d, self.daily_from, self.daily_to)
        ):
            return "day"
        return "week" if d.weekday() == self.weekday else None

    def latest_fire(
        self, now: datetime, tz: ZoneInfo
    ) -> tuple[datetime, Literal["day", "week"]] | None:
        """The most recent firing at or before `now` (UTC), within the last eight days."""
        today = now.astimezone(tz).date()
        for back in range(8):
            d = today - timedelta(days=back)
            kind = self.kind_on(d)
            if kind is None:
                continue
            fire = datetime.combine(d, self.at, tzinfo=tz).astimezone(UTC)
            if fire <= now:
                return fire, kind
        return None

    def next_fires(
        self, now: datetime, tz: ZoneInfo, count: int = 3
    ) -> list[tuple[datetime, Literal["day", "week"]]]:
        """The next `count` firings after `now` (for `hoctap digest schedule` to show)."""
        out: list[tuple[datetime, Literal["day", "week"]]] = []
        d = now.astimezone(tz).date()
        while len(out) < count:
            kind = self.kind_on(d)
            fire = datetime.combine(d, self.at, tzinfo=tz).astimezone(UTC)
            if kind is not None and fire > now:
                out.append((fire, kind))
            d += timedelta(days=1)
        return out


def summary_reminders(
    now: datetime,
    tz: ZoneInfo,
    due: tuple[int, int],
    days_before: Sequence[int],
    at: time,
) -> list[tuple[datetime, int, date]]:
    """(fire time UTC, days left, due date) of this year's summary reminders already due."""
    local_now = now.astimezone(tz)
    deadline = date(local_now.year, due[1], due[0])
    out = []
    for days in sorted(set(days_before), reverse=True):
        fire = datetime.combine(deadline - timedelta(days=days), at, tzinfo=tz).astimezone(UTC)
        if fire <= now:
            out.append((fire, days, deadline))
    return out
