"""Every role against every action: allowed where domain.md §2 says so, refused elsewhere."""

from __future__ import annotations

import pytest

from conversations.permissions import ACTIONS, Actor, Scope, allowed

HOME = Scope(commune_id=1, village_ids=frozenset({10}), household_id=100)

# The expected answer for each role acting on a subject of its own village / household.
EXPECTED: dict[str, set[str]] = {
    "household": {"view", "assess", "submit", "reopen", "see_own_data", "delete_own_data"},
    "collaborator": {
        "view",
        "assess",
        "submit",
        "verify",
        "return",
        "reopen",
        "list_village",
        "merge_households",
    },
    "chair": {
        "view",
        "propose",
        "recognise",
        "reject",
        "reopen",
        "return",
        "list_village",
        "list_commune",
    },
    "admin": set(),
}

ACTORS = {
    "household": Actor(1, "household", 1, 10, household_id=100),
    "collaborator": Actor(2, "collaborator", 1, 10),
    "chair": Actor(3, "chair", 1),
    "admin": Actor(4, "admin", 1),
}


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_role_action_matrix(role: str, action: str) -> None:
    assert allowed(ACTORS[role], action, HOME) is (action in EXPECTED[role])  # type: ignore[arg-type]


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_nothing_is_allowed_in_another_commune(role: str, action: str) -> None:
    elsewhere = Scope(commune_id=2, village_ids=frozenset({10}), household_id=100)
    assert not allowed(ACTORS[role], action, elsewhere)  # type: ignore[arg-type]


@pytest.mark.parametrize("role", list(EXPECTED))
@pytest.mark.parametrize("action", ACTIONS)
def test_a_disabled_account_may_do_nothing(role: str, action: str) -> None:
    actor = ACTORS[role]
    disabled = Actor(
        actor.person_id, actor.role, actor.commune_id, actor.village_id, actor.household_id, True
    )
    assert not allowed(disabled, action, HOME)  # type: ignore[arg-type]


def test_collaborator_of_another_village_is_refused() -> None:
    other_village = Scope(commune_id=1, village_ids=frozenset({11}))
    assert not allowed(ACTORS["collaborator"], "verify", other_village)


def test_commune_wide_collaborator_covers_every_village() -> None:
    commune_wide = Actor(5, "collaborator", 1, None)
    assert allowed(commune_wide, "verify", Scope(commune_id=1, village_ids=frozenset({11})))


def test_clan_across_villages_is_the_collaborators_if_one_village_is_theirs() -> None:
    clan = Scope(commune_id=1, village_ids=frozenset({10, 11}))
    assert allowed(ACTORS["collaborator"], "assess", clan)


def test_household_may_not_touch_another_household() -> None:
    neighbour = Scope(commune_id=1, village_ids=frozenset({10}), household_id=101)
    for action in ("view", "assess", "see_own_data", "delete_own_data"):
        assert not allowed(ACTORS["household"], action, neighbour)  # type: ignore[arg-type]
