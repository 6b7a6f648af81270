"""Assessments in memory: storage/assessments.py's `AssessmentRepository` (the log, the
evidence photos and the lists a collaborator verifies from)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conversations.domain import Assessment, AssessmentStatus, SubjectKind
from conversations.packs import AnswerValue, TitleKind
from storage.assessments import Desk, EvidencePhoto, LogEntry
from storage.memory.data import Data, MemoryRepository, Row, insert, json_copy, model, models

# The columns a form gets as it is scored, verified and recognised.
_SET_LATER = (
    "score",
    "total",
    "passed",
    "submitted_at",
    "verified_by",
    "verified_at",
    "comment",
    "decision_number",
    "decision_date",
)


def _on_desk(a: Row, desk: Desk | None) -> bool:
    if desk is None:
        return True
    return (
        (desk.titles is None or a["title"] in desk.titles)
        and (desk.unit_id is None or a["unit_id"] == desk.unit_id)
        and (not desk.no_units or a["unit_id"] is None)
    )


def log(data: Data, row: Row) -> None:
    """One line of an assessment's log (`row`: its columns but the id)."""
    row["old"] = json_copy(row["old"])
    row["new"] = json_copy(row["new"])
    insert(data.log, row)


class MemoryAssessments(MemoryRepository):
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
        key = (subject_kind, subject_id, title, year)
        if any(
            (a["subject_kind"], a["subject_id"], a["title"], a["year"]) == key
            for a in self.data.assessments.values()
        ):
            raise ValueError(f"an assessment of {key} exists (uq_assessment_once)")
        answers = dict(session.get("answers", {}))
        row = insert(
            self.data.assessments,
            {
                "title": title,
                "subject_kind": subject_kind,
                "subject_id": subject_id,
                "household_id": subject_id if subject_kind == "household" else None,
                "clan_id": subject_id if subject_kind == "clan" else None,
                "citizen_id": subject_id if subject_kind == "citizen" else None,
                "unit_id": subject_id if subject_kind == "unit" else unit_id,
                "commune_id": commune_id,
                "village_id": village_id,
                "year": year,
                "pack_id": pack_id,
                "pack_version": pack_version,
                "status": "draft",
                "answers": json_copy(answers),
                "session": json_copy(session),
                "created_by": created_by,
                "created_at": self.now,
                "updated_at": self.now,
                **dict.fromkeys(_SET_LATER),
            },
        )
        assessment = model(Assessment, row)
        assert assessment is not None
        await self.log(assessment.id, created_by, None, "status", "status", None, "draft")
        # What the bot knew before asking (the village, a clan's counted households).
        for name, value in answers.items():
            await self.log(
                assessment.id, created_by, None, "answer", name, None, value, "prefilled"
            )
        return assessment

    async def get(self, assessment_id: int) -> Assessment | None:
        return model(Assessment, self.data.assessments.get(assessment_id))

    async def for_subject(
        self, subject_kind: SubjectKind, subject_id: int, title: str, year: int
    ) -> Assessment | None:
        key = (subject_kind, subject_id, title, year)
        for _, a in sorted(self.data.assessments.items()):
            if (a["subject_kind"], a["subject_id"], a["title"], a["year"]) == key:
                return model(Assessment, a)
        return None

    async def drafts_by(self, person_id: int, limit: int = 10) -> list[Assessment]:
        rows = [
            a
            for _, a in sorted(self.data.assessments.items())
            if a["created_by"] == person_id and a["status"] == "draft"
        ]
        rows.sort(key=lambda a: a["updated_at"], reverse=True)
        return models(Assessment, rows[:limit])

    async def save_session(
        self,
        assessment_id: int,
        session: dict[str, Any],
        *,
        changed: dict[str, tuple[AnswerValue, AnswerValue]],
        actor_id: int | None,
        channel: str | None,
    ) -> None:
        row = self.data.assessments.get(assessment_id)
        if row is not None:
            row.update(
                session=json_copy(session),
                answers=json_copy(dict(session.get("answers", {}))),
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
        old = self.data.assessments[assessment_id]["status"]
        await self.update(assessment_id, status=status, **values)
        await self.log(assessment_id, actor_id, channel, "status", "status", old, status, note)

    async def update(self, assessment_id: int, **values: Any) -> None:
        row = self.data.assessments.get(assessment_id)
        if row is not None:
            # JSON columns come back as copies; the rest as given.
            json_columns = ("answers", "session", "score")
            row.update({k: json_copy(v) if k in json_columns else v for k, v in values.items()})
            row["updated_at"] = self.now

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
        log(
            self.data,
            {
                "assessment_id": assessment_id,
                "at": self.now,
                "actor_id": actor_id,
                "channel": channel,
                "action": action,
                "field": field,
                "old": old,
                "new": new,
                "note": note,
            },
        )

    async def history(self, assessment_id: int) -> list[LogEntry]:
        return [
            LogEntry(
                id=e["id"],
                assessment_id=e["assessment_id"],
                at=e["at"],
                actor_id=e["actor_id"],
                channel=e["channel"],
                action=e["action"],
                field=e["field"],
                old=json_copy(e["old"]),
                new=json_copy(e["new"]),
                note=e["note"],
            )
            for _, e in sorted(self.data.log.items())
            if e["assessment_id"] == assessment_id
        ]

    # --- evidence photos ---

    async def add_evidence(
        self, assessment_id: int, question: str, channel: str, file_ref: str
    ) -> None:
        row = insert(
            self.data.evidence,
            {
                "assessment_id": assessment_id,
                "question": question,
                "channel": channel,
                "file_ref": file_ref,
                "created_at": self.now,
            },
        )
        insert(
            self.data.stored_photos,
            {"evidence_id": row["id"], "name": None, "attempts": 0, "next_at": self.now},
        )

    async def evidence(self, assessment_id: int) -> list[EvidencePhoto]:
        stored = {p["evidence_id"]: p["name"] for p in self.data.stored_photos.values()}
        return [
            EvidencePhoto(e["question"], e["channel"], e["file_ref"], stored.get(evidence_id))
            for evidence_id, e in sorted(self.data.evidence.items())
            if e["assessment_id"] == assessment_id
        ]

    async def evidence_count(self, assessment_id: int) -> int:
        return sum(e["assessment_id"] == assessment_id for e in self.data.evidence.values())

    # --- lists for verification and recognition ---

    def _listed(
        self,
        commune_id: int,
        year: int,
        statuses: Sequence[AssessmentStatus],
        desk: Desk | None = None,
    ) -> list[Row]:
        """A form of a household that deleted its data is kept for the counts, nameless;
        nobody can verify or propose it, so it leaves the working lists."""
        households, citizens = self.data.households, self.data.citizens
        return [
            a
            for _, a in sorted(self.data.assessments.items())
            if a["commune_id"] == commune_id
            and a["year"] == year
            and a["status"] in statuses
            and (
                a["household_id"] is None
                or households.get(a["household_id"], {}).get("deleted_at") is None
            )
            and (
                a["citizen_id"] is None
                or citizens.get(a["citizen_id"], {}).get("deleted_at") is None
            )
            and _on_desk(a, desk)
        ]

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
        rows = self._listed(commune_id, year, statuses, desk)
        if village_id is not None:
            clans_here = {c for c, v in self.data.clan_villages if v == village_id}
            rows = [a for a in rows if a["village_id"] == village_id or a["clan_id"] in clans_here]
        # By village, then id; a form without a village first, as SQLite orders NULLs
        # (PostgreSQL puts them last).
        rows.sort(key=lambda a: (a["village_id"] is not None, a["village_id"] or 0, a["id"]))
        return models(Assessment, rows[:limit])

    async def count_with_status(
        self,
        commune_id: int,
        year: int,
        statuses: Sequence[AssessmentStatus],
        *,
        village_id: int | None = None,
        desk: Desk | None = None,
    ) -> int:
        rows = self._listed(commune_id, year, statuses, desk)
        if village_id is not None:
            rows = [a for a in rows if a["village_id"] == village_id]
        return len(rows)
