"""The five titles in the chair's reports (issue 15), on SQLite and PostgreSQL: the digest, the
chart's data, /baocao through the chat service, each share against its own base and target.

`seed_five` adds to Kim Liên (test_reports_fixtures) the other three titles and every target of
the commune plan (bot/admin/targets.py):

| share               | base                                    | recognised | target 2030 |
|---------------------|-----------------------------------------|------------|-------------|
| households          | 80 households                           | 5          | 80% → 59    |
| clans               | 8 clans                                 | 1          | 75% → 5     |
| villages            | 4 villages                              | 1          | 75% → 2     |
| citizens (families) | adults of the 16 registered households: | 1          | 60%         |
|                     | 14 forms say 2 each, 2 households none  |            |             |
|                     | → not known (2 households missing)      |            |             |
| citizens (staff)    | 30 + 10 + 20 = 60 staff                 | 2          | 80% → 46    |
| units               | 3 units                                 | 1          | 100% → 2    |

Villages: Hoàng Trù recognised (3 days ago), Sen 1 submitted. Units: the primary school
recognised 2 days ago, the People's Committee verified, the health station not assessed.
Citizens of households: Nguyễn Thị Mai (h1) recognised, Bùi Văn Đức (h9) verified, Trần Văn
Nam (h2) a draft; staff: Lê Thị Hằng (school) recognised 1 day ago, Phan Văn Tú (school)
submitted 8 days ago (waiting), Hà Thị Vân (health station) recognised.
"""

from __future__ import annotations

import asyncio
import io
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any, cast

from PIL import Image
from sqlalchemy import update

from bot.admin.targets import DEFAULT_TARGETS
from bot.bootstrap import App
from bot.reports.chart import title_bars, village_bars
from bot.reports.periods import on_demand
from conversations.text import fold
from storage.progress import CITIZEN_STAFF, Counts
from storage.tables import AssessmentRow, CitizenRow, LearningUnitRow
from storage.uow import UnitOfWork
from tests.integration.test_reports_fixtures import NOW, Seeded, add_assessment, ago, seed

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@dataclass
class SeededFive:
    base: Seeded
    unit_ids: dict[str, int] = field(default_factory=dict)
    citizen_ids: dict[str, int] = field(default_factory=dict)

    @property
    def commune_id(self) -> int:
        return self.base.commune_id


