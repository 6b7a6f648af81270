"""Every screen a chat can be on, as a typed value, and the chat's stored state.

A screen is what the bot last asked and is waiting for: an option list (its numbered
`Choices`), a request for typed text, or a question of an assessment. `kind` tells them apart
in the stored JSON; the router is the one module that reacts to each kind.

Stored as `{"n": <button counter>, "screen": {"kind": ..., ...}}`. A state stored by an older
version (`{"screen": "menu", "options": [...], "prompt": {...}, ...}`) is read as the same
screen where it can be, and as no screen (the menu) where it cannot: a chat never breaks on
what it stored.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

log = logging.getLogger(__name__)

# The review lists a collaborator or chair works through.
Queue = Literal["verify", "returned", "propose", "proposed", "rejected"]
QUEUE_NAMES: tuple[Queue, ...] = ("verify", "returned", "propose", "proposed", "rejected")


def as_queue(key: str) -> Queue | None:
    for queue in QUEUE_NAMES:
        if key == queue:
            return queue
    return None


class _Value(BaseModel):
    model_config = ConfigDict(frozen=True)


class Choices(_Value):
    """A numbered list: the key behind each option, what it reads, and the page shown (when
    the channel's buttons show it a page at a time)."""

    title: str
    keys: list[str]
    labels: list[str]
    page: int = 0

    @classmethod
    def of(cls, title: str, options: Sequence[tuple[str, str]]) -> Choices:
        return cls(
            title=title, keys=[key for key, _ in options], labels=[label for _, label in options]
        )


class Listing(_Value):
    """A screen waiting for one of its options (typed by number or words, or tapped)."""

    choices: Choices


# --- option screens ---------------------------------------------------------------------


class MenuScreen(Listing):
    kind: Literal["menu"] = "menu"


class PickVillageScreen(Listing):
    kind: Literal["pick_village"] = "pick_village"
    # A new household's form, or the village's own "Cộng đồng học tập".
    purpose: Literal["household", "village"] = "household"


class PickDraftScreen(Listing):
    kind: Literal["pick_draft"] = "pick_draft"


class ClanMemberPickScreen(Listing):
    kind: Literal["clan_member_pick"] = "clan_member_pick"
    clan_id: int


class JoinConsentScreen(Listing):
    kind: Literal["join_consent"] = "join_consent"
    invite: str


class JoinVillageConfirmScreen(Listing):
    kind: Literal["join_village_confirm"] = "join_village_confirm"
    invite: str
    name: str
    village_id: int


class JoinVillageScreen(Listing):
    kind: Literal["join_village"] = "join_village"
    invite: str
    name: str


class InvitePickScreen(Listing):
    """Whom an invite is for: a household (its adult member), a unit (its head) or a village
    (its head)."""

    kind: Literal["invite_pick"] = "invite_pick"
    purpose: Literal["household", "unit", "village"]


class QueueScreen(Listing):
    kind: Literal["queue"] = "queue"
    queue: Queue


class ItemScreen(Listing):
    kind: Literal["item"] = "item"
    queue: Queue
    assessment_id: int


class DuplicatesScreen(Listing):
    kind: Literal["duplicates"] = "duplicates"


class ConfirmDeleteScreen(Listing):
    kind: Literal["confirm_delete"] = "confirm_delete"
    # The screen "/xoa" interrupted, shown again if the household keeps its data.
    interrupted: Screen | None = None


# --- screens waiting for typed text -----------------------------------------------------


class JoinNameScreen(_Value):
    kind: Literal["join_name"] = "join_name"
    invite: str


class JoinHeadNameScreen(_Value):
    kind: Literal["join_head_name"] = "join_head_name"
    invite: str


class JoinPhoneScreen(_Value):
    kind: Literal["join_phone"] = "join_phone"
    invite: str
    name: str


class JoinCitizenNameScreen(_Value):
    """A unit's staff member joining: their own name."""

    kind: Literal["join_citizen_name"] = "join_citizen_name"
    invite: str


class JoinBirthYearScreen(_Value):
    """A person joining for "Công dân học tập": their year of birth. `name`: the name a unit's
    staff member typed (None when the invite named the person)."""

    kind: Literal["join_birth_year"] = "join_birth_year"
    invite: str
    name: str | None = None


class InviteHouseholdScreen(_Value):
    """The collaborator types the head of the household whose adult member they invite."""

    kind: Literal["invite_household"] = "invite_household"


class InviteNameScreen(_Value):
    """The name of the household's adult member being invited."""

    kind: Literal["invite_name"] = "invite_name"
    household_id: int


class ClanMembersScreen(_Value):
    kind: Literal["clan_members"] = "clan_members"
    clan_id: int


class CommentScreen(_Value):
    kind: Literal["ask_comment"] = "ask_comment"
    queue: Queue
    assessment_id: int
    transition: Literal["return", "reject"]


class DecisionNumberScreen(_Value):
    kind: Literal["decision_number"] = "decision_number"


class DecisionDateScreen(_Value):
    kind: Literal["decision_date"] = "decision_date"
    number: str


# --- inside an assessment ---------------------------------------------------------------


class AssessmentScreen(_Value):
    kind: Literal["assessment"] = "assessment"
    assessment_id: int
    # The options ticked so far on the multiple choice shown at `ticked_step` (Telegram's
    # toggle buttons): nothing is stored until "Xong".
    ticked_step: int | None = None
    ticked: list[str] = Field(default_factory=list)


OptionScreen = (
    MenuScreen
    | PickVillageScreen
    | PickDraftScreen
    | ClanMemberPickScreen
    | JoinConsentScreen
    | JoinVillageConfirmScreen
    | JoinVillageScreen
    | InvitePickScreen
    | QueueScreen
    | ItemScreen
    | DuplicatesScreen
    | ConfirmDeleteScreen
)
TextScreen = (
    JoinNameScreen
    | JoinHeadNameScreen
    | JoinPhoneScreen
    | JoinCitizenNameScreen
    | JoinBirthYearScreen
    | InviteHouseholdScreen
    | InviteNameScreen
    | ClanMembersScreen
    | CommentScreen
    | DecisionNumberScreen
    | DecisionDateScreen
)
Screen = Annotated[OptionScreen | TextScreen | AssessmentScreen, Field(discriminator="kind")]
# The screens of someone who has not joined yet: the only ones they can be on.
JOINING = (
    JoinConsentScreen,
    JoinVillageConfirmScreen,
    JoinVillageScreen,
    JoinNameScreen,
    JoinHeadNameScreen,
    JoinPhoneScreen,
    JoinCitizenNameScreen,
    JoinBirthYearScreen,
)

ConfirmDeleteScreen.model_rebuild()


class ChatState(BaseModel):
    """What a chat keeps between messages: the screen on show and the button counter."""

    # Option buttons carry the counter, so a tap on a list no longer on screen is recognised
    # as stale; it only grows (also when the screen is forgotten).
    n: int = 0
    screen: Screen | None = None

    @classmethod
    def load(cls, stored: Mapping[str, Any] | None) -> ChatState:
        """The state as stored; an older shape as its equivalent, an unreadable one as no
        screen (the menu), keeping the counter when it can be read."""
        raw = dict(stored or {})
        counter = raw.get("n", 0)
        n = counter if isinstance(counter, int) and not isinstance(counter, bool) else 0
        screen = raw.get("screen")
        if isinstance(screen, str):  # the shape before screens were typed
            screen = _legacy_screen(raw)
        try:
            return cls.model_validate({"n": n, "screen": screen})
        except ValidationError as error:
            log.warning("chat state unreadable, starting from the menu: %s", error)
            return cls(n=n)

    def dump(self) -> dict[str, Any]:
        return self.model_dump(mode="json")


def _legacy_screen(old: Mapping[str, Any]) -> dict[str, Any] | None:
    """`{"screen": "queue", "options": [...], "prompt": {"title", "labels"}, "page": 1,
    "queue": "verify"}` → `{"kind": "queue", "choices": {...}, "queue": "verify"}`."""
    kind = old.get("screen")
    if not isinstance(kind, str):
        return None
    new = {k: v for k, v in old.items() if k not in ("screen", "lang", "n", "prompt", "page")}
    new["kind"] = kind
    if "options" in old:
        prompt = old.get("prompt")
        prompt = prompt if isinstance(prompt, Mapping) else {}
        new["choices"] = {
            "title": prompt.get("title", ""),
            "keys": new.pop("options"),
            "labels": prompt.get("labels", []),
            "page": old.get("page", 0),
        }
    interrupted = old.get("interrupted")
    if isinstance(interrupted, Mapping):
        new["interrupted"] = _legacy_screen(interrupted)
    return new
