"""What the Zalo end-to-end tests share: the bot's environment, the demo invites, a person
typing on Zalo, and a look at the bot's SQLite database.

Processes are started with `tests.support.botprocess` (generic); this module only knows Zalo.
"""

from __future__ import annotations

import json
import re
import sqlite3
import subprocess
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tests.support.answers import NINETY_POINT_ANSWERS
from tests.support.botprocess import PROJECT_ROOT, clean_environment
from tests.support.zalo_double import ZaloDouble

# Every wait is bounded: a broken bot fails a test in seconds, not at the suite's timeout.
REPLY_TIMEOUT = 15.0


def zalo_env(double: ZaloDouble, db_path: Path, **extra: str) -> dict[str, str]:
    """The bot's environment: Zalo only (no Telegram token), pointed at the double."""
    env = {
        "DATABASE_URL": f"sqlite+aiosqlite:///{db_path}",
        "ZALO_BOT_TOKEN": "test",
        "ZALO_API_BASE": double.base_url,
        # Short long polls, so that a stop never waits long on one.
        "ZALO_POLLING_TIMEOUT": "5",
    }
    env.update(extra)
    return env


def run_demo(env: Mapping[str, str], workdir: Path) -> dict[str, str]:
    """`python -m bot.cli demo --no-examples` with the bot's settings; returns the invite
    codes by role. Without the example forms: these tests fill the village's form and count
    the waiting lists themselves."""
    workdir.mkdir(parents=True, exist_ok=True)
    out = run_cli(env, workdir, "demo", "--no-examples")
    codes = dict(re.findall(r"^(\w+) invite: ([A-Z0-9]+)", out, re.MULTILINE))
    assert "household" in codes, out
    return codes


def run_cli(env: Mapping[str, str], workdir: Path, *args: str) -> str:
    """`python -m bot.cli ARGS` with the bot's settings; returns what it printed."""
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", *args],
        cwd=workdir,
        env=clean_environment(env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, f"hoctap {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done.stdout


@dataclass
class ZaloPerson:
    """Someone typing to the bot on Zalo: sends a message, waits for the bot's answer."""

    double: ZaloDouble
    user_id: str
    display_name: str = "Chị Lan"
    seen: int = field(default=0)

    @property
    def chat_id(self) -> str:
        return self.user_id  # a private chat's id is the user's id on Zalo

    def texts(self) -> list[str]:
        return self.double.messages(self.chat_id)

    def new_texts(self) -> list[str]:
        texts = self.texts()
        fresh, self.seen = texts[self.seen :], len(texts)
        return fresh

    async def say(self, text: str, expect: str | None = None) -> list[str]:
        """Type `text` and return the bot's answer (its new messages). With `expect`, wait
        until the answer's last message contains it: messages to one chat go out in order,
        so the whole answer has arrived once its last part has."""
        self.double.push_text(self.user_id, text, self.display_name)
        return await self.answer(expect, after=f"after {text!r}")

    async def answer(self, expect: str | None = None, *, after: str = "") -> list[str]:
        start = self.seen

        def arrived() -> bool:
            fresh = self.texts()[start:]
            return bool(fresh) and (expect is None or expect in fresh[-1])

        what = "an answer" + (f" ending with {expect!r}" if expect else "")
        await self.double.wait_for(arrived, REPLY_TIMEOUT, description=f"{what} {after}")
        return self.new_texts()


def query(db_path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Read the bot's SQLite database (WAL mode: reading while the bot writes is safe)."""
    connection = sqlite3.connect(db_path, timeout=10)
    try:
        return list(connection.execute(sql, params))
    finally:
        connection.close()


def custom_packs(directory: Path, *, long_hint: str) -> Path:
    """A copy of the shipped packs whose first household question carries `long_hint`, so that
    asking it needs more than one Zalo message."""
    directory.mkdir(parents=True, exist_ok=True)
    for pack in (PROJECT_ROOT / "packs").glob("*.yaml"):
        text = pack.read_text(encoding="utf-8")
        if pack.name.startswith("gdht"):
            text = _with_hint(text, "members", long_hint)
        (directory / pack.name).write_text(text, encoding="utf-8")
    return directory


def _with_hint(pack_text: str, question: str, hint: str) -> str:
    anchor = f"  - name: {question}\n"
    assert pack_text.count(anchor) == 1, f"question {question} not found once"
    # A JSON string is a valid double-quoted YAML scalar.
    quoted = json.dumps(hint, ensure_ascii=False)
    insert = f"    hint:\n      vi: {quoted}\n      en: {quoted}\n"
    return pack_text.replace(anchor, anchor + insert)


async def register_and_submit(person: ZaloPerson, code: str, head_name: str) -> list[str]:
    """A household joins from the village code, answers every question and submits; returns
    the answer to the submission."""
    await person.say(code, "Gia đình có đồng ý không?")
    await person.say("1", "họ và tên chủ hộ")
    await person.say(head_name, "đúng không")
    await person.say("dung", "Câu 1/")
    for answer in NINETY_POINT_ANSWERS[:-1]:
        await person.say(answer, "Gõ “quay lại”")
    await person.say(NINETY_POINT_ANSWERS[-1], "“gửi”")
    return await person.say("gửi", "Vui lòng chọn")