async def seed_five(db: Any) -> SeededFive:
    base = await seed(db)
    seeded = SeededFive(base)
    lan = base.collaborator_ids["lan"]
    commune = base.commune_id
    async with db.session() as session:
        uow = UnitOfWork(session, NOW)
        for (year, key), share in DEFAULT_TARGETS.items():
            await uow.places.set_target(commune, year, key, share)
        # Every household form gives its adults (19–60): 2 each; h13 and h16 have no form.
        await session.execute(
            update(AssessmentRow)
            .where(AssessmentRow.commune_id == commune, AssessmentRow.title == "household")
            .values(answers={"adults": 2, "members": 4})
        )
        for key, name, kind, staff in (
            ("school", "Trường Tiểu học Kim Liên", "school", 30),
            ("health", "Trạm Y tế xã Kim Liên", "health", 10),
            ("committee", "UBND xã Kim Liên", "committee", 20),
        ):
            row = LearningUnitRow(
                commune_id=commune,
                name=name,
                name_key=fold(name),
                kind=kind,
                staff_total=staff,
                created_at=ago(60),
            )
            session.add(row)
            await session.flush()
            seeded.unit_ids[key] = row.id

        async def citizen(
            key: str, name: str, *, household: str | None = None, unit: str | None = None
        ) -> int:
            village = None
            if household is not None:
                village = {"h1": "Thôn Hoàng Trù", "h2": "Thôn Hoàng Trù", "h9": "Thôn Sen 1"}[
                    household
                ]
            row = CitizenRow(
                commune_id=commune,
                name=name,
                name_key=fold(name),
                household_id=base.household_ids[household] if household else None,
                unit_id=seeded.unit_ids[unit] if unit else None,
                village_id=base.village_ids[village] if village else None,
                created_at=ago(2 if key == "nam" else 40),
            )
            session.add(row)
            await session.flush()
            seeded.citizen_ids[key] = row.id
            return row.id

        async def assess(title: str, subject: int, *, citizen_id: int | None = None,
                         unit_id: int | None = None, village: str | None = None,
                         **kw: Any) -> int:  # fmt: skip
            kw.setdefault("actor", lan)
            village_id = base.village_ids[village] if village else None
            assessment = await add_assessment(
                session,
                title=title,
                subject_id=subject,
                commune_id=commune,
                village_id=village_id,
                **kw,
            )
            await session.execute(
                update(AssessmentRow)
                .where(AssessmentRow.id == assessment)
                .values(citizen_id=citizen_id, unit_id=unit_id, subject_kind=title)
            )
            return assessment

        done: dict[str, Any] = {"verified_by": lan, "points": [30, 30, 15, 10]}
        # Villages (Cộng đồng học tập): the subject is the village itself.
        hoang_tru = base.village_ids["Thôn Hoàng Trù"]
        await assess("village", hoang_tru, village="Thôn Hoàng Trù", status="recognised",
                     passed=True, submitted=30, verified=20, recognised=3, **done)  # fmt: skip
        await assess("village", base.village_ids["Thôn Sen 1"], village="Thôn Sen 1",
                     status="submitted", passed=True, submitted=4, points=[30, 30, 15, 10])  # fmt: skip
        # Units.
        school = seeded.unit_ids["school"]
        await assess("unit", school, unit_id=school, status="recognised", passed=True,
                     submitted=30, verified=20, recognised=2, **done)  # fmt: skip
        committee = seeded.unit_ids["committee"]
        await assess("unit", committee, unit_id=committee, status="verified", passed=True,
                     submitted=30, verified=20, **done)  # fmt: skip
        # Citizens of households.
        mai = await citizen("mai", "Nguyễn Thị Mai", household="h1")
        await assess("citizen", mai, citizen_id=mai, village="Thôn Hoàng Trù",
                     status="recognised", passed=True, submitted=30, verified=20,
                     recognised=10, **done)  # fmt: skip
        duc = await citizen("duc", "Bùi Văn Đức", household="h9")
        await assess("citizen", duc, citizen_id=duc, village="Thôn Sen 1", status="verified",
                     passed=True, submitted=20, verified=15, **done)  # fmt: skip
        nam = await citizen("nam", "Trần Văn Nam", household="h2")
        await assess("citizen", nam, citizen_id=nam, village="Thôn Hoàng Trù", status="draft",
                     passed=None, created=2)  # fmt: skip
        # Citizens on the staff of units.
        hang = await citizen("hang", "Lê Thị Hằng", unit="school")
        await assess("citizen", hang, citizen_id=hang, unit_id=school, status="recognised",
                     passed=True, submitted=30, verified=20, recognised=1, **done)  # fmt: skip
        tu = await citizen("tu", "Phan Văn Tú", unit="school")
        await assess("citizen", tu, citizen_id=tu, unit_id=school, status="submitted",
                     passed=True, submitted=8, points=[30, 30, 15, 10])  # fmt: skip
        health = seeded.unit_ids["health"]
        van = await citizen("van", "Hà Thị Vân", unit="health")
        await assess("citizen", van, citizen_id=van, unit_id=health, status="recognised",
                     passed=True, submitted=40, verified=30, recognised=20, **done)  # fmt: skip
    return seeded


