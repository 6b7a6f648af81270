"""Issue 15 on the Zalo double, against the real bot process: a village head types the code
the demo printed, fills the village's "Cộng đồng học tập" form in by typing (the shares the
bot counted already filled), and the chair, on Zalo too, verifies it, proposes it and records
the decision; the village head is told on Zalo."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest

from bot.packs import PackLibrary
from bot.settings import PROJECT_ROOT
from tests.support.botprocess import BotProcess
from tests.support.forms import fill_in
from tests.support.zalo_double import ZaloDouble
from tests.support.zalo_process import REPLY_TIMEOUT, ZaloPerson, query, run_demo, zalo_env

pytestmark = pytest.mark.e2e

PACKS = PackLibrary.from_directory(PROJECT_ROOT / "packs")


async def _said(person: ZaloPerson, text: str) -> str:
    """Type `text`; everything the bot answered once it went quiet (an answer may be several
    messages on Zalo: no keyboards, long texts split)."""
    start = person.seen
    person.double.push_text(person.user_id, text, person.display_name)
    await person.double.wait_for(
        lambda: len(person.texts()) > start, REPLY_TIMEOUT, description=f"an answer to {text!r}"
    )
    count = -1
    while count != len(person.texts()):
        count = len(person.texts())
        await asyncio.sleep(0.4)
    return "\n".join(person.new_texts())


async def _choose(person: ZaloPerson, shown: str, label: str) -> str:
    """Type the number of the option reading `label`."""
    for line in shown.splitlines():
        number, dot, rest = line.partition(". ")
        if dot and number.isdigit() and label in rest:
            return await _said(person, number)
    raise AssertionError(f"no option {label!r} in:\n{shown}")


async def _join(person: ZaloPerson, code: str, name: str) -> str:
    await _said(person, code)
    await _said(person, name)
    menu = await _said(person, "bỏ qua")
    assert "tham gia thành công" in menu, menu
    return menu


async def test_a_village_from_a_typed_code_to_recognised_on_zalo(tmp_path: Path) -> None:
    async with ZaloDouble() as zalo:
        db_path = tmp_path / "hoctap.db"
        env = zalo_env(zalo, db_path, OUTBOX_POLL_SECONDS="0.2")
        codes = run_demo(env, tmp_path)
        process = BotProcess(env, tmp_path, name="zalo-village")

        async def polling() -> bool:
            return zalo.calls("getUpdates") > 0

        try:
            await process.start(polling, timeout=30)
            head = ZaloPerson(zalo, zalo.new_user_id(), "Anh Đức")
            chair = ZaloPerson(zalo, zalo.new_user_id(), "Anh Bình")

            menu = await _join(head, codes["village_head"].lower(), "Hoàng Văn Đức")
            first = await _choose(head, menu, "Tự đánh giá năm 2026")
            result = await fill_in(lambda text: _said(head, text), PACKS.current("village"), first)
            assert "chờ Hội Khuyến học xã xác nhận" in result, result

            menu = await _join(chair, codes["chair"], "Trần Văn Bình")
            queue = await _choose(chair, menu, "Phiếu chờ xác nhận (1)")
            item = await _choose(chair, queue, "Cộng đồng học tập Thôn Hoàng Trù")
            assert "Đã gửi, chờ xác nhận" in item
            verified = await _choose(chair, item, "Xác nhận")
            assert "đã xác nhận" in verified
            menu = await _said(chair, "/start")
            queue = await _choose(chair, menu, "Đề nghị công nhận (1")
            item = await _choose(chair, queue, "Cộng đồng học tập")
            await _choose(chair, item, "Đề nghị công nhận")
            menu = await _said(chair, "/start")
            await _choose(chair, menu, "Ghi quyết định")
            await _said(chair, "32/QĐ-UBND")
            assert "cho 1 phiếu" in await _said(chair, "hôm nay")

            await zalo.wait_for(
                lambda: any("Chúc mừng" in text for text in head.texts()),
                REPLY_TIMEOUT,
                description="the village head told of the recognition",
            )
            [(title, status, number)] = query(
                db_path, "SELECT title, status, decision_number FROM assessments"
            )
            assert (title, status, number) == ("village", "recognised", "32/QĐ-UBND")
        finally:
            await process.close()
        assert "Traceback" not in process.output(all_runs=True), process.output(all_runs=True)
