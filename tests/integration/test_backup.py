"""`hoctap db backup`: an online copy of the live SQLite database holds every assessment."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.bootstrap import build_app
from bot.cli import main
from bot.demo import ensure_demo
from bot.settings import Settings
from storage.db import Database, upgrade
from storage.tables import AssessmentRow
from tests.conftest import FakeClock
from tests.support.chat import Chat


async def test_backup_while_running_restores_every_assessment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'live.db'}"
    upgrade(url)
    app = build_app(Settings(database_url=url, _env_file=None), clock=FakeClock())  # type: ignore[call-arg]
    try:
        await ensure_demo(app.db)
        chat = Chat(app, "local")
        await chat.say("/start")
        for n in range(3):
            await chat.choose("Đánh giá hộ gia đình")
            await chat.choose("Thôn Sen 1")
            await chat.say(f"Hộ số {n}")
            await chat.say("lưu")  # each leaves a draft behind
        # The bot keeps its connections open while the backup runs.
        monkeypatch.setenv("DATABASE_URL", url)
        assert main(["db", "backup", str(tmp_path / "copy.db")]) == 0
    finally:
        await app.close()

    restored = Database(f"sqlite+aiosqlite:///{tmp_path / 'copy.db'}")
    try:
        async with restored.session() as session:
            count = await session.scalar(select(func.count()).select_from(AssessmentRow))
            names = sorted((await session.scalars(select(AssessmentRow.answers))).all(), key=str)
    finally:
        await restored.dispose()
    assert count == 3
    assert [a["head_name"] for a in names] == ["Hộ số 0", "Hộ số 1", "Hộ số 2"]
