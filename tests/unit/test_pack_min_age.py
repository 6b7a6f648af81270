"""A pack's minimum age (`min_age`: who may join for a title given to one person): 18 in the
shipped "Công dân học tập" pack, optional, and only on a citizen pack."""

from __future__ import annotations

import pytest

from conversations.pack_files import load_pack, parse_pack
from tests.unit.test_packs import PACKS, minimal_pack, problems_of


def test_only_the_citizen_pack_sets_a_minimum_age_of_18() -> None:
    """Bộ luật Dân sự 2015, Điều 20: người thành niên là người từ đủ 18 tuổi."""
    ages = {load_pack(p).title: load_pack(p).min_age for p in sorted(PACKS.glob("*.yaml"))}
    assert ages == {
        "household": None,
        "clan": None,
        "village": None,
        "citizen": 18,
        "unit": None,
    }


def test_a_minimum_age_is_read_from_a_citizen_pack() -> None:
    text = minimal_pack().replace("title: household", "title: citizen\nmin_age: 16")
    assert parse_pack(text).min_age == 16
    assert parse_pack(minimal_pack()).min_age is None  # optional: no minimum


def test_a_minimum_age_on_a_title_that_is_not_a_person_is_a_problem() -> None:
    found = problems_of(minimal_pack().replace("title: household", "title: household\nmin_age: 18"))
    assert found == [(4, "min_age", "only a title for one person (citizen) has a minimum age")]


@pytest.mark.parametrize("value", ["0", "101", "17.5", "true", "mười tám", '"18"'])
def test_a_minimum_age_that_is_not_an_age_is_named_with_its_line(value: str) -> None:
    text = minimal_pack().replace("title: household", f"title: citizen\nmin_age: {value}")
    [(line, where, _message)] = problems_of(text)
    assert (line, where) == (4, "min_age")
