"""Households are reminded where it helps, through the outbox: one reminder per idle spell of
their own draft, none once they deleted their data; and the study-promotion month (10/8–10/9)
announced on 10/8, once a year, to the registered households of the communes that opted in
(`hoctap units announce`). On SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.bootstrap import App
from bot.demo import ensure_demo
from bot.outbox.scheduler import ReportScheduler
from storage.db import Database
from storage.tables import AssessmentRow, CommuneRow, OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import FakeClock
from tests.integration.conftest import Cli
from tests.integration.test_outbox import FakeChannel, Inbox
from tests.integration.test_privacy import _join
from tests.support.answers import FULL_ANSWERS

REMINDER = (
    "✏️ Phiếu tự đánh giá “Gia đình học tập” của gia đình còn làm dở, chưa cập nhật từ 3 ngày "
    "nay.\nKhi nào tiện, xin gõ /menu để làm tiếp đúng câu đang dở."
)


async def _keys(db: Database, prefix: str) -> list[tuple[str, int]]:
    async with db.session() as s:
        rows = await s.execute(select(OutboxRow.key, OutboxRow.person_id))
        return sorted((str(k), int(p)) for k, p in rows.all() if str(k).startswith(prefix))


async def _deliver(app: App) -> Inbox:
    inbox = Inbox()
    worker = app.outbox_worker({"console": FakeChannel(inbox, "console", has_buttons=False)})
    await worker.run_until_idle()
    return inbox


async def test_one_reminder_after_three_idle_days_and_none_after_deleting(
    app: App, clock: FakeClock
) -> None:
    demo = await ensure_demo(app.db)
    code = demo.invites["household"].code
    keeps = await _join(app, code, "hh-1", "Hà Thị Một")
    leaves = await _join(app, code, "hh-2", "Lò Văn Hai")
    for household in (keeps, leaves):
        await household.say(FULL_ANSWERS[0])
        await household.say(FULL_ANSWERS[1])
    async with app.db.session() as s:
        drafts = (await s.execute(select(AssessmentRow.status))).scalars().all()
    assert list(drafts) == ["draft", "draft"]
    assert "chắc chắn muốn xóa" in await leaves.say("/xoa")
    assert "đã xóa dữ liệu" in await leaves.choose("Xóa dữ liệu")

    started = clock()
    schedulers = [ReportScheduler(app.db, app.settings, clock) for _ in range(2)]
    first: datetime | None = None
    for _ in range(4 * 12):  # every 6 hours for 12 days, two bot processes
        clock.advance(hours=6)
        for scheduler in schedulers:
            await scheduler.tick()
        if first is None and await _keys(app.db, "household-idle:"):
            first = clock()
    assert first is not None and first - started >= timedelta(days=3)
    assert first - started < timedelta(days=4, hours=6)
    reminders = await _keys(app.db, "household-idle:")
    assert len(reminders) == 1

    inbox = await _deliver(app)
    assert inbox.texts("hh-1") == [REMINDER]
    assert inbox.texts("hh-2") == []

    # Taking the form up again starts a new idle spell: one more reminder three days on.
    # What the reminder says to do: /menu takes the household back to its question.
    assert "Câu 3/14" in await keeps.say("/menu")
    await keeps.say(FULL_ANSWERS[2])
    for _ in range(4 * 8):
        clock.advance(hours=6)
        await schedulers[0].tick()
    assert len(await _keys(app.db, "household-idle:")) == 2
    assert (await _deliver(app)).texts("hh-1") == [REMINDER]


async def _household(uow: UnitOfWork, village_id: int, commune_id: int, name: str) -> int:
    person = await uow.people.add(name, "household", commune_id=commune_id)
    await uow.households.add(village_id, name, person_id=person.id)
    identity = await uow.chats.identity("console", name, name)
    await uow.chats.bind(identity.id, person.id)
    return person.id


async def test_study_month_is_announced_once_on_10_august_to_communes_that_opted_in(
    app: App, clock: FakeClock
) -> None:
    demo = await ensure_demo(app.db)
    async with app.db.unit_of_work(clock()) as uow:
        village = demo.village_ids[0]
        one = await _household(uow, village, demo.commune_id, "hh-kl-1")
        two = await _household(uow, village, demo.commune_id, "hh-kl-2")
        province = await uow.places.ensure_province("Hà Giang")
        other = await uow.places.ensure_commune(province.id, "Đồng Văn", difficult_area=True)
        other_village = await uow.places.ensure_village(other.id, "Thôn Lũng Cẩm")
        await _household(uow, other_village.id, other.id, "hh-dv-1")
        await uow.schedules.set_announce_study_month(demo.commune_id, True)

    clock.now = datetime(2027, 8, 8, 12, 0, tzinfo=UTC)  # 19:00 on 8/8 in Hà Nội
    schedulers = [ReportScheduler(app.db, app.settings, clock) for _ in range(2)]
    counts = []
    for _ in range(4 * 6):  # every 3 hours until 11/8, two bot processes
        clock.advance(hours=3)
        for scheduler in schedulers:
            await scheduler.tick()
        counts.append(len(await _keys(app.db, "study-month:")))
    # Nothing before 10/8 07:00 in Hà Nội (00:00 UTC), then once to each household.
    assert counts[:11] == [0] * 11 and counts[11:] == [2] * 13
    assert await _keys(app.db, "study-month:") == [
        (f"study-month:2027:p{one}", one),
        (f"study-month:2027:p{two}", two),
    ]

    inbox = await _deliver(app)
    expected = (
        "📚 Xã Kim Liên: từ ngày 10/8 đến 10/9/2027 là Tháng khuyến học. Hội Khuyến học kính "
        "mời gia đình cùng học tập và tự đánh giá “Gia đình học tập”: gõ /menu để bắt đầu."
    )
    assert inbox.texts("hh-kl-1") == [expected]
    assert inbox.texts("hh-kl-2") == [expected]
    assert inbox.texts("hh-dv-1") == []


def test_units_announce_opts_a_commune_in_and_out(
    cli: Cli, database_url: str, tmp_path: object
) -> None:
    from pathlib import Path

    units = Path(str(tmp_path)) / "units.csv"
    units.write_text("Tỉnh,Xã,Thôn\nNghệ An,Xã Kim Liên,Thôn Sen 1\n", encoding="utf-8")
    assert cli("units", "import", str(units))[0] == 0

    async def flag() -> bool:
        db = Database(database_url)
        try:
            async with db.session() as s:
                return bool((await s.execute(select(CommuneRow.announce_study_month))).scalar())
        finally:
            await db.dispose()

    assert asyncio.run(flag()) is False
    code, out, _ = cli("units", "announce", "--commune", "kim lien", "on")
    assert code == 0 and "Xã Kim Liên (Nghệ An): study-promotion month announced" in out
    assert asyncio.run(flag()) is True
    code, out, _ = cli("units", "announce", "--commune", "Kim Liên", "off")
    assert code == 0 and "not announced" in out
    assert asyncio.run(flag()) is False
    code, _, err = cli("units", "announce", "--commune", "Kim Lien Moi", "on")
    assert code == 1 and "Kim Lien Moi" in err
