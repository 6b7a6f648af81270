"""The latency phase: people answering at once, each as soon as the next question is there.

The real bot in this process (as in the throughput phases), but with the running bot's own
sending limits (`make_limits` from the settings' defaults), since what is measured here is
what a person waits for, pacing included. Each person answers the moment the previous turn
has been sent (or, with a think time, 0.5-1.5 times that later); per answer two times are
taken:

- *first reaction*: from the update arriving to the first Bot API call that shows something
  in that chat (the answered question edited to show the choice);
- *turn*: from the update arriving to the last call of the answer (the next question sent).

Only the questionnaire's answers are counted (14 per person), not /start, the menu choice or
the submission. The Bot API is the in-memory session: Telegram's own round trip (tens of
milliseconds from Vietnam) is not in the figures.
"""

from __future__ import annotations

import asyncio
import json
import random
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

from bench.load import Result
from bench.session import MemorySession
from bench.targets import HocTap
from bench.users import ANSWERS, SCRIPT, UpdateFactory, user_ids
from bot.channels import freeze_startup_objects
from bot.telegram.runner import make_limits

# The steps of SCRIPT that are answers to questions: /start and "1" come before, "gui" after.
FIRST_ANSWER = SCRIPT.index(ANSWERS[0], 2)
ANSWER_STEPS = range(FIRST_ANSWER, FIRST_ANSWER + len(ANSWERS))
# Nothing a person sees: not a reaction.
_UNSEEN = frozenset({"sendChatAction", "answerCallbackQuery", "getMe"})


class TimedSession(MemorySession):
    """The in-memory Bot API, noting when the first visible call reaches each waiting chat."""

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, float] = {}
        self.first: dict[int, float] = {}

    def _reached(self, chat_id: Any, name: str) -> None:
        if chat_id is not None and name not in _UNSEEN:
            started = self.waiting.pop(int(chat_id), None)
            if started is not None:
                self.first[int(chat_id)] = time.perf_counter() - started

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self._reached(getattr(method, "chat_id", None), method.__api_method__)
        return await super().make_request(bot, method, timeout)

    async def post_json(self, bot: Bot, name: str, body: bytes) -> tuple[int, str]:
        # The calls the bot writes as JSON itself (bot/telegram/direct.py).
        self._reached(json.loads(body).get("chat_id"), name)
        return await super().post_json(bot, name, body)


@dataclass(frozen=True)
class Mode:
    """How many people answer at once, and how long each takes to answer (0: at once)."""

    people: int
    think: float = 0.0

    @classmethod
    def parse(cls, text: str) -> Mode:
        """ "20" (answering at once) or "20:2" (each taking 1-3 s to answer)."""
        people, _, think = text.partition(":")
        return cls(int(people), float(think or 0))

    def __str__(self) -> str:
        pace = f"answering after 0.5-1.5 x {self.think:g} s" if self.think else "answering at once"
        return f"{self.people} {pace}"


@dataclass
class Latency:
    mode: Mode
    first: Result = field(default_factory=Result)
    turn: Result = field(default_factory=Result)


async def answering(
    target: HocTap,
    session: TimedSession,
    users: Sequence[int],
    factory: UpdateFactory,
    think: float = 0.0,
) -> Latency:
    """Every user goes through SCRIPT, each answer sent as soon as the last turn is done
    (`think` = 0) or 0.5-1.5 x `think` seconds after it."""
    measured = Latency(Mode(len(users), think))

    async def person(user_id: int) -> None:
        rng = random.Random(user_id)
        for step, text in enumerate(SCRIPT):
            if think:
                await asyncio.sleep(rng.uniform(0.5, 1.5) * think)
            raw = factory.text(user_id, text)
            started = time.perf_counter()
            session.waiting[user_id] = started
            await target.feed(raw)
            turn = time.perf_counter() - started
            session.waiting.pop(user_id, None)
            first = session.first.pop(user_id, None)
            if step in ANSWER_STEPS:
                if first is None:
                    raise RuntimeError(f"answer {text!r} of {user_id} got no reaction")
                measured.first.latencies.append(first)
                measured.turn.latencies.append(turn)

    await asyncio.gather(*(person(u) for u in users))
    return measured


DEFAULT_MODES = (Mode(3), Mode(20), Mode(20, 2.0))


async def latency(
    url: str, modes: Sequence[Mode] = DEFAULT_MODES, *, samples: int = 120, say: Any = print
) -> list[Latency]:
    """For each mode, enough groups of fresh people for about `samples` answers, after a
    warm-up group that is not counted."""
    rounds = [max(1, -(-samples // (m.people * len(ANSWERS)))) for m in modes]
    warm = 3
    ids = user_ids(warm + sum(m.people * r for m, r in zip(modes, rounds, strict=True)))
    say(f"latency: registering {len(ids)} households")
    session = TimedSession()
    target = await HocTap.open(
        url, "hoctap, latency", len(ids), session=session, limits=make_limits
    )
    factory = UpdateFactory(start=600_000_001)
    results: list[Latency] = []
    try:
        await answering(target, session, ids[:warm], factory)
        freeze_startup_objects()  # as the running bot does once started
        taken = warm
        for mode, count in zip(modes, rounds, strict=True):
            measured = Latency(mode)
            for round_ in range(1, count + 1):
                group = ids[taken : taken + mode.people]
                taken += mode.people
                result = await answering(target, session, group, factory, mode.think)
                measured.first.latencies += result.first.latencies
                measured.turn.latencies += result.turn.latencies
                say(
                    f"latency: {mode}, round {round_}: first reaction p95"
                    f" {result.first.percentile(95):.0f} ms, turn p95"
                    f" {result.turn.percentile(95):.0f} ms"
                )
            results.append(measured)
    finally:
        await target.close()
    return results
