"""Both channels in one bot process: a household registers and submits on Zalo, the village
collaborator verifies it on Telegram. Same people, households and assessments."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.botprocess import BotProcess
from tests.support.telegram_double import TelegramDouble
from tests.support.zalo_double import ZaloDouble
from tests.support.zalo_process import (
    REPLY_TIMEOUT,
    ZaloPerson,
    query,
    register_and_submit,
    run_demo,
    zalo_env,
)

pytestmark = pytest.mark.e2e

COLLABORATOR_CHAT = 5550001


async def test_household_on_zalo_verified_by_collaborator_on_telegram(tmp_path: Path) -> None:
    async with ZaloDouble() as zalo, TelegramDouble() as tg:
        db_path = tmp_path / "hoctap.db"
        env = zalo_env(
            zalo,
            db_path,
            TELEGRAM_BOT_TOKEN="123456:TEST",
            TELEGRAM_API_BASE=tg.base_url,
            TELEGRAM_POLLING_TIMEOUT="5",
        )
        codes = run_demo(env, tmp_path)
        process = BotProcess(env, tmp_path, name="bot-both")

        async def both_polling() -> bool:
            return zalo.calls("getUpdates") > 0 and bool(tg.calls("getUpdates"))

        try:
            await process.start(both_polling, timeout=30)

            household = ZaloPerson(zalo, zalo.new_user_id(), "Anh Sơn")
            submitted = await register_and_submit(household, codes["household"], "Hoàng Văn Sơn")
            assert any("Tổng: 90/100 điểm (đạt từ 80 điểm trở lên)" in text for text in submitted)

            async def telegram_says(text: str) -> str:
                """Wait until the collaborator's newest message contains `text`."""

                def shown() -> str | None:
                    messages = tg.messages(COLLABORATOR_CHAT)
                    last = messages[-1].content if messages else ""
                    return last if text in last else None

                return await tg.wait_for(
                    shown,
                    REPLY_TIMEOUT,
                    message=lambda: f"{text!r} not shown\n{tg.transcript(COLLABORATOR_CHAT)}",
                )

            tg.push_text(COLLABORATOR_CHAT, f"/start {codes['collaborator']}", first_name="Hoa")
            await telegram_says("họ và tên")
            tg.push_text(COLLABORATOR_CHAT, "Trần Thị Hoa")
            await telegram_says("số điện thoại")
            tg.push_text(COLLABORATOR_CHAT, "bỏ qua")
            await telegram_says("Phiếu chờ xác nhận (1)")
            tg.press_button(COLLABORATOR_CHAT, "Phiếu chờ xác nhận")
            waiting = await telegram_says("Hộ Hoàng Văn Sơn")
            assert "90 điểm" in waiting
            tg.press_button(COLLABORATOR_CHAT, "Hộ Hoàng Văn Sơn")
            await telegram_says("Xác nhận")
            tg.press_button(COLLABORATOR_CHAT, "Xác nhận")
            await telegram_says("Phiếu chờ xác nhận (0)")

            rows = query(
                db_path,
                "SELECT a.status, a.total, p.name, i.channel FROM assessments a "
                "JOIN households h ON h.id = a.household_id "
                "JOIN people p ON p.id = a.verified_by "
                "JOIN channel_identities i ON i.person_id = p.id "
                "WHERE h.head_name = ?",
                "Hoàng Văn Sơn",
            )
            assert rows == [("verified", 90.0, "Trần Thị Hoa", "telegram")]
            # The household's own identity stays on Zalo.
            assert query(
                db_path,
                "SELECT i.channel FROM channel_identities i JOIN households h "
                "ON h.person_id = i.person_id WHERE h.head_name = ?",
                "Hoàng Văn Sơn",
            ) == [("zalo",)]
        finally:
            await process.close()
        assert "Traceback" not in process.output(all_runs=True), process.output(all_runs=True)
