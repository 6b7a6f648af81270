"""Two bot processes in webhook mode behind one address, sharing PostgreSQL.

The Telegram double delivers every update to a round-robin forwarder (tests.support.forwarder)
that sends each chat's updates to the two workers in turn, so every person's consecutive
messages are handled by different processes. Households join and assess themselves; a
collaborator on Telegram gets each household's "submitted" notice from the outbox, which both
workers drain. Then updates are posted to both workers at the same moment, bypassing the
double: two different messages of one chat (serialised by the chat's row lock, neither lost)
and one update delivered to both (applied once).

Checked: every answer stored once, each person's questions in order, every update recorded
once, each notice delivered exactly once.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import asyncpg
import pytest

from bot.demo import DemoCommune, ensure_demo
from storage.db import Database
from tests.conftest import POSTGRES_URL, connect_args, throwaway_postgres
from tests.e2e.conftest import TOKEN, WEBHOOK_SECRET, MakeBot
from tests.support.answers import FULL_ANSWERS
from tests.support.botprocess import BotProcess, free_port
from tests.support.forwarder import SECRET_HEADER, Forwarder
from tests.support.household import Person, assess, join, join_household
from tests.support.telegram_double import TelegramDouble

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(not POSTGRES_URL, reason="needs TEST_DATABASE_URL (PostgreSQL)"),
]

HOUSEHOLDS = 6
COLLABORATOR = 7001
RACER = 7200


@pytest.fixture
async def postgres() -> AsyncIterator[tuple[str, DemoCommune]]:
    """A migrated PostgreSQL database with the demo commune, dropped afterwards."""
    async with throwaway_postgres("hoctap_mw") as url:
        db = Database(url)
        try:
            demo = await ensure_demo(db)
        finally:
            await db.dispose()
        yield url, demo


async def query(url: str, sql: str, *args: Any) -> list[dict[str, Any]]:
    conn = await asyncpg.connect(**connect_args(url))
    try:
        return [dict(r) for r in await conn.fetch(sql, *args)]
    finally:
        await conn.close()


def raw_update(update_id: int, chat_id: int, message_id: int, text: str) -> bytes:
    person = {"id": chat_id, "is_bot": False, "first_name": "Racer"}
    return json.dumps(
        {
            "update_id": update_id,
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private", "first_name": "Racer"},
                "from": person,
                "text": text,
            },
        }
    ).encode()


async def start_worker(
    bot_process: MakeBot, tg: TelegramDouble, url: str, forwarder: Forwarder, port: int, n: int
) -> BotProcess:
    env = {
        "DATABASE_URL": url,
        "TELEGRAM_BOT_TOKEN": TOKEN,
        "TELEGRAM_API_BASE": tg.base_url,
        "TELEGRAM_WEBHOOK_URL": forwarder.url,
        "TELEGRAM_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "WEBHOOK_HOST": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "OUTBOX_POLL_SECONDS": "0.2",
    }
    process = bot_process(env, name=f"worker-{n}")

    async def ready() -> bool:
        hook = tg.webhook
        return (
            "telegram: ready" in process.output() and hook is not None and hook.url == forwarder.url
        )

    await process.start(ready, timeout=40)
    return process


async def test_two_webhook_workers_share_postgres(
    postgres: tuple[str, DemoCommune], tg: TelegramDouble, bot_process: MakeBot
) -> None:
    url, demo = postgres
    ports = [free_port(), free_port()]
    hooks = [f"http://127.0.0.1:{port}/telegram/webhook" for port in ports]
    forwarder = Forwarder(hooks)
    await forwarder.start()
    try:
        workers = [
            await start_worker(bot_process, tg, url, forwarder, port, n)
            for n, port in enumerate(ports)
        ]

        # A collaborator of the whole commune, on Telegram, to receive the notices.
        collaborator = Person(tg, COLLABORATOR, "Nguyễn Thị Lan")
        await join(collaborator, demo.invites["collaborator"].code)

        code = demo.invites["household"].code
        households = [Person(tg, 7101 + i, f"Hộ Thử {i + 1}") for i in range(HOUSEHOLDS)]
        await asyncio.gather(*(assess(h, code) for h in households))

        for household in households:
            # Both processes took turns with this person's messages...
            turns = forwarder.workers_of(household.id)
            assert turns == [n % 2 for n in range(len(turns))] and len(turns) > 10, turns
            # ...and the questions still came one after another, each once.
            assert household.questions() == list(range(1, 15)), tg.transcript(household.id)

        # Two different messages of one chat at the same moment, one to each process: the
        # chat's row lock makes one wait for the other, so both answers count, in turn.
        racer = Person(tg, RACER, "Racer")
        await join_household(racer, code)
        await racer.say("6", "Câu 2/")  # six people: the two racing answers fit either way
        async with aiohttp.ClientSession() as http:

            async def post(worker: int, body: bytes) -> int:
                headers = {SECRET_HEADER: WEBHOOK_SECRET, "Content-Type": "application/json"}
                async with http.post(hooks[worker], data=body, headers=headers) as response:
                    await response.read()
                    return response.status

            first = raw_update(880_000_001, RACER, 90_001, "2")
            second = raw_update(880_000_002, RACER, 90_002, "2")
            assert list(await asyncio.gather(post(0, first), post(1, second))) == [200, 200]
            # The same update delivered to both processes at once: applied once.
            third = raw_update(880_000_003, RACER, 90_003, "1")
            assert list(await asyncio.gather(post(0, third), post(1, third))) == [200, 200]
        await racer.say("/start", "Câu 5/")  # where the chat is now: three answers later

        # Every household's "submitted" notice reached the collaborator exactly once, though
        # both processes run the outbox.
        def notices() -> list[str]:
            return [m.content for m in tg.messages(COLLABORATOR) if "vừa gửi" in m.content]

        await tg.wait_for(lambda: len(notices()) >= HOUSEHOLDS, timeout=30)
        await asyncio.sleep(1.0)  # several outbox polls of both workers
        for household in households:
            assert sum(household.name in n for n in notices()) == 1, notices()
        assert len(notices()) == HOUSEHOLDS

        for worker in workers:
            assert await worker.stop() == 0
    finally:
        await forwarder.stop()

    rows = await query(
        url,
        "SELECT a.id, a.status, a.total, a.answers, h.head_name FROM assessments a"
        " JOIN households h ON h.id = a.household_id",
    )
    by_name = {r["head_name"]: r for r in rows}
    for household in households:
        row = by_name[household.name]
        assert row["status"] == "submitted" and row["total"] == 100, row
    answers = json.loads(by_name["Racer"]["answers"])
    assert (answers["members"], answers["children"], answers["adults"]) == (6, 2, 2)

    # Every answer once: one log row per question answered, never two.
    logged = await query(
        url,
        "SELECT assessment_id, field, COUNT(*) AS n FROM assessment_log"
        " WHERE action = 'answer' AND note IS NULL GROUP BY assessment_id, field",
    )
    assert all(r["n"] == 1 for r in logged), [r for r in logged if r["n"] != 1]
    per_assessment: dict[int, int] = {}
    for r in logged:
        per_assessment[r["assessment_id"]] = per_assessment.get(r["assessment_id"], 0) + 1
    for household in households:
        assert per_assessment[by_name[household.name]["id"]] == len(FULL_ANSWERS)
    assert per_assessment[by_name["Racer"]["id"]] == 4

    # Every update the double delivered, and the racing ones, recorded as applied once.
    delivered = {str(d.update_id) for d in tg.webhook_deliveries if d.status == 200}
    keys = [r["update_key"] for r in await query(url, "SELECT update_key FROM processed_updates")]
    assert len(keys) == len(set(keys))
    assert delivered | {"880000001", "880000002", "880000003"} == set(keys)

    sent = await query(url, "SELECT status, attempts FROM outbox WHERE chat_id = $1", "7001")
    assert [r["status"] for r in sent] == ["sent"] * HOUSEHOLDS, sent
