"""The chat service wired as in production: notices go to the outbox in the same transaction
as the change they announce, and the chair's /baocao and its buttons answer from the reports."""

from __future__ import annotations

from io import BytesIO

from openpyxl import load_workbook
from sqlalchemy import select

from bot.bootstrap import App, utc_now
from bot.demo import ensure_demo
from storage.tables import OutboxRow
from storage.uow import UnitOfWork
from tests.support.answers import FULL_ANSWERS
from tests.support.chat import Chat


async def _bind(app: App, channel: str, user: str, console_user: str = "local") -> None:
    """Give the demo collaborator (bound to the terminal) a Telegram account too."""
    async with app.db.session() as session:
        uow = UnitOfWork(session, utc_now())
        console = await uow.chats.identity("console", console_user, console_user)
        identity = await uow.chats.identity(channel, user, user)
        assert console.person_id is not None
        await uow.chats.bind(identity.id, console.person_id)


async def test_a_submission_queues_one_notice_for_the_collaborator(app: App) -> None:
    demo = await ensure_demo(app.db)
    await _bind(app, "telegram", "5550001")
    household = Chat(app, "7770001", channel="telegram")
    await household.say(f"/start {demo.invites['household'].code}")
    await household.choose("Đồng ý")
    await household.say("Hà Văn Sơn")
    await household.choose("Đúng")
    for answer in FULL_ANSWERS:
        await household.say(answer)
    await household.say("gửi")

    async with app.db.session() as session:
        rows = (await session.scalars(select(OutboxRow).where(OutboxRow.kind == "notice"))).all()
    # The demo collaborator on Telegram; nothing for the terminal, which nobody may be at.
    assert [(r.person_id, r.payload["channel"], r.payload["chat_id"]) for r in rows] == [
        (demo.collaborator_id, "telegram", "5550001")
    ]
    assert "Hà Văn Sơn" in rows[0].payload["text"] and rows[0].status == "pending"


async def test_the_chair_asks_for_a_report_and_gets_the_export(app: App) -> None:
    demo = await ensure_demo(app.db)
    chair = Chat(app, "8880001", channel="telegram")
    await chair.say(f"/start {demo.invites['chair'].code}")
    await chair.say("Phạm Văn Chủ")
    await chair.say("bỏ qua")
    report = await chair.say("/baocao")
    assert "📊 Báo cáo khuyến học — Xã Kim Liên" in report
    assert "Gia đình học tập" in report
    export = next(
        b.data
        for r in chair.last_replies
        for row in r.buttons
        for b in row
        if b.data.startswith("x:e:")
    )
    await chair.send("callback", data=export)
    documents = [r.document for r in chair.last_replies if r.document is not None]
    assert documents, chair.seen[-1]
    name, content = documents[0]
    assert name.endswith(".xlsx")
    assert load_workbook(BytesIO(content)).sheetnames

    # A collaborator may not ask for the commune's report.
    await _bind(app, "telegram", "5550002")
    refused = await Chat(app, "5550002", channel="telegram").say("/baocao")
    assert "Dạ, báo cáo chỉ dành cho Chủ tịch Hội Khuyến học xã" in refused
