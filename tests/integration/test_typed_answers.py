"""Answers typed the way villagers type them, through the real service and database (SQLite,
and PostgreSQL when TEST_DATABASE_URL is set): what they read and what is stored.

Each test is named after a defect where the bot stored a wrong answer, or refused a right one,
with no sign of it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.bootstrap import App, utc_now
from bot.demo import ensure_demo
from storage.tables import AssessmentRow, HouseholdRow, VillageRow
from storage.uow import UnitOfWork
from tests.support.chat import Chat


async def _assessments(app: App) -> list[tuple[str, dict[str, object]]]:
    """(village name, answers) of every assessment, oldest first."""
    async with app.db.session() as session:
        rows = await session.execute(
            select(VillageRow.name, AssessmentRow.answers)
            .join(VillageRow, VillageRow.id == AssessmentRow.village_id)
            .order_by(AssessmentRow.id)
        )
        return [(name, dict(answers)) for name, answers in rows]


async def _collaborator(app: App, channel: str = "console") -> Chat:
    demo = await ensure_demo(app.db)  # binds the terminal chat to the demo collaborator
    if channel != "console":
        async with app.db.session() as session:
            uow = UnitOfWork(session, utc_now())
            identity = await uow.chats.identity(channel, "local", "local")
            await uow.chats.bind(identity.id, demo.collaborator_id)
    chat = Chat(app, "local", channel=channel)
    await chat.say("/start")
    assert "hộ gia đình ở thôn nào?" in await chat.choose("Đánh giá hộ gia đình")
    return chat


@pytest.mark.parametrize(
    ("typed", "village"),
    [
        ("sen 1", "Thôn Sen 1"),
        ("sen 2", "Thôn Sen 2"),
        ("Sen 1", "Thôn Sen 1"),
        ("thôn sen 2", "Thôn Sen 2"),
        ("hoàng trù", "Thôn Hoàng Trù"),
        ("2", "Thôn Sen 1"),  # the option number alone
        ("số 3", "Thôn Sen 2"),
    ],
)
async def test_typed_option_words_with_digit_pick_that_option(
    app: App, typed: str, village: str
) -> None:
    chat = await _collaborator(app)
    first = await chat.say(typed)
    assert "Câu 1/" in first and "Họ và tên chủ hộ?" in first
    [(stored, answers)] = await _assessments(app)
    assert stored == village and answers["village"] == village


@pytest.mark.parametrize("channel", ["telegram", "zalo"])
async def test_typed_option_words_with_digit_pick_that_option_on_every_channel(
    app: App, channel: str
) -> None:
    chat = await _collaborator(app, channel)
    assert "Câu 1/" in await chat.say("sen 2")
    assert [village for village, _ in await _assessments(app)] == ["Thôn Sen 2"]


@pytest.mark.parametrize("typed", ["sen", "thôn", "5"])
async def test_a_reply_that_could_mean_two_options_is_asked_again(app: App, typed: str) -> None:
    chat = await _collaborator(app)
    again = await chat.say(typed)
    assert "Dạ, chưa rõ lựa chọn." in again
    assert "2. Thôn Sen 1" in again and "3. Thôn Sen 2" in again  # the same list again
    assert await _assessments(app) == []
    # And the list still works.
    assert "Câu 1/" in await chat.say("sen 2")
    assert [village for village, _ in await _assessments(app)] == ["Thôn Sen 2"]


async def test_numbers_typed_as_words_with_their_unit_are_accepted(app: App) -> None:
    chat = await _collaborator(app)
    await chat.say("sen 1")
    await chat.say("Nguyễn Văn An")
    assert "Gia đình có bao nhiêu người?" in chat.seen[-1]
    assert "cháu trong độ tuổi đi học" in await chat.say("bốn người")
    assert "người lớn" in await chat.say("hai cháu")
    assert "Câu 5/" in await chat.say("hai người lớn")
    [(_, answers)] = await _assessments(app)
    assert (answers["members"], answers["children"], answers["adults"]) == (4, 2, 2)


async def test_muoi_hai_without_diacritics_is_twelve(app: App) -> None:
    chat = await _collaborator(app)
    await chat.say("sen 1")
    await chat.say("Nguyễn Văn An")
    assert "cháu trong độ tuổi đi học" in await chat.say("muoi hai nguoi")
    assert "người lớn" in await chat.say("muoi hai")
    [(_, answers)] = await _assessments(app)
    assert (answers["members"], answers["children"]) == (12, 12)


async def test_a_head_of_household_named_1_is_refused(app: App) -> None:
    chat = await _collaborator(app)
    await chat.say("sen 1")
    refused = await chat.say("1")
    assert "Dạ, tên cần có chữ, không chỉ có số hay ký hiệu. Vui lòng nhập lại tên." in refused
    assert "Họ và tên chủ hộ?" in refused  # the same question again
    assert "Gia đình có bao nhiêu người?" in await chat.say("Nguyễn Văn 2")
    [(_, answers)] = await _assessments(app)
    assert answers["head_name"] == "Nguyễn Văn 2"


async def test_a_household_joining_names_its_head_with_letters_and_picks_its_village_by_name(
    app: App,
) -> None:
    demo = await ensure_demo(app.db)
    household = Chat(app, "new-household")
    await household.say(f"/start {demo.invites['household'].code}")
    assert "Vui lòng cho biết họ và tên chủ hộ" in await household.choose("Đồng ý")
    for nameless in ("1", "12", "..."):
        refused = await household.say(nameless)
        assert "Dạ, họ và tên cần có chữ, không chỉ có số hay ký hiệu." in refused
    assert "Thôn Hoàng Trù, đúng không" in await household.say("Lê Thị Hoa")
    assert "hộ gia đình ở thôn nào?" in await household.say("không")  # "Không, chọn thôn khác"
    assert "chưa rõ lựa chọn" in await household.say("sen")
    assert "Dạ, đã đăng ký hộ Lê Thị Hoa." in await household.say("sen 2")
    async with app.db.session() as session:
        rows = await session.execute(
            select(HouseholdRow.head_name, VillageRow.name).join(
                VillageRow, VillageRow.id == HouseholdRow.village_id
            )
        )
        assert list(rows) == [("Lê Thị Hoa", "Thôn Sen 2")]