async def test_progress_of_five_titles_each_against_its_own_base(app: App) -> None:
    seeded = await seed_five(app.db)
    reports = app.reports
    progress = await reports.progress(seeded.commune_id, on_demand("week", NOW, reports.tz))

    assert progress.titles == ("household", "clan", "village", "citizen", "unit")
    # Households and clans as before the other titles came.
    assert progress.counts("household") == Counts(16, 13, 10, 7, 5)
    assert progress.counts("clan") == Counts(2, 2, 1, 1, 1)
    assert progress.total("household") == 80 and progress.total("clan") == 8
    # Villages: every village of the commune is a subject; 1 of 4 recognised, 3 days ago.
    assert progress.counts("village") == Counts(4, 2, 2, 1, 1)
    assert progress.counts_period("village") == Counts(0, 1, 1, 0, 1)
    assert progress.total("village") == 4
    # Units: the imported units, their number the base.
    assert progress.counts("unit") == Counts(3, 2, 2, 2, 1)
    assert progress.counts_period("unit") == Counts(0, 0, 0, 0, 1)
    assert progress.total("unit") == 3
    # Citizens: two shares. Working people of the families: 14 forms say 2 adults, two
    # registered households gave none, so the base is not known (a share over the others
    # would pass for the commune's).
    family, staff = progress.parts("citizen")
    assert family.key == "citizen" and staff.key == CITIZEN_STAFF
    assert family.counts == Counts(3, 2, 2, 2, 1)
    assert family.counts_period == Counts(1, 0, 0, 0, 0)
    assert family.total is None and progress.adults_missing == 2
    assert staff.counts == Counts(3, 3, 3, 2, 2)
    assert staff.counts_period == Counts(0, 0, 0, 0, 1)
    assert staff.total == 60
    assert progress.counts("citizen") == Counts(6, 5, 5, 4, 3)
    assert progress.total("citizen") is None
    assert progress.without_total("citizen") == []
    assert progress.targets[(2030, CITIZEN_STAFF)] == 80.0
    assert progress.targets[(2030, "unit")] == 100.0
    # The staff member waiting 8 days is in the waiting list, named, with the unit.
    assert progress.waiting_total == 3
    tu = [w for w in progress.waiting if w.title == "citizen"]
    assert [(w.name, w.village) for w in tu] == [("Phan Văn Tú", "Trường Tiểu học Kim Liên")]


async def test_five_titles_take_no_more_queries_than_two_did(app: App) -> None:
    """Every count of every title comes from the same few GROUP BY queries: the statements
    behind a commune's progress do not grow with the titles (two titles took 16)."""
    from sqlalchemy import event
    from sqlalchemy.orm import ORMExecuteState, Session

    seeded = await seed_five(app.db)
    statements: list[str] = []

    def count(state: ORMExecuteState) -> None:
        statements.append(str(state.statement))

    # Every statement of a report goes through a session (whichever engine or connection
    # the database gives it).
    event.listen(Session, "do_orm_execute", count)
    try:
        reports = app.reports
        await reports.progress(seeded.commune_id, on_demand("week", NOW, reports.tz))
    finally:
        event.remove(Session, "do_orm_execute", count)
    selects = [s for s in statements if s.lstrip().upper().startswith("SELECT")]
    # The commune, households per village, every title's stages, what moved in the period,
    # the subjects of the other titles, targets, the waiting list (count and names), and the
    # collaborators.
    assert len(selects) == 9, selects


async def test_working_people_are_known_once_every_household_gave_its_adults(app: App) -> None:
    seeded = await seed_five(app.db)
    base = seeded.base
    async with app.db.session() as session:
        for key, village in (("h13", "Thôn Sen 1"), ("h16", "Thôn Sen 2")):
            await add_assessment(
                session,
                title="household",
                subject_id=base.household_ids[key],
                commune_id=base.commune_id,
                village_id=base.village_ids[village],
                status="draft",
                passed=None,
                actor=base.collaborator_ids["lan"],
                created=1,
            )
        await session.execute(
            update(AssessmentRow)
            .where(AssessmentRow.household_id.in_([base.household_ids["h13"]]))
            .values(answers={"adults": 3})
        )
        await session.execute(
            update(AssessmentRow)
            .where(AssessmentRow.household_id.in_([base.household_ids["h16"]]))
            .values(answers={"adults": 5})
        )
    reports = app.reports
    progress = await reports.progress(seeded.commune_id, on_demand("year", NOW, reports.tz))
    # 14 × 2 + 3 + 5 adults; the merged household's form (h18) is not counted.
    assert progress.adults_missing == 0
    assert progress.parts("citizen")[0].total == 36
    assert progress.total("citizen") == 36 + 60
    [reply] = await reports.on_demand(seeded.commune_id, "year", "vi", buttons=False, chart=False)
    lines = reply.text.splitlines()
    # 1 of 36: 2,8%; 60% of 36 = 22 people, 1 recognised.
    assert "Trong gia đình: 1/36 người lao động, 2,8%" in lines
    assert "Mục tiêu 2030: 60%, còn thiếu 21 người" in lines


