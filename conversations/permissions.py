"""Who may do what (domain.md §2, §8; issue 15). Checked by the service on every action.

Pure: the caller says who is acting and what the subject is and where it lives; this says yes
or no. Five subjects run one workflow; what differs is who fills a form in and who checks it:

| subject   | fills it in                          | verifies                         |
|-----------|--------------------------------------|----------------------------------|
| household | the household, the collaborator      | the collaborator (village)       |
| clan      | the collaborator                     | the collaborator                 |
| citizen   | the person                           | the collaborator (a household's  |
|           |                                      | member) or the unit's head       |
| village   | the collaborator, a village head     | the commune chair                |
| unit      | the unit's head                      | the commune chair                |

The chair proposes, recognises or rejects every subject, and may return or reopen any.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from conversations.domain import Role, SubjectKind
from conversations.packs import TitleKind

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
    "invite",  # hand out an invite for the subject (a citizen, a unit's head, a village head)
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
    "invite",
)


@dataclass(frozen=True)
class Actor:
    person_id: int
    role: Role
    commune_id: int | None
    # A collaborator (or village head) bound to one village; None means the whole commune.
    village_id: int | None = None
    # The household a household account speaks for.
    household_id: int | None = None
    disabled: bool = False
    # The unit a unit head leads; the citizen a citizen account is.
    unit_id: int | None = None
    citizen_id: int | None = None


@dataclass(frozen=True)
class Scope:
    """What is acted on and where it lives."""

    commune_id: int
    village_ids: frozenset[int] = frozenset()
    household_id: int | None = None
    subject: SubjectKind = "household"
    # The unit assessed, or the unit whose staff member the citizen is.
    unit_id: int | None = None
    citizen_id: int | None = None


_OWN: frozenset[Action] = frozenset(
    {"view", "assess", "submit", "reopen", "see_own_data", "delete_own_data"}
)
_FILL: frozenset[Action] = frozenset({"view", "assess", "submit", "reopen"})
_CHECK: frozenset[Action] = frozenset({"view", "verify", "return", "reopen"})
_CHAIR: frozenset[Action] = frozenset(
    {"view", "propose", "recognise", "reject", "reopen", "return", "list_village", "list_commune"}
)

# The titles each role fills in (its menu offers only these) and checks.
ASSESSES: dict[Role, tuple[TitleKind, ...]] = {
    "household": ("household",),
    "citizen": ("citizen",),
    "collaborator": ("household", "clan", "village"),
    "village_head": ("village",),
    "unit_head": ("unit",),
    "chair": (),
    "admin": (),
}
VERIFIES: dict[Role, tuple[TitleKind, ...]] = {
    "collaborator": ("household", "clan", "citizen"),
    "unit_head": ("citizen",),
    "chair": ("village", "unit"),
}


def assessable_titles(role: Role) -> tuple[TitleKind, ...]:
    return ASSESSES.get(role, ())


def verifiable_titles(role: Role) -> tuple[TitleKind, ...]:
    return VERIFIES.get(role, ())


def allowed(actor: Actor, action: Action, scope: Scope) -> bool:
    if actor.disabled or actor.commune_id != scope.commune_id:
        return False
    subject = scope.subject
    if actor.role == "household":
        if actor.household_id is None or actor.household_id != scope.household_id:
            return False
        if subject == "household":
            return action in _OWN
        # Its adult members: the household sees their results and invites them.
        return subject == "citizen" and scope.unit_id is None and action in ("view", "invite")
    if actor.role == "citizen":
        return (
            subject == "citizen"
            and actor.citizen_id is not None
            and actor.citizen_id == scope.citizen_id
            and action in _OWN
        )
    if actor.role == "unit_head":
        if actor.unit_id is None or actor.unit_id != scope.unit_id:
            return False
        if subject == "unit":
            return action in _FILL
        # Its staff: invited, checked and returned by the head.
        return subject == "citizen" and action in _CHECK | {"invite"}
    if actor.role == "village_head":
        in_village = actor.village_id is not None and actor.village_id in scope.village_ids
        return subject == "village" and in_village and action in _FILL
    if actor.role == "collaborator":
        # Clans span villages: one of them being the collaborator's is enough.
        if actor.village_id is not None and actor.village_id not in scope.village_ids:
            return False
        if subject in ("household", "clan"):
            return action in _FILL | _CHECK | {"list_village", "merge_households"}
        if subject == "citizen":
            # A household's adult member; a unit's staff are their head's to check.
            return scope.unit_id is None and action in _CHECK | {"invite", "list_village"}
        if subject == "village":
            # The collaborator fills it in or invites a village head; the chair verifies.
            return action in _FILL | {"invite", "list_village"}
        return False
    if actor.role == "chair":
        if action in _CHAIR:
            return True
        # The chair checks villages and units, and invites the heads of units and villages.
        return subject in ("village", "unit") and action in ("verify", "invite")
    return False  # administrators work from the command line, not in the chat
