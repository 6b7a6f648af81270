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


# --- issue 15: five subjects, one workflow -------------------------------------------------

# The subjects of village 10, household 100 and unit 7 of commune 1.
SUBJECTS: dict[str, Scope] = {
    "household": HOME,
    "clan": Scope(commune_id=1, village_ids=frozenset({10, 11}), subject="clan"),
    "village": Scope(commune_id=1, village_ids=frozenset({10}), subject="village"),
    "member": Scope(
        commune_id=1, village_ids=frozenset({10}), household_id=100, subject="citizen", citizen_id=5
    ),
    "staff": Scope(commune_id=1, subject="citizen", unit_id=7, citizen_id=6),
    "unit": Scope(commune_id=1, subject="unit", unit_id=7),
}
FIVE_ACTORS = {
    **ACTORS,
    "citizen": Actor(6, "citizen", 1, 10, citizen_id=5),
    "unit_head": Actor(7, "unit_head", 1, unit_id=7),
    "village_head": Actor(8, "village_head", 1, 10),
}
FILL = {"view", "assess", "submit", "reopen"}
CHECK = {"view", "verify", "return", "reopen"}
CHAIR = EXPECTED["chair"]
# (role, subject) -> what that role may do to it; anything not listed: nothing.
MATRIX: dict[tuple[str, str], set[str]] = {
    ("household", "household"): EXPECTED["household"],
    ("household", "member"): {"view", "invite"},
    ("citizen", "member"): EXPECTED["household"],
    ("collaborator", "household"): EXPECTED["collaborator"],
    ("collaborator", "clan"): EXPECTED["collaborator"],
    ("collaborator", "member"): CHECK | {"invite", "list_village"},
    ("collaborator", "village"): FILL | {"invite", "list_village"},
    ("village_head", "village"): FILL,
    ("unit_head", "unit"): FILL,
    ("unit_head", "staff"): CHECK | {"invite"},
    ("chair", "household"): CHAIR,
    ("chair", "clan"): CHAIR,
    ("chair", "member"): CHAIR,
    ("chair", "staff"): CHAIR,
    ("chair", "village"): CHAIR | {"verify", "invite"},
    ("chair", "unit"): CHAIR | {"verify", "invite"},
}


@pytest.mark.parametrize("role", list(FIVE_ACTORS))
@pytest.mark.parametrize("subject", list(SUBJECTS))
@pytest.mark.parametrize("action", ACTIONS)
def test_five_subjects_role_action_matrix(role: str, subject: str, action: str) -> None:
    expected = action in MATRIX.get((role, subject), set())
    assert allowed(FIVE_ACTORS[role], action, SUBJECTS[subject]) is expected  # type: ignore[arg-type]


def test_verifiers_of_each_title() -> None:
    from conversations.permissions import assessable_titles, verifiable_titles

    # A person's result: the collaborator (village) or the unit head; a village and a unit:
    # the chair. Menus offer only the titles a role fills in.
    assert "citizen" in verifiable_titles("collaborator")
    assert verifiable_titles("unit_head") == ("citizen",)
    assert set(verifiable_titles("chair")) == {"village", "unit"}
    assert assessable_titles("unit_head") == ("unit",)
    assert assessable_titles("village_head") == ("village",)
    assert assessable_titles("citizen") == ("citizen",)
    assert "unit" not in assessable_titles("collaborator")


def test_a_citizen_may_not_touch_another_persons_form() -> None:
    other = Scope(commune_id=1, subject="citizen", citizen_id=9, household_id=100)
    for action in ("view", "assess", "submit", "delete_own_data"):
        assert not allowed(FIVE_ACTORS["citizen"], action, other)  # type: ignore[arg-type]


def test_a_unit_head_checks_only_their_own_staff() -> None:
    other_unit = Scope(commune_id=1, subject="citizen", unit_id=8, citizen_id=6)
    assert not allowed(FIVE_ACTORS["unit_head"], "verify", other_unit)
    assert not allowed(FIVE_ACTORS["unit_head"], "assess", Scope(1, subject="unit", unit_id=8))


def test_a_village_head_of_another_village_is_refused() -> None:
    other = Scope(commune_id=1, village_ids=frozenset({11}), subject="village")
    assert not allowed(FIVE_ACTORS["village_head"], "assess", other)
