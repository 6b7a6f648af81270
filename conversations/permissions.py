"""Who may do what (domain.md §2, §8). Checked by the service on every action.

Pure: the caller says who is acting and where the subject lives; this says yes or no.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from conversations.domain import Role

Action = Literal[
    "view",  # see an assessment and its result
    "assess",  # create, continue or edit an assessment's answers
    "submit",
    "verify",
    "return",  # send back with a comment
    "propose",  # put on the list proposed for recognition
    "recognise",  # record the recognition decision
    "reject",
    "reopen",
    "see_own_data",
    "delete_own_data",
    "list_village",  # the village's list and progress
    "list_commune",
    "merge_households",
]
ACTIONS: tuple[Action, ...] = (
    "view",
    "assess",
    "submit",
    "verify",
    "return",
    "propose",
    "recognise",
    "reject",
    "reopen",
    "see_own_data",
    "delete_own_data",
    "list_village",
    "list_commune",
    "merge_households",
)


@dataclass(frozen=True)
class Actor:
    person_id: int
    role: Role
    commune_id: int | None
    # A collaborator bound to one village; None means the whole commune.
    village_id: int | None = None
    # The household a household account speaks for.
    household_id: int | None = None
    disabled: bool = False


@dataclass(frozen=True)
class Scope:
    """Where the thing acted on lives."""

    commune_id: int
    village_ids: frozenset[int] = frozenset()
    household_id: int | None = None


_HOUSEHOLD: frozenset[Action] = frozenset(
    {"view", "assess", "submit", "reopen", "see_own_data", "delete_own_data"}
)
_COLLABORATOR: frozenset[Action] = frozenset(
    {"view", "assess", "submit", "verify", "return", "reopen", "list_village", "merge_households"}
)
_CHAIR: frozenset[Action] = frozenset(
    {"view", "propose", "recognise", "reject", "reopen", "return", "list_village", "list_commune"}
)


def allowed(actor: Actor, action: Action, scope: Scope) -> bool:
    if actor.disabled or actor.commune_id != scope.commune_id:
        return False
    if actor.role == "household":
        return (
            action in _HOUSEHOLD
            and actor.household_id is not None
            and actor.household_id == scope.household_id
        )
    if actor.role == "collaborator":
        if action not in _COLLABORATOR:
            return False
        # Clans span villages: one of them being the collaborator's is enough.
        return actor.village_id is None or actor.village_id in scope.village_ids
    if actor.role == "chair":
        return action in _CHAIR
    return False  # administrators work from the command line, not in the chat
