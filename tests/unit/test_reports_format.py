"""Pure parts of the reports: Vietnamese numbers and shares, periods and schedules, the digest
text from hand-made figures, name order, the locale files."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.i18n import Translator
from bot.outbox.scheduler import ReportScheduler, default_times, times_for
from bot.reports import formatting as fmt
from bot.reports.chat import parse_period
from bot.reports.digest import DigestWriter, behind_villages, reference_target
from bot.reports.exports import criteria_ids, vietnamese_name_key
from bot.reports.periods import (
    DigestTimes,
    Period,
    ending_at,
    on_demand,
    parse_clock,
    parse_day_month,
    summary_reminders,
)
from bot.reports.shares import current_target_years
from bot.settings import PROJECT_ROOT, Settings
from storage.progress import CommuneProgress, Counts, Part, VillageProgress
from storage.schedules import Schedule

TZ = ZoneInfo("Asia/Ho_Chi_Minh")
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)  # Sunday 09:00 in Hà Nội
T = Translator(PROJECT_ROOT / "locales")


def local(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=TZ).astimezone(UTC)


# --- numbers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "lang", "decimals", "expected"),
    [
        (1234, "vi", 0, "1.234"),
        (1234567, "en", 0, "1,234,567"),
        (72.5, "vi", 1, "72,5"),
        (31.25, "vi", 1, "31,3"),  # half up, not to even
        (0.05, "vi", 1, "0,1"),
        (70.0, "vi", 1, "70"),
        (1234.5, "vi", 1, "1.234,5"),
        (1234.5, "en", 1, "1,234.5"),
    ],
)
def test_numbers(value: float, lang: str, decimals: int, expected: str) -> None:
    assert fmt.number(value, lang, decimals) == expected


def test_shares_percent_points_and_what_is_still_needed() -> None:
    assert fmt.share(5, 16) == 31.25
    assert fmt.share(1, 0) is None
    assert fmt.percent(31.25) == "31,3%"
    assert fmt.percent(100 * 2 / 3, "en") == "66.7%"
    assert fmt.points(10.5) == "10,5" and fmt.points(85) == "85" and fmt.points(7.25) == "7,25"
    # 70% of 16 households is 11,2: 12 must be recognised.
    assert fmt.still_needed(70, 5, 16) == 7
    assert fmt.still_needed(70, 7, 10) == 0  # exactly at the target
    assert fmt.still_needed(80, 9, 10) == 0
    assert fmt.still_needed(75, 0, 0) == 0
    assert fmt.day(date(2026, 11, 22)) == "22/11/2026"
    assert fmt.day(NOW.replace(hour=20), TZ) == "23/11/2026"  # 03:00 next day in Hà Nội


# --- periods and schedules --------------------------------------------------------------------


def test_on_demand_periods() -> None:
    week = on_demand("week", NOW, TZ)
    assert (week.start, week.end, week.year) == (NOW - timedelta(days=7), NOW, 2026)
    month = on_demand("month", NOW, TZ)
    assert month.start == local(2026, 11, 1)
    year = on_demand("year", NOW, TZ)
    assert year.start == local(2026, 1, 1)
    assert Period.from_payload(week.payload()) == week
    # A weekly digest fired on 4 January covers the last days of the old year and counts
    # the new one.
    assert ending_at("week", local(2027, 1, 4, 7), TZ).year == 2027


def test_weekly_digest_and_daily_in_study_promotion_month() -> None:
    times = DigestTimes()  # Monday 07:00; daily 10/08–10/09
    assert times.latest_fire(local(2026, 11, 23, 6, 59), TZ) == (local(2026, 11, 16, 7), "week")
    assert times.latest_fire(local(2026, 11, 23, 7), TZ) == (local(2026, 11, 23, 7), "week")
    assert times.latest_fire(local(2026, 8, 15, 9), TZ) == (local(2026, 8, 15, 7), "day")
    assert times.latest_fire(local(2026, 9, 11, 9), TZ) == (local(2026, 9, 10, 7), "day")
    upcoming = times.next_fires(local(2026, 8, 7, 12), TZ, 3)
    assert upcoming == [
        (local(2026, 8, 10, 7), "day"),
        (local(2026, 8, 11, 7), "day"),
        (local(2026, 8, 12, 7), "day"),
    ]
    # A window across the new year.
    winter = DigestTimes(daily_from=(20, 12), daily_to=(5, 1))
    assert winter.kind_on(date(2027, 1, 3)) == "day"
    assert winter.kind_on(date(2026, 12, 19)) is None  # a Saturday


def test_schedule_overrides_and_parsing() -> None:
    settings = Settings(_env_file=None)
    defaults = default_times(settings)
    assert defaults == DigestTimes(0, time(7), (10, 8), (10, 9))
    assert times_for(defaults, None) == defaults
    assert times_for(defaults, Schedule(enabled=False)) is None
    friday = times_for(defaults, Schedule(weekday=4, at_time="16:30"))
    assert friday == DigestTimes(4, time(16, 30), None, None)
    assert parse_clock("7:05") == time(7, 5)
    assert parse_day_month("15/11") == (15, 11)
    with pytest.raises(ValueError):
        parse_day_month("31/02")


def test_summary_reminders_two_weeks_before_15_november() -> None:
    due = (15, 11)
    assert summary_reminders(local(2026, 10, 31, 12), TZ, due, [14, 7, 1], time(7)) == []
    fired = summary_reminders(local(2026, 11, 8, 7), TZ, due, [14, 7, 1], time(7))
    assert [(days, d) for _, days, d in fired] == [
        (14, date(2026, 11, 15)),
        (7, date(2026, 11, 15)),
    ]


def test_scheduler_due_pushes_are_keyed_by_person_and_period() -> None:
    settings = Settings(_env_file=None)
    scheduler = ReportScheduler(None, settings, lambda: NOW)  # type: ignore[arg-type]
    monday = local(2026, 11, 23, 7, 30)
    pushes = scheduler.due_pushes(monday, {3: [7, 8], 4: [9]}, {4: Schedule(enabled=False)})
    assert [p.key for p in pushes] == [
        "digest:week:2026-11-23:c3:p7",
        "digest:week:2026-11-23:c3:p8",
    ]
    assert pushes[0].payload["period"] == "week"
    assert pushes[0].payload["start"] == local(2026, 11, 16, 7).isoformat()
    # Down all Monday, back on Tuesday afternoon: past the 24-hour catch-up, not sent late.
    assert scheduler.due_pushes(local(2026, 11, 24, 15), {3: [7]}, {}) == []


# --- the digest, from hand-made figures -------------------------------------------------------


def _progress(
    targets: dict[tuple[int, str], float], villages: list[tuple[str, int, int, int | None]]
) -> CommuneProgress:
    """Villages as (name, registered, recognised, every household of the village)."""
    return CommuneProgress(
        commune_id=1,
        commune="Xã Thử",
        province="Tỉnh Thử",
        difficult_area=False,
        year=2026,
        period_start=NOW - timedelta(days=7),
        period_end=NOW,
        villages=tuple(
            VillageProgress(i, name, Counts(reg, reg, reg, rec, rec), Counts(), total)
            for i, (name, reg, rec, total) in enumerate(villages, 1)
        ),
        others={"village": Part("village", Counts(len(villages)))},
        targets=targets,
    )


def test_reference_target_and_villages_behind() -> None:
    progress = _progress(
        {(2025, "household"): 70, (2030, "household"): 80},
        [
            ("A", 10, 7, 10),
            ("B", 5, 2, 10),
            ("C", 3, 0, None),
            ("D", 20, 4, 20),
            ("E", 10, 8, 10),
        ],
    )
    assert reference_target(progress, "household") == (2030, 80)
    assert reference_target(progress, "clan") is None
    behind, unknown = behind_villages(progress, 3)
    # Shares of all the village's households: B and D are both at 20%: D, with more
    # households, is further behind; E is at the target. C has no total: not measured.
    assert [v.name for v in behind] == ["D", "B", "A"]
    assert [v.name for v in unknown] == ["C"]
    assert progress.total("household") is None


def test_targets_of_the_current_period() -> None:
    targets = {(2025, "household"): 70.0, (2030, "household"): 80.0, (2030, "clan"): 75.0}
    assert current_target_years(targets, 2025) == [2025, 2030]
    # From 2026: 2030's, not 2025's; the commune's own year target first when it set one.
    assert current_target_years(targets, 2026) == [2030]
    assert current_target_years({**targets, (2026, "household"): 72.0}, 2026) == [2026, 2030]
    assert current_target_years(targets, 2026, "clan") == [2030]
    # All past: the latest, rather than nothing.
    assert current_target_years(targets, 2031) == [2030]
    assert current_target_years({}, 2026) == []


def test_digest_text_without_targets_or_clans() -> None:
    progress = _progress({}, [("Bản Một", 4, 1, 8), ("Bản Hai", 0, 0, 1234)])
    period = on_demand("week", NOW, TZ)
    text = DigestWriter(T, "vi", TZ).text(progress, period, NOW)
    # Of every household (8 + 1.234), not of the 4 registered; thousands grouped.
    assert "Tổng số hộ của xã: 1.242" in text
    assert "Tỷ lệ công nhận: 1/1.242 hộ, 0,1%" in text
    assert "Xã chưa đặt mục tiêu" in text
    assert "👪 Dòng họ học tập: chưa có dòng họ nào đăng ký." in text
    # No target: measured against the commune's own share.
    assert "• Bản Hai: 0/1.234 hộ, 0%" in text
    assert "Bản Một: 1/8" not in text
    assert "Chờ xác nhận" not in text and "Cộng tác viên" not in text
    english = DigestWriter(T, "en", TZ).text(progress, period, NOW, hint=True)
    assert "👪 Learning Clan: no clans registered yet." in english and english.endswith(
        '"/report year".'
    )


def test_parse_period_and_vietnamese_name_order() -> None:
    assert parse_period("/baocao") == "week"
    assert parse_period("/baocao@hoctap_bot thang") == "month"
    assert parse_period("/BAOCAO Hôm nay") == "day"
    assert parse_period("/report whatever") is None
    names = ["Trần Thị Hai", "Lê Văn Ba", "Nguyễn Văn Một", "Phạm Thị Bốn", "Đỗ An"]
    assert sorted(names, key=vietnamese_name_key) == [
        "Đỗ An",
        "Lê Văn Ba",
        "Phạm Thị Bốn",
        "Trần Thị Hai",
        "Nguyễn Văn Một",
    ]


def test_criteria_ids_in_natural_order() -> None:
    class Pack:
        def __init__(self, ids: list[str]) -> None:
            self.criteria = [type("C", (), {"id": i})() for i in ids]

    assert criteria_ids([Pack(["1", "2", "10"]), Pack(["2", "3"])]) == ["1", "2", "3", "10"]  # type: ignore[list-item]


# --- locale files -----------------------------------------------------------------------------


def _ids(path: Path) -> list[str]:
    return re.findall(r"^([a-z][a-z0-9-]*) =", path.read_text(encoding="utf-8"), re.M)


def test_every_report_message_in_both_languages() -> None:
    vi = _ids(PROJECT_ROOT / "locales/vi/reports.ftl")
    en = _ids(PROJECT_ROOT / "locales/en/reports.ftl")
    assert sorted(vi) == sorted(en)
    assert len(vi) == len(set(vi))
    # Every id the reports code asks for exists (literal ids and f-string families).
    source = "\n".join(
        p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "bot/reports").glob("*.py")
    )
    used = set(
        re.findall(r'"((?:digest|report|reminder|export|summary|chart)-[a-z0-9-]+)"', source)
    )
    assert used <= set(vi), used - set(vi)
    for family, members in {
        "report-status-": [
            "draft",
            "submitted",
            "verified",
            "returned",
            "proposed",
            "recognised",
            "rejected",
        ],
        "report-title-": ["household", "clan", "village"],
        "digest-section-": ["household", "clan"],
        "report-button-": ["day", "week", "month", "year"],
    }.items():
        assert {family + m for m in members} <= set(vi)


def test_vietnamese_strings_are_polite_and_accented() -> None:
    text = (PROJECT_ROOT / "locales/vi/reports.ftl").read_text(encoding="utf-8")
    assert "Dạ" in text and "Vui lòng" in text
    # No message written without diacritics (a common slip when typing fast).
    for line in text.splitlines():
        if "=" in line and not line.startswith("#"):
            value = line.split("=", 1)[1]
            for word in ("bao cao", "xac nhan", "cong nhan", "dong ho"):
                assert word not in value.lower(), line
