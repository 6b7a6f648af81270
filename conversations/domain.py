"""The things the commune's work is about, as plain values the storage layer hands out."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from conversations.packs import AnswerValue, TitleKind

# issue 15: "citizen" (a person assessed for Công dân học tập), "unit_head" (the head of an
# office, school, enterprise… who self-assesses the unit and verifies its staff) and
# "village_head" (invited to assess the village for Cộng đồng học tập).
Role = Literal[
    "admin", "chair", "collaborator", "household", "citizen", "unit_head", "village_head"
]
# What an assessment is of; each title has one (SUBJECT_OF).
SubjectKind = Literal["household", "clan", "village", "citizen", "unit"]
SUBJECT_OF: dict[TitleKind, SubjectKind] = {
    "household": "household",
    "clan": "clan",
    "village": "village",
    "citizen": "citizen",
    "unit": "unit",
}
# An office, a school, a health station, the People's Committee, an enterprise, or other.
LearningUnitKind = Literal["office", "school", "health", "committee", "enterprise", "other"]
LEARNING_UNIT_KINDS: tuple[LearningUnitKind, ...] = (
    "office",
    "school",
    "health",
    "committee",
    "enterprise",
    "other",
)
AssessmentStatus = Literal[
    "draft", "submitted", "verified", "returned", "proposed", "recognised", "rejected"
]
Transition = Literal["submit", "verify", "return", "propose", "recognise", "reject", "reopen"]

# domain.md §3: draft → submitted → verified (or returned) → proposed → recognised / rejected;
# a returned or rejected assessment can be reopened and fixed.
TRANSITIONS: dict[Transition, tuple[frozenset[AssessmentStatus], AssessmentStatus]] = {
    "submit": (frozenset({"draft", "returned"}), "submitted"),
    "verify": (frozenset({"submitted"}), "verified"),
    "return": (frozenset({"submitted", "verified", "proposed"}), "returned"),
    "propose": (frozenset({"verified"}), "proposed"),
    "recognise": (frozenset({"proposed"}), "recognised"),
    "reject": (frozenset({"proposed", "verified"}), "rejected"),
    "reopen": (frozenset({"returned", "rejected"}), "draft"),
}
# Changes that must say why.
NEEDS_REASON: frozenset[Transition] = frozenset({"return", "reject"})


def next_status(current: AssessmentStatus, transition: Transition) -> AssessmentStatus | None:
    allowed_from, target = TRANSITIONS[transition]
    return target if current in allowed_from else None


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, from_attributes=True)


class Province(_Model):
    id: int
    name: str


class Commune(_Model):
    id: int
    province_id: int
    name: str
    difficult_area: bool = False


class Village(_Model):
    id: int
    commune_id: int
    name: str


class Person(_Model):
    id: int
    name: str
    role: Role
    commune_id: int | None = None
    village_id: int | None = None
    phone: str | None = None
    locale: str = "vi"
    disabled: bool = False


class ChannelIdentity(_Model):
    id: int
    channel: str
    external_id: str
    chat_id: str
    person_id: int | None = None
    locale: str = "vi"
    unreachable: bool = False


class Household(_Model):
    id: int
    village_id: int
    head_name: str
    phone: str | None = None
    person_id: int | None = None


class Clan(_Model):
    id: int
    commune_id: int
    name: str
    head_name: str | None = None
    member_count: int | None = None
    village_ids: tuple[int, ...] = ()


class LearningUnit(_Model):
    """An office, school, health station, People's Committee or enterprise ("Đơn vị học tập")."""

    id: int
    commune_id: int
    name: str
    kind: LearningUnitKind = "other"
    staff_total: int | None = None
    head_person_id: int | None = None


class Citizen(_Model):
    """A person assessed for "Công dân học tập": a household's adult member or a unit's staff
    member."""

    id: int
    commune_id: int
    name: str
    household_id: int | None = None
    unit_id: int | None = None
    village_id: int | None = None
    person_id: int | None = None
    # As the person gave it when joining (only the year is asked); None when not asked.
    birth_year: int | None = None


class Assessment(_Model):
    id: int
    title: TitleKind
    subject_kind: SubjectKind
    subject_id: int
    household_id: int | None = None
    clan_id: int | None = None
    citizen_id: int | None = None
    # The unit assessed, or the unit whose staff member the citizen is.
    unit_id: int | None = None
    commune_id: int
    village_id: int | None = None
    year: int
    pack_id: str
    pack_version: str
    status: AssessmentStatus
    answers: dict[str, AnswerValue] = Field(default_factory=dict)
    session: dict[str, Any] = Field(default_factory=dict)
    total: float | None = None
    passed: bool | None = None
    score: dict[str, Any] | None = None
    created_by: int | None = None
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None = None
    verified_by: int | None = None
    verified_at: datetime | None = None
    comment: str | None = None
    decision_number: str | None = None
    decision_date: date | None = None
