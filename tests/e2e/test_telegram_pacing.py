"""The real bot process against the Telegram double, at the bot's own sending limits (the
defaults: nothing opened wide): people answering at once are not held back by the bot, and a
burst Telegram refuses with 429 is waited out and sent again, each message once."""

from __future__ import annotations

import asyncio
import statistics
import time

import pytest

from tests.e2e.conftest import StartTelegram
from tests.support.answers import FULL_ANSWERS
from tests.support.household import Person, join_household
from tests.support.telegram_double import ApiRequest, TelegramDouble

pytestmark = pytest.mark.e2e

# What a person sees change: the answered question edited, the next question sent.
VISIBLE = frozenset({"sendMessage", "editMessageText", "editMessageReplyMarkup"})


def shown(tg: TelegramDouble, chat_id: int, since: float) -> list[ApiRequest]:
    """The calls that showed something in this chat (not refused) since `since`."""
    return [
        r
        for r in tg.requests
        if r.method in VISIBLE
        and r.params.get("chat_id") == chat_id
        and r.at >= since
        and r.status == 200
    ]


def question_sent(calls: list[ApiRequest], number: int) -> list[ApiRequest]:
    return [
        r
        for r in calls
        if r.method == "sendMessage" and str(r.params.get("text", "")).startswith(f"Câu {number}/")
    ]


async def wait_for_question(person: Person, number: int, timeout: float = 15) -> None:
    await person.tg.wait_for(
        lambda: number in person.questions(),
        timeout=timeout,
        message=lambda: f"no question {number}\n{person.tg.transcript(person.id)}",
    )


async def households(tg: TelegramDouble, code: str, first_id: int, count: int) -> list[Person]:
    people = [Person(tg, first_id + i, f"Hộ Nhanh {i + 1}") for i in range(count)]
    await asyncio.gather(*(join_household(p, code) for p in people))
    return people


async def test_people_answering_at_once_get_the_next_question_at_once(
    telegram_bot: StartTelegram, tg: TelegramDouble
) -> None:
    bot = await telegram_bot("polling")
    people = await households(tg, bot.db.invite("household"), 81_001, 4)
    first_reactions: list[float] = []
    turns: list[float] = []

    async def answer_in_turn(person: Person) -> None:
        # Six answers, each typed half a second after the question came (a quick reader). At
        # the old pace of one message a second per chat, from the third answer on each took
        # one and a half seconds. (Answering at once, four people would ask for more than
        # Telegram's 30 messages a second: then that limit sets the pace, 15 answers a
        # second for the whole bot; bench/latency.py measures it.)
        for index, answer in enumerate(FULL_ANSWERS[:6]):
            await asyncio.sleep(0.5)
            pushed = time.time()
            tg.push_text(person.id, answer, first_name=person.name)
            await wait_for_question(person, index + 2)
            calls = shown(tg, person.id, pushed)
            first_reactions.append(calls[0].at - pushed)
            [sent] = question_sent(calls, index + 2)
            turns.append(sent.at - pushed)

    await asyncio.gather(*(answer_in_turn(p) for p in people))
    assert len(turns) == 24
    # Typically 20-60 ms each here; the bounds leave room for a busy test machine.
    assert statistics.median(first_reactions) < 0.25, sorted(first_reactions)
    assert statistics.median(turns) < 0.25, sorted(turns)
    assert max(turns) < 0.5, sorted(turns)

    # Three answers typed within the same second by one person: all answered promptly, in
    # order, each question once (at one message a second per chat: over three seconds).
    lan = people[0]
    pushed = time.time()
    for answer in FULL_ANSWERS[6:9]:
        tg.push_text(lan.id, answer, first_name=lan.name)
    await wait_for_question(lan, 10)
    [last] = question_sent(shown(tg, lan.id, pushed), 10)
    assert last.at - pushed < 1.0, last.at - pushed
    assert lan.questions() == list(range(1, 11)), tg.transcript(lan.id)
    for person in people[1:]:
        assert person.questions() == list(range(1, 8)), tg.transcript(person.id)
    assert await bot.stop() == 0


async def test_a_refused_burst_is_waited_out_then_sent_once(
    telegram_bot: StartTelegram, tg: TelegramDouble
) -> None:
    bot = await telegram_bot("polling")
    *people, late = await households(tg, bot.db.invite("household"), 82_001, 5)
    # Telegram refuses the next three messages: too many requests, retry after 2 s.
    tg.inject("sendMessage", "429", times=3, retry_after=2)
    pushed = time.time()
    for person in people:
        tg.push_text(person.id, FULL_ANSWERS[0], first_name=person.name)
    await tg.wait_for(lambda: tg.fault_count("sendMessage", "429") == 3, timeout=15)
    # Someone else answers while the bot is told to wait (the refusals read): they wait too.
    await asyncio.sleep(0.1)
    late_pushed = time.time()
    tg.push_text(late.id, FULL_ANSWERS[0], first_name=late.name)
    everyone = [*people, late]
    await asyncio.gather(*(wait_for_question(p, 2) for p in everyone))

    refused = [r for r in tg.calls("sendMessage") if r.fault == "429"]
    first, last = min(r.at for r in refused), max(r.at for r in refused)
    # The whole bot waited: nothing reached any chat from just after the refusals (calls
    # already on their way aside) until retry_after had passed...
    during = [
        r
        for r in tg.requests
        if r.method in VISIBLE and r.status == 200 and last + 0.2 < r.at < first + 1.95
    ]
    assert during == [], [(r.method, r.params.get("chat_id"), r.at - first) for r in during]
    assert shown(tg, late.id, late_pushed)[0].at - first >= 1.95
    # ...then each refused question went out again, once.
    for call in refused:
        [sent] = question_sent(shown(tg, call.params["chat_id"], pushed), 2)
        assert sent.at - call.at >= 1.95
    for person in everyone:
        assert person.questions() == [1, 2], tg.transcript(person.id)
        assert len(question_sent(shown(tg, person.id, 0), 2)) == 1

    # And the conversation carries on as before.
    await asyncio.gather(*(p.say(FULL_ANSWERS[1], "Câu 3/") for p in everyone))
    for person in everyone:
        assert person.questions() == [1, 2, 3], tg.transcript(person.id)
    assert await bot.stop() == 0
