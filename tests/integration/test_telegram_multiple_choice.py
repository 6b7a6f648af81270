"""Telegram: a multiple choice question has a toggle button per option (☐/☑, the same message
edited as options are ticked) and "Xong"; typed "1, 3" keeps working; a tap on an old
question is caught. Against the Bot API double, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.bootstrap import App
from bot.demo import ensure_demo
from conversations.engine import Session
from storage.uow import UnitOfWork
from tests.integration.test_telegram_menus import run_bot, stop_bot
from tests.support.telegram_double import SentMessage, TelegramDouble

CHAT = 6201
DEVICES = "phương tiện nào"  # the words of the pack's multiple choice question


@pytest.fixture
async def double() -> AsyncIterator[TelegramDouble]:
    async with TelegramDouble() as tg:
        yield tg


async def _household(app: App) -> int:
    demo = await ensure_demo(app.db)
    async with app.db.session() as s:
        uow = UnitOfWork(s, app.service.clock())
        person = await uow.people.add(
            "Nguyễn Văn An", "household", commune_id=demo.commune_id, village_id=demo.village_ids[0]
        )
        household = await uow.households.register(demo.village_ids[0], "Nguyễn Văn An", person.id)
        identity = await uow.chats.identity("telegram", str(CHAT), str(CHAT))
        await uow.chats.bind(identity.id, person.id)
    return household.id


async def _answers(app: App) -> dict[str, object]:
    async with app.db.session() as s:
        uow = UnitOfWork(s, app.service.clock())
        assessment = await uow.assessments.get(1)
    assert assessment is not None
    return dict(Session.model_validate(assessment.session).answers)


def _question(double: TelegramDouble) -> SentMessage:
    return double.last_message(CHAT)


async def _to_devices_question(double: TelegramDouble) -> SentMessage:
    double.push_text(CHAT, "/start")
    await double.wait_idle()
    menu = _question(double)
    start = next(b for b in menu.buttons if b["callback_data"].endswith(":start"))
    double.push_callback(CHAT, menu, start["callback_data"])
    await double.wait_idle()
    for typed in ("3", "0", "3", "có", "có", "có", "có", "có"):
        if DEVICES in _question(double).content:
            break
        double.push_text(CHAT, typed)
        await double.wait_idle()
    question = _question(double)
    assert DEVICES in question.content, double.transcript(CHAT)
    return question


async def test_multiple_choice_has_toggle_buttons_and_done(
    app: App, double: TelegramDouble
) -> None:
    await _household(app)
    stop, task = await run_bot(app, double)
    try:
        question = await _to_devices_question(double)
        labels = question.button_labels
        assert labels[:4] == [
            "☐ 1. Điện thoại thông minh",
            "☐ 2. Máy tính",
            "☐ 3. Internet",
            "☐ 4. Ti vi",
        ], labels
        assert app.translator("vi", "button-done") in labels
        sent_before = len(double.messages(CHAT))

        double.press_button(CHAT, "☐ 1.", message_id=question.message_id)
        await double.wait_idle()
        double.press_button(CHAT, "☐ 3.", message_id=question.message_id)
        await double.wait_idle()
        double.press_button(CHAT, "☑ 1.", message_id=question.message_id)
        await double.wait_idle()
        # The same message, edited: no new question was sent.
        assert len(double.messages(CHAT)) == sent_before
        edited = double.message(CHAT, question.message_id)
        assert edited.button_labels[:3] == [
            "☐ 1. Điện thoại thông minh",
            "☐ 2. Máy tính",
            "☑ 3. Internet",
        ]
        assert "info_devices" not in await _answers(app)  # nothing stored before "Xong"

        done = app.translator("vi", "button-done")
        old_taps = [edited.button_data("☑ 3."), edited.button_data(done)]
        double.press_button(CHAT, done, message_id=question.message_id)
        await double.wait_idle()
        assert (await _answers(app))["info_devices"] == ["internet"]
        assert DEVICES not in _question(double).content  # the next question

        # A second tap on the old question (a double tap): caught, nothing changes.
        for data in old_taps:
            double.push_callback(CHAT, question, data)
        await double.wait_idle()
        assert (await _answers(app))["info_devices"] == ["internet"]

        # Typed numbers still answer it: back to the question, then "1, 3".
        double.push_text(CHAT, "quay lại")
        await double.wait_idle()
        again = _question(double)
        assert DEVICES in again.content
        assert "☑ 3. Internet" in again.button_labels  # the answer given, ticked
        double.push_text(CHAT, "1, 3")
        await double.wait_idle()
        assert (await _answers(app))["info_devices"] == ["smartphone", "internet"]
    finally:
        await stop_bot(app, stop, task)
