"""Long replies and pacing, with the real bot process at its real Zalo rates (5 messages/s
overall, none per chat for answers). The packs are a copy of the shipped ones whose first
household question carries a hint long enough that asking it takes two Zalo messages."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest
import pytest_asyncio

from tests.support.botprocess import BotProcess
from tests.support.zalo_double import ZaloDouble
from tests.support.zalo_process import ZaloPerson, custom_packs, run_demo, zalo_env

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

SENTENCE = "Tính cả ông bà, cha mẹ, con cháu đang sống chung một nhà và ăn chung một mâm cơm. "
HINT = SENTENCE * 32  # about 2,700 characters


@dataclass
class RunningBot:
    process: BotProcess
    codes: dict[str, str]


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def zalo() -> AsyncIterator[ZaloDouble]:
    async with ZaloDouble() as double:
        yield double


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    zalo: ZaloDouble, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningBot]:
    workdir = tmp_path_factory.mktemp("zalo-long")
    packs = custom_packs(workdir / "packs", long_hint=HINT.strip())
    env = zalo_env(zalo, workdir / "hoctap.db", PACKS_DIR=str(packs))
    codes = run_demo(env, workdir)
    process = BotProcess(env, workdir, name="zalo-bot-long")

    async def polling() -> bool:
        return zalo.calls("getUpdates") > 0

    try:
        await process.start(polling, timeout=30)
        yield RunningBot(process, codes)
    finally:
        await process.close()


async def test_a_long_question_is_split_at_2000_characters(
    zalo: ZaloDouble, bot: RunningBot
) -> None:
    lan = ZaloPerson(zalo, zalo.new_user_id())
    await lan.say(bot.codes["household"], "Gia đình có đồng ý không?")
    await lan.say("1", "họ và tên chủ hộ")
    await lan.say("Nguyễn Thị Lan", "đúng không")
    answer = await lan.say("1", "Gõ “quay lại”")
    # The notice of registration, then the question in parts: split_text cuts at the last
    # line break that fits, then inside the long hint at a space.
    assert answer[0].startswith("Dạ, đã đăng ký hộ Nguyễn Thị Lan")
    question = answer[1:]
    assert len(question) >= 2
    assert all(0 < len(part) <= 2000 and part == part.strip() for part in question)
    assert question[0].startswith("Câu 1/12\nGia đình có bao nhiêu người?")
    # Only the separators cut at were consumed: every word arrives, none broken.
    words = " ".join(question).split()
    hint = HINT.split()
    start = words.index("(" + hint[0])
    assert words[start : start + len(hint)] == ["(" + hint[0], *hint[1:-1], hint[-1] + ")"]


async def test_the_messages_of_one_answer_are_not_held_apart(
    zalo: ZaloDouble, bot: RunningBot
) -> None:
    binh = ZaloPerson(zalo, zalo.new_user_id(), "Bình")
    await binh.say(bot.codes["household"], "Gia đình có đồng ý không?")
    # A sticker on the consent screen is answered with two messages: why, and the question.
    zalo.push_sticker(binh.user_id)
    await binh.answer("Gia đình có đồng ý không?")
    dates = [
        r.date
        for r in zalo.sent
        if r.method == "sendMessage" and r.chat_id == binh.chat_id and r.date is not None
    ]
    assert len(dates) == 3
    gaps = [later - earlier for earlier, later in itertools.pairwise(dates)]
    # The two parts of one answer arrive together (they were a second apart when the bot
    # paced each chat at one message a second).
    assert gaps[-1] < 400, gaps
