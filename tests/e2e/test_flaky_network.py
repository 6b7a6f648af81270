"""The Telegram double answers 10% of requests with 429, 5xx or a slow timeout: every user
message is still answered, and the chair's digest arrives exactly once."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys

import pytest

from tests.e2e.conftest import Chat, StartTelegram
from tests.support.botprocess import clean_environment
from tests.support.scripted_user import ScriptedUser
from tests.support.telegram_double import TelegramDouble

pytestmark = pytest.mark.e2e

USERS = int(os.environ.get("FLAKY_USERS", "6"))
CHAIR = 95_000


async def test_ten_percent_of_requests_fail(
    telegram_bot: StartTelegram, tg: TelegramDouble
) -> None:
    bot = await telegram_bot("polling", OUTBOX_POLL_SECONDS="0.2")
    db = bot.db
    chair = Chat(tg, CHAIR, "Chủ")
    await chair.say(f"/start {db.invite('chair')}")
    await chair.say("Phạm Văn Chủ")
    await chair.say("bỏ qua")

    tg.set_fault_rate(0.10, kinds=("429", "500", "502", "timeout"), seed=11)
    users = [ScriptedUser(tg, 96_000 + i, db.invite("collaborator"), 1) for i in range(USERS)]
    await asyncio.wait_for(asyncio.gather(*(u.run() for u in users)), timeout=240)
    assert all(u.results_seen == 1 for u in users)
    [row] = db.query("SELECT COUNT(*) AS n FROM assessments WHERE status = 'submitted'")
    assert row["n"] == USERS

    # The weekly digest, queued from the command line while the bot runs.
    env = clean_environment({"DATABASE_URL": db.url})
    queued = await asyncio.to_thread(
        subprocess.run,
        [sys.executable, "-m", "bot.cli", "digest", "run", "--commune", "Xã Kim Liên"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert queued.returncode == 0, queued.stderr
    digests = "SELECT o.status, c.external_id FROM outbox o JOIN people p ON p.id = o.person_id"
    digests += " LEFT JOIN channel_identities c ON c.person_id = p.id WHERE o.kind = 'digest'"
    await tg.wait_for(
        lambda: {r["status"] for r in db.query(digests)} <= {"sent", "unreachable"},
        timeout=120,
        message=lambda: str(db.query("SELECT status, attempts, last_error FROM outbox")),
    )
    # Our chair got it; the demo chair, who never opened the bot, cannot be reached.
    assert ("sent", str(CHAIR)) in {(r["status"], r["external_id"]) for r in db.query(digests)}
    titles = [m for m in chair.messages if "báo cáo khuyến học" in m.content.lower()]
    assert len(titles) == 1, chair.transcript()
    assert tg.fault_count() > 0
    tg.clear_faults()
    assert await bot.stop() == 0
