"""`hoctap demo` seeds one example form of each of the five titles (issue 15), so a newcomer
sees all five in the terminal chat: run in process on SQLite and PostgreSQL, twice, and read
as the collaborator, the chair and the digest show them."""

from __future__ import annotations

import asyncio
import io
import re
import sys
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.bootstrap import build_app
from bot.demo import DEMO_UNIT, DEMO_VILLAGES, ensure_demo
from bot.settings import Settings
from storage.tables import AssessmentRow, CitizenRow, HouseholdRow, PersonRow
from tests.conftest import FakeClock
from tests.integration.conftest import Cli
from tests.integration.test_unit_totals import _run

TITLES = (
    "Gia đình học tập",
    "Dòng họ học tập",
    "Cộng đồng học tập",
    "Công dân học tập",
    "Đơn vị học tập",
)


@pytest.fixture
def chat(cli: Cli, monkeypatch: pytest.MonkeyPatch) -> Any:
    """`hoctap chat --user USER` with these lines typed; what it printed."""

    def run(user: str, *lines: str) -> str:
        monkeypatch.setattr(sys, "stdin", io.StringIO("".join(f"{line}\n" for line in lines)))
        code, out, err = cli("chat", "--user", user)
        assert code == 0, err
        return out

    return run


def _number(shown: str, label: str) -> str:
    """The number of the last option list's entry starting with `label`."""
    found = re.findall(rf"^(\d+)\. {re.escape(label)}", shown, re.MULTILINE)
    assert found, f"no {label!r} in:\n{shown}"
    return str(found[-1])


def _stored(url: str) -> tuple[int, ...]:
    async def work(session: Any) -> tuple[int, ...]:
        counts = []
        for row in (AssessmentRow, HouseholdRow, CitizenRow, PersonRow):
            counts.append(int(await session.scalar(select(func.count()).select_from(row)) or 0))
        return tuple(counts)

    return tuple(_run(url, work))


def _sections(digest: str) -> dict[str, str]:
    """The digest's block of each title, by its heading."""
    blocks = digest.split("\n\n")
    return {title: next(b for b in blocks if b.splitlines()[0].endswith(title)) for title in TITLES}


def test_the_demo_has_one_waiting_example_of_each_title(
    cli: Cli, chat: Any, database_url: str
) -> None:
    code, out, err = cli("demo")
    assert code == 0, err
    assert (
        "Example forms, submitted and waiting to be checked: household Phan Văn Quý, "
        "citizen Phan Thị Hằng, clan Phan, village Thôn Hoàng Trù, "
        f"unit {DEMO_UNIT[0]}." in out
    )
    chair_code = re.search(r"^chair invite: (\w{8})", out, re.MULTILINE)
    assert chair_code is not None
    once = _stored(database_url)

    # Run again: nothing more is made, the same line is printed.
    code, again, err = cli("demo")
    assert code == 0, err
    assert "Example forms, submitted and waiting to be checked: household Phan Văn Quý" in again
    assert _stored(database_url) == once
    assert once[0] == 5

    # The terminal chat (the demo collaborator): the household's, its adult's and the
    # clan's forms wait for them, each with the points the pack gave it.
    menu = chat("local")
    assert "Phiếu chờ xác nhận (3)" in menu
    waiting = chat("local", _number(menu, "Phiếu chờ xác nhận"))
    listed = waiting.split("Phiếu chờ xác nhận (3):", 1)[1]
    assert re.search(r"Dòng họ Phan — \d+ điểm", listed), listed
    assert f"Hộ Phan Văn Quý — {DEMO_VILLAGES[0]} — 100 điểm" in listed
    assert f"Phan Thị Hằng — {DEMO_VILLAGES[0]} — 100 điểm" in listed

    # The chair, joining by the demo's invite: the village's and the school's forms.
    menu = chat("chair", chair_code.group(1), "Trần Văn Bình", "bỏ qua")
    assert "Phiếu chờ xác nhận (2)" in menu
    waiting = chat("chair", "/start", _number(menu, "Phiếu chờ xác nhận"))
    listed = waiting.split("Phiếu chờ xác nhận (2):", 1)[1]
    assert f"Đơn vị {DEMO_UNIT[0]} — " in listed
    assert f"Cộng đồng học tập {DEMO_VILLAGES[0]} — " in listed

    # The chair's digest: each of the five titles assessed once.
    code, digest, err = cli("digest", "show", "--commune", "Kim Liên")
    assert code == 0, err
    for title, block in _sections(digest).items():
        assert re.search(r"^Đã đánh giá: 1\b", block, re.MULTILINE), (title, block)


def test_the_demo_without_examples_has_nothing_waiting(
    cli: Cli, chat: Any, database_url: str
) -> None:
    code, out, err = cli("demo", "--no-examples")
    assert code == 0, err
    assert "Example forms" not in out
    assert "Phiếu chờ xác nhận (0)" in chat("local")
    assert _stored(database_url)[0] == 0


async def test_two_demos_starting_together_make_one_example_of_each(
    database_url: str, clock: FakeClock
) -> None:
    # `hoctap demo` twice at once: the examples are made under the demo's lock, once.
    settings = Settings(database_url=database_url, _env_file=None)  # type: ignore[call-arg]
    first, second = build_app(settings, clock=clock), build_app(settings, clock=clock)
    try:
        a, b = await asyncio.gather(
            ensure_demo(first.db, examples=first.service),
            ensure_demo(second.db, examples=second.service),
        )
        async with first.db.session() as session:
            titles = (await session.scalars(select(AssessmentRow.title))).all()
    finally:
        await first.close()
        await second.close()
    assert a.examples == b.examples and len(a.examples) == 5
    assert sorted(titles) == ["citizen", "clan", "household", "unit", "village"]