async def test_digest_shows_five_titles_against_their_targets(app: App) -> None:
    seeded = await seed_five(app.db)
    [reply] = await app.reports.on_demand(
        seeded.commune_id, "week", "vi", buttons=True, chart=False
    )
    text = reply.text
    lines = text.splitlines()
    # The targets of 2030 for every title lead, wrapped to a phone's width.
    lead = lines.index("🎯 Mục tiêu đến 2030: 80% hộ, 75% dòng họ, 75% thôn,")
    assert lines[lead + 1] == "60% người lao động, 80% cán bộ đơn vị, 100% đơn vị"

    def section(header: str) -> list[str]:
        start = lines.index(header)
        end = lines.index("", start)
        return lines[start:end]

    assert section("🏠 Gia đình học tập")[-3:] == [
        "Tỷ lệ công nhận: 5/80 hộ, 6,3%",
        "Tỷ lệ đăng ký trên bot: 16/80 hộ, 20%",
        "Mục tiêu 2030: 80%, còn thiếu 59 hộ",
    ]
    assert section("👪 Dòng họ học tập") == [
        "👪 Dòng họ học tập",
        "Đăng ký trên bot: 2",
        "Đã đánh giá: 2 (+1) · công nhận: 1",
        "Tỷ lệ công nhận: 1/8 dòng họ, 12,5%",
        "Mục tiêu 2030: 75%, còn thiếu 5 dòng họ",
    ]
    assert section("🏘️ Cộng đồng học tập") == [
        "🏘️ Cộng đồng học tập",
        "Đã đánh giá: 2 (+1) · công nhận: 1 (+1)",
        "Tỷ lệ công nhận: 1/4 thôn, 25%",
        # 75% of 4 villages = 3, 1 recognised.
        "Mục tiêu 2030: 75%, còn thiếu 2 thôn",
    ]
    assert section("🎓 Công dân học tập") == [
        "🎓 Công dân học tập",
        "Đăng ký trên bot: 6 (+1)",
        "Đã đánh giá: 5 · công nhận: 3 (+1)",
        "Trong gia đình: chưa tính được tỷ lệ",
        "Còn 2 hộ chưa khai số người lớn (từ 19 đến 60 tuổi).",
        "Mục tiêu 2030: 60%, chưa tính được số còn thiếu",
        # Of the 60 staff of the three units; 80% = 48, 2 recognised.
        "Trong đơn vị: 2/60 cán bộ, 3,3%",
        "Mục tiêu 2030: 80%, còn thiếu 46 người",
    ]
    assert section("🏢 Đơn vị học tập") == [
        "🏢 Đơn vị học tập",
        "Đã đánh giá: 2 · công nhận: 1 (+1)",
        "Tỷ lệ công nhận: 1/3 đơn vị, 33,3%",
        "Mục tiêu 2030: 100%, còn thiếu 2 đơn vị",
    ]
    # The staff member waiting is named with what and where.
    assert "• Phan Văn Tú (công dân, Trường Tiểu học Kim Liên): 8 ngày" in lines
    # Still one Zalo message, short lines on a phone.
    assert len(text) < 2000
    assert max(len(line) for line in lines) <= 60


async def test_digest_in_english_for_five_titles(app: App) -> None:
    seeded = await seed_five(app.db)
    [reply] = await app.reports.on_demand(
        seeded.commune_id, "year", "en", buttons=False, chart=False
    )
    lines = reply.text.splitlines()
    lead = lines.index("🎯 Target by 2030: 80% of households, 75% of clans,")
    assert lines[lead + 1 : lead + 3] == [
        "75% of villages, 60% of working people, 80% of unit staff,",
        "100% of units",
    ]
    for expected in (
        "Share recognised: 1/4 villages, 25%",
        "Target 2030: 75%, 2 more villages needed",
        "In families: share not known yet",
        "2 households have not given the number of adults (19 to 60) yet.",
        "In units: 2/60 staff, 3.3%",
        "Target 2030: 80%, 46 more people needed",
        "Share recognised: 1/3 units, 33.3%",
        "Target 2030: 100%, 2 more units needed",
    ):
        assert expected in lines, expected


