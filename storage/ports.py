"""What the chat service needs from storage, as protocols: the repositories a chat message
reaches and the unit of work that holds them.

Two implementations satisfy them: the SQL unit of work (storage/uow.py) and its in-memory twin
(storage/memory/), checked structurally by mypy and behaviourally by one contract suite
(tests/integration/test_storage_contract.py) run on memory, SQLite and PostgreSQL.

They live in one module rather than beside each repository: this page is the whole contract
the bot's chat path has with storage, read in one place, and narrower than the SQL
repositories, which also serve the reports, the outbox worker and the administrators' CLI.
The report queries (progress, exports, schedules) and the delivery worker's side of the outbox
stay SQL only: they are aggregates and leases that a dict would only imitate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import datetime
from typing import Any, Protocol

from conversations.domain import (
    Assessment,
    AssessmentStatus,
    ChannelIdentity,
    Citizen,
    Clan,
    Commune,
    Household,
    LearningUnit,
    LearningUnitKind,
    Person,
    Province,
    Role,
    SubjectKind,
    Village,
)
from conversations.packs import AnswerValue, TitleKind
from storage.assessments import Desk, EvidencePhoto, LogEntry
from storage.invites import Invite
from storage.outbox import OutboxItem
from storage.subjects import VillageFacts


class Chats(Protocol):
    """Updates already applied, each chat's screen state, the channel accounts behind them."""

    async def claim_update(self, channel: str, key: str) -> bool: ...
    async def state(self, channel: str, chat_id: str) -> dict[str, Any]: ...
    async def save_state(self, channel: str, chat_id: str, state: dict[str, Any]) -> None: ...
    async def identity(self, channel: str, external_id: str, chat_id: str) -> ChannelIdentity: ...
    async def identities_of(self, person_id: int) -> list[ChannelIdentity]: ...
    async def set_locale(self, identity_id: int, locale: str) -> None: ...
    async def bind(self, identity_id: int, person_id: int) -> None: ...
    async def locale(self, channel: str, chat_id: str) -> str | None: ...
    async def set_unreachable(
        self, channel: str, chat_id: str, unreachable: bool = True
    ) -> int: ...
    async def chats_with_role(
        self, channel: str, roles: Sequence[str]
    ) -> list[tuple[str, str]]: ...


class People(Protocol):
    async def add(
        self,
        name: str,
        role: Role,
        *,
        commune_id: int | None = None,
        village_id: int | None = None,
        phone: str | None = None,
    ) -> Person: ...
    async def get(self, person_id: int) -> Person | None: ...
    async def to_tell(
        self, commune_id: int, role: Role, village_id: int | None = None
    ) -> list[int]: ...


class Places(Protocol):
    async def commune(self, commune_id: int) -> Commune | None: ...
    async def village(self, village_id: int) -> Village | None: ...
    async def villages(self, commune_id: int) -> list[Village]: ...
    async def ensure_province(self, name: str) -> Province: ...
    async def ensure_commune(
        self, province_id: int, name: str, difficult_area: bool
    ) -> Commune: ...
    async def ensure_village(self, commune_id: int, name: str) -> Village: ...
    async def find_commune(self, name: str, province: str | None = None) -> tuple[Commune, str]: ...
    async def find_village(self, commune: Commune, name: str) -> Village: ...


class Households(Protocol):
    async def add(
        self,
        village_id: int,
        head_name: str = "",
        *,
        person_id: int | None = None,
        phone: str | None = None,
        consent: bool = False,
    ) -> Household: ...
    async def register(
        self, village_id: int, head_name: str, person_id: int, phone: str | None = None
    ) -> Household: ...
    async def get(self, household_id: int) -> Household | None: ...
    async def of_person(self, person_id: int) -> Household | None: ...
    async def rename(self, household_id: int, head_name: str) -> None: ...
    async def likely_duplicates(self, household: Household) -> list[Household]: ...
    async def merge(self, keep_id: int, duplicate_id: int) -> None: ...
    async def find(
        self, commune_id: int, text: str, limit: int = 8, *, village_id: int | None = None
    ) -> list[tuple[Household, str]]: ...
    async def duplicate_groups(
        self, commune_id: int, village_id: int | None = None
    ) -> list[tuple[str, str, list[int]]]: ...
    async def forget(self, household_id: int, text_questions: Sequence[str]) -> None: ...
    async def add_clan(
        self,
        commune_id: int,
        name: str = "",
        *,
        head_name: str | None = None,
        member_count: int | None = None,
        village_ids: Sequence[int] = (),
    ) -> Clan: ...
    async def update_clan(self, clan_id: int, **values: Any) -> None: ...
    async def link_clan_household(self, clan_id: int, household_id: int) -> None: ...
    async def add_clan_village(self, clan_id: int, village_id: int) -> None: ...
    async def clan(self, clan_id: int) -> Clan | None: ...
    async def clan_village_ids(self, clan_id: int) -> frozenset[int]: ...
    async def clan_member_stats(self, clan_id: int, year: int) -> tuple[int, int]: ...


