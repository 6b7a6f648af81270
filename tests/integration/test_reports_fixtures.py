"""A seeded commune with known numbers, shared by the report tests (and a check of the seed).

The clock is the conftest FakeClock: 22/11/2026 09:00 in Hà Nội (02:00 UTC), a Sunday. The
"week" period is then [15/11 02:00, 22/11 02:00) UTC.

Kim Liên (targets: households 70% by 2025, 80% by 2030; clans 65% / 75%; 4 villages), with
the real totals of the units import (every household and clan of the village):

| village        | all households (clans) | registered (live) | assessed | passing | verified | recognised |
|----------------|------------------------|-------------------|----------|---------|----------|------------|
| Thôn Hoàng Trù | 30 (3)                 | 8                 | 7        | 6       | 5        | 3 = 10%    |
| Thôn Sen 1     | 25 (2)                 | 5 (1 new in week) | 4        | 3       | 2        | 2 = 8%     |
| Thôn Sen 2     | 15 (2)                 | 3 (+1 deleted, +1 merged, both ignored) | 2 | 1 | 0   | 0          |
| Thôn Mới       | 10 (1)                 | 0                 |          |          |         |            |
| commune        | 80 (8)                 | 16 = 20%          | 13       | 10      | 7        | 5 = 6,25%  |

In the week: 1 registered, 2 assessed, 1 passing, 1 verified, 2 recognised.
Waiting for verification over 7 days: Hộ Lê Văn Sáu (10 days), Hộ Đỗ Thị Mười Hai (9 days).
Clans: 2 registered, 2 assessed, 1 passing, 1 verified, 1 recognised (50%).
Collaborators: Nguyễn Thị Lan active 2 days ago; Lê Văn Hùng last on 23/10/2026; Phạm Thị Hoa
never. Chair: Trần Văn Bình (Telegram chat 5001).

Xã Đồng Văn has no targets and no totals: 1 village, 2 households registered, 1 recognised.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import Any

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.db import Database
from storage.tables import (
    AssessmentLogRow,
    AssessmentRow,
    ChannelIdentityRow,
    ClanRow,
    HouseholdRow,
)
from storage.uow import UnitOfWork

NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
YEAR = 2026
HOUSEHOLD_PACK = ("gdht-448", "2015.1")
CLAN_PACK = ("dhht-2022", "2022.1")


# Every household and clan of each village of Kim Liên (what `hoctap units import` brings).
TOTALS = {
    "Thôn Hoàng Trù": (30, 3),
    "Thôn Sen 1": (25, 2),
    "Thôn Sen 2": (15, 2),
    "Thôn Mới": (10, 1),
}


def ago(days: float) -> datetime:
    return NOW - timedelta(days=days)


@dataclass
class Seeded:
    commune_id: int
    village_ids: dict[str, int]
    chair_id: int
    collaborator_ids: dict[str, int]
    household_ids: dict[str, int] = field(default_factory=dict)
    assessment_ids: dict[str, int] = field(default_factory=dict)
    other_commune_id: int = 0
    other_chair_id: int = 0


def _score(points: list[float]) -> dict[str, Any]:
    return {
        "criteria": [
            {"id": str(i), "points": p, "max_points": m}
            for i, (p, m) in enumerate(zip(points, [30, 30, 20, 20], strict=False), 1)
        ],
        "total": sum(points),
    }


async def add_assessment(
    session: AsyncSession,
    *,
    title: str,
    subject_id: int,
    commune_id: int,
    village_id: int | None,
    status: str,
    passed: bool | None,
    actor: int,
    created: float = 90,
    submitted: float | None = None,
    verified: float | None = None,
    recognised: float | None = None,
    points: list[float] | None = None,
    verified_by: int | None = None,
    decision: tuple[str, date] | None = None,
) -> int:
    """An assessment at `status`, with log entries dated `… days ago` for each step."""
    pack = HOUSEHOLD_PACK if title == "household" else CLAN_PACK
    score = _score(points) if points else None
    row = AssessmentRow(
        title=title,
        subject_kind=title,
        subject_id=subject_id,
        household_id=subject_id if title == "household" else None,
        clan_id=subject_id if title == "clan" else None,
        commune_id=commune_id,
        village_id=village_id,
        year=YEAR,
        pack_id=pack[0],
        pack_version=pack[1],
        status=status,
        answers={},
        session={},
        score=score,
        total=score["total"] if score else None,
        passed=passed,
        created_by=actor,
        created_at=ago(created),
        updated_at=ago(min(x for x in (created, submitted, verified, recognised) if x is not None)),
        submitted_at=ago(submitted) if submitted is not None else None,
        verified_by=verified_by if verified is not None else None,
        verified_at=ago(verified) if verified is not None else None,
        decision_number=decision[0] if decision else None,
        decision_date=decision[1] if decision else None,
    )
    session.add(row)
    await session.flush()

    def log(days: float, old: str | None, new: str) -> None:
        session.add(
            AssessmentLogRow(
                assessment_id=row.id,
                at=ago(days),
                actor_id=actor,
                action="status",
                field="status",
                old=old,
                new=new,
            )
        )

    log(created, None, "draft")
    steps: list[tuple[float | None, str]] = [(submitted, "submitted"), (verified, "verified")]
    if status in ("proposed", "recognised"):
        steps.append(((recognised or verified or 0) + 0.5, "proposed"))
    if status in ("recognised", "returned", "rejected"):
        when = recognised if recognised is not None else (submitted or 0) - 1
        steps.append((when, status))
    previous = "draft"
    for days, new in steps:
        if days is not None:
            log(days, previous, new)
            previous = new
    await session.flush()
    return row.id


async def seed(db: Database) -> Seeded:
    # Assessments are written as rows, to date each step in the past.
    async with db.session() as session:
        uow = UnitOfWork(session, ago(90))
        province = await uow.places.ensure_province("Nghệ An")
        commune = await uow.places.ensure_commune(province.id, "Kim Liên", difficult_area=False)
        names = ["Thôn Hoàng Trù", "Thôn Sen 1", "Thôn Sen 2", "Thôn Mới"]
        villages = {n: (await uow.places.ensure_village(commune.id, n)).id for n in names}
        for name, (households, clans) in TOTALS.items():
            await uow.places.set_village_totals(villages[name], households, clans)
        await uow.places.set_villages_total(commune.id, len(names))
        for (year, title), share in {
            (2025, "household"): 70.0,
            (2030, "household"): 80.0,
            (2025, "clan"): 65.0,
            (2030, "clan"): 75.0,
        }.items():
            await uow.places.set_target(commune.id, year, title, share)
        chair = await uow.people.add("Trần Văn Bình", "chair", commune_id=commune.id)
        lan = await uow.people.add(
            "Nguyễn Thị Lan", "collaborator", commune_id=commune.id, village_id=villages[names[0]]
        )
        hung = await uow.people.add(
            "Lê Văn Hùng", "collaborator", commune_id=commune.id, village_id=villages[names[2]]
        )
        hoa = await uow.people.add(
            "Phạm Thị Hoa", "collaborator", commune_id=commune.id, village_id=villages[names[3]]
        )
        identity = await uow.chats.identity("telegram", "5001", "5001")
        await uow.chats.bind(identity.id, chair.id)
        seeded = Seeded(
            commune.id,
            villages,
            chair.id,
            {"lan": lan.id, "hung": hung.id, "hoa": hoa.id},
        )

        async def household(key: str, village: str, name: str, created: float = 90) -> int:
            uow.now = ago(created)
            h = await uow.households.add(villages[village], name)
            seeded.household_ids[key] = h.id
            return h.id

        async def assess(key: str, hid: int, village: str, **kw: Any) -> None:
            kw.setdefault("actor", lan.id)
            seeded.assessment_ids[key] = await add_assessment(
                session,
                title="household",
                subject_id=hid,
                commune_id=commune.id,
                village_id=villages[village],
                **kw,
            )

        v1, v2, v3 = names[0], names[1], names[2]
        d1 = ("12/QĐ-UBND", date(2026, 10, 13))
        d2 = ("15/QĐ-UBND", date(2026, 11, 19))
        full = [30, 30, 15, 10]
        done = {"verified_by": lan.id, "points": full}
        await assess(
            "h1",
            await household("h1", v1, "Nguyễn Văn Một"),
            v1,
            status="recognised",
            passed=True,
            submitted=60,
            verified=50,
            recognised=40,
            decision=d1,
            **done,
        )
        await assess(
            "h2",
            await household("h2", v1, "Trần Thị Hai"),
            v1,
            status="recognised",
            passed=True,
            submitted=60,
            verified=50,
            recognised=3,
            decision=d2,
            **done,
        )
        await assess(
            "h3",
            await household("h3", v1, "Lê Văn Ba"),
            v1,
            status="recognised",
            passed=True,
            submitted=30,
            verified=20,
            recognised=2,
            decision=d2,
            **done,
        )
        await assess(
            "h4",
            await household("h4", v1, "Phạm Thị Bốn"),
            v1,
            status="proposed",
            passed=True,
            submitted=30,
            verified=5,
            verified_by=lan.id,
            points=[30, 25, 20, 10.5],
        )
        await assess(
            "h5",
            await household("h5", v1, "Hoàng Văn Năm"),
            v1,
            status="verified",
            passed=True,
            submitted=20,
            verified=10,
            **done,
        )
        await assess(
            "h6",
            await household("h6", v1, "Lê Văn Sáu"),
            v1,
            status="submitted",
            passed=True,
            submitted=10,
            points=full,
        )
        await assess(
            "h7",
            await household("h7", v1, "Vũ Thị Bảy"),
            v1,
            status="submitted",
            passed=False,
            submitted=2,
            points=[10, 20, 10, 10],
        )
        await assess(
            "h8",
            await household("h8", v1, "Đặng Văn Tám", created=20),
            v1,
            status="draft",
            passed=None,
            created=20,
        )
        await assess(
            "h9",
            await household("h9", v2, "Bùi Thị Chín"),
            v2,
            status="recognised",
            passed=True,
            submitted=40,
            verified=30,
            recognised=20,
            decision=d1,
            **done,
        )
        await assess(
            "h10",
            await household("h10", v2, "Ngô Văn Mười"),
            v2,
            status="recognised",
            passed=True,
            submitted=40,
            verified=30,
            recognised=20,
            decision=d1,
            **done,
        )
        await assess(
            "h11",
            await household("h11", v2, "Dương Thị Mười Một"),
            v2,
            status="returned",
            passed=False,
            submitted=15,
            recognised=12,
            points=[20, 20, 10, 5],
        )
        await assess(
            "h12",
            await household("h12", v2, "Đỗ Thị Mười Hai"),
            v2,
            status="submitted",
            passed=True,
            submitted=9,
            points=full,
        )
        await household("h13", v2, "Hồ Văn Mười Ba", created=4)
        await assess(
            "h14",
            await household("h14", v3, "Lý Văn Mười Bốn"),
            v3,
            status="rejected",
            passed=False,
            submitted=30,
            verified=25,
            recognised=24,
            actor=hung.id,
            points=[10, 10, 10, 10],
        )
        await assess(
            "h15",
            await household("h15", v3, "Mai Thị Mười Lăm"),
            v3,
            status="submitted",
            passed=True,
            submitted=1,
            actor=hung.id,
            points=full,
        )
        h16 = await household("h16", v3, "Trịnh Văn Mười Sáu")
        h17 = await household("h17", v3, "Hộ Đã Xóa")
        await assess(
            "h17",
            h17,
            v3,
            status="recognised",
            passed=True,
            submitted=60,
            verified=50,
            recognised=3,
            actor=hung.id,
        )
        h18 = await household("h18", v3, "Trịnh Văn Mười Sáu (trùng)")
        await assess("h18", h18, v3, status="submitted", passed=True, submitted=12, actor=hung.id)
        await session.execute(
            update(HouseholdRow).where(HouseholdRow.id == h17).values(deleted_at=ago(1))
        )
        await session.execute(
            update(HouseholdRow).where(HouseholdRow.id == h18).values(merged_into=h16)
        )
        # Lê Văn Hùng's last activity: 30 days ago (his logs above are older or on h17/h18).
        await session.execute(
            update(AssessmentLogRow).where(AssessmentLogRow.actor_id == hung.id).values(at=ago(30))
        )

        uow.now = ago(90)
        nguyen = await uow.households.add_clan(
            commune.id, "Họ Nguyễn", head_name="Nguyễn Văn Tộc", village_ids=[villages[v1]]
        )
        tran = await uow.households.add_clan(
            commune.id, "Họ Trần", head_name="Trần Văn Trưởng", village_ids=[villages[v2]]
        )
        await session.execute(update(ClanRow).values(created_at=ago(90)))
        seeded.assessment_ids["clan-nguyen"] = await add_assessment(
            session,
            title="clan",
            subject_id=nguyen.id,
            commune_id=commune.id,
            village_id=None,
            status="recognised",
            passed=True,
            actor=lan.id,
            submitted=50,
            verified=40,
            recognised=30,
            verified_by=lan.id,
            decision=d1,
            points=[20, 40, 25],
        )
        seeded.assessment_ids["clan-tran"] = await add_assessment(
            session,
            title="clan",
            subject_id=tran.id,
            commune_id=commune.id,
            village_id=None,
            status="submitted",
            passed=False,
            actor=lan.id,
            submitted=3,
            points=[10, 20, 20],
        )

        other = await uow.places.ensure_commune(province.id, "Đồng Văn", difficult_area=True)
        village = await uow.places.ensure_village(other.id, "Bản Phố Cáo")
        other_chair = await uow.people.add("Vàng Thị Mai", "chair", commune_id=other.id)
        other_identity = await uow.chats.identity("telegram", "5002", "5002")
        await uow.chats.bind(other_identity.id, other_chair.id)
        first = await uow.households.add(village.id, "Sùng A Páo")
        await uow.households.add(village.id, "Giàng Thị Dợ")
        await add_assessment(
            session,
            title="household",
            subject_id=first.id,
            commune_id=other.id,
            village_id=village.id,
            status="recognised",
            passed=True,
            actor=other_chair.id,
            submitted=40,
            verified=30,
            recognised=20,
        )
        seeded.other_commune_id = other.id
        seeded.other_chair_id = other_chair.id
        await session.execute(update(ChannelIdentityRow).values(created_at=ago(90)))
    return seeded


async def test_seed_has_the_documented_shape(db: Database) -> None:
    seeded = await seed(db)
    assert len(seeded.village_ids) == 4
    assert len(seeded.household_ids) == 18
    assert seeded.other_commune_id and seeded.other_chair_id
