"""The default recognition targets of a commune, per title and target year. Pure.

From the commune plan in the seeds (Chương trình 387/QĐ-TTg and the Công dân học tập programme
of 677/QĐ-TTg, domain.md §4 and §6): by 2025 70% of families, 65% of clans, 65% of villages
(communities), 80% of units (offices, schools, health stations, the People's Committee), and
as Công dân học tập 40% of the working people in those families, clans and communities and 60%
of the staff of the units; by 2030 80 / 75 / 75 / 100%, and 60% / 80%.

Difficult areas (vùng đặc biệt khó khăn, miền núi): the earlier programme (281/QĐ-TTg) set
its targets for families, clans and communities there exactly 10 points below the general ones
(60/40/50 against 70/50/60); we keep that gap for the same three titles and for the working
people of the families (the same households, in the same conditions). Units and their staff
keep the general targets: they are state offices, schools and health stations whose staff are
civil servants with the same duties everywhere, and no programme we found lowers their targets
by area (the lower pass mark of difficult areas, 70 instead of 80, is the packs' business).
"""

from __future__ import annotations

from storage.progress import CITIZEN_STAFF, TARGET_KEYS

# (target year, key) -> percent. Keys: a title, or the citizens' second share (unit staff).
DEFAULT_TARGETS: dict[tuple[int, str], float] = {
    (2025, "household"): 70.0,
    (2030, "household"): 80.0,
    (2025, "clan"): 65.0,
    (2030, "clan"): 75.0,
    (2025, "village"): 65.0,
    (2030, "village"): 75.0,
    (2025, "citizen"): 40.0,
    (2030, "citizen"): 60.0,
    (2025, CITIZEN_STAFF): 60.0,
    (2030, CITIZEN_STAFF): 80.0,
    (2025, "unit"): 80.0,
    (2030, "unit"): 100.0,
}
DIFFICULT_AREA_REDUCTION = 10.0
# What a difficult area lowers (see above).
LOWERED_IN_DIFFICULT_AREAS = ("household", "clan", "village", "citizen")

# What each key measures, for `hoctap targets list` (the administrator reads English).
KEY_MEANINGS = {
    "household": "households with Gia đình học tập, of every household",
    "clan": "clans with Dòng họ học tập, of every clan",
    "village": "villages with Cộng đồng học tập, of every village",
    "citizen": "Công dân học tập among the working people (adults 19–60) of registered families",
    CITIZEN_STAFF: "Công dân học tập among the staff of the units",
    "unit": "units with Đơn vị học tập, of every unit",
}
assert set(KEY_MEANINGS) == set(TARGET_KEYS)


def default_targets(difficult_area: bool) -> dict[tuple[int, str], float]:
    """The defaults for a commune, lowered where it is flagged as a difficult area."""
    return {
        (year, key): share
        - (DIFFICULT_AREA_REDUCTION if difficult_area and key in LOWERED_IN_DIFFICULT_AREAS else 0)
        for (year, key), share in DEFAULT_TARGETS.items()
    }
