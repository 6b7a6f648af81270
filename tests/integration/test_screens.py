"""Commands on every screen, the result's next step for each role, years shown as years and the
Vietnamese people read, through the terminal chat on the real service (SQLite, and PostgreSQL
when TEST_DATABASE_URL is set)."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from sqlalchemy import select

from bot.bootstrap import App
from bot.demo import DemoCommune, ensure_demo
from bot.notices import Push
from storage.tables import AssessmentRow
from storage.uow import UnitOfWork
from tests.conftest import FakeClock
from tests.support.answers import FULL_ANSWERS
from tests.support.chat import Chat

UNCLEAR = "chưa rõ lựa chọn"


class Pushes:
    def __init__(self) -> None:
        self.sent: list[Push] = []

    async def __call__(self, uow: UnitOfWork, pushes: Sequence[Push]) -> None:
        self.sent.extend(pushes)

    def texts_to(self, chat_id: str) -> list[str]:
        return [p.reply.text for p in self.sent if p.chat_id == chat_id]


@pytest.fixture
async def pushes(app: App) -> Pushes:
    sink = Pushes()
    app.service.push_sink = sink
    app.service.push_channels = frozenset({"console"})
    return sink


@pytest.fixture
async def demo(app: App) -> DemoCommune:
    return await ensure_demo(app.db)


async def join_household(demo: DemoCommune, app: App, user: str, name: str) -> Chat:
    household = Chat(app, user)
    await household.say(demo.invites["household"].code)
    await household.choose("Đồng ý")
    await household.say(name)
    first = await household.choose("Đúng")
    assert "Câu 1/" in first
    return household


async def join(demo: DemoCommune, app: App, role: str, user: str, name: str) -> Chat:
    person = Chat(app, user)
    await person.say(f"/start {demo.invites[role].code}")
    await person.say(name)
    assert "tham gia thành công" in await person.say("bỏ qua")
    return person


# --- commands on every screen ------------------------------------------------------------


async def test_commands_typed_at_an_option_screen_are_answered_and_the_list_comes_back(
    app: App, demo: DemoCommune
) -> None:
    collaborator = Chat(app, "local")  # the demo collaborator
    await collaborator.say("/start")
    villages = await collaborator.choose("Đánh giá hộ gia đình")
    assert "hộ gia đình ở thôn nào?" in villages

    for command, answer in [
        ("/dulieu", "Dạ, chức năng này dành cho hộ gia đình đã đăng ký."),
        ("/xoa", "Dạ, chức năng này dành cho hộ gia đình đã đăng ký."),
        ("/baocao", "Dạ, báo cáo chỉ dành cho Chủ tịch Hội Khuyến học xã"),
        ("/help", "• /menu: về trình đơn chính."),
        ("/abc", "Dạ, bot chưa biết lệnh này. Gõ /help để xem các lệnh."),
    ]:
        shown = await collaborator.say(command)
        assert answer in shown, command
        assert UNCLEAR not in shown, command
        # The same list again, after the command's answer.
        assert shown.index(answer) < shown.index("hộ gia đình ở thôn nào?"), command
        assert "2. Thôn Sen 1" in shown, command

    first = await collaborator.choose("Thôn Sen 2")
    assert "Câu 1/" in first  # the list still works
    async with app.db.session() as session:
        row = await session.scalar(select(AssessmentRow))
        assert row is not None and row.answers["village"] == "Thôn Sen 2"


async def test_commands_mid_questionnaire_continue_at_the_same_question(
    app: App, demo: DemoCommune
) -> None:
    household = await join_household(demo, app, "hh-cmd", "Phan Văn Lộc")
    await household.say("4")
    await household.say("2")
    question = "Câu 3/"

    data = await household.say("/dulieu")
    assert "Chủ hộ: Phan Văn Lộc" in data and "Phiếu năm 2026: Đang làm" in data
    assert question in data and data.index("Chủ hộ") < data.index(question)
    assert "Vui lòng chọn" not in data  # not thrown back to the menu

    guide = await household.say("/help")
    for line in ("/menu", "/dulieu", "/xoa", "/help"):
        assert line in guide
    assert "/baocao" not in guide and "/web" not in guide  # the web page is for the commune
    assert question in guide

    refused = await household.say("/baocao")
    assert "báo cáo chỉ dành cho Chủ tịch" in refused and question in refused

    confirm = await household.say("/xoa")
    assert "Đã xóa thì không lấy lại được." in confirm
    kept = await household.choose("Không, giữ lại")
    assert question in kept and UNCLEAR not in kept

    assert "Câu 4/" in await household.say("2")
    async with app.db.session() as session:
        row = await session.scalar(select(AssessmentRow))
        assert row is not None
        assert (row.answers["members"], row.answers["children"], row.answers["adults"]) == (4, 2, 2)


async def test_commands_while_joining_are_answered_and_joining_continues(
    app: App, demo: DemoCommune
) -> None:
    stranger = Chat(app, "new-hh")
    consent = await stranger.say(demo.invites["household"].code)
    assert "Gia đình có đồng ý không?" in consent

    for command, answer in [
        ("/dulieu", "Dạ, bot chưa lưu thông tin nào về anh/chị."),
        ("/baocao", "Dạ, báo cáo chỉ dành cho Chủ tịch Hội Khuyến học xã"),
        ("/help", "• Gõ mã mời (in dưới mã QR) để tham gia."),
        ("/menu", "Gia đình có đồng ý không?"),
    ]:
        shown = await stranger.say(command)
        assert answer in shown, command
        assert UNCLEAR not in shown, command
        assert "Gia đình có đồng ý không?" in shown, command
    assert "họ và tên chủ hộ" in await stranger.choose("Đồng ý")
    # At a step that waits for typed text, the request comes again.
    again = await stranger.say("/help")
    assert "họ và tên chủ hộ" in again and "tên từ 2 đến 100" not in again
    # "/xoa" half-way: nothing was stored, and the name typed so far is dropped too.
    dropped = await stranger.say("/xoa")
    assert "Dạ, bot chưa lưu thông tin nào về anh/chị." in dropped and UNCLEAR not in dropped


async def test_help_lists_the_commands_of_each_role(app: App, demo: DemoCommune) -> None:
    chair = await join(demo, app, "chair", "chair-help", "Phạm Văn Chủ")
    guide = await chair.say("/help")
    assert "• /baocao: báo cáo tiến độ của xã" in guide
    assert "• /web: mở trang theo dõi" in guide
    assert "/dulieu" not in guide and "/xoa" not in guide
    collaborator = Chat(app, "local")
    guide = await collaborator.say("/help")
    assert "/menu" in guide and "/help" in guide and "• /web: mở trang theo dõi" in guide
    assert "/baocao" not in guide and "/dulieu" not in guide


# --- the result tells its reader what happens next ------------------------------------------


async def test_a_household_self_assessment_waits_for_the_collaborator(
    app: App, demo: DemoCommune, pushes: Pushes
) -> None:
    household = await join_household(demo, app, "hh-res", "Lý Thị Nga")
    for answer in FULL_ANSWERS:
        await household.say(answer)
    result = await household.say("gửi")
    assert "Đây là kết quả sơ bộ, chờ cộng tác viên xác nhận." in result
    assert "Tiêu chí 1 – Học tập của trẻ em trong gia đình: 30/30 điểm" in result
    assert "Tổng: 100/100 điểm (đạt từ 80 điểm trở lên)" in result


async def test_a_collaborator_entry_is_not_told_to_wait_for_a_collaborator(
    app: App, demo: DemoCommune
) -> None:
    collaborator = Chat(app, "local")
    await collaborator.say("/start")
    await collaborator.choose("Đánh giá hộ gia đình")
    await collaborator.choose("Thôn Sen 1")
    for answer in ["Đinh Văn Tú", *FULL_ANSWERS]:
        await collaborator.say(answer)
    result = await collaborator.say("gửi")
    assert "chờ cộng tác viên xác nhận" not in result
    assert "Phiếu đã vào mục “Phiếu chờ xác nhận”" in result


# --- years, menus and notices --------------------------------------------------------------


async def test_the_year_is_shown_as_2026_not_2_026(
    app: App, demo: DemoCommune, clock: FakeClock
) -> None:
    household = await join_household(demo, app, "hh-year", "Tạ Văn Năm")
    data = await household.say("/dulieu")
    assert "Phiếu năm 2026" in data and "2.026" not in data
    await household.say("lưu")
    clock.advance(days=365)  # a new year: the menu offers that year's self-assessment
    menu = await household.say("/menu")
    assert "Tự đánh giá năm 2027" in menu and "2.027" not in menu


async def test_menu_continue_names_unfinished_forms_and_is_hidden_when_there_are_none(
    app: App, demo: DemoCommune
) -> None:
    collaborator = Chat(app, "local")
    menu = await collaborator.say("/start")
    assert "Làm tiếp phiếu đang dở" not in menu and "(0)" not in menu.split("Phiếu chờ")[0]
    await collaborator.choose("Đánh giá hộ gia đình")
    await collaborator.choose("Thôn Sen 1")
    paused = await collaborator.say("lưu")
    assert "Làm tiếp phiếu đang dở (1)" in paused


async def test_join_welcome_names_the_chair_post_with_its_commune(
    app: App, demo: DemoCommune
) -> None:
    welcome = await Chat(app, "chair-w").say(f"/start {demo.invites['chair'].code}")
    assert "Anh/chị được mời tham gia với vai trò Chủ tịch Hội Khuyến học xã Kim Liên." in welcome
    assert "lời mời làm" not in welcome


async def test_notices_name_title_year_decision_and_the_reason(
    app: App, demo: DemoCommune, pushes: Pushes
) -> None:
    households = {
        "hh-a": await join_household(demo, app, "hh-a", "Hồ Văn Đạt"),
        "hh-b": await join_household(demo, app, "hh-b", "Hồ Thị Chưa"),
    }
    for household in households.values():
        for answer in FULL_ANSWERS:
            await household.say(answer)
        await household.say("gửi")
    collaborator = Chat(app, "local")
    for name in ("Hồ Văn Đạt", "Hồ Thị Chưa"):
        await collaborator.say("/menu")
        await collaborator.choose("Phiếu chờ xác nhận")
        await collaborator.choose(name)
        await collaborator.choose("Xác nhận")
    chair = await join(demo, app, "chair", "chair-n", "Phạm Văn Chủ")
    await chair.choose("Đề nghị công nhận")
    await chair.choose("Đề nghị công nhận tất cả")
    await chair.say("/menu")
    await chair.choose("Danh sách đề nghị")
    await chair.choose("Hồ Thị Chưa")
    await chair.choose("Không công nhận")
    await chair.say("Chưa đủ minh chứng góc học tập.")
    await chair.say("/menu")
    await chair.choose("Ghi quyết định")
    await chair.say("15/QĐ-UBND")
    assert "cho 1 phiếu" in await chair.say("20/11/2026")

    assert (
        "Chúc mừng! Hộ Hồ Văn Đạt — Thôn Hoàng Trù đã được công nhận danh hiệu "
        "“Gia đình học tập” năm 2026 (Quyết định số 15/QĐ-UBND ngày 20/11/2026)."
    ) in pushes.texts_to("hh-a")
    assert (
        "Năm nay hộ Hồ Thị Chưa chưa được công nhận danh hiệu “Gia đình học tập”. "
        "Lý do: Chưa đủ minh chứng góc học tập.\n"
        "Gia đình có thể hỏi cộng tác viên để chuẩn bị cho năm sau."
    ) in pushes.texts_to("hh-b")
    # The collaborator is told in words meant for them; no notice opens with "Dạ".
    assert any(
        t.startswith("Hộ Hồ Thị Chưa — Thôn Hoàng Trù không được công nhận") and "2026" in t
        for t in pushes.texts_to("local")
    )
    assert not any(p.reply.text.startswith("Dạ") for p in pushes.sent)


async def test_a_rejected_answer_and_a_previous_answer_read_as_a_native_writes(
    app: App, demo: DemoCommune
) -> None:
    household = await join_household(demo, app, "hh-words", "Mai Văn Chữ")
    await household.say("3")
    refused = await household.say("5")  # more children than people
    assert "Dạ, bot chưa hiểu câu trả lời này ạ. Số cháu không thể nhiều hơn" in refused
    await household.say("1")
    back = await household.say("quay lại")
    assert "Câu trả lời trước: 1" in back
    await household.say("1")
    many = await household.say("2")
    for answer in FULL_ANSWERS[3:10]:
        many = await household.say(answer)
    assert "Gia đình có những phương tiện nào?" in many
    # The multi-select hint once, with Vietnamese quotes.
    assert many.count("ví dụ") == 1 and "“1, 3”" in many and '"' not in many
