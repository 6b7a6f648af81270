"""Assessments: the yearly self-assessment of a household, clan or village, its answers as
they are given, its status, the log of every change, its evidence photos, and the lists a
collaborator verifies from and a chair proposes from."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, func, or_, select, update

from conversations.domain import Assessment, AssessmentStatus, SubjectKind
from conversations.packs import AnswerValue, TitleKind
from storage import tables as t
from storage.fastsql import Statement
from storage.sql import Repository, columns_of, select_model, to_model

_ASSESSMENT = columns_of(Assessment)
_a = t.assessments.c
_log = t.assessment_log.c

# The statements every answer runs (compiled: storage.fastsql).
ASSESSMENT = Statement(
    lambda d: select_model(t.assessments, Assessment).where(_a.id == bindparam("id"))
)
ASSESSMENT_FOR = Statement(
    lambda d: (
        select_model(t.assessments, Assessment)
        .where(
            _a.subject_kind == bindparam("subject_kind"),
            _a.subject_id == bindparam("subject_id"),
            _a.title == bindparam("title"),
            _a.year == bindparam("year"),
        )
        .limit(2)
    )
)
SAVE_SESSION = Statement(
    lambda d: (
        update(t.assessments)
        .where(_a.id == bindparam("id"))
        .values(
            session=bindparam("session", type_=_a.session.type),
            answers=bindparam("answers", type_=_a.answers.type),
            updated_at=bindparam("at"),
        )
    )
)
LOG = Statement(
    lambda d: t.assessment_log.insert().values(
        assessment_id=bindparam("assessment_id"),
        at=bindparam("at"),
        actor_id=bindparam("actor_id"),
        channel=bindparam("channel"),
        action=bindparam("action"),
        field=bindparam("field"),
        old=bindparam("old", type_=_log.old.type),
        new=bindparam("new", type_=_log.new.type),
        note=bindparam("note"),
    )
)


@dataclass(frozen=True)
class EvidencePhoto:
    """A photo sent as evidence for an answer: its channel and id or URL there, and its opaque
    name in the bot's photo store once the fetcher copied it (storage/media.py)."""

    question: str
    channel: str
    file_ref: str
    stored: str | None = None


@dataclass(frozen=True)
class LogEntry:
    """One line of an assessment's log: an answer or a change of status."""

    id: int
    assessment_id: int
    at: datetime
    actor_id: int | None
    channel: str | None
    action: str
    field: str | None
    old: Any
    new: Any
    note: str | None


@dataclass(frozen=True)
class Desk:
    """Which forms a person's lists hold (issue 15): the titles their role checks, only one
    unit's (a unit head's staff), or none of any unit's staff (a collaborator's)."""

    titles: tuple[str, ...] | None = None
    unit_id: int | None = None
    no_units: bool = False


def _on_desk(desk: Desk | None) -> list[ColumnElement[bool]]:
    if desk is None:
        return []
    where: list[ColumnElement[bool]] = []
    if desk.titles is not None:
        where.append(_a.title.in_(list(desk.titles)))
    if desk.unit_id is not None:
        where.append(_a.unit_id == desk.unit_id)
    if desk.no_units:
        where.append(_a.unit_id.is_(None))
    return where


def _assessment(row: Sequence[Any]) -> Assessment:
    return Assessment.model_validate(dict(zip(_ASSESSMENT, row, strict=True)))


def _not_deleted() -> ColumnElement[bool]:
    """A form of a household that deleted its data is kept for the counts, nameless; nobody
    can verify or propose it, so it leaves the working lists."""
    deleted = select(t.households.c.id).where(t.households.c.deleted_at.is_not(None))
    gone = select(t.citizens.c.id).where(t.citizens.c.deleted_at.is_not(None))
    return and_(
        or_(_a.household_id.is_(None), _a.household_id.not_in(deleted)),
        or_(_a.citizen_id.is_(None), _a.citizen_id.not_in(gone)),
    )


