"""The real bot process (`python -m bot`, Zalo only, long polling) against the Zalo double.

One bot process serves the whole module; every test plays a different Zalo user. Answers are
not paced per chat (only 5 messages/s overall); test_zalo_long_replies.py checks it.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import pytest_asyncio

from tests.support.botprocess import BotProcess
from tests.support.zalo_double import ZaloDouble
from tests.support.zalo_process import ZaloPerson, query, run_cli, run_demo, zalo_env

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]


@dataclass
class RunningBot:
    process: BotProcess
    codes: dict[str, str]
    db_path: Path
    env: dict[str, str]
    workdir: Path


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def zalo() -> AsyncIterator[ZaloDouble]:
    async with ZaloDouble() as double:
        yield double


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def bot(
    zalo: ZaloDouble, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[RunningBot]:
    workdir = tmp_path_factory.mktemp("zalo-polling")
    db_path = workdir / "hoctap.db"
    env = zalo_env(zalo, db_path)
    codes = run_demo(env, workdir)
    process = BotProcess(env, workdir, name="zalo-bot")

    async def polling() -> bool:
        return zalo.calls("getUpdates") > 0

    try:
        await process.start(polling, timeout=30)
        yield RunningBot(process, codes, db_path, env, workdir)
    finally:
        await process.close()
    assert "Traceback" not in process.output(all_runs=True), process.output(all_runs=True)


def person(zalo: ZaloDouble, name: str = "Chị Lan") -> ZaloPerson:
    return ZaloPerson(zalo, zalo.new_user_id(), name)


async def test_household_registers_and_assesses_itself_by_typing(
    zalo: ZaloDouble, bot: RunningBot
) -> None:
    lan = person(zalo)
    # Zalo has no start payload: the code printed under the QR is typed, here in lower case.
    consent = await lan.say(bot.codes["household"].lower(), "Gia đình có đồng ý không?")
    assert "1. Đồng ý\n2. Không đồng ý" in consent[-1]
    await lan.say("1", "họ và tên chủ hộ")
    await lan.say("Nguyễn Văn An", "Thôn Hoàng Trù, đúng không")
    # "dung" for "Đúng": an option's words typed without diacritics.
    started = await lan.say("dung", "Câu 1/")
    assert "đã đăng ký hộ Nguyễn Văn An" in started[0]
    assert "Gõ “quay lại” để sửa câu trước, “lưu” để tạm dừng." in started[-1]
    await lan.say("4", "Câu 2/")
    # A wrong answer: more children than people. The reason, then the same question again.
    wrong = await lan.say("9", "Câu 2/")
    assert "Số cháu không thể nhiều hơn số người trong gia đình." in wrong[0]
    await lan.say("2", "Câu 3/")
    await lan.say("2", "Câu 4/")
    await lan.say("1", "Câu 5/")
    # An evidence photo (a certificate): kept as Zalo's URL, the question still open.
    photo_url = "https://photo-stal.zadn.vn/giay-khen-2026.jpg"
    zalo.push_image(lan.user_id, photo_url, caption="giấy khen", display_name="Chị Lan")
    evidence = await lan.answer("đã nhận ảnh minh chứng (1 ảnh)")
    assert "Kết quả học tập và hạnh kiểm" in evidence[-1]
    question = await lan.say("1", "Câu 6/")
    assert "1. Có\n2. Không\nVui lòng trả lời 1 hoặc 2." in question[-1]
    skip = await lan.say("bo qua", "Câu 6/")
    assert "không bỏ qua được" in skip[0]
    await lan.say("co", "Câu 7/")
    await lan.say("co", "Câu 8/")
    # Going back: the previous question again, with the answer given.
    back = await lan.say("quay lai", "Câu 7/")
    assert "Câu trả lời trước: Có" in back[-1]
    await lan.say("khong", "Câu 8/")
    await lan.say("có", "Câu 9/")
    await lan.say("co", "Câu 10/")
    await lan.say("khong", "Câu 11/")
    # "lưu" pauses; the menu's first option resumes at the same question.
    paused = await lan.say("luu", "Vui lòng chọn")
    assert "1. Làm tiếp phiếu tự đánh giá" in paused[-1]
    await lan.say("1", "Câu 11/")
    await lan.say("1, 3, 4", "Câu 12/")
    await lan.say("co", "Câu 13/")
    await lan.say("co", "Câu 14/")
    review = await lan.say("co", "“gửi”")
    assert "Dạ, vui lòng xem lại các câu trả lời:" in review[-1]
    again = await lan.say("xem lai", "“gửi”")
    assert "9. Người lớn từ 19 đến 60 tuổi" in again[-1]
    assert "— Không" in again[-1]
    # From the review: change answer 8, then back to the review.
    edit = await lan.say("8", "Câu 6/")
    assert "Câu trả lời trước: Có" in edit[-1]
    await lan.say("co", "“gửi”")
    result = await lan.say("gui", "Vui lòng chọn")
    assert any("Tổng: 80/100 điểm (đạt từ 80 điểm trở lên)" in text for text in result)
    assert "Đã gửi, chờ xác nhận" in result[-1]

    # Zalo shows no buttons and cannot edit: no echo of a choice was sent, only questions.
    assert not any("\n✓ " in text for text in lan.texts())
    assert all(len(text) <= 2000 for text in lan.texts())
    assert "typing" in zalo.chat_actions(lan.chat_id)

    rows = query(
        bot.db_path,
        "SELECT a.status, a.total, a.passed, a.answers, h.head_name, h.consent_at "
        "FROM assessments a JOIN households h ON h.id = a.household_id "
        "JOIN people p ON p.id = h.person_id "
        "JOIN channel_identities i ON i.person_id = p.id "
        "WHERE i.channel = 'zalo' AND i.external_id = ?",
        lan.user_id,
    )
    assert len(rows) == 1
    status, total, passed, answers_json, head_name, consent_at = rows[0]
    assert (status, total, passed, head_name) == ("submitted", 80.0, 1, "Nguyễn Văn An")
    assert consent_at is not None
    answers = json.loads(answers_json)
    assert answers["village"] == "Thôn Hoàng Trù"
    assert (answers["members"], answers["children"], answers["adults"]) == (4, 2, 2)
    assert answers["children_conduct"] == "yes"
    assert answers["adult_literacy"] == "no"  # changed after going back
    assert answers["info_devices"] == ["smartphone", "internet", "tv"]
    stored = query(
        bot.db_path,
        "SELECT e.question, e.channel, e.file_ref FROM evidence e JOIN assessments a "
        "ON a.id = e.assessment_id JOIN households h ON h.id = a.household_id "
        "WHERE h.head_name = ?",
        "Nguyễn Văn An",
    )
    assert stored == [("school_results", "zalo", photo_url)]
    # Every typed answer is logged as coming from Zalo (prefilled ones carry no channel).
    channels = query(
        bot.db_path,
        "SELECT DISTINCT l.channel FROM assessment_log l JOIN assessments a "
        "ON a.id = l.assessment_id JOIN households h ON h.id = a.household_id "
        "WHERE h.head_name = ? AND l.action = 'answer' AND l.field = 'adult_literacy'",
        "Nguyễn Văn An",
    )
    assert channels == [("zalo",)]


async def test_sticker_and_unsupported_content_get_the_right_messages(
    zalo: ZaloDouble, bot: RunningBot
) -> None:
    hoa = person(zalo, "Hoa")
    await hoa.say(bot.codes["household"], "Gia đình có đồng ý không?")
    zalo.push_sticker(hoa.user_id)
    sticker = await hoa.answer("Gia đình có đồng ý không?")
    assert sticker[0] == "Dạ, chưa rõ lựa chọn. Vui lòng chọn một số trong danh sách."

    zalo.push_unsupported(hoa.user_id)
    unsupported = await hoa.answer("cộng tác viên")
    assert unsupported == [
        "Dạ, Zalo không chuyển được tin nhắn này tới bot. "
        "Vui lòng nhờ cộng tác viên thôn gửi giúp ạ."
    ]
    # Inside the questionnaire a sticker is "not text": the reason, then the question again.
    await hoa.say("1", "họ và tên chủ hộ")
    await hoa.say("Lê Thị Hoa", "đúng không")
    await hoa.say("1", "Câu 1/")
    zalo.push_sticker(hoa.user_id)
    inside = await hoa.answer("Câu 1/")
    assert inside[0] == "Dạ, ở câu này vui lòng trả lời bằng chữ hoặc số."


async def test_a_message_delivered_twice_is_applied_once(zalo: ZaloDouble, bot: RunningBot) -> None:
    minh = person(zalo, "Minh")
    await minh.say(bot.codes["household"], "Gia đình có đồng ý không?")
    consent_id = zalo.push_text(minh.user_id, "1", "Minh")
    await minh.answer("họ và tên chủ hộ")
    # Zalo hands the same "1" out again: applied twice it would be taken as the head's name.
    zalo.redeliver(consent_id)
    await zalo.wait_for(
        lambda: sum(_message_id(u) == consent_id for u in zalo.delivered) == 2,
        10,
        description="the redelivered message reaching the bot",
    )
    answer = await minh.say("Phạm Văn Minh", "đúng không")
    assert answer == [
        "Gia đình ở Thôn Hoàng Trù, đúng không ạ?\n1. Đúng\n2. Không, chọn thôn khác\n"
        "Vui lòng trả lời bằng số thứ tự."
    ]
    assert len(minh.texts()) == 3
    applied = query(
        bot.db_path,
        "SELECT COUNT(*) FROM processed_updates WHERE channel = 'zalo' AND update_key = ?",
        consent_id,
    )
    assert applied == [(1,)]


async def test_a_rate_limited_reply_is_sent_once_after_waiting(
    zalo: ZaloDouble, bot: RunningBot
) -> None:
    nam = person(zalo, "Nam")
    before = zalo.faults["429"]
    zalo.inject("sendMessage", "429", times=1)
    answer = await nam.say("/help", "/help: xem hướng dẫn này.")
    assert len(answer) == 1 and answer[0].startswith("Dạ, hướng dẫn ngắn:")
    assert zalo.faults["429"] == before + 1
    # The double said Retry-After: 1; the one that went through came after it.
    tries = [p for m, p in zalo.requests if m == "sendMessage" and p.get("chat_id") == nam.chat_id]
    assert len(tries) == 2


async def test_a_person_who_blocked_the_bot_is_marked_unreachable(
    zalo: ZaloDouble, bot: RunningBot
) -> None:
    tam = person(zalo, "Tâm")
    await tam.say(bot.codes["household"], "Gia đình có đồng ý không?")

    def unreachable() -> list[tuple[object, ...]]:
        return query(
            bot.db_path,
            "SELECT unreachable FROM channel_identities WHERE channel = 'zalo' AND chat_id = ?",
            tam.chat_id,
        )

    assert unreachable() == [(0,)]
    zalo.block_chat(tam.chat_id)
    zalo.push_text(tam.user_id, "1", "Tâm")
    await zalo.wait_for(lambda: unreachable() == [(1,)], 10, description="identity unreachable")
    assert len(tam.texts()) == 1
    # Writing again (unblocked) makes them reachable, and they are answered where they were.
    zalo.unblock_chat(tam.chat_id)
    answer = await tam.say("Trần Văn Tâm", "đúng không")
    assert "Thôn Hoàng Trù" in answer[-1]
    assert unreachable() == [(0,)]


async def test_a_chair_on_zalo_receives_the_digest_one_to_one(
    zalo: ZaloDouble, bot: RunningBot
) -> None:
    binh = person(zalo, "Chú Bình")
    # Chairs and collaborators join the same way: the code typed, a name, the phone skipped.
    await binh.say(bot.codes["chair"], "họ và tên")
    await binh.say("Trần Văn Bình", "số điện thoại")
    joined = await binh.say("bo qua", "Vui lòng chọn")
    assert joined[0] == "Dạ, đã tham gia thành công. Cảm ơn anh/chị!"
    # An administrator queues the digest; the running bot's outbox sends it through Zalo.
    out = run_cli(bot.env, bot.workdir, "digest", "run", "--commune", "Xã Kim Liên")
    assert "Queued" in out
    await zalo.wait_for(
        # "/baocao" ends the digest: once it is there, every part has arrived.
        lambda: any("/baocao" in text for text in binh.texts()[binh.seen :]),
        15,
        description="the digest in the chair's Zalo chat",
    )
    digest = "\n".join(binh.new_texts())
    assert "Gia đình học tập" in digest
    assert "Thôn Hoàng Trù" in digest
    assert zalo.photos(binh.chat_id) == []  # charts go to Telegram only by default

    def outbox() -> list[tuple[object, ...]]:
        return query(
            bot.db_path,
            "SELECT o.status, o.channel FROM outbox o JOIN channel_identities i "
            "ON i.person_id = o.person_id WHERE i.channel = 'zalo' AND i.chat_id = ?",
            binh.chat_id,
        )

    # Recorded as sent once Zalo accepted it (just after the chair could read it).
    await zalo.wait_for(lambda: outbox() == [("sent", "zalo")], 10, description="outbox: sent")


def _message_id(update: dict[str, object]) -> object:
    message = update.get("message")
    return message.get("message_id") if isinstance(message, dict) else None
