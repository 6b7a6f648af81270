"""Repositories: read and write the domain through one transaction, hand out domain models."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, bindparam, func, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import Dialect
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.sql import ClauseElement

from conversations.domain import (
    Assessment,
    AssessmentStatus,
    ChannelIdentity,
    Clan,
    Commune,
    Household,
    Person,
    Province,
    Role,
    SubjectKind,
    Village,
)
from conversations.packs import AnswerValue, TitleKind
from conversations.text import clean, fold
from storage.fastsql import Driver, Statement, driver
from storage.tables import (
    AssessmentLogRow,
    AssessmentRow,
    ChannelIdentityRow,
    ChatStateRow,
    ClanHouseholdRow,
    ClanRow,
    ClanVillageRow,
    CommuneRow,
    EvidenceRow,
    HouseholdRow,
    PersonRow,
    ProcessedUpdateRow,
    ProvinceRow,
    TargetRow,
    VillageRow,
)

# --- the statements every message runs (see storage.fastsql) -------------------------------

_updates = cast(Table, ProcessedUpdateRow.__table__)
_states = cast(Table, ChatStateRow.__table__)
_identities = cast(Table, ChannelIdentityRow.__table__)
_people = cast(Table, PersonRow.__table__)
_households = cast(Table, HouseholdRow.__table__)
_assessments = cast(Table, AssessmentRow.__table__)
_log = cast(Table, AssessmentLogRow.__table__)

IDENTITY_COLUMNS = tuple(ChannelIdentity.model_fields)
PERSON_COLUMNS = tuple(Person.model_fields)
HOUSEHOLD_COLUMNS = tuple(Household.model_fields)
ASSESSMENT_COLUMNS = tuple(Assessment.model_fields)


def _upsert(dialect: Dialect, table: Any) -> Any:
    return (pg_insert if dialect.name == "postgresql" else sqlite_insert)(table)


def _claim(dialect: Dialect) -> ClauseElement:
    return cast(
        ClauseElement,
        _upsert(dialect, _updates)
        .values(channel=bindparam("channel"), update_key=bindparam("key"), at=bindparam("at"))
        .on_conflict_do_nothing(),
    )


def _new_state(dialect: Dialect) -> ClauseElement:
    return cast(
        ClauseElement,
        _upsert(dialect, _states)
        .values(
            channel=bindparam("channel"),
            chat_id=bindparam("chat_id"),
            state=bindparam("state", type_=_states.c.state.type),
            updated_at=bindparam("at"),
        )
        .on_conflict_do_nothing(),
    )


def _columns(table: Any, names: Sequence[str]) -> list[Any]:
    return [table.c[name] for name in names]


CLAIM_UPDATE = Statement(_claim)
LOCK_STATE = Statement(
    lambda d: (
        select(_states.c.state)
        .where(_states.c.channel == bindparam("channel"), _states.c.chat_id == bindparam("chat_id"))
        .with_for_update()
    )
)
NEW_STATE = Statement(_new_state)
SAVE_STATE = Statement(
    lambda d: (
        update(_states)
        .where(_states.c.channel == bindparam("channel"), _states.c.chat_id == bindparam("chat_id"))
        .values(state=bindparam("state", type_=_states.c.state.type), updated_at=bindparam("at"))
    )
)
IDENTITY = Statement(
    lambda d: select(*_columns(_identities, IDENTITY_COLUMNS)).where(
        _identities.c.channel == bindparam("channel"),
        _identities.c.external_id == bindparam("external_id"),
    )
)
PERSON = Statement(
    lambda d: select(*_columns(_people, PERSON_COLUMNS)).where(_people.c.id == bindparam("id"))
)
HOUSEHOLD_OF = Statement(
    lambda d: (
        select(*_columns(_households, HOUSEHOLD_COLUMNS))
        .where(
            _households.c.person_id == bindparam("person_id"), _households.c.deleted_at.is_(None)
        )
        .limit(2)
    )
)
ASSESSMENT = Statement(
    lambda d: select(*_columns(_assessments, ASSESSMENT_COLUMNS)).where(
        _assessments.c.id == bindparam("id")
    )
)
ASSESSMENT_FOR = Statement(
    lambda d: (
        select(*_columns(_assessments, ASSESSMENT_COLUMNS))
        .where(
            _assessments.c.subject_kind == bindparam("subject_kind"),
            _assessments.c.subject_id == bindparam("subject_id"),
            _assessments.c.title == bindparam("title"),
            _assessments.c.year == bindparam("year"),
        )
        .limit(2)
    )
)
SAVE_SESSION = Statement(
    lambda d: (
        update(_assessments)
        .where(_assessments.c.id == bindparam("id"))
        .values(
            session=bindparam("session", type_=_assessments.c.session.type),
            answers=bindparam("answers", type_=_assessments.c.answers.type),
            updated_at=bindparam("at"),
        )
    )
)
LOG = Statement(
    lambda d: _log.insert().values(
        assessment_id=bindparam("assessment_id"),
        at=bindparam("at"),
        actor_id=bindparam("actor_id"),
        channel=bindparam("channel"),
        action=bindparam("action"),
        field=bindparam("field"),
        old=bindparam("old", type_=_log.c.old.type),
        new=bindparam("new", type_=_log.c.new.type),
        note=bindparam("note"),
    )
)


def _model(model: Any, names: Sequence[str], row: tuple[Any, ...] | None) -> Any:
    return model.model_validate(dict(zip(names, row, strict=True))) if row is not None else None


class Repository:
    """All reads and writes of one transaction. `now` is the transaction's clock reading."""

    def __init__(self, session: AsyncSession, now: datetime) -> None:
        self.s = session
        self.now = now
        self._driver: Driver | None = None

    async def _fast(self) -> Driver:
        """The driver for the per-message statements, in this session's transaction. What
        the ORM still holds is written first, so both see the same rows."""
        session = self.s
        if session.new or session.dirty or session.deleted:
            await session.flush()
        if self._driver is None:
            self._driver = await driver(session)
        return self._driver

    def _synchronise(self, entity: Any, key: int, **values: Any) -> None:
        """A row changed behind the ORM's back: if the ORM holds it, give it the new values
        (as the ORM's own UPDATE would), without marking it changed."""
        held = self.s.identity_map.get(self.s.sync_session.identity_key(entity, key))
        if held is not None:
            for name, value in values.items():
                set_committed_value(held, name, value)

    def _insert(self, table: Any) -> Any:
        dialect = self.s.bind.dialect.name
        return (pg_insert if dialect == "postgresql" else sqlite_insert)(table)

    # --- updates and chat state ----------------------------------------------------------

    async def claim_update(self, channel: str, key: str) -> bool:
        """Record an update as applied; False if it was applied before (a redelivery)."""
        fast = await self._fast()
        return bool(await fast.run(CLAIM_UPDATE, {"channel": channel, "key": key, "at": self.now}))

    async def chat_state(self, channel: str, chat_id: str) -> dict[str, Any]:
        """The chat's state, locked for this transaction so one chat's updates go in order
        even across bot processes (FOR UPDATE; SQLite serialises writers anyway)."""
        fast = await self._fast()
        where = {"channel": channel, "chat_id": chat_id}
        row = await fast.one(LOCK_STATE, where)
        if row is None:
            await fast.run(NEW_STATE, {**where, "state": {}, "at": self.now})
            row = await fast.one(LOCK_STATE, where)
        assert row is not None
        return dict(row[0] or {})

    async def save_chat_state(self, channel: str, chat_id: str, state: dict[str, Any]) -> None:
        fast = await self._fast()
        params = {"channel": channel, "chat_id": chat_id, "state": state, "at": self.now}
        await fast.run(SAVE_STATE, params)

    # --- people --------------------------------------------------------------------------

    async def identity(self, channel: str, external_id: str, chat_id: str) -> ChannelIdentity:
        """The account a message came from, made on its first message. The name the channel
        shows is not kept: nothing needs it, and a household that deleted its data would have
        it written back by its next message."""
        fast = await self._fast()
        found = await fast.one(IDENTITY, {"channel": channel, "external_id": external_id})
        if found is not None:
            known: ChannelIdentity = _model(ChannelIdentity, IDENTITY_COLUMNS, found)
            if not known.unreachable:
                return known  # the usual case: nothing to change
        row = await self.s.scalar(
            select(ChannelIdentityRow).where(
                ChannelIdentityRow.channel == channel,
                ChannelIdentityRow.external_id == external_id,
            )
        )
        if row is None:
            row = ChannelIdentityRow(
                channel=channel,
                external_id=external_id,
                chat_id=chat_id,
                created_at=self.now,
            )
            self.s.add(row)
            await self.s.flush()
        elif row.unreachable:
            # Writing to us again means they can be reached again.
            row.unreachable = False
        return ChannelIdentity.model_validate(row)

    async def set_identity_locale(self, identity_id: int, locale: str) -> None:
        await self.s.execute(
            update(ChannelIdentityRow)
            .where(ChannelIdentityRow.id == identity_id)
            .values(locale=locale)
        )

    async def bind_identity(self, identity_id: int, person_id: int) -> None:
        await self.s.execute(
            update(ChannelIdentityRow)
            .where(ChannelIdentityRow.id == identity_id)
            .values(person_id=person_id)
        )

    async def add_person(
        self,
        name: str,
        role: Role,
        *,
        commune_id: int | None = None,
        village_id: int | None = None,
        phone: str | None = None,
    ) -> Person:
        row = PersonRow(
            name=clean(name),
            role=role,
            commune_id=commune_id,
            village_id=village_id,
            phone=phone,
            created_at=self.now,
        )
        self.s.add(row)
        await self.s.flush()
        return Person.model_validate(row)

    async def person(self, person_id: int) -> Person | None:
        fast = await self._fast()
        person: Person | None = _model(
            Person, PERSON_COLUMNS, await fast.one(PERSON, {"id": person_id})
        )
        return person

    # --- places --------------------------------------------------------------------------

    async def ensure_province(self, name: str) -> Province:
        key = fold(name)
        row = await self.s.scalar(select(ProvinceRow).where(ProvinceRow.name_key == key))
        if row is None:
            row = ProvinceRow(name=clean(name), name_key=key)
            self.s.add(row)
            await self.s.flush()
        return Province.model_validate(row)

    async def ensure_commune(self, province_id: int, name: str, difficult_area: bool) -> Commune:
        key = fold(name)
        row = await self.s.scalar(
            select(CommuneRow).where(
                CommuneRow.province_id == province_id, CommuneRow.name_key == key
            )
        )
        if row is None:
            row = CommuneRow(province_id=province_id, name=clean(name), name_key=key)
            self.s.add(row)
        row.difficult_area = difficult_area
        await self.s.flush()
        return Commune.model_validate(row)

    async def ensure_village(self, commune_id: int, name: str) -> Village:
        key = fold(name)
        row = await self.s.scalar(
            select(VillageRow).where(
                VillageRow.commune_id == commune_id, VillageRow.name_key == key
            )
        )
        if row is None:
            row = VillageRow(commune_id=commune_id, name=clean(name), name_key=key)
            self.s.add(row)
            await self.s.flush()
        return Village.model_validate(row)

    async def commune(self, commune_id: int) -> Commune | None:
        row = await self.s.get(CommuneRow, commune_id)
        return Commune.model_validate(row) if row else None

    async def village(self, village_id: int) -> Village | None:
        row = await self.s.get(VillageRow, village_id)
        return Village.model_validate(row) if row else None

    async def villages(self, commune_id: int) -> list[Village]:
        rows = await self.s.scalars(
            select(VillageRow).where(VillageRow.commune_id == commune_id).order_by(VillageRow.id)
        )
        return [Village.model_validate(r) for r in rows]

    async def set_target(self, commune_id: int, target_year: int, title: str, share: float) -> None:
        row = await self.s.scalar(
            select(TargetRow).where(
                TargetRow.commune_id == commune_id,
                TargetRow.target_year == target_year,
                TargetRow.title == title,
            )
        )
        if row is None:
            self.s.add(
                TargetRow(commune_id=commune_id, target_year=target_year, title=title, share=share)
            )
        else:
            row.share = share
        await self.s.flush()

    async def targets(self, commune_id: int) -> dict[tuple[int, str], float]:
        rows = await self.s.scalars(select(TargetRow).where(TargetRow.commune_id == commune_id))
        return {(r.target_year, r.title): r.share for r in rows}

    # --- households and clans ------------------------------------------------------------

    async def add_household(
        self, village_id: int, head_name: str = "", *, person_id: int | None = None
    ) -> Household:
        row = HouseholdRow(
            village_id=village_id,
            head_name=clean(head_name),
            head_name_key=fold(head_name),
            person_id=person_id,
            created_at=self.now,
        )
        self.s.add(row)
        await self.s.flush()
        return Household.model_validate(row)

    async def rename_household(self, household_id: int, head_name: str) -> None:
        await self.s.execute(
            update(HouseholdRow)
            .where(HouseholdRow.id == household_id)
            .values(head_name=clean(head_name), head_name_key=fold(head_name))
        )

    async def household(self, household_id: int) -> Household | None:
        row = await self.s.get(HouseholdRow, household_id)
        return Household.model_validate(row) if row else None

    async def add_clan(
        self,
        commune_id: int,
        name: str = "",
        *,
        head_name: str | None = None,
        member_count: int | None = None,
        village_ids: Sequence[int] = (),
    ) -> Clan:
        row = ClanRow(
            commune_id=commune_id,
            name=clean(name),
            name_key=fold(name),
            head_name=head_name,
            member_count=member_count,
            created_at=self.now,
        )
        self.s.add(row)
        await self.s.flush()
        for village_id in village_ids:
            self.s.add(ClanVillageRow(clan_id=row.id, village_id=village_id))
        await self.s.flush()
        return Clan(
            id=row.id,
            commune_id=commune_id,
            name=row.name,
            head_name=head_name,
            member_count=member_count,
            village_ids=tuple(village_ids),
        )

    async def update_clan(self, clan_id: int, **values: Any) -> None:
        if "name" in values:
            values["name_key"] = fold(values["name"])
        await self.s.execute(update(ClanRow).where(ClanRow.id == clan_id).values(**values))

    async def link_clan_household(self, clan_id: int, household_id: int) -> None:
        stmt = (
            self._insert(ClanHouseholdRow)
            .values(clan_id=clan_id, household_id=household_id)
            .on_conflict_do_nothing()
        )
        await self.s.execute(stmt)

    async def clan(self, clan_id: int) -> Clan | None:
        row = await self.s.get(ClanRow, clan_id)
        if row is None:
            return None
        village_ids = await self.s.scalars(
            select(ClanVillageRow.village_id).where(ClanVillageRow.clan_id == clan_id)
        )
        return Clan(
            id=row.id,
            commune_id=row.commune_id,
            name=row.name,
            head_name=row.head_name,
            member_count=row.member_count,
            village_ids=tuple(village_ids),
        )

    async def clan_member_stats(self, clan_id: int, year: int) -> tuple[int, int]:
        """(linked member households, of them holding a recognised GĐHT this or last year)."""
        members = await self.s.scalar(
            select(func.count()).where(ClanHouseholdRow.clan_id == clan_id)
        )
        holders = await self.s.scalar(
            select(func.count(func.distinct(AssessmentRow.household_id)))
            .join(ClanHouseholdRow, ClanHouseholdRow.household_id == AssessmentRow.household_id)
            .where(
                ClanHouseholdRow.clan_id == clan_id,
                AssessmentRow.title == "household",
                # Recognition comes at the end of the year: last year's title counts too.
                AssessmentRow.year.in_([year, year - 1]),
                AssessmentRow.status == "recognised",
            )
        )
        return int(members or 0), int(holders or 0)

    # --- assessments ---------------------------------------------------------------------

    async def add_assessment(
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
    ) -> Assessment:
        row = AssessmentRow(
            title=title,
            subject_kind=subject_kind,
            subject_id=subject_id,
            household_id=subject_id if subject_kind == "household" else None,
            clan_id=subject_id if subject_kind == "clan" else None,
            commune_id=commune_id,
            village_id=village_id,
            year=year,
            pack_id=pack_id,
            pack_version=pack_version,
            status="draft",
            answers=dict(session.get("answers", {})),
            session=session,
            created_by=created_by,
            created_at=self.now,
            updated_at=self.now,
        )
        self.s.add(row)
        await self.s.flush()
        await self.log(row.id, created_by, None, "status", "status", None, "draft")
        # What the bot knew before asking (the village, a clan's counted households).
        for name, value in row.answers.items():
            await self.log(row.id, created_by, None, "answer", name, None, value, "prefilled")
        return Assessment.model_validate(row)

    async def assessment(self, assessment_id: int) -> Assessment | None:
        fast = await self._fast()
        found = await fast.one(ASSESSMENT, {"id": assessment_id})
        assessment: Assessment | None = _model(Assessment, ASSESSMENT_COLUMNS, found)
        return assessment

    async def assessment_for(
        self, subject_kind: SubjectKind, subject_id: int, title: str, year: int
    ) -> Assessment | None:
        fast = await self._fast()
        params = {
            "subject_kind": subject_kind,
            "subject_id": subject_id,
            "title": title,
            "year": year,
        }
        assessment: Assessment | None = _model(
            Assessment, ASSESSMENT_COLUMNS, await fast.one(ASSESSMENT_FOR, params)
        )
        return assessment

    async def drafts_by(self, person_id: int, limit: int = 10) -> list[Assessment]:
        rows = await self.s.scalars(
            select(AssessmentRow)
            .where(AssessmentRow.created_by == person_id, AssessmentRow.status == "draft")
            .order_by(AssessmentRow.updated_at.desc())
            .limit(limit)
        )
        return [Assessment.model_validate(r) for r in rows]

    async def save_session(
        self,
        assessment_id: int,
        session: dict[str, Any],
        *,
        changed: dict[str, tuple[AnswerValue, AnswerValue]],
        actor_id: int | None,
        channel: str | None,
    ) -> None:
        """Store the engine's session and log each answer that changed (old, new)."""
        fast = await self._fast()
        params = {
            "id": assessment_id,
            "session": session,
            "answers": dict(session.get("answers", {})),
            "at": self.now,
        }
        await fast.run(SAVE_SESSION, params)
        self._synchronise(
            AssessmentRow,
            assessment_id,
            session=session,
            answers=params["answers"],
            updated_at=self.now,
        )
        for name, (old, new) in changed.items():
            await self.log(assessment_id, actor_id, channel, "answer", name, old, new)

    async def set_status(
        self,
        assessment_id: int,
        status: AssessmentStatus,
        *,
        actor_id: int | None,
        channel: str | None = None,
        note: str | None = None,
        **values: Any,
    ) -> None:
        row = await self.s.get(AssessmentRow, assessment_id, with_for_update=True)
        assert row is not None
        old = row.status
        row.status = status
        row.updated_at = self.now
        for key, value in values.items():
            setattr(row, key, value)
        await self.s.flush()
        await self.log(assessment_id, actor_id, channel, "status", "status", old, status, note)

    async def log(
        self,
        assessment_id: int,
        actor_id: int | None,
        channel: str | None,
        action: str,
        field: str | None,
        old: Any,
        new: Any,
        note: str | None = None,
    ) -> None:
        fast = await self._fast()
        params = {
            "assessment_id": assessment_id,
            "at": self.now,
            "actor_id": actor_id,
            "channel": channel,
            "action": action,
            "field": field,
            "old": old,
            "new": new,
            "note": note,
        }
        await fast.run(LOG, params)

    async def history(self, assessment_id: int) -> list[AssessmentLogRow]:
        rows = await self.s.scalars(
            select(AssessmentLogRow)
            .where(AssessmentLogRow.assessment_id == assessment_id)
            .order_by(AssessmentLogRow.id)
        )
        return list(rows)

    async def add_evidence(
        self, assessment_id: int, question: str, channel: str, file_ref: str
    ) -> None:
        self.s.add(
            EvidenceRow(
                assessment_id=assessment_id,
                question=question,
                channel=channel,
                file_ref=file_ref,
                created_at=self.now,
            )
        )

    async def evidence_count(self, assessment_id: int) -> int:
        count = await self.s.scalar(
            select(func.count()).where(EvidenceRow.assessment_id == assessment_id)
        )
        return int(count or 0)

    # --- administration (issue 4 CLI) ---

    async def rename_unit(self, kind: str, unit_id: int, name: str) -> None:
        """Store a better spelling of a place's name (e.g. with its diacritics restored).
        `kind` is "province", "commune" or "village"."""
        table: Any = {"province": ProvinceRow, "commune": CommuneRow, "village": VillageRow}[kind]
        await self.s.execute(
            update(table).where(table.id == unit_id).values(name=clean(name), name_key=fold(name))
        )

    async def set_difficult_area(self, commune_id: int, difficult_area: bool) -> None:
        await self.s.execute(
            update(CommuneRow)
            .where(CommuneRow.id == commune_id)
            .values(difficult_area=difficult_area)
        )

    async def set_person_disabled(self, person_id: int, disabled: bool) -> Person | None:
        """Switch a person off (or on again); None when there is no such person."""
        row = await self.s.get(PersonRow, person_id, with_for_update=True)
        if row is None:
            return None
        row.disabled = disabled
        await self.s.flush()
        return Person.model_validate(row)