class AssessmentRepository(Repository):
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
    ) -> Assessment:
        """`unit_id`: the unit assessed, or the unit whose staff member the citizen is."""
        answers = dict(session.get("answers", {}))
        links = {
            "citizen_id": subject_id if subject_kind == "citizen" else None,
            "unit_id": subject_id if subject_kind == "unit" else unit_id,
        }
        # Only the links given are written and read back: the migration tests write with this
        # code on databases of an older schema, which have no such columns.
        given = {name: value for name, value in links.items() if value is not None}
        columns = [name for name in _ASSESSMENT if name not in links or name in given]
        row = await self.sql.first(
            t.assessments.insert()
            .values(
                title=title,
                subject_kind=subject_kind,
                subject_id=subject_id,
                household_id=subject_id if subject_kind == "household" else None,
                clan_id=subject_id if subject_kind == "clan" else None,
                **given,
                commune_id=commune_id,
                village_id=village_id,
                year=year,
                pack_id=pack_id,
                pack_version=pack_version,
                status="draft",
                answers=answers,
                session=session,
                created_by=created_by,
                created_at=self.now,
                updated_at=self.now,
            )
            .returning(*(_a[name] for name in columns))
        )
        assessment = Assessment.model_validate(dict(zip(columns, row, strict=True)))
        await self.log(assessment.id, created_by, None, "status", "status", None, "draft")
        # What the bot knew before asking (the village, a clan's counted households).
        for name, value in answers.items():
            await self.log(
                assessment.id, created_by, None, "answer", name, None, value, "prefilled"
            )
        return assessment

    async def get(self, assessment_id: int) -> Assessment | None:
        return to_model(Assessment, await self.sql.one(ASSESSMENT, {"id": assessment_id}))

    async def for_subject(
        self, subject_kind: SubjectKind, subject_id: int, title: str, year: int
    ) -> Assessment | None:
        params = {
            "subject_kind": subject_kind,
            "subject_id": subject_id,
            "title": title,
            "year": year,
        }
        return to_model(Assessment, await self.sql.one(ASSESSMENT_FOR, params))

    async def drafts_by(self, person_id: int, limit: int = 10) -> list[Assessment]:
        rows = await self.sql.all(
            select_model(t.assessments, Assessment)
            .where(_a.created_by == person_id, _a.status == "draft")
            .order_by(_a.updated_at.desc())
            .limit(limit)
        )
        return [_assessment(r) for r in rows]

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
        params = {
            "id": assessment_id,
            "session": session,
            "answers": dict(session.get("answers", {})),
            "at": self.now,
        }
        await self.sql.run(SAVE_SESSION, params)
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
        old = await self.sql.scalar(
            select(_a.status).where(_a.id == assessment_id).with_for_update()
        )
        assert old is not None
        await self.update(assessment_id, status=status, **values)
        await self.log(assessment_id, actor_id, channel, "status", "status", old, status, note)

    async def update(self, assessment_id: int, **values: Any) -> None:
        await self.sql.execute(
            update(t.assessments)
            .where(_a.id == assessment_id)
            .values(updated_at=self.now, **values)
        )

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
        await self.sql.run(LOG, params)

    async def history(self, assessment_id: int) -> list[LogEntry]:
        rows = await self.sql.all(
            select(
                _log.id,
                _log.assessment_id,
                _log.at,
                _log.actor_id,
                _log.channel,
                _log.action,
                _log.field,
                _log.old,
                _log.new,
                _log.note,
            )
            .where(_log.assessment_id == assessment_id)
            .order_by(_log.id)
        )
        return [LogEntry(*r) for r in rows]

    # --- evidence photos ---

    async def add_evidence(
        self, assessment_id: int, question: str, channel: str, file_ref: str
    ) -> None:
        """Record the photo, and its row in the photo store for the fetcher to fill."""
        evidence_id = await self.sql.scalar(
            t.evidence.insert()
            .values(
                assessment_id=assessment_id,
                question=question,
                channel=channel,
                file_ref=file_ref,
                created_at=self.now,
            )
            .returning(t.evidence.c.id)
        )
        await self.sql.execute(
            t.stored_photos.insert().values(evidence_id=evidence_id, attempts=0, next_at=self.now)
        )

    async def evidence(self, assessment_id: int) -> list[EvidencePhoto]:
        """The assessment's photos in the order they came."""
        e, s = t.evidence.c, t.stored_photos.c
        rows = await self.sql.all(
            select(e.question, e.channel, e.file_ref, s.name)
            .select_from(t.evidence.outerjoin(t.stored_photos, s.evidence_id == e.id))
            .where(e.assessment_id == assessment_id)
            .order_by(e.id)
        )
        return [EvidencePhoto(*row) for row in rows]

    async def evidence_count(self, assessment_id: int) -> int:
        count = await self.sql.scalar(
            select(func.count())
            .select_from(t.evidence)
            .where(t.evidence.c.assessment_id == assessment_id)
        )
        return int(count or 0)

    # --- lists for verification and recognition ---

    async def with_status(
        self,
        commune_id: int,
        year: int,
        statuses: Sequence[AssessmentStatus],
        *,
        village_id: int | None = None,
        limit: int = 50,
        desk: Desk | None = None,
    ) -> list[Assessment]:
        stmt = select_model(t.assessments, Assessment).where(
            _a.commune_id == commune_id,
            _a.year == year,
            _a.status.in_(list(statuses)),
            _not_deleted(),
            *_on_desk(desk),
        )
        if village_id is not None:
            cv = t.clan_villages.c
            clans_here = select(cv.clan_id).where(cv.village_id == village_id)
            stmt = stmt.where((_a.village_id == village_id) | _a.clan_id.in_(clans_here))
        rows = await self.sql.all(stmt.order_by(_a.village_id, _a.id).limit(limit))
        return [_assessment(r) for r in rows]

    async def count_with_status(
        self,
        commune_id: int,
        year: int,
        statuses: Sequence[AssessmentStatus],
        *,
        village_id: int | None = None,
        desk: Desk | None = None,
    ) -> int:
        stmt = (
            select(func.count())
            .select_from(t.assessments)
            .where(
                _a.commune_id == commune_id,
                _a.year == year,
                _a.status.in_(list(statuses)),
                _not_deleted(),
                *_on_desk(desk),
            )
        )
        if village_id is not None:
            stmt = stmt.where(_a.village_id == village_id)
        return int(await self.sql.scalar(stmt) or 0)
