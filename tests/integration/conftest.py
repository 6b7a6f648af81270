"""Fixtures of the integration tests beside tests/conftest.py's databases."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from bot.cli import main

# `cli("units", "import", …)` → (exit code, stdout, stderr)
Cli = Callable[..., tuple[int, str, str]]


@pytest.fixture
def cli(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    """`hoctap …` run in this process on the test's database, with no channel token set (so
    nothing reaches out to Telegram or Zalo). A test module needing more settings overrides
    this fixture, asking for it by name and setting them with `monkeypatch`."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN", "ZALO_BOT_LINK"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str) -> tuple[int, str, str]:
        capsys.readouterr()
        code = main(list(argv))
        out, err = capsys.readouterr()
        return code, out, err

    return run