class Assessments(Protocol):
    async def add(
        self,
        *,
        title: TitleKind,
        subject_kind: SubjectKind,
        subject_id: int,
        commune_id: int,
        village_id: int | None,
        year: int,
        pack_id: str,
        pack_version: str,
        session: dict[str, Any],
        created_by: int | None,
        unit_id: int | None = None,
    ) -> Assessment: ...
    async def get(self, assessment_id: int) -> Assessment | None: ...
    async def for_subject(
        self, subject_kind: SubjectKind, subject_id: int, title: str, year: int
    ) -> Assessment | None: ...
    async def drafts_by(self, person_id: int, limit: int = 10) -> list[Assessment]: ...
    async def save_session(
        self,
        assessment_id: int,
        session: dict[str, Any],
        *,
        changed: dict[str, tuple[AnswerValue, AnswerValue]],
        actor_id: int | None,
        channel: str | None,
    ) -> None: ...
    async def set_status(
        self,
        assessment_id: int,
        status: AssessmentStatus,
        *,
        actor_id: int | None,
        channel: str | None = None,
        note: str | None = None,
        **values: Any,
    ) -> None: ...
    async def update(self, assessment_id: int, **values: Any) -> None: ...
    async def history(self, assessment_id: int) -> list[LogEntry]: ...
    async def add_evidence(
        self, assessment_id: int, question: str, channel: str, file_ref: str
    ) -> None: ...
    async def evidence_count(self, assessment_id: int) -> int: ...
    async def evidence(self, assessment_id: int) -> list[EvidencePhoto]: ...
    async def with_status(
        self,
        commune_id: int,
        year: int,
        statuses: Sequence[AssessmentStatus],
        *,
        village_id: int | None = None,
        limit: int = 50,
        desk: Desk | None = None,
    ) -> list[Assessment]: ...
    async def count_with_status(
        self,
        commune_id: int,
        year: int,
        statuses: Sequence[AssessmentStatus],
        *,
        village_id: int | None = None,
        desk: Desk | None = None,
    ) -> int: ...


class Subjects(Protocol):
    """Units and citizens (issue 15), and what the bot counts for a village's form."""

    async def add_unit(
        self,
        commune_id: int,
        name: str,
        kind: LearningUnitKind = "other",
        staff_total: int | None = None,
    ) -> LearningUnit: ...
    async def unit(self, unit_id: int) -> LearningUnit | None: ...
    async def find_unit(self, commune_id: int, name: str) -> LearningUnit | None: ...
    async def units(self, commune_id: int) -> list[LearningUnit]: ...
    async def update_unit(self, unit_id: int, **values: Any) -> None: ...
    async def unit_of_head(self, person_id: int) -> LearningUnit | None: ...
    async def set_unit_head(self, unit_id: int, person_id: int) -> None: ...
    async def add_citizen(
        self,
        commune_id: int,
        name: str,
        *,
        household_id: int | None = None,
        unit_id: int | None = None,
        village_id: int | None = None,
        person_id: int | None = None,
        birth_year: int | None = None,
    ) -> Citizen: ...
    async def citizen(self, citizen_id: int) -> Citizen | None: ...
    async def citizen_of_person(self, person_id: int) -> Citizen | None: ...
    async def bind_citizen(
        self, citizen_id: int, person_id: int, *, birth_year: int | None = None
    ) -> None: ...
    async def rename_citizen(self, citizen_id: int, name: str) -> None: ...
    async def members(self, household_id: int) -> list[Citizen]: ...
    async def holders(self, household_id: int, year: int) -> list[Citizen]: ...
    async def village_facts(self, village_id: int, year: int) -> VillageFacts: ...
    async def unit_staff_holders(self, unit_id: int, year: int) -> int: ...
    async def forget_citizen(self, citizen_id: int, text_questions: Sequence[str]) -> None: ...


class Invites(Protocol):
    async def add(
        self,
        role: Role,
        commune_id: int,
        *,
        village_id: int | None = None,
        max_uses: int | None = 1,
        expires_at: datetime | None = None,
        created_by: int | None = None,
        unit_id: int | None = None,
        household_id: int | None = None,
        citizen_id: int | None = None,
    ) -> Invite: ...
    async def get(self, code: str) -> Invite | None: ...
    async def of_commune(self, commune_id: int) -> list[Invite]: ...
    async def use(self, invite_id: int) -> bool: ...
    async def revoke(self, code: str) -> bool: ...
    async def failures(self, channel: str, chat_id: str, since: datetime) -> list[datetime]: ...
    async def record_failure(self, channel: str, chat_id: str, forget_before: datetime) -> None: ...


class Outbox(Protocol):
    """The queueing side of the outbox (notices); claiming and delivering is the worker's."""

    async def enqueue(
        self,
        *,
        key: str,
        kind: str,
        person_id: int,
        commune_id: int | None,
        payload: Mapping[str, Any],
    ) -> int | None: ...
    async def existing_keys(self, keys: Iterable[str]) -> set[str]: ...
    async def list(
        self, *, status: str | None = None, commune_id: int | None = None, limit: int = 50
    ) -> list[OutboxItem]: ...
    async def counts(self) -> dict[str, int]: ...


class ChatUnitOfWork(Protocol):
    """One transaction of the chat path: committed when its block ends, rolled back if it
    raises. `now` is the clock reading every write of it records (settable for seeding data
    dated in the past)."""

    now: datetime

    @property
    def chats(self) -> Chats: ...
    @property
    def people(self) -> People: ...
    @property
    def places(self) -> Places: ...
    @property
    def households(self) -> Households: ...
    @property
    def assessments(self) -> Assessments: ...
    @property
    def invites(self) -> Invites: ...
    @property
    def outbox(self) -> Outbox: ...
    @property
    def subjects(self) -> Subjects: ...


class UnitsOfWork(Protocol):
    """Opens a unit of work at a clock reading: `Database.unit_of_work` or
    `MemoryDatabase.unit_of_work`."""

    def __call__(self, now: datetime) -> AbstractAsyncContextManager[ChatUnitOfWork]: ...
