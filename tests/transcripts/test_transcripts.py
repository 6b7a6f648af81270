"""Each `*.txt` here is a conversation test: the packs the bot is given, what a person types
and the bot's answers, word for word (the format: tests/support/transcript.py). Every one
runs through the real service on the terminal channel, on SQLite and (when TEST_DATABASE_URL
is set) PostgreSQL. To add one, write the file: no code."""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.bootstrap import App, build_app
from bot.demo import ensure_demo
from bot.settings import PROJECT_ROOT, Settings
from tests.conftest import FakeClock
from tests.support.chat import Chat
from tests.support.transcript import Transcript, as_turn, fill, matches, parse

HERE = Path(__file__).parent
TRANSCRIPTS = sorted(HERE.glob("*.txt"))


@pytest.fixture(params=TRANSCRIPTS, ids=[p.stem for p in TRANSCRIPTS])
def transcript(request: pytest.FixtureRequest) -> Transcript:
    path: Path = request.param
    return parse(path)


@pytest.fixture
async def bot(transcript: Transcript, database_url: str, tmp_path: Path) -> AsyncIterator[App]:
    """The service with only the transcript's packs, on a database with the demo commune."""
    packs = tmp_path / "packs"
    packs.mkdir()
    for pack in transcript.pack_files(PROJECT_ROOT / "packs"):
        shutil.copy(pack, packs / pack.name)
    settings = Settings(database_url=database_url, packs_dir=packs, _env_file=None)
    app = build_app(settings, clock=FakeClock())
    try:
        yield app
    finally:
        await app.close()


async def test_conversation(transcript: Transcript, bot: App) -> None:
    demo = await ensure_demo(bot.db)
    invites = {role: invite.code for role, invite in demo.invites.items()}
    chat = Chat(bot, transcript.user)
    so_far: list[str] = []
    for turn in transcript.turns:
        says = fill(turn.says, invites)
        answer = await chat.say(says)
        so_far.append(as_turn(turn.says, answer))
        if not matches(turn.expected, answer.splitlines()):
            expected = as_turn(turn.says, "\n".join(turn.expected))
            pytest.fail(
                f"{transcript.path.name}:{turn.line}: the bot answered otherwise.\n"
                f"--- expected\n{expected}\n--- the conversation up to here\n"
                + "\n\n".join(so_far),
                pytrace=False,
            )
