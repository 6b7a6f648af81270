"""What the commune's papers need from the database: its paper settings (issuing body, chair,
signers, who issues the decision) and, in a few queries for the whole commune, the forms of a
recognition dossier with their evidence photos."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import func, select, update

from storage import tables as t
from storage.assessments import EvidencePhoto
from storage.attention import live_subject, with_subjects
from storage.exports import grade_names
from storage.progress import opt_utc
from storage.sql import Repository

# The settings columns of `communes`, by the name PaperSettings gives them.
SETTINGS_COLUMNS = {
    "parent_body": "paper_parent_body",
    "issuing_body": "paper_issuing_body",
    "chair_name": "paper_chair_name",
    "signer_lines": "paper_signer_lines",
    "decision_by": "paper_decision_by",
    "decision_body": "paper_decision_body",
    "decision_signer_name": "paper_decision_signer_name",
    "decision_signer_lines": "paper_decision_signer_lines",
    "place": "paper_place",
}
# Forms that belong in a recognition dossier.
DOSSIER_STATUSES = ("proposed", "recognised")


@dataclass(frozen=True)
class PaperSettings:
    """A commune's paper settings as stored; None: not set (the papers print the default)."""

    commune_id: int
    commune: str
    province: str
    parent_body: str | None = None
    issuing_body: str | None = None
    chair_name: str | None = None
    signer_lines: str | None = None
    decision_by: str | None = None
    decision_body: str | None = None
    decision_signer_name: str | None = None
    decision_signer_lines: str | None = None
    place: str | None = None


@dataclass(frozen=True)
class DossierForm:
    """One form proposed for (or granted) recognition, with who filled and verified it."""

    assessment_id: int
    title: str
    status: str
    name: str
    head_name: str | None
    # The villages it belongs to (a clan may span several), in the commune's order.
    villages: tuple[str, ...]
    village_order: int
    pack_id: str
    pack_version: str
    total: float | None
    passed: bool | None
    score: Mapping[str, Any] | None
    answers: Mapping[str, Any]
    filled_by: str | None
    filled_by_role: str | None
    submitted_at: datetime | None
    verified_by: str | None
    verified_at: datetime | None
    decision_number: str | None
    decision_date: date | None
    photos: tuple[EvidencePhoto, ...] = field(default=())
    # A person's ("Công dân học tập") year of birth, as they gave it when joining.
    birth_year: int | None = None

    def result_name(self, lang: str) -> str | None:
        """The grade reached (xếp loại, "Tốt") when the pack grades and the form passed;
        None otherwise (the paper says "Đạt" or "Chưa đạt")."""
        grade = grade_names(self.score) if self.passed else None
        return None if grade is None else grade.get(lang) or grade["vi"]


