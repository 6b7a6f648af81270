"""Bad input through the real service and database: a clear, localised message and nothing
lost — wrong type, out of range, too long, control characters, a sticker or photo where text
is expected, an old button, a double tap, a restart mid-questionnaire."""

from __future__ import annotations

from sqlalchemy import select

from bot.bootstrap import App
from bot.demo import ensure_demo
from storage.tables import AssessmentRow
from storage.uow import UnitOfWork
from tests.support.chat import Chat


async def _answers(app: App) -> dict[str, object]:
    async with app.db.session() as session:
        row = await session.scalar(select(AssessmentRow))
        assert row is not None
        return dict(row.answers)


async def _start(app: App) -> Chat:
    await ensure_demo(app.db)
    chat = Chat(app, "local", channel="telegram")  # a channel with buttons: taps can be tested
    await ensure_bound(app)
    await chat.say("/start")
    await chat.choose("Đánh giá hộ gia đình")
    assert "Câu 1/" in await chat.choose("Thôn Sen 1")
    return chat


async def ensure_bound(app: App) -> None:
    """The demo binds the terminal user; bind the same collaborator on 'telegram' too."""
    from bot.bootstrap import utc_now

    async with app.db.session() as session:
        uow = UnitOfWork(session, utc_now())
        console = await uow.chats.identity("console", "local", "local")
        identity = await uow.chats.identity("telegram", "local", "local")
        assert console.person_id is not None
        await uow.chats.bind(identity.id, console.person_id)


async def test_bad_answers_are_refused_politely_and_lose_nothing(app: App) -> None:
    chat = await _start(app)
    assert "dài quá (tối đa 100 ký tự)" in await chat.say("A" * 5000)
    assert "vui lòng nhập câu trả lời" in (await chat.say("\x00\x01   ")).lower()
    assert "trả lời bằng chữ hoặc số" in await chat.send("sticker")
    assert "không cần ảnh minh chứng" in await chat.send("photo", file_ref="AgAC-1")
    assert "Câu 2/" in await chat.say("Nguyễn\x00 Văn An")
    assert (await _answers(app))["head_name"] == "Nguyễn Văn An"

    assert "bằng một con số" in await chat.say("nhiều lắm")
    assert "số nguyên" in await chat.say("2,5")
    assert "Số lớn nhất là 30" in await chat.say("1.234")
    assert "Số nhỏ nhất là 1" in await chat.say("0")
    assert "Câu 3/" in await chat.say("năm")  # five, as a word
    assert "không thể nhiều hơn số người" in await chat.say("7")
    assert (await _answers(app)) == {
        "head_name": "Nguyễn Văn An",
        "village": "Thôn Sen 1",
        "members": 5,
    }


async def test_old_buttons_and_double_taps_change_nothing(app: App) -> None:
    chat = await _start(app)
    for answer in ["Lê Thị Lan", "3", "1", "2"]:
        await chat.say(answer)
    question = chat.last_replies[-1]
    assert "Câu 5/" in question.text
    yes = question.buttons[0][0].data
    assert yes.startswith("a:")
    first = await chat.send("callback", data=yes)
    assert "Câu 6/" in first
    # The same button again (a double tap, or a tap on the old message): the current question.
    again = await chat.send("callback", data=yes)
    assert "nút này không còn dùng được nữa" in again and "Câu 6/" in again
    # A button from a menu long gone.
    assert "Câu 6/" in await chat.send("callback", data="o:1:household")
    answers = await _answers(app)
    assert answers["school_attendance"] == "all"
    assert "school_results" not in answers


async def test_restart_mid_questionnaire_continues_at_the_same_question(app: App) -> None:
    chat = await _start(app)
    for answer in ["Lê Thị Lan", "3"]:
        await chat.say(answer)
    # A new service over the same database: the bot process restarted.
    from bot.bootstrap import build_app

    restarted = build_app(app.settings, clock=app.service.clock)
    try:
        again = Chat(restarted, "local", channel="telegram")
        resumed = await again.say("/start")
        assert "làm tiếp phiếu đang dở" in resumed and "Câu 3/" in resumed
        assert "Câu 4/" in await again.say("0")
    finally:
        await restarted.close()
