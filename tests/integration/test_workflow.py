"""From a village QR code to a recognised title, through the real service and database:
a household joins and self-assesses, the collaborator returns it with a comment, the household
fixes and resubmits, the collaborator verifies, the chair proposes and records the decision."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.demo import ensure_demo
from bot.inbound import Inbound
from bot.notices import Push
from storage.tables import AssessmentLogRow, AssessmentRow, ChannelIdentityRow, HouseholdRow
from storage.uow import UnitOfWork
from tests.support.answers import FULL_ANSWERS
from tests.support.chat import Chat

# Answers for a household with 4 members, 2 school-age children, all "yes" / first option.


class Pushes:
    def __init__(self) -> None:
        self.sent: list[Push] = []

    async def __call__(self, uow: UnitOfWork, pushes: Sequence[Push]) -> None:
        self.sent.extend(pushes)

    def texts_to(self, chat_id: str) -> list[str]:
        return [p.reply.text for p in self.sent if p.chat_id == chat_id]


async def _status(app: App, assessment_id: int) -> AssessmentRow:
    async with app.db.session() as session:
        row = await session.get(AssessmentRow, assessment_id)
        assert row is not None
        session.expunge(row)
        return row


async def _join_household(app: App, code: str, user: str, name: str) -> Chat:
    household = Chat(app, user)
    assert "chưa được mời" in await household.say("xin chao")
    consent = await household.say(code.lower())  # typed in lower case on a phone
    assert "đồng ý" in consent.lower() and "xóa" in consent
    assert "họ và tên chủ hộ" in await household.choose("Đồng ý")
    assert "Thôn Hoàng Trù" in await household.say(name)
    first = await household.choose("Đúng")
    assert f"đã đăng ký hộ {name}" in first
    assert "Câu 1/" in first and "bao nhiêu người" in first
    return household


@pytest.fixture
async def pushes(app: App) -> Pushes:
    sink = Pushes()
    app.service.push_sink = sink
    app.service.push_channels = frozenset({"console"})  # these people all use the terminal
    return sink


async def test_household_to_recognised_title(app: App, pushes: Pushes) -> None:
    demo = await ensure_demo(app.db)
    codes = {role: invite.code for role, invite in demo.invites.items()}

    collaborator = Chat(app, "col-2")
    welcome = await collaborator.say(f"/start {codes['collaborator']}")
    assert "cộng tác viên" in welcome and "họ và tên" in welcome
    assert "số điện thoại" in await collaborator.say("Lê Văn Tâm")
    assert "số điện thoại chưa đúng" in await collaborator.say("12345")
    assert "Dạ, đã tham gia thành công" in await collaborator.say("0912 345 678")

    household = await _join_household(app, codes["household"], "hh-1", "Trần Thị Hoa")
    for answer in FULL_ANSWERS:
        shown = await household.say(answer)
    assert "xem lại" in shown
    result = await household.say("gui")
    assert "Tổng: 100/100 điểm" in result and "ĐẠT" in result
    # The collaborators of the village are told (the demo one and the one who just joined).
    assert any("Trần Thị Hoa" in t and "vừa gửi" in t for t in pushes.texts_to("col-2"))

    async with app.db.session() as session:
        row = await session.scalar(select(AssessmentRow))
        assert row is not None
        assessment_id = row.id
        assert row.status == "submitted" and row.total == 100 and row.passed is True
        assert row.answers["head_name"] == "Trần Thị Hoa"

    # The collaborator returns it with a comment.
    menu = await collaborator.say("/start")
    assert "Phiếu chờ xác nhận (1)" in menu
    listing = await collaborator.choose("Phiếu chờ xác nhận")
    assert "Hộ Trần Thị Hoa — Thôn Hoàng Trù — 100 điểm" in listing
    item = await collaborator.choose("Trần Thị Hoa")
    assert "Tiêu chí 1 – Học tập của trẻ em trong gia đình: 30/30 điểm" in item
    assert "ghi rõ cần sửa" in await collaborator.choose("Trả lại")
    assert "cần ghi chú" in await collaborator.say("ok")
    await collaborator.say("Thiếu ảnh góc học tập")
    assert (await _status(app, assessment_id)).status == "returned"
    assert any("Thiếu ảnh góc học tập" in t for t in pushes.texts_to("hh-1"))

    # The household fixes it and resubmits.
    menu = await household.say("/start")
    assert "Phiếu cần bổ sung, sửa lại" in menu
    fixing = await household.choose("Phiếu cần bổ sung")
    assert "Thiếu ảnh góc học tập" in fixing and "xem lại các câu trả lời" in fixing
    assert "Câu" in await household.say("12")  # change answer 12 (study corner)
    assert "xem lại" in await household.say("khong")
    result = await household.say("gửi")
    assert "Tổng: 90/100 điểm" in result
    assert (await _status(app, assessment_id)).status == "submitted"

    # The collaborator verifies.
    await collaborator.say("/start")
    await collaborator.choose("Phiếu chờ xác nhận")
    await collaborator.choose("Trần Thị Hoa")
    assert "đã xác nhận" in await collaborator.choose("Xác nhận")
    verified = await _status(app, assessment_id)
    assert verified.status == "verified" and verified.verified_by is not None
    assert any("đã được cộng tác viên xác nhận" in t for t in pushes.texts_to("hh-1"))

    # The chair proposes it and records the decision.
    chair = Chat(app, "chair-1")
    await chair.say(f"/start {codes['chair']}")
    await chair.say("Phạm Văn Chủ")
    menu = await chair.say("bo qua")
    assert "Đề nghị công nhận (1 phiếu đã xác nhận)" in menu
    await chair.choose("Đề nghị công nhận")
    await chair.choose("Trần Thị Hoa")
    assert "đã đưa vào danh sách đề nghị" in await chair.choose("Đề nghị công nhận")
    await chair.say("/start")
    assert "1 phiếu trong danh sách đề nghị" in await chair.choose("Ghi quyết định")
    assert "ngày ký" in await chair.say("15/QĐ-UBND")
    assert "ngày chưa đúng" in await chair.say("31/02/2026")
    assert "ngày chưa đúng" in await chair.say("01/01/2027")  # after today
    done = await chair.say("20/11/2026")
    assert "Quyết định số 15/QĐ-UBND ngày 20/11/2026 cho 1 phiếu" in done

    recognised = await _status(app, assessment_id)
    assert recognised.status == "recognised"
    assert recognised.decision_number == "15/QĐ-UBND"
    assert recognised.decision_date == date(2026, 11, 20)
    assert any("Chúc mừng" in t for t in pushes.texts_to("hh-1"))

    async with app.db.session() as session:
        log = (
            await session.scalars(
                select(AssessmentLogRow)
                .where(
                    AssessmentLogRow.assessment_id == assessment_id,
                    AssessmentLogRow.action == "status",
                )
                .order_by(AssessmentLogRow.id)
            )
        ).all()
    assert [entry.new for entry in log] == [
        "draft",
        "submitted",
        "returned",
        "draft",
        "submitted",
        "verified",
        "proposed",
        "recognised",
    ]
    assert log[2].note == "Thiếu ảnh góc học tập"
    assert all(entry.actor_id is not None for entry in log[1:])


async def test_household_may_not_verify_and_chair_may_not_assess(app: App, pushes: Pushes) -> None:
    demo = await ensure_demo(app.db)
    household = await _join_household(app, demo.invites["household"].code, "hh-2", "Ngô Văn Ba")
    menu = await household.say("lưu")  # save and leave: back to the household's menu
    assert "Làm tiếp phiếu tự đánh giá" in menu
    assert "Phiếu chờ xác nhận" not in menu and "Đánh giá dòng họ" not in menu
    # A forged tap on a collaborator's button is just an unclear choice for a household.
    forged = await app.service.handle(
        Inbound("console", "hh-2", "hh-2", "callback", data="o:999:verify")
    )
    assert "chưa rõ lựa chọn" in forged[0].text

    chair = Chat(app, "chair-2")
    await chair.say(f"/start {demo.invites['chair'].code}")
    await chair.say("Phạm Văn Chủ")
    menu = await chair.say("bo qua")
    assert "Đánh giá hộ gia đình" not in menu


async def test_likely_duplicate_is_offered_to_the_collaborator_to_merge(
    app: App, pushes: Pushes
) -> None:
    demo = await ensure_demo(app.db)
    code = demo.invites["household"].code
    await _join_household(app, code, "hh-3", "Đỗ Văn Hùng")
    await _join_household(app, code, "hh-4", "do van hung")  # the same family, no diacritics
    assert any("có thể trùng" in p.reply.text for p in pushes.sent)

    collaborator = Chat(app, "local")  # the demo collaborator
    await collaborator.say("/start")
    listing = await collaborator.choose("Hộ có thể bị trùng")
    assert "Đỗ Văn Hùng — Thôn Hoàng Trù (2 hộ)" in listing
    assert "đã gộp" in await collaborator.choose("Đỗ Văn Hùng")
    async with app.db.session() as session:
        rows = (await session.scalars(select(HouseholdRow).order_by(HouseholdRow.id))).all()
    assert rows[0].merged_into is None and rows[1].merged_into == rows[0].id


async def test_household_sees_and_deletes_its_data(app: App, pushes: Pushes) -> None:
    demo = await ensure_demo(app.db)
    household = await _join_household(app, demo.invites["household"].code, "hh-5", "Vũ Thị Mai")
    for answer in FULL_ANSWERS:
        await household.say(answer)
    await household.say("gui")

    data = await household.say("/dulieu")
    assert "Chủ hộ: Vũ Thị Mai" in data and "Thôn Hoàng Trù" in data
    assert "chắc chắn muốn xóa" in await household.say("/xoa")
    assert "đã xóa dữ liệu" in await household.choose("Xóa dữ liệu")
    assert "chưa được mời" in await household.say("/start")

    async with app.db.session() as session:
        row = await session.scalar(select(HouseholdRow))
        assert row is not None and row.head_name == "" and row.deleted_at is not None
        assessment = await session.scalar(select(AssessmentRow))
        assert assessment is not None
        # The anonymous result stays for the commune's statistics; the name does not.
        assert assessment.status == "submitted" and assessment.total == 100
        assert "head_name" not in assessment.answers
        assert "Vũ Thị Mai" not in str(assessment.session)
        logged = (await session.scalars(select(AssessmentLogRow))).all()
        assert all("Vũ Thị Mai" not in str((e.old, e.new)) for e in logged)
        identity = await session.scalar(
            select(ChannelIdentityRow).where(ChannelIdentityRow.external_id == "hh-5")
        )
        assert identity is not None and identity.person_id is None


async def test_declining_consent_stores_nothing(app: App, pushes: Pushes) -> None:
    demo = await ensure_demo(app.db)
    household = Chat(app, "hh-6")
    await household.say(demo.invites["household"].code)
    assert "Chưa có thông tin nào được lưu" in await household.choose("Không đồng ý")
    async with app.db.session() as session:
        assert await session.scalar(select(HouseholdRow)) is None


async def test_revoked_and_used_up_invites_are_refused(app: App, pushes: Pushes) -> None:
    demo = await ensure_demo(app.db)
    async with app.db.session() as session:
        uow = UnitOfWork(session, app.service.clock())
        personal = await uow.invites.add("collaborator", demo.commune_id, max_uses=1)
        revoked = await uow.invites.add("collaborator", demo.commune_id)
        await uow.invites.revoke(revoked.code)
    first = Chat(app, "c-1")
    await first.say(f"/start {personal.code}")
    await first.say("Người Thứ Nhất")
    assert "tham gia thành công" in await first.say("bo qua")
    second = Chat(app, "c-2")
    assert "không còn dùng được" in await second.say(f"/start {personal.code}")
    assert "không còn dùng được" in await Chat(app, "c-3").say(f"/start {revoked.code}")
