"""A household deletes its data (/xoa): afterwards no column of any table holds its name, phone
number, free-text answers, photo ids or the name its chat app shows; its anonymous counts stay.
On SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select, update

from bot.bootstrap import App
from bot.demo import ensure_demo
from bot.inbound import Inbound, InboundKind
from bot.photos import PhotoFetcher
from storage.db import Database, downgrade, upgrade
from storage.media import PhotoFiles
from storage.tables import (
    AssessmentLogRow,
    AssessmentRow,
    ChannelIdentityRow,
    EvidenceRow,
    HouseholdRow,
    OutboxRow,
    PersonRow,
    StoredPhotoRow,
)
from storage.uow import UnitOfWork
from tests.conftest import FakeClock
from tests.integration.test_outbox import FakeChannel, Inbox
from tests.support.answers import FULL_ANSWERS
from tests.support.chat import Chat
from tests.support.scan import column_count, find_anywhere

NAME = "Hà Thị Xuyến Chi"  # typed when joining
HEAD_ANSWER = "Hà Văn Khải Hoàn"  # the free-text answer to "Họ và tên chủ hộ?"
PHONE = "0987654321"
PHOTO = "AgACAgIAAxkBAAIXuyenChiPhoto77"
DISPLAY = "Chi Xuyen Zalo"  # the name the person's chat app shows
SECRETS = (NAME, HEAD_ANSWER, PHONE, PHOTO, DISPLAY)
# Answers for a household with 4 members, 2 school-age children, all "yes" / first option.


class AppChat(Chat):
    """Someone whose chat app shows a name of its own (Telegram's first name, Zalo's)."""

    def __init__(self, app: App, user: str, display_name: str) -> None:
        super().__init__(app, user)
        self.display_name = display_name

    async def send(self, kind: InboundKind, text: str = "", **extra: str) -> str:
        inbound = Inbound(
            self.channel,
            self.user,
            self.user,
            kind,
            text=text,
            display_name=self.display_name,
            **extra,
        )
        self.last_replies = await self.app.service.handle(inbound)
        shown = "\n\n".join(r.text for r in self.last_replies if not r.replaces_prompt)
        self.seen.append(shown)
        return shown


async def _join(app: App, code: str, user: str, name: str) -> AppChat:
    household = AppChat(app, user, DISPLAY)
    assert "đồng ý" in (await household.say(f"/start {code}")).lower()
    assert "họ và tên chủ hộ" in await household.choose("Đồng ý")
    await household.say(name)
    assert f"đã đăng ký hộ {name}" in await household.choose("Đúng")
    return household


async def _deliver(app: App, clock: FakeClock) -> list[str]:
    """The outbox worker sends what is due (every person here uses the terminal chat)."""
    inbox = Inbox()
    worker = app.outbox_worker({"console": FakeChannel(inbox, "console", has_buttons=False)})
    await worker.run_until_idle()
    return [reply.text for _, _, reply in inbox.received]


async def _count(app: App, table: type) -> int:
    async with app.db.session() as session:
        return int(await session.scalar(select(func.count()).select_from(table)) or 0)


async def test_deleting_a_household_leaves_no_personal_data_in_any_table(
    app: App, clock: FakeClock, tmp_path: Path
) -> None:
    # The photo store: the evidence photos' copies, deleted with the rows.
    photos = app.db.photos = PhotoFiles(tmp_path / "evidence")
    demo = await ensure_demo(app.db)
    app.service.push_channels = frozenset({"console"})  # notices go through the outbox
    collaborator = Chat(app, "col-1")
    await collaborator.say(f"/start {demo.invites['collaborator'].code}")
    await collaborator.say("Lê Văn Tâm")
    assert "tham gia thành công" in await collaborator.say("bo qua")

    household = await _join(app, demo.invites["household"].code, "hh-1", NAME)
    # No chat screen asks a household for its number yet; an import or a later one may.
    async with app.db.session() as session:
        await session.execute(update(HouseholdRow).values(phone=PHONE))
        await session.execute(update(PersonRow).where(PersonRow.name == NAME).values(phone=PHONE))

    photo_sent = False
    for answer in FULL_ANSWERS:
        if not photo_sent and "Có thể gửi ảnh minh chứng" in household.seen[-1]:
            assert "ảnh" in await household.send("photo", file_ref=PHOTO)
            photo_sent = True
        shown = await household.say(answer)
    assert photo_sent and "xem lại" in shown
    # The head of household's name, corrected from the review: a free-text answer.
    assert "Họ và tên chủ hộ?" in await household.say("1")
    assert HEAD_ANSWER in await household.say(HEAD_ANSWER)
    assert "Tổng: 100/100 điểm" in await household.say("gui")
    delivered = await _deliver(app, clock)
    assert any(NAME in text or HEAD_ANSWER in text for text in delivered)  # "vừa gửi phiếu"

    # The collaborator returns it with a comment naming the family and its number.
    await collaborator.say("/start")
    await collaborator.choose("Phiếu chờ xác nhận")
    await collaborator.choose("Hà ")
    await collaborator.choose("Trả lại")
    await collaborator.say(f"Nhờ chị Xuyến Chi gọi {PHONE} bổ sung ảnh")
    # The household sends it again; its notice to the collaborators is still queued.
    menu = await household.say("/start")
    assert "1. " in menu and "sửa" in menu.split("1. ")[1].splitlines()[0].lower()
    await household.say("1")  # the returned form
    assert "Tổng: 100/100 điểm" in await household.say("gửi")
    # The collaborator is looking at the list with the household's name on it.
    await collaborator.say("/start")
    assert "Hà " in await collaborator.choose("Phiếu chờ xác nhận")

    async def download(ref: str) -> bytes:
        return b"\xff\xd8\xff" + ref.encode()

    assert await PhotoFetcher(app.db, {"console": download}, clock).run_once() == 1
    assert len(photos.names()) == 1 and await _count(app, StoredPhotoRow) == 1

    found = await find_anywhere(app.db, SECRETS)
    assert {table for table, _, _ in found} >= {
        "households",
        "people",
        "assessments",
        "assessment_log",
        "evidence",
        "outbox",
        "chat_states",
    }  # the scan finds every kind of copy before the deletion
    outbox_rows = await _count(app, OutboxRow)
    log_rows = await _count(app, AssessmentLogRow)

    assert "chắc chắn muốn xóa" in await household.say("/xoa")
    assert "đã xóa dữ liệu" in await household.choose("Xóa dữ liệu")
    # The next message (with the chat app's name again) stores nothing about the person.
    assert "chưa được mời" in await household.say("xin chào")

    assert await column_count(app.db) > 100  # every column of every table was searched
    assert await find_anywhere(app.db, SECRETS) == []
    # The photo store holds no copy any more, and no row names one.
    assert photos.names() == set() and list(photos.directory.iterdir()) == []
    assert await _count(app, StoredPhotoRow) == 0

    # What stays is anonymous: the household counted in its village, its scored and submitted
    # assessment with the choices and numbers, the history of status changes, the pushes.
    async with app.db.session() as session:
        [row] = (await session.scalars(select(HouseholdRow))).all()
        assert row.deleted_at is not None and row.village_id == demo.village_ids[0]
        [assessment] = (await session.scalars(select(AssessmentRow))).all()
        assert (assessment.status, assessment.total, assessment.passed) == ("submitted", 100, True)
        assert assessment.answers["members"] == 4 and assessment.answers["children"] == 2
        statuses = await session.scalars(
            select(AssessmentLogRow.new)
            .where(AssessmentLogRow.action == "status")
            .order_by(AssessmentLogRow.id)
        )
        assert list(statuses) == ["draft", "submitted", "returned", "draft", "submitted"]
        assert await session.scalar(select(func.count()).select_from(EvidenceRow)) == 0
        identity = await session.scalar(
            select(ChannelIdentityRow).where(ChannelIdentityRow.external_id == "hh-1")
        )
        assert identity is not None and identity.person_id is None
        pending = await session.scalar(
            select(func.count()).where(OutboxRow.status == "pending").select_from(OutboxRow)
        )
    assert await _count(app, OutboxRow) == outbox_rows
    assert await _count(app, AssessmentLogRow) == log_rows + 1  # "deleted", with no value
    # The notices naming the household that were still queued are not sent any more.
    assert pending == 0
    assert await _deliver(app, clock) == []
    # The collaborator's list that showed the household's name is gone: the menu instead.
    menu = await collaborator.say("1")
    assert "Vui lòng chọn" in menu and "Hà " not in menu
    # Nameless, the form cannot be verified: it is counted but leaves the verification list.
    assert "Phiếu chờ xác nhận (0)" in menu or "Phiếu chờ xác nhận" not in menu


async def test_deleting_a_merged_household_deletes_its_duplicate_too(app: App) -> None:
    demo = await ensure_demo(app.db)
    code = demo.invites["household"].code
    await _join(app, code, "hh-a", NAME)
    duplicate = await _join(app, code, "hh-b", "ha thi xuyen chi")  # the same family again
    collaborator = Chat(app, "local")  # the demo collaborator
    await collaborator.say("/start")
    await collaborator.choose("Hộ có thể bị trùng")
    assert "đã gộp" in await collaborator.choose(NAME)

    await duplicate.say("/xoa")
    assert "đã xóa dữ liệu" in await duplicate.choose("Xóa dữ liệu")

    assert await find_anywhere(app.db, SECRETS) == []
    async with app.db.session() as session:
        rows = (await session.scalars(select(HouseholdRow).order_by(HouseholdRow.id))).all()
    assert [r.deleted_at is not None for r in rows] == [True, True]
    assert rows[1].merged_into == rows[0].id


async def test_deleting_while_joining_forgets_the_name_typed_in(app: App) -> None:
    demo = await ensure_demo(app.db)
    person = AppChat(app, "hh-c", DISPLAY)
    await person.say(f"/start {demo.invites['household'].code}")
    await person.choose("Đồng ý")
    assert "Thôn Hoàng Trù" in await person.say(NAME)  # the village is asked next
    assert await find_anywhere(app.db, [NAME])  # held by the chat's screen meanwhile

    assert "chưa lưu thông tin nào" in await person.say("/xoa")

    assert await find_anywhere(app.db, SECRETS) == []
    assert "chưa được mời" in await person.say("1")  # joining starts again from the code


async def test_migration_0005_forgets_what_earlier_deletions_left_behind(
    database_url: str, clock: FakeClock
) -> None:
    """A household deleted before this fix still had its photo ids, a comment naming it, the
    pushes to its account, and every chat kept the chat app's name: 0005 removes them."""
    downgrade(database_url, "0004")
    db = Database(database_url)
    try:
        async with db.session() as session:
            uow = UnitOfWork(session, clock())
            province = await uow.places.ensure_province("Tỉnh Nghệ An")
            commune = await uow.places.ensure_commune(
                province.id, "Xã Kim Liên", difficult_area=False
            )
            village = await uow.places.ensure_village(commune.id, "Thôn Sen 1")
            person = await uow.people.add("", "household", commune_id=commune.id)
            household = await uow.households.register(village.id, "", person.id)
            assessment = await uow.assessments.add(
                title="household",
                subject_kind="household",
                subject_id=household.id,
                commune_id=commune.id,
                village_id=village.id,
                year=2026,
                pack_id="gdht-448",
                pack_version="2015.1",
                session={"answers": {}, "evidence": {"school_results": [PHOTO]}},
                created_by=person.id,
            )
            # Written as the schema of 0004 held it (today's add_evidence also fills the
            # photo store of 0007).
            session.add(
                EvidenceRow(
                    assessment_id=assessment.id,
                    question="school_results",
                    channel="telegram",
                    file_ref=PHOTO,
                    created_at=clock(),
                )
            )
            await uow.assessments.set_status(
                assessment.id, "returned", actor_id=None, note=f"Gọi {PHONE}", comment=PHONE
            )
            await UnitOfWork(session, clock()).outbox.enqueue(
                key="notice:1",
                kind="notice",
                person_id=person.id,
                commune_id=None,
                payload={"channel": "telegram", "chat_id": "9001", "text": f"Hộ {NAME}"},
            )
            session.add(
                ChannelIdentityRow(
                    channel="telegram",
                    external_id="9001",
                    chat_id="9001",
                    display_name=DISPLAY,
                    created_at=clock(),
                )
            )
            await session.execute(
                update(HouseholdRow).values(deleted_at=clock())  # deleted by the old /xoa
            )
        assert await find_anywhere(db, SECRETS)
    finally:
        await db.dispose()

    upgrade(database_url)

    db = Database(database_url)
    try:
        assert await find_anywhere(db, SECRETS) == []
        async with db.session() as session:
            [push] = (await session.scalars(select(OutboxRow))).all()
            assert push.status == "cancelled"
            [row] = (await session.scalars(select(AssessmentRow))).all()
            assert row.status == "returned" and "evidence" not in row.session
    finally:
        await db.dispose()


async def test_notices_queued_before_they_named_their_household_are_found_by_the_name(
    app: App, clock: FakeClock
) -> None:
    demo = await ensure_demo(app.db)
    household = await _join(app, demo.invites["household"].code, "hh-d", NAME)
    async with app.db.session() as session:
        for key, text in (("old", f"Hộ {NAME} vừa gửi phiếu"), ("other", "Hộ Hà Thị Xuyến Chiến")):
            await UnitOfWork(session, clock()).outbox.enqueue(
                key=key,
                kind="notice",
                person_id=demo.collaborator_id,
                commune_id=None,
                payload={"channel": "telegram", "chat_id": "1", "text": text},
            )
    await household.say("/xoa")
    await household.choose("Xóa dữ liệu")

    found = await find_anywhere(app.db, SECRETS)
    assert [(table, "Chiến" in value) for table, _, value in found] == [("outbox", True)]
    async with app.db.session() as session:
        rows = {r.key: r for r in await session.scalars(select(OutboxRow))}
    assert "text" not in rows["old"].payload
    assert rows["old"].status == "cancelled"
    # Another household whose name only starts the same way is left alone.
    assert rows["other"].status == "pending"
    assert rows["other"].payload["text"] == "Hộ Hà Thị Xuyến Chiến"
