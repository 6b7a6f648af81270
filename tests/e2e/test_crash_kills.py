"""SIGKILL at random moments while scripted collaborators complete 300 household assessments
over the Telegram double: after each restart they carry on; every answer that was acknowledged
is stored exactly once and every assessment is finished. In both delivery modes: with a webhook
the double redelivers an update until the bot has answered its POST, as Telegram does."""

from __future__ import annotations

import asyncio
import os
import random

import pytest

from tests.e2e.conftest import StartTelegram
from tests.support.scripted_user import ScriptedUser
from tests.support.telegram_double import TelegramDouble

pytestmark = pytest.mark.e2e

USERS = int(os.environ.get("CRASH_USERS", "30"))
PER_USER = int(os.environ.get("CRASH_ASSESSMENTS_PER_USER", "10"))
KILLS = int(os.environ.get("CRASH_KILLS", "4"))
# Pacing is not what this proves (the limiters have tests of their own): at Telegram's 30
# messages/s overall, 300 assessments took ~400 s of waiting on the limiter alone. What is left
# is the bot's own work (~4 ms of CPU for each of ~6,000 updates) and ~5 s per restart (most of
# it importing aiogram): about a minute per mode.
UNPACED = {"TELEGRAM_RATE_PER_SECOND": "10000"}


# Long polling confirms an update by asking for the next offset; a webhook by its HTTP 200.
# Either way the confirmation must come only after the answer is stored.
@pytest.mark.parametrize("mode", ["polling", "webhook"])
async def test_sigkill_loses_no_acknowledged_answer(
    telegram_bot: StartTelegram, tg: TelegramDouble, mode: str
) -> None:
    bot = await telegram_bot(mode, **UNPACED)
    db = bot.db
    code = db.invite("collaborator")
    users = [ScriptedUser(tg, 90_000 + i, code, PER_USER) for i in range(USERS)]
    tasks = [asyncio.create_task(user.run()) for user in users]
    rng = random.Random(20261122)
    total = USERS * PER_USER
    # Killed when a share of the work is done, not after so many seconds: the bot got faster
    # than a wall clock could keep up with (a whole run once ended after the first kill).
    # The share and the moment within it are random; every kill falls well before the end.
    kill_at = sorted(rng.uniform(0.1, 0.8) * total for _ in range(KILLS))
    kills = 0
    try:
        while kills < KILLS and not all(task.done() for task in tasks):
            await asyncio.sleep(0.05)
            if sum(user.results_seen for user in users) < kill_at[kills]:
                continue
            await asyncio.sleep(rng.uniform(0.0, 0.3))
            await bot.kill()
            kills += 1
            await asyncio.sleep(rng.uniform(0.0, 0.5))
            await bot.restart()
        done, pending = await asyncio.wait(tasks, timeout=1200)
        for task in done:
            task.result()  # a user who got no answer fails here, with its transcript
        stuck = [user for user, task in zip(users, tasks, strict=True) if task in pending]
        assert not stuck, "\n\n".join(tg.transcript(user.chat_id)[-3000:] for user in stuck[:2])
    finally:
        for task in tasks:
            task.cancel()
    assert kills == KILLS, "the run ended before the bot was killed as often as asked"
    assert await bot.stop() == 0

    seen = sum(user.results_seen for user in users)
    assert seen >= USERS * PER_USER
    rows = db.query("SELECT id, status, total, answers FROM assessments")
    # A result card lost in a crash makes a person start one more: never fewer stored than seen.
    assert len(rows) >= seen
    assert {r["status"] for r in rows} == {"submitted"}, "an assessment was left unfinished"
    typed = 0
    for row in rows:
        answers = db.json(row["answers"])
        assert row["total"] == 100 and answers["village"] == "Thôn Hoàng Trù", row
        typed += len(answers) - 1  # the village was known, not typed
    duplicates = db.query(
        "SELECT assessment_id, field, COUNT(*) AS n FROM assessment_log"
        " WHERE action = 'answer' AND (note IS NULL OR note != 'prefilled')"
        " GROUP BY assessment_id, field HAVING COUNT(*) > 1"
    )
    assert duplicates == []
    answered = db.query(
        "SELECT COUNT(*) AS n FROM assessment_log WHERE action = 'answer'"
        " AND (note IS NULL OR note != 'prefilled')"
    )[0]["n"]
    assert answered == typed  # every typed answer of every assessment, once