async def test_titles_with_nothing_and_no_target_take_one_line(app: App) -> None:
    """Without targets for them and with nothing registered, the other three titles are one
    block of one line each: the chair sees they exist, the digest stays short."""
    seeded = await seed(app.db)
    [reply] = await app.reports.on_demand(
        seeded.commune_id, "week", "vi", buttons=False, chart=False
    )
    assert (
        "\n\n🏘️ Cộng đồng học tập: chưa có thôn nào được đánh giá.\n"
        "🎓 Công dân học tập: chưa có ai đăng ký.\n"
        "🏢 Đơn vị học tập: chưa có đơn vị nào trên bot.\n\n"
    ) in reply.text

    # With the commune plan's targets, the same titles say what is missing to measure them.
    async with app.db.session() as session:
        uow = UnitOfWork(session, NOW)
        for (year, key), share in DEFAULT_TARGETS.items():
            await uow.places.set_target(seeded.commune_id, year, key, share)
    [reply] = await app.reports.on_demand(
        seeded.commune_id, "week", "vi", buttons=False, chart=False
    )
    lines = reply.text.splitlines()
    unit = lines.index("🏢 Đơn vị học tập")
    assert lines[unit + 1 : unit + 3] == [
        "Chưa có danh sách đơn vị, vui lòng nhờ quản trị viên nhập.",
        "Mục tiêu 2030: 100%, chưa tính được số còn thiếu",
    ]
    village = lines.index("🏘️ Cộng đồng học tập")
    assert lines[village + 1 : village + 4] == [
        "Chưa có thôn nào được đánh giá.",
        "Tỷ lệ công nhận: 0/4 thôn, 0%",
        "Mục tiêu 2030: 75%, còn thiếu 3 thôn",
    ]
    citizen = lines.index("🎓 Công dân học tập")
    assert lines[citizen + 1 : citizen + 5] == [
        "Chưa có ai đăng ký.",
        "Trong gia đình: chưa tính được tỷ lệ",
        "Còn 16 hộ chưa khai số người lớn (từ 19 đến 60 tuổi).",
        "Mục tiêu 2030: 60%, chưa tính được số còn thiếu",
    ]
    # No unit, so no unit staff: the citizens' second share has nothing to be measured on.
    assert "Trong đơn vị" not in reply.text
    # (The last line, how to ask for another period, is the channel's hint.)
    assert max(len(line) for line in lines[:-1]) <= 60 and len(reply.text) < 2000


async def test_a_unit_without_its_staff_number_leaves_the_staff_share_unknown(app: App) -> None:
    seeded = await seed_five(app.db)
    async with app.db.session() as session:
        await session.execute(
            update(LearningUnitRow)
            .where(LearningUnitRow.id == seeded.unit_ids["health"])
            .values(staff_total=None)
        )
    reports = app.reports
    progress = await reports.progress(seeded.commune_id, on_demand("week", NOW, reports.tz))
    # 30 + 20 of two units would pass for the staff of all three.
    assert progress.parts("citizen")[1].total is None
    assert progress.total("unit") == 3
    [reply] = await reports.on_demand(seeded.commune_id, "week", "vi", buttons=True, chart=False)
    lines = reply.text.splitlines()
    staff = lines.index("Trong đơn vị: chưa tính được tỷ lệ")
    assert lines[staff + 1 : staff + 3] == [
        "Còn đơn vị chưa có số cán bộ (nhờ quản trị viên nhập).",
        "Mục tiêu 2030: 80%, chưa tính được số còn thiếu",
    ]
    bars = {b.key: b for b in title_bars(progress, app.translator, "vi")}
    assert bars[CITIZEN_STAFF].share is None
    assert bars[CITIZEN_STAFF].text == "chưa tính được (2 được công nhận)"


