"""The outbox on SQLite and PostgreSQL: queued once, delivered once by two workers sharing the
database, a crash between send and commit, retry_after honoured, blocked chats, channel
fallback, pushes split into parts resumed after the last one confirmed."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from bot.bootstrap import App
from bot.outbox.delivery import RetryLater, Unreachable
from bot.outbox.scheduler import ReportScheduler
from bot.outbox.worker import OutboxWorker
from bot.rendering import Reply
from bot.reports.service import Reports
from storage.db import Database
from storage.outbox import OutboxItem
from storage.tables import ChannelIdentityRow, OutboxRow
from storage.uow import UnitOfWork
from tests.conftest import FakeClock
from tests.integration.test_reports_fixtures import NOW, Seeded, seed
from tests.support.outbox import Outbox


class SimulatedCrash(BaseException):
    """The process dies: not an Exception, so nothing in the worker catches it."""


@dataclass
class Inbox:
    """What reached people, across every channel object (one real Telegram, say)."""

    received: list[tuple[str, str, Reply]] = field(default_factory=list)

    def texts(self, chat_id: str) -> list[str]:
        return [r.text for _, chat, r in self.received if chat == chat_id]


class FakeChannel:
    def __init__(
        self,
        inbox: Inbox,
        name: str = "telegram",
        *,
        has_buttons: bool = True,
        script: Sequence[BaseException | None] = (),
        crash_after_send: int | None = None,
        delay: float = 0.0,
        started: asyncio.Event | None = None,
    ) -> None:
        self.inbox = inbox
        self.name = name
        self.has_buttons = has_buttons
        # One entry per send call: an exception to raise instead of sending, or None.
        self.script = list(script)
        self.crash_after_send = crash_after_send
        self.delay = delay
        self.started = started
        self.sends = 0

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        if self.started is not None:
            self.started.set()
        # Let the other worker run in between, as a network call would.
        await asyncio.sleep(self.delay)
        if self.script:
            error = self.script.pop(0)
            if error is not None:
                raise error
        self.inbox.received.extend((self.name, chat_id, r) for r in replies)
        self.sends += 1
        if self.crash_after_send is not None and self.sends == self.crash_after_send:
            raise SimulatedCrash  # delivered, but the process dies before recording it


async def _text_render(item: OutboxItem, lang: str, channel: object) -> list[Reply]:
    return [Reply(f"push {item.key} ({lang})")]


async def _two_part_render(item: OutboxItem, lang: str, channel: object) -> list[Reply]:
    return [Reply(f"text {item.key}"), Reply(f"chart {item.key}", photo=b"\x89PNG")]


def _worker(
    db: Database,
    channels: dict[str, FakeChannel],
    clock: FakeClock,
    render: object = _text_render,
    **kwargs: object,
) -> OutboxWorker:
    return OutboxWorker(db, channels, render, clock=clock, **kwargs)  # type: ignore[arg-type]


async def _add_chairs(db: Database, seeded: Seeded, count: int) -> list[str]:
    """More chairs of the seeded commune, each with a Telegram chat; their chat ids."""
    chats = []
    async with db.session() as s:
        uow = UnitOfWork(s, NOW)
        for i in range(count):
            person = await uow.people.add(
                f"Phó Chủ tịch {i}", "chair", commune_id=seeded.commune_id
            )
            identity = await uow.chats.identity("telegram", f"60{i:02d}", f"60{i:02d}")
            await uow.chats.bind(identity.id, person.id)
            chats.append(f"60{i:02d}")
    return chats


async def _statuses(db: Database) -> dict[str, str]:
    async with db.session() as s:
        rows = await s.execute(select(OutboxRow.key, OutboxRow.status))
        return {str(k): str(v) for k, v in rows.all()}


async def test_enqueue_is_idempotent(db: Database) -> None:
    seeded = await seed(db)
    async with db.session() as s:
        first = await UnitOfWork(s, NOW).outbox.enqueue(
            key="k1",
            kind="digest",
            person_id=seeded.chair_id,
            commune_id=None,
            payload={},
        )
        again = await UnitOfWork(s, NOW).outbox.enqueue(
            key="k1",
            kind="digest",
            person_id=seeded.chair_id,
            commune_id=None,
            payload={},
        )
    assert first is not None and again is None
    assert await _statuses(db) == {"k1": "pending"}


async def test_two_schedulers_queue_each_digest_once(
    app: App, database_url: str, clock: FakeClock
) -> None:
    seeded = await seed(app.db)
    await _add_chairs(app.db, seeded, 3)
    clock.advance(hours=22)  # Monday 23/11/2026 07:00 in Hà Nội: the weekly digest is due
    other_db = Database(database_url)
    try:
        first = ReportScheduler(app.db, app.settings, clock)
        second = ReportScheduler(other_db, app.settings, clock)
        counts = await asyncio.gather(first.tick(), second.tick(), first.tick())
    finally:
        await other_db.dispose()
    statuses = await _statuses(app.db)
    digests = sorted(k for k in statuses if k.startswith("digest:"))
    # 4 chairs of Kim Liên and the chair of Đồng Văn, once each; Lan's idle draft, once.
    assert sum(counts) == len(statuses) == 6
    assert len(digests) == 5
    assert digests[0].startswith("digest:week:2026-11-23:c")
    # A restart: the same minute, nothing new.
    assert await ReportScheduler(app.db, app.settings, clock).tick() == 0


async def test_two_workers_and_a_crash_deliver_each_digest_exactly_once(
    app: App, database_url: str, clock: FakeClock
) -> None:
    seeded = await seed(app.db)
    chats = await _add_chairs(app.db, seeded, 6)
    clock.advance(hours=22)
    # Digests only (no idle-draft reminder), so that A's second push is surely a message.
    quiet = app.settings.model_copy(update={"draft_idle_days": 1000})
    await ReportScheduler(app.db, quiet, clock).tick()
    assert len(await _statuses(app.db)) == 8

    inbox = Inbox()
    settings = app.settings.model_copy(update={"report_chart_channels": []})
    render = Reports(app.db, app.packs, app.translator, settings, clock).render
    # Two bot processes: two engines on the same database, one Telegram.
    db_a, db_b = Database(database_url), Database(database_url)
    try:
        # A dies right after its message went out (a slow network call), before recording it;
        # B works through the rest meanwhile. (B starts once A is sending: on SQLite a fresh
        # worker could otherwise take every row before A's first claim.)
        sending = asyncio.Event()
        crashing = FakeChannel(inbox, crash_after_send=1, delay=0.05, started=sending)
        worker_a = _worker(
            db_a, {"telegram": crashing}, clock, render, worker_id="a", concurrency=1
        )
        worker_b = _worker(
            db_b, {"telegram": FakeChannel(inbox)}, clock, render, worker_id="b", concurrency=2
        )

        async def run_b() -> int:
            await sending.wait()
            return await worker_b.run_until_idle()

        results = await asyncio.gather(worker_a.run_until_idle(), run_b(), return_exceptions=True)
        assert isinstance(results[0], SimulatedCrash)

        # The crashed push is still 'sending' under A's lease: nobody may take it meanwhile.
        statuses = await _statuses(app.db)
        assert list(statuses.values()).count("sending") == 1
        assert await worker_b.run_until_idle() == 0

        # A restarts after its lease ran out: the push in doubt is reported, not sent again.
        clock.advance(minutes=16)
        restarted = _worker(Database(database_url), {"telegram": FakeChannel(inbox)}, clock, render)
        try:
            assert await restarted.run_until_idle() == 0
        finally:
            await restarted.outbox.db.dispose()
    finally:
        await db_a.dispose()
        await db_b.dispose()

    for chat in ["5001", "5002", *chats]:
        digests = [t for t in inbox.texts(chat) if t.startswith("📊")]
        assert len(digests) == 1, (chat, inbox.texts(chat))
    statuses = await _statuses(app.db)
    assert sorted(statuses.values()) == ["failed"] + ["sent"] * 7
    [failed] = await Outbox(app.db).list(status="failed")
    assert failed.last_error is not None and "delivery unknown" in failed.last_error


async def test_a_crash_before_sending_is_sent_again_and_one_in_doubt_is_reported(
    app: App, clock: FakeClock
) -> None:
    seeded = await seed(app.db)
    async with app.db.session() as s:
        for key in ("before", "during"):
            await UnitOfWork(s, NOW).outbox.enqueue(
                key=key,
                kind="digest",
                person_id=seeded.chair_id,
                commune_id=None,
                payload={},
            )
    inbox = Inbox()
    outbox = Outbox(app.db)
    # Worker "dead" claims both, names the chat of "during" (it was about to send), dies.
    owner, claimed = await outbox.claim(NOW, timedelta(minutes=15), 2, "dead")
    during = next(i for i in claimed if i.key == "during")
    assert await outbox.start(during.id, owner, "telegram", "5001", NOW)
    clock.advance(minutes=16)
    worker = _worker(app.db, {"telegram": FakeChannel(inbox)}, clock)
    assert await worker.run_until_idle() == 1
    items = {i.key: i for i in await outbox.list()}
    # Nothing of "before" had gone out: sent now, once.
    assert items["before"].status == "sent" and items["before"].attempts == 1
    # "during" may have reached the chair: reported, not resent.
    assert items["during"].status == "failed"
    assert "delivery unknown" in (items["during"].last_error or "")
    assert inbox.texts("5001") == ["push before (vi)"]
    # The administrator checked with the chair: resend it.
    assert await outbox.requeue([items["during"].id], clock()) == 1
    assert await worker.run_until_idle() == 1
    assert inbox.texts("5001") == ["push before (vi)", "push during (vi)"]


async def test_retry_after_is_honoured_then_backoff_then_give_up(
    app: App, clock: FakeClock
) -> None:
    seeded = await seed(app.db)
    async with app.db.session() as s:
        for key in ("a", "b"):
            await UnitOfWork(s, NOW).outbox.enqueue(
                key=key,
                kind="digest",
                person_id=seeded.chair_id,
                commune_id=None,
                payload={},
            )
    inbox = Inbox()
    channel = FakeChannel(
        inbox,
        script=[
            RetryLater("429 Too Many Requests", retry_after=30),  # a
            None,  # b goes out
            RetryLater("502 Bad Gateway"),  # a again: no retry_after, so backoff
        ],
    )
    worker = _worker(
        app.db, {"telegram": channel}, clock, concurrency=1, max_attempts=3, backoff=10
    )
    assert await worker.run_until_idle() == 2
    outbox = Outbox(app.db)
    items = {i.key: i for i in await outbox.list()}
    assert items["a"].status == "pending" and items["a"].attempts == 1
    assert items["a"].next_attempt_at == clock() + timedelta(seconds=30)
    assert items["a"].last_error == "429 Too Many Requests"
    assert items["b"].status == "sent"

    clock.advance(seconds=29)
    assert await worker.run_until_idle() == 0  # not before retry_after
    clock.advance(seconds=1)
    assert await worker.run_until_idle() == 1
    a = (await outbox.list(status="pending"))[0]
    assert a.attempts == 2 and a.next_attempt_at == clock() + timedelta(seconds=20)  # 10 * 2

    channel.script = [RetryLater("502 Bad Gateway")]
    clock.advance(seconds=20)
    assert await worker.run_until_idle() == 1
    [gave_up] = await outbox.list(status="failed")
    assert gave_up.key == "a" and gave_up.attempts == 3
    assert inbox.texts("5001") == ["push b (vi)"]


async def test_blocked_chat_is_unreachable_or_falls_back_to_another_channel(
    app: App, clock: FakeClock
) -> None:
    seeded = await seed(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, NOW)
        zalo = await uow.chats.identity("zalo", "zz01", "zz01")
        await uow.chats.bind(zalo.id, seeded.chair_id)
        for key, person in (("chair", seeded.chair_id), ("other", seeded.other_chair_id)):
            await uow.outbox.enqueue(
                key=key, kind="digest", person_id=person, commune_id=None, payload={}
            )
        await uow.outbox.enqueue(
            key="nobody",
            kind="digest",
            person_id=seeded.collaborator_ids["lan"],
            commune_id=None,
            payload={},
        )
    inbox = Inbox()
    blocked = Unreachable("Forbidden: bot was blocked by the user")
    telegram = FakeChannel(inbox, script=[blocked, blocked])
    zalo_channel = FakeChannel(inbox, "zalo", has_buttons=False)
    worker = _worker(app.db, {"telegram": telegram, "zalo": zalo_channel}, clock, concurrency=1)
    await worker.run_until_idle()

    items = {i.key: i for i in await Outbox(app.db).list()}
    # Chair of Kim Liên blocked the bot on Telegram: the digest went to Zalo instead.
    assert items["chair"].status == "sent" and items["chair"].channel == "zalo"
    assert inbox.texts("zz01") == ["push chair (vi)"]
    # Chair of Đồng Văn has only Telegram: unreachable, not retried forever.
    assert items["other"].status == "unreachable"
    assert "blocked" in (items["other"].last_error or "")
    # Lan has no chat at all.
    assert items["nobody"].status == "unreachable"
    async with app.db.session() as s:
        flagged = await s.scalars(
            select(ChannelIdentityRow.chat_id).where(ChannelIdentityRow.unreachable.is_(True))
        )
        assert sorted(flagged) == ["5001", "5002"]


async def test_a_push_in_parts_resumes_after_the_last_confirmed_part(
    app: App, clock: FakeClock
) -> None:
    seeded = await seed(app.db)
    async with app.db.session() as s:
        await UnitOfWork(s, NOW).outbox.enqueue(
            key="d",
            kind="digest",
            person_id=seeded.chair_id,
            commune_id=None,
            payload={},
        )
    inbox = Inbox()
    # The text goes out, the chart hits a 429.
    channel = FakeChannel(inbox, script=[None, RetryLater("429", retry_after=5)])
    worker = _worker(app.db, {"telegram": channel}, clock, render=_two_part_render)
    await worker.run_until_idle()
    [item] = await Outbox(app.db).list()
    assert item.status == "pending" and item.parts_sent == 1
    clock.advance(seconds=5)
    await worker.run_until_idle()
    assert inbox.texts("5001") == ["text d", "chart d"]
    assert (await Outbox(app.db).list())[0].status == "sent"


async def test_graceful_stop_leaves_nothing_in_doubt(app: App, clock: FakeClock) -> None:
    seeded = await seed(app.db)
    async with app.db.session() as s:
        for i in range(3):
            await UnitOfWork(s, NOW).outbox.enqueue(
                key=f"k{i}",
                kind="digest",
                person_id=seeded.chair_id,
                commune_id=None,
                payload={},
            )
    stop = asyncio.Event()
    inbox = Inbox()

    class Stopping(FakeChannel):
        async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
            await super().send(chat_id, replies)
            stop.set()  # SIGTERM arrives while the first message is in flight

    worker = _worker(app.db, {"telegram": Stopping(inbox)}, clock, concurrency=1)
    await asyncio.wait_for(worker.run(stop, poll_seconds=0.01), timeout=10)
    statuses = await _statuses(app.db)
    assert sorted(statuses.values()) == ["pending", "pending", "sent"]


@pytest.mark.parametrize("days", [2, 3, 9])
async def test_idle_draft_reminders_at_most_twice(app: App, clock: FakeClock, days: int) -> None:
    """Lan's draft (Đặng Văn Tám) has been idle 20 days: a reminder on the first day, another
    three days later, and never a third."""
    seeded = await seed(app.db)
    scheduler = ReportScheduler(app.db, app.settings, clock)
    clock.advance(hours=22)  # Monday 07:00
    await scheduler.tick()
    for _ in range(days):
        clock.advance(days=1)
        await scheduler.tick()
        await ReportScheduler(app.db, app.settings, clock).tick()  # a second process
    reminders = [k for k in await _statuses(app.db) if k.startswith("draft-idle:")]
    expected = ["draft-idle:2026-11-23"] + (["draft-idle:2026-11-26"] if days >= 3 else [])
    assert sorted(k.split(":p")[0] for k in reminders) == expected
    assert all(k.endswith(f":p{seeded.collaborator_ids['lan']}") for k in reminders)

    # Reminders go out through the outbox, written for the collaborator.
    inbox = Inbox()
    async with app.db.session() as s:
        uow = UnitOfWork(s, NOW)
        identity = await uow.chats.identity("telegram", "7001", "7001")
        await uow.chats.bind(identity.id, seeded.collaborator_ids["lan"])
    reports = Reports(
        app.db,
        app.packs,
        app.translator,
        app.settings.model_copy(update={"report_chart_channels": []}),
        clock,
    )
    worker = OutboxWorker(app.db, {"telegram": FakeChannel(inbox)}, reports.render, clock=clock)
    await worker.run_until_idle()
    texts = inbox.texts("7001")
    assert len(texts) == len(expected)
    assert texts[0].splitlines()[0] == (
        "✏️ Còn 1 phiếu đánh giá làm dở, chưa cập nhật từ 3 ngày trở lên:"
    )
    assert "• Hộ gia đình: Đặng Văn Tám (Thôn Hoàng Trù), sửa lần cuối 02/11/2026" in texts[0]


async def test_summary_reminders_in_the_two_weeks_before_15_november(app: App) -> None:
    """Chairs are reminded 14, 7 and 1 day before 15/11, each once, with the report button."""
    clock = FakeClock(NOW.replace(month=10, day=31, hour=23))  # 01/11 06:00 in Hà Nội
    await seed(app.db)
    scheduler = ReportScheduler(app.db, app.settings, clock)
    await scheduler.tick()
    assert not [k for k in await _statuses(app.db) if k.startswith("summary-due")]
    for _ in range(15 * 4):
        clock.advance(hours=6)
        await scheduler.tick()
    keys = sorted(k for k in await _statuses(app.db) if k.startswith("summary-due"))
    assert {k.split(":c")[0] for k in keys} == {
        "summary-due:2026:14",
        "summary-due:2026:7",
        "summary-due:2026:1",
    }
    assert len(keys) == 6  # two chairs
    async with app.db.session() as s:
        await s.execute(
            update(OutboxRow).where(OutboxRow.kind != "summary_due").values(status="sent")
        )

    inbox = Inbox()
    reports = app.reports
    worker = OutboxWorker(app.db, {"telegram": FakeChannel(inbox)}, reports.render, clock=clock)
    await worker.run_until_idle()
    first = next(r for _, chat, r in inbox.received if chat == "5001" and "còn 14 ngày" in r.text)
    assert first.text.startswith(
        "📅 Xin nhắc: báo cáo tổng hợp năm 2026 của Kim Liên cần gửi lên cấp trên trước ngày "
        "15/11/2026 (còn 14 ngày)."
    )
    assert first.buttons[0][0].data.startswith("x:s:")


async def test_service_notices_go_through_the_outbox_once_per_chat(
    app: App, clock: FakeClock
) -> None:
    """`queue_pushes` is the chat service's push sink: a notice queued in the service's
    transaction, twice by mistake, reaches each of the person's chats once."""
    from bot.notices import Push, queue_pushes
    from bot.rendering import Button

    seeded = await seed(app.db)
    reply = Reply("Dạ, phiếu của hộ Lê Văn Sáu đã được xác nhận.", ((Button("Xem", "m:x"),),))
    pushes = [
        Push(seeded.chair_id, "telegram", "5001", reply, "notice:verified:1"),
        Push(seeded.chair_id, "zalo", "zz01", reply, "notice:verified:1"),
    ]
    async with app.db.session() as s:
        uow = UnitOfWork(s, NOW)
        zalo = await uow.chats.identity("zalo", "zz01", "zz01")
        await uow.chats.bind(zalo.id, seeded.chair_id)
        await queue_pushes(uow, pushes)
        await queue_pushes(uow, pushes)
    inbox = Inbox()
    reports = app.reports
    channels = {
        "telegram": FakeChannel(inbox),
        "zalo": FakeChannel(inbox, "zalo", has_buttons=False),
    }
    worker = OutboxWorker(app.db, channels, reports.render, clock=clock)
    await worker.run_until_idle()
    sent = [(channel, chat, r.buttons) for channel, chat, r in inbox.received]
    assert sorted(sent) == [
        ("telegram", "5001", ((Button("Xem", "m:x"),),)),
        ("zalo", "zz01", ()),
    ]
    assert sorted((await _statuses(app.db)).values()) == ["sent", "sent"]


async def test_run_reports_queues_and_delivers_until_stopped(app: App, clock: FakeClock) -> None:
    """What bot.channels starts beside the channels: the scheduler and the worker together."""
    from bot.channels import run_reports

    await seed(app.db)
    clock.advance(hours=22)  # Monday 07:00
    app.settings.report_chart_channels = []
    app.settings.outbox_poll_seconds = 0.05
    inbox = Inbox()
    stop = asyncio.Event()
    worker = app.outbox_worker({"telegram": FakeChannel(inbox)})
    poll = app.settings.outbox_poll_seconds
    task = asyncio.create_task(run_reports(app.report_scheduler(), worker, stop, poll))
    for _ in range(200):
        if inbox.texts("5001") and inbox.texts("5002"):
            break
        await asyncio.sleep(0.05)
    stop.set()
    await asyncio.wait_for(task, timeout=10)
    assert [t.splitlines()[0] for t in inbox.texts("5001")] == ["📊 Báo cáo khuyến học — Kim Liên"]
    assert len(inbox.texts("5002")) == 1
