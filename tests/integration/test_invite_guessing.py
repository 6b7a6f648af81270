"""Invite codes cannot be guessed without limit (issue 11: 60 wrong codes a minute from one
chat were all checked). After 5 wrong codes within an hour a chat is told to ask its
collaborator, and for an hour its codes are not checked; counted in the database per channel
and chat, so it holds across bot processes and restarts. Through the service, on SQLite and
PostgreSQL, with the test's clock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from bot.bootstrap import App, build_app
from bot.demo import DemoCommune, ensure_demo
from bot.flows.join import blocked_until
from bot.settings import Settings
from storage.tables import InviteAttemptRow
from tests.conftest import FakeClock
from tests.support.chat import Chat

# Shaped like codes (8 letters of the code alphabet), matching no invite.
WRONG = ["ABCDEFGH", "BCDEFGHJ", "CDEFGHJK", "DEFGHJKM", "EFGHJKMN", "FGHJKMNP"]


@pytest.fixture
async def demo(app: App) -> DemoCommune:
    return await ensure_demo(app.db)


def vi(app: App, message_id: str, **args: object) -> str:
    return app.translator("vi", message_id, **args)


async def attempts(app: App) -> list[tuple[str, str, datetime]]:
    async with app.db.session() as session:
        rows = await session.execute(
            select(InviteAttemptRow.channel, InviteAttemptRow.chat_id, InviteAttemptRow.at)
        )
        return [tuple(r) for r in rows.all()]  # type: ignore[misc]


async def test_typed_invite_codes_are_ignored_for_an_hour_after_five_wrong_ones(
    app: App, demo: DemoCommune, clock: FakeClock
) -> None:
    right = demo.invites["collaborator"].code
    guesser = Chat(app, "zalo-guesser", channel="zalo")  # Zalo: the code is typed
    for code in WRONG[:4]:
        assert await guesser.say(code) == vi(app, "invite-invalid")
        clock.advance(minutes=1)
    # The fifth wrong code: told whom to ask, and until when (09:04 + 1 hour, Hà Nội time).
    too_many = vi(app, "invite-too-many", time="10:04")
    assert await guesser.say(WRONG[4]) == too_many
    # The right code now is not even checked; the person still gets the explanation.
    clock.advance(minutes=30)
    assert await guesser.say(right) == too_many
    assert await guesser.say(WRONG[5]) == too_many
    # Only the five wrong codes were counted; only channel, chat and time are kept.
    stored = await attempts(app)
    assert [(c, chat) for c, chat, _ in stored] == [("zalo", "zalo-guesser")] * 5
    assert all(at.tzinfo is not None for _, _, at in stored)

    # Another chat is not held up.
    other = Chat(app, "zalo-neighbour", channel="zalo")
    assert vi(app, "join-ask-name") in await other.say(right)

    # 59 minutes after the fifth wrong code: still ignored. An hour after: the right code works.
    clock.advance(minutes=29)
    assert await guesser.say(right) == too_many
    clock.advance(minutes=1)
    assert vi(app, "join-ask-name") in await guesser.say(right), guesser.seen


async def test_telegram_start_links_are_limited_too(
    app: App, demo: DemoCommune, clock: FakeClock
) -> None:
    chat = Chat(app, "7001", channel="telegram")
    for code in WRONG[:4]:
        assert await chat.say(f"/start {code}") == vi(app, "invite-invalid")
    too_many = vi(app, "invite-too-many", time="10:00")
    assert await chat.say(f"/start {WRONG[4]}") == too_many
    assert await chat.say(f"/start {demo.invites['household'].code}") == too_many
    clock.advance(hours=1)
    assert vi(app, "join-agree") in await chat.say(f"/start {demo.invites['household'].code}")


async def test_wrong_codes_spread_over_more_than_an_hour_are_not_blocked(
    app: App, demo: DemoCommune, clock: FakeClock
) -> None:
    chat = Chat(app, "slow", channel="zalo")
    for code in WRONG[:4]:
        assert await chat.say(code) == vi(app, "invite-invalid")
        clock.advance(minutes=20)  # 0, 20, 40, 60: the fifth at 80 minutes
    assert await chat.say(WRONG[4]) == vi(app, "invite-invalid")
    assert vi(app, "join-ask-name") in await chat.say(demo.invites["collaborator"].code)


async def test_wrong_codes_are_counted_across_bot_processes(
    settings: Settings, app: App, demo: DemoCommune, clock: FakeClock
) -> None:
    """Two processes (as with two webhook workers, or a restart) share the count."""
    second = build_app(settings, clock=clock)
    try:
        for i, code in enumerate(WRONG[:4]):
            process = app if i % 2 else second
            shown = await Chat(process, "roamer", channel="zalo").say(code)
            assert shown == vi(app, "invite-invalid")
    finally:
        await second.close()
    restarted = build_app(settings, clock=clock)
    try:
        shown = await Chat(restarted, "roamer", channel="zalo").say(WRONG[4])
    finally:
        await restarted.close()
    assert shown == vi(app, "invite-too-many", time="10:00")


def test_blocked_until_is_an_hour_after_the_fifth_wrong_code_within_an_hour() -> None:
    t0 = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)
    minutes = [t0 + timedelta(minutes=m) for m in (0, 10, 20, 30, 40)]
    assert blocked_until(minutes[:4], t0 + timedelta(minutes=41)) is None
    assert blocked_until(minutes, t0 + timedelta(minutes=41)) == t0 + timedelta(minutes=100)
    assert blocked_until(minutes, t0 + timedelta(minutes=100)) is None
    spread = [t0 + timedelta(minutes=m) for m in (0, 20, 40, 60, 61)]
    assert blocked_until(spread, t0 + timedelta(minutes=62)) is None
