"""The demo commune is made only by `hoctap demo` and by the terminal chat of a fresh checkout
(issue 11). `hoctap run` used to create it on every start, on a real deployment too, with a
multi-use chair invite that never expires: anyone holding that code became a chair."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable

import pytest
from sqlalchemy import func, select

from bot.cli import main
from bot.demo import DEMO_COLLABORATOR, ensure_demo_for_terminal
from bot.i18n import Translator
from bot.settings import PROJECT_ROOT, Settings
from storage.db import Database
from storage.tables import CommuneRow, InviteRow, PersonRow
from storage.uow import UnitOfWork
from tests.conftest import FakeClock

Cli = Callable[..., str]
t = Translator(PROJECT_ROOT / "locales")


@pytest.fixture
def cli(
    database_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Cli:
    """`hoctap ARGS` in this process, with what is typed on standard input."""
    monkeypatch.setenv("DATABASE_URL", database_url)
    for name in ("TELEGRAM_BOT_TOKEN", "ZALO_BOT_TOKEN"):
        monkeypatch.delenv(name, raising=False)

    def run(*argv: str, stdin: str = "", env: dict[str, str] | None = None) -> str:
        for name, value in (env or {}).items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        assert main(list(argv)) == 0
        return capsys.readouterr().out

    return run


async def counts(db: Database) -> tuple[int, int, int]:
    async with db.session() as session:
        return (
            int(await session.scalar(select(func.count()).select_from(CommuneRow)) or 0),
            int(await session.scalar(select(func.count()).select_from(PersonRow)) or 0),
            int(await session.scalar(select(func.count()).select_from(InviteRow)) or 0),
        )


def settings_for(database_url: str, tokens: dict[str, str] | None = None) -> Settings:
    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    return settings.model_copy(update=tokens or {})


def test_terminal_chat_on_an_empty_database_talks_as_the_demo_collaborator(cli: Cli) -> None:
    # `make run` on a fresh checkout: no token, an empty database.
    shown = cli("run", stdin="")
    assert t("vi", "menu-title", name=DEMO_COLLABORATOR) in shown
    assert t("vi", "not-registered") not in shown


@pytest.mark.parametrize(
    "token", [{"TELEGRAM_BOT_TOKEN": "123456:TEST"}, {"ZALO_BOT_TOKEN": "zalo-token"}]
)
async def test_demo_commune_is_not_created_when_a_channel_token_is_set(
    database_url: str, db: Database, token: dict[str, str]
) -> None:
    settings = settings_for(database_url, {k.lower(): v for k, v in token.items()})
    assert await ensure_demo_for_terminal(db, settings) is None
    assert await counts(db) == (0, 0, 0)


def test_chat_with_a_channel_token_set_creates_no_demo_commune(cli: Cli, database_url: str) -> None:
    # `hoctap chat` on the server of a deployment: the chat is a stranger, no chair code exists.
    shown = cli("chat", stdin="", env={"TELEGRAM_BOT_TOKEN": "123456:TEST"})
    assert t("vi", "not-registered") in shown
    shown = cli("chat", stdin="", env={"TELEGRAM_BOT_TOKEN": ""})  # the same database, no token
    assert t("vi", "not-registered") not in shown  # empty still: now the demo is made


async def test_demo_commune_is_not_added_to_a_database_holding_data(
    database_url: str, db: Database
) -> None:
    async with db.session() as session:
        uow = UnitOfWork(session, FakeClock()())
        province = await uow.places.ensure_province("Tỉnh Hà Tĩnh")
        await uow.places.ensure_commune(province.id, "Xã Thạch Hà", difficult_area=False)
    assert await ensure_demo_for_terminal(db, settings_for(database_url)) is None
    assert await counts(db) == (1, 0, 0)


def test_demo_command_still_creates_it(cli: Cli) -> None:
    out = cli("demo", env={"TELEGRAM_BOT_TOKEN": "123456:TEST"})  # asked for by name: made
    assert "chair invite:" in out
