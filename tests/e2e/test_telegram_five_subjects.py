"""Issue 15 on the Telegram double, against the real bot process: a unit, a person (one of the
unit's staff) and a village each go from the demo's invite to a recognised title. The unit's
head self-assesses the unit and checks the person; the village head fills the village's form
in (its counts filled by the bot); the chair checks the village and the unit, proposes all
three and records the decision; everyone is told through the outbox."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

import pytest

from bot.i18n import Translator
from bot.packs import PackLibrary
from bot.settings import PROJECT_ROOT
from tests.e2e.conftest import Chat, StartTelegram
from tests.support.forms import fill_in
from tests.support.telegram_double import TelegramDouble

pytestmark = pytest.mark.e2e

CHAIR, HEAD, TEACHER, VILLAGE_HEAD = 701, 702, 703, 704
PACKS = PackLibrary.from_directory(PROJECT_ROOT / "packs")


def _typing(chat: Chat) -> Callable[[str], Awaitable[str]]:
    """`say` as the forms helper wants it: what the bot answered, as one text."""

    async def say(text: str) -> str:
        return "\n".join(m.content for m in await chat.say(text))

    return say


async def _join(chat: Chat, code: str, name: str, t: Translator) -> None:
    await chat.say(f"/start {code}")
    await chat.say(name)
    replies = await chat.say("bỏ qua")  # no phone number
    assert any(t("vi", "join-done") in m.content for m in replies), chat.transcript()


async def _wait_text(tg: TelegramDouble, chat: Chat, text: str) -> None:
    await tg.wait_for(
        lambda: any(text in m.content for m in chat.messages),
        timeout=20,
        message=lambda: f"no message with {text!r}\n{chat.transcript()}",
    )


async def test_a_unit_a_person_and_a_village_from_invites_to_recognised(
    telegram_bot: StartTelegram, tg: TelegramDouble, t: Translator
) -> None:
    bot = await telegram_bot("polling", OUTBOX_POLL_SECONDS="0.2")
    db = bot.db
    chair, head = Chat(tg, CHAIR, "Bình"), Chat(tg, HEAD, "Mai")
    teacher, village_head = Chat(tg, TEACHER, "Thu"), Chat(tg, VILLAGE_HEAD, "Đức")
    await _join(chair, db.invite("chair"), "Trần Văn Bình", t)

    # The unit's head opens the deep link and fills in the unit's form.
    await _join(head, db.invite("unit_head"), "Lê Thị Mai", t)
    form = await head.tap(t("vi", "menu-self-assess", year=2026))
    shown = "\n".join(m.content for m in form)
    result = await fill_in(_typing(head), PACKS.current("unit"), shown)
    assert t("vi", "result-preliminary-chair") in result, head.transcript()

    # One of its staff: consent, their name, their year of birth, their own form; the head
    # checks it.
    await teacher.say(f"/start {db.invite('citizen')}")
    await teacher.tap(t("vi", "join-agree"))
    asked = "\n".join(m.content for m in await teacher.say("Phạm Thị Thu"))
    assert t("vi", "join-ask-birth-year") in asked, teacher.transcript()
    started = "\n".join(m.content for m in await teacher.say("1986"))
    result = await fill_in(_typing(teacher), PACKS.current("citizen"), started)
    assert t("vi", "result-preliminary-unit-head") in result, teacher.transcript()
    await _wait_text(tg, head, "Phạm Thị Thu")  # "vừa gửi phiếu tự đánh giá"
    await head.say("/start")
    await head.tap(t("vi", "menu-verify", count=1))
    await head.tap("Phạm Thị Thu")
    await head.tap(t("vi", "action-verify"))
    await _wait_text(tg, teacher, "thủ trưởng đơn vị xác nhận")

    # The village head: the village's form comes with what the bot counted.
    await _join(village_head, db.invite("village_head"), "Hoàng Văn Đức", t)
    form = await village_head.tap(t("vi", "menu-self-assess", year=2026))
    shown = "\n".join(m.content for m in form)
    result = await fill_in(_typing(village_head), PACKS.current("village"), shown)
    assert t("vi", "result-preliminary-chair") in result, village_head.transcript()

    # The chair checks the village and the unit, proposes the three and records the decision.
    await chair.say("/start")
    await chair.tap(t("vi", "menu-verify", count=2))
    await chair.tap("Trường Tiểu học Kim Liên")
    await chair.tap(t("vi", "action-verify"))
    await chair.tap("Thôn Hoàng Trù")
    await chair.tap(t("vi", "action-verify"))
    await chair.say("/start")
    await chair.tap(t("vi", "menu-propose", count=3))
    await chair.tap(t("vi", "queue-propose-all", count=3))
    await chair.say("/start")
    await chair.tap(t("vi", "menu-decide"))
    await chair.say("31/QĐ-UBND")
    replies = await chair.say("20/11/2026")
    assert any("cho 3 phiếu" in m.content for m in replies), chair.transcript()
    for person, title in ((head, "Đơn vị"), (teacher, "Công dân"), (village_head, "Cộng đồng")):
        await _wait_text(tg, person, f"“{title} học tập” năm 2026 (Quyết định số 31/QĐ-UBND")

    rows = db.query("SELECT title, status, answers FROM assessments ORDER BY id")
    assert [(r["title"], r["status"]) for r in rows] == [
        ("unit", "recognised"),
        ("citizen", "recognised"),
        ("village", "recognised"),
    ]
    # The village's households counted by the bot (the demo's imported total).
    assert db.json(rows[2]["answers"])["village_households"] == 312
    assert await bot.stop() == 0
