"""Which targets a report measures against, and shares over the real totals. Pure.

A share is always recognised ÷ every household (clan, village) of the place, the totals the
units import brought in: the figure a chair compares with the plans ("80% of families by
2030"). Where a total is not known, no share is given: a share of those registered in the bot
would look far better than the commune really is.
"""

from __future__ import annotations

from collections.abc import Mapping

Targets = Mapping[tuple[int, str], float]
# The national programme's milestones (Quyết định 387/QĐ-TTg), for columns when a commune
# has set no target yet.
MILESTONES = (2025, 2030)


def current_target_years(targets: Targets, year: int, title: str | None = None) -> list[int]:
    """The targets of the current period: the commune's own target for `year` when it set one,
    and the next target year after it (from 2026: 2030, not 2025). When every target year is
    past, the latest one. `title` None: any title's."""
    years = sorted({y for y, t in targets if title is None or t == title})
    current = [y for y in years if y == year] + [y for y in years if y > year][:1]
    return current or years[-1:]


def reference_target(targets: Targets, year: int, title: str) -> tuple[int, float] | None:
    """The one target a village is measured against: the first of the current period."""
    years = current_target_years(targets, year, title)
    return (years[0], targets[(years[0], title)]) if years else None


def column_years(targets: Targets, year: int) -> list[int]:
    """Target years an export has columns for: the current period's, else the milestones
    still ahead."""
    return current_target_years(targets, year) or (
        [y for y in MILESTONES if y >= year] or [MILESTONES[-1]]
    )