class PaperRepository(Repository):
    async def settings(self, commune_id: int) -> PaperSettings | None:
        c = t.communes.c
        row = await self.sql.first(
            select(c.id, c.name, t.provinces.c.name, *(c[col] for col in SETTINGS_COLUMNS.values()))
            .join(t.provinces, t.provinces.c.id == c.province_id)
            .where(c.id == commune_id)
        )
        if row is None:
            return None
        values = dict(zip(SETTINGS_COLUMNS, row[3:], strict=True))
        return PaperSettings(int(row[0]), str(row[1]), str(row[2]), **values)

    async def set_settings(self, commune_id: int, values: Mapping[str, str | None]) -> None:
        """Set these settings ("" or None clears one back to its default)."""
        unknown = set(values) - set(SETTINGS_COLUMNS)
        if unknown:
            raise ValueError(f"unknown paper settings: {sorted(unknown)}")
        if not values:
            return
        await self.sql.execute(
            update(t.communes)
            .where(t.communes.c.id == commune_id)
            .values({SETTINGS_COLUMNS[k]: (v or None) for k, v in values.items()})
        )

    async def dossier_forms(
        self,
        commune_id: int,
        year: int,
        title: str,
        statuses: Sequence[str] = DOSSIER_STATUSES,
    ) -> list[DossierForm]:
        """The forms of one title and year at these statuses, with their photos (three
        queries however many forms: a commune of hundreds of households is one dossier)."""
        a = t.assessments.c
        h, cl, v = t.households.c, t.clans.c, t.villages.c
        ci, un = t.citizens.c, t.units.c
        filler = t.people.alias("filler")
        verifier = t.people.alias("verifier")
        village_id = func.coalesce(h.village_id, ci.village_id, a.village_id)
        rows = await self.sql.all(
            select(
                a.id,
                a.title,
                a.status,
                # The subject's name: a household's head, a clan, a person, a unit, a village.
                func.coalesce(h.head_name, cl.name, ci.name, un.name, v.name, ""),
                cl.head_name,
                v.name,
                v.id,
                a.pack_id,
                a.pack_version,
                a.total,
                a.passed,
                a.score,
                a.answers,
                filler.c.name,
                filler.c.role,
                a.submitted_at,
                verifier.c.name,
                a.verified_at,
                a.decision_number,
                a.decision_date,
                a.clan_id,
                ci.birth_year,
            )
            .select_from(t.assessments)
            .outerjoin(t.households, h.id == a.household_id)
            .outerjoin(t.clans, cl.id == a.clan_id)
            .outerjoin(t.citizens, ci.id == a.citizen_id)
            .outerjoin(t.units, un.id == a.unit_id)
            .outerjoin(t.villages, v.id == village_id)
            .outerjoin(filler, filler.c.id == a.created_by)
            .outerjoin(verifier, verifier.c.id == a.verified_by)
            .where(
                a.commune_id == commune_id,
                a.year == year,
                a.title == title,
                a.status.in_(list(statuses)),
                live_subject(),
            )
            .order_by(a.id)
        )
        clan_villages = await self._clan_villages(commune_id)
        photos = await self._photos([int(r[0]) for r in rows])
        forms = []
        for r in rows:
            villages: tuple[tuple[int, str], ...] = ()
            if r[5] is not None:
                villages = ((int(r[6]), str(r[5])),)
            elif r[20] is not None:
                villages = clan_villages.get(int(r[20]), ())
            forms.append(
                DossierForm(
                    assessment_id=int(r[0]),
                    title=str(r[1]),
                    status=str(r[2]),
                    name=str(r[3]),
                    head_name=r[4],
                    villages=tuple(name for _, name in villages),
                    village_order=villages[0][0] if villages else 2**31,
                    pack_id=str(r[7]),
                    pack_version=str(r[8]),
                    total=None if r[9] is None else float(r[9]),
                    passed=r[10],
                    score=r[11] if isinstance(r[11], dict) else None,
                    answers=r[12] if isinstance(r[12], dict) else {},
                    filled_by=r[13],
                    filled_by_role=r[14],
                    submitted_at=opt_utc(r[15]),
                    verified_by=r[16],
                    verified_at=opt_utc(r[17]),
                    decision_number=r[18],
                    decision_date=r[19],
                    photos=tuple(photos.get(int(r[0]), ())),
                    birth_year=r[21],
                )
            )
        return forms

    async def dossier_counts(
        self, commune_id: int, year: int, statuses: Sequence[str] = DOSSIER_STATUSES
    ) -> dict[str, int]:
        """title -> how many forms of the year a dossier of that title would hold."""
        a = t.assessments.c
        rows = await self.sql.all(
            select(a.title, func.count())
            .select_from(with_subjects(t.assessments))
            .where(
                a.commune_id == commune_id,
                a.year == year,
                a.status.in_(list(statuses)),
                live_subject(),
            )
            .group_by(a.title)
        )
        return {str(title): int(count) for title, count in rows}

    async def _clan_villages(self, commune_id: int) -> dict[int, tuple[tuple[int, str], ...]]:
        cv, v, c = t.clan_villages.c, t.villages.c, t.clans.c
        out: dict[int, list[tuple[int, str]]] = {}
        for clan_id, vid, name in await self.sql.all(
            select(cv.clan_id, v.id, v.name)
            .join(t.villages, v.id == cv.village_id)
            .join(t.clans, c.id == cv.clan_id)
            .where(c.commune_id == commune_id)
            .order_by(cv.clan_id, v.id)
        ):
            out.setdefault(int(clan_id), []).append((int(vid), str(name)))
        return {k: tuple(x) for k, x in out.items()}

    async def _photos(self, assessment_ids: Sequence[int]) -> dict[int, list[EvidencePhoto]]:
        if not assessment_ids:
            return {}
        e, s = t.evidence.c, t.stored_photos.c
        out: dict[int, list[EvidencePhoto]] = {}
        # In chunks: PostgreSQL takes at most 32,767 parameters a statement.
        for start in range(0, len(assessment_ids), 5000):
            chunk = list(assessment_ids[start : start + 5000])
            for aid, *photo in await self.sql.all(
                select(e.assessment_id, e.question, e.channel, e.file_ref, s.name)
                .select_from(t.evidence.outerjoin(t.stored_photos, s.evidence_id == e.id))
                .where(e.assessment_id.in_(chunk))
                .order_by(e.id)
            ):
                out.setdefault(int(aid), []).append(EvidencePhoto(*photo))
        return out
