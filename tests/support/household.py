"""People on the Telegram double who send one message and wait for its answer, and the
household self-assessment they go through (join with the village QR code, answer, submit)."""

from __future__ import annotations

import re

from tests.support.answers import FULL_ANSWERS
from tests.support.telegram_double import TelegramDouble

QUESTION = re.compile(r"^Câu (\d+)/\d+", re.M)


class Person:
    def __init__(self, tg: TelegramDouble, chat_id: int, name: str, timeout: float = 30) -> None:
        self.tg = tg
        self.id = chat_id
        self.name = name
        self.timeout = timeout

    async def say(self, text: str, expect: str) -> None:
        """Send `text`; wait until a new bot message contains `expect` (the answer to it)."""
        seen = len(self.tg.messages(self.id))
        self.tg.push_text(self.id, text, first_name=self.name)
        await self.tg.wait_for(
            lambda: any(expect in m.content for m in self.tg.messages(self.id)[seen:]),
            timeout=self.timeout,
            message=lambda: f"no {expect!r} after {text!r}\n{self.tg.transcript(self.id)}",
        )

    def questions(self) -> list[int]:
        """The question numbers this person was shown, in the order they arrived."""
        numbers = []
        for message in self.tg.messages(self.id):
            found = QUESTION.search(message.texts[0])  # as first sent, before the echo edit
            if found:
                numbers.append(int(found.group(1)))
        return numbers

    def count(self, text: str) -> int:
        return sum(text in m.content for m in self.tg.messages(self.id))


async def join_household(person: Person, code: str) -> None:
    """The village QR code: consent, the head of household's name, the village, question 1."""
    await person.say(f"/start {code}", "đồng ý")
    await person.say("1", "họ và tên chủ hộ")
    await person.say(person.name, "đúng không")
    await person.say("1", "Câu 1/")


async def assess(person: Person, code: str) -> None:
    """Join and complete the self-assessment (14 answers, then submit)."""
    await join_household(person, code)
    for answer in FULL_ANSWERS[:-1]:
        await person.say(answer, "Câu ")
    await person.say(FULL_ANSWERS[-1], "xem lại")
    await person.say("gui", "Tổng: 100/100")


async def join(person: Person, code: str) -> None:
    """A collaborator or chair: the invite, a name, no phone number."""
    await person.say(f"/start {code}", "họ và tên")
    await person.say(person.name, "số điện thoại")
    await person.say("bỏ qua", "tham gia thành công")