async def test_a_citizens_idle_draft_is_named_in_the_reminder(app: App) -> None:
    from sqlalchemy import select

    from bot.outbox.delivery import Channel
    from storage.outbox import OutboxItem

    seeded = await seed_five(app.db)
    async with app.db.session() as session:
        draft = await session.scalar(
            select(AssessmentRow.id).where(AssessmentRow.citizen_id == seeded.citizen_ids["nam"])
        )
    item = OutboxItem(
        id=1, key="k", kind="draft_idle", person_id=seeded.base.collaborator_ids["lan"],
        commune_id=seeded.commune_id, payload={"assessments": [draft], "idle_days": 2},
        status="pending", attempts=0, parts_sent=0, next_attempt_at=NOW, lease_owner=None,
        lease_until=None, channel=None, chat_id=None, last_error=None, created_at=NOW,
        sent_at=None,
    )  # fmt: skip
    channel = cast(Channel, SimpleNamespace(name="console", has_buttons=False))
    [reply] = await app.reports.render(item, "vi", channel)
    assert "• Công dân: Trần Văn Nam (Thôn Hoàng Trù), sửa lần cuối 20/11/2026" in reply.text


async def test_chart_data_and_picture_cover_five_titles(app: App) -> None:
    seeded = await seed_five(app.db)
    reports = app.reports
    progress = await reports.progress(seeded.commune_id, on_demand("week", NOW, reports.tz))
    bars = title_bars(progress, app.translator, "vi")
    assert [(b.label, b.text, b.target) for b in bars] == [
        ("Gia đình (hộ)", "5/80, 6,3%", (2030, 80.0)),
        ("Dòng họ", "1/8, 12,5%", (2030, 75.0)),
        ("Cộng đồng (thôn)", "1/4, 25%", (2030, 75.0)),
        ("Công dân (gia đình)", "chưa tính được (1 được công nhận)", (2030, 60.0)),
        ("Công dân (đơn vị)", "2/60, 3,3%", (2030, 80.0)),
        ("Đơn vị", "1/3, 33,3%", (2030, 100.0)),
    ]
    # Each share of its own base; no bar where the base is not known.
    assert [None if b.share is None else round(b.share, 2) for b in bars] == [
        6.25, 12.5, 25.0, None, 3.33, 33.33,
    ]  # fmt: skip
    assert [b.text for b in village_bars(progress, app.translator, "vi")] == [
        "3/30 hộ, 10%",
        "2/25 hộ, 8%",
        "0/15 hộ, 0%",
        "0/10 hộ, 0%",
    ]

    replies = await reports.on_demand(seeded.commune_id, "week", "vi", buttons=True, chart=True)
    chart = replies[1]
    assert chart.text == "Tỷ lệ công nhận theo danh hiệu và theo thôn, năm 2026"
    assert chart.photo is not None and chart.photo.startswith(PNG_MAGIC)
    image = Image.open(io.BytesIO(chart.photo))
    assert image.size[0] >= 1000 and image.size[1] > image.size[0]  # both panels, tall


async def test_baocao_through_the_chat_service_shows_five_titles(app: App) -> None:
    from bot.reports import make_report_hook
    from tests.support.chat import Chat

    seeded = await seed_five(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, NOW)
        identity = await uow.chats.identity("console", "chair", "chair")
        await uow.chats.bind(identity.id, seeded.base.chair_id)
    app.service.report_hook = make_report_hook(app.reports)
    chat = Chat(app, "chair")
    shown = await asyncio.wait_for(chat.say("/baocao năm"), timeout=30)
    for header in (
        "🏠 Gia đình học tập",
        "👪 Dòng họ học tập",
        "🏘️ Cộng đồng học tập",
        "🎓 Công dân học tập",
        "🏢 Đơn vị học tập",
    ):
        assert f"\n{header}\n" in shown, header
    assert "Tỷ lệ công nhận: 1/3 đơn vị, 33,3%" in shown
    assert "Trong đơn vị: 2/60 cán bộ, 3,3%" in shown
