"""Simulated people: registered households in the database, and the updates they send."""

from __future__ import annotations

import itertools
import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import insert, select

from bot.bootstrap import utc_now
from bot.demo import ensure_demo
from storage.db import Database
from storage.tables import ChannelIdentityRow, HouseholdRow, PersonRow

FIRST_USER_ID = 5_000_000_001
# A household of 4 with 2 school-age children, every criterion met (as in
# tests/integration/test_workflow.py), typed the way people type on a phone.
ANSWERS = ("4", "2", "2", "1", "1", "co", "co", "co", "co", "co", "1, 3", "co", "co", "co")
# /start opens the household's menu, "1" starts this year's self-assessment, then the answers,
# then "gui" on the review screen submits and scores.
SCRIPT = ("/start", "1", *ANSWERS, "gui")


def user_ids(count: int) -> list[int]:
    return [FIRST_USER_ID + i for i in range(count)]


async def register_households(db: Database, count: int) -> list[int]:
    """`count` households that joined through an invite (person, household with consent, and
    their Telegram identity), written in bulk: joining is not what is measured."""
    demo = await ensure_demo(db)
    ids = user_ids(count)
    async with db.session() as session:
        now = utc_now()
        existing = set(
            await session.scalars(
                select(ChannelIdentityRow.external_id).where(
                    ChannelIdentityRow.channel == "telegram",
                    ChannelIdentityRow.external_id.in_([str(i) for i in ids]),
                )
            )
        )
        new = [i for i in ids if str(i) not in existing]
        if not new:
            return ids
        village = demo.village_ids[0]
        people: list[dict[str, Any]] = [
            {
                "name": f"Hộ {i - FIRST_USER_ID + 1}",
                "role": "household",
                "commune_id": demo.commune_id,
                "village_id": village,
                "locale": "vi",
                "disabled": False,
                "created_at": now,
            }
            for i in new
        ]
        person_ids = list(await session.scalars(insert(PersonRow).returning(PersonRow.id), people))
        await session.execute(
            insert(HouseholdRow),
            [
                {
                    "village_id": village,
                    "head_name": p["name"],
                    "head_name_key": p["name"].lower(),
                    "person_id": pid,
                    "created_at": now,
                    "consent_at": now,
                }
                for p, pid in zip(people, person_ids, strict=True)
            ],
        )
        await session.execute(
            insert(ChannelIdentityRow),
            [
                {
                    "channel": "telegram",
                    "external_id": str(uid),
                    "chat_id": str(uid),
                    "person_id": pid,
                    # What Telegram reports as their name, so it is not rewritten each time.
                    "display_name": "Hộ",
                    "locale": "vi",
                    "unreachable": False,
                    "created_at": now,
                }
                for uid, p, pid in zip(new, people, person_ids, strict=True)
            ],
        )
    return ids


@dataclass
class UpdateFactory:
    """Telegram update JSON as Telegram sends it: unique update ids, per-chat message ids."""

    start: int = 800_000_001
    _ids: itertools.count[int] = field(init=False)
    _message_ids: dict[int, itertools.count[int]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._ids = itertools.count(self.start)

    def text(self, user_id: int, text: str) -> bytes:
        message_id = next(self._message_ids.setdefault(user_id, itertools.count(1)))
        person = {"id": user_id, "is_bot": False, "first_name": "Hộ", "language_code": "vi"}
        update = {
            "update_id": next(self._ids),
            "message": {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": user_id, "type": "private", "first_name": "Hộ"},
                "from": person,
                "text": text,
                **(
                    {"entities": [{"type": "bot_command", "offset": 0, "length": len(text)}]}
                    if text.startswith("/")
                    else {}
                ),
            },
        }
        return json.dumps(update, ensure_ascii=False).encode()


def steps_per_user(script: Sequence[str] = SCRIPT) -> int:
    return len(script)
