"""A collaborator on the Telegram double who reads the screen and answers what is asked.

It acts only on the newest prompt, once, so it copes with whatever a crash or a flaky network
does to the conversation: a reply that never came (it waits), a question shown again after a
redelivery (it answers it again: the same answer, so nothing changes), several messages for one
message sent.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass, field
from pathlib import Path

from conversations.pack_files import load_pack
from tests.support.telegram_double import TelegramDouble

ROOT = Path(__file__).resolve().parents[2]
HOUSEHOLD = load_pack(ROOT / "packs" / "gdht-448.yaml")
_PROGRESS = re.compile(r"^Câu (\d+)/(\d+)", re.M)


def household_answer(label: str, name: str) -> str | None:
    """The answer to the household question whose label is on screen."""
    for question in HOUSEHOLD.questions():
        if question.label.vi in label:
            if question.name == "head_name":
                return name
            if question.type == "integer":
                return {"members": "4", "children": "2", "adults": "2"}.get(question.name, "1")
            if question.type == "select_multiple":
                return "1, 3"
            return "1"
    return None


RESULT = "Kết quả tự đánh giá"


@dataclass
class ScriptedUser:
    tg: TelegramDouble
    chat_id: int
    invite: str
    assessments: int
    timeout: float = 60.0
    _answered: set[int] = field(default_factory=set)
    _last_text: str = ""

    @property
    def results_seen(self) -> int:
        """Result cards on screen: what the person knows was submitted."""
        return sum(RESULT in m.content for m in self.tg.messages(self.chat_id))

    def _next_prompt(self) -> tuple[int, str] | None:
        """The newest message that asks something, unless it was answered already."""
        for message in reversed(self.tg.messages(self.chat_id)):
            if message.message_id in self._answered:
                return None
            if self._reply_for(message.content) is not None:
                return message.message_id, message.content
        return None

    def _refused_before(self, message_id: int) -> bool:
        """Whether the bot said why it did not take the answer, just before asking again."""
        messages = self.tg.messages(self.chat_id)
        index = next(i for i, m in enumerate(messages) if m.message_id == message_id)
        before = messages[index - 1].content if index else ""
        return before.startswith("Dạ,") and self._reply_for(before) is None

    def _reply_for(self, text: str) -> str | None:
        if "Vui lòng cho biết họ và tên" in text:
            return f"Cộng tác viên {self.chat_id}"
        if "số điện thoại" in text and "bỏ qua" in text:
            return "bỏ qua"
        if "Vui lòng chọn:" in text:
            return "1" if self.results_seen < self.assessments else None
        if "hộ gia đình ở thôn nào" in text:
            return "1"
        if "xem lại các câu trả lời" in text:
            return "gửi"
        if _PROGRESS.search(text):
            return household_answer(text, f"Hộ {self.chat_id}-{self.results_seen}")
        return None

    async def run(self) -> None:
        """Join with the invite, then assess households until `assessments` results were seen."""
        self.tg.push_text(self.chat_id, f"/start {self.invite}")
        loop = asyncio.get_running_loop()
        idle_since = loop.time()
        while self.results_seen < self.assessments:
            prompt = self._next_prompt()
            if prompt is None:
                if loop.time() - idle_since > self.timeout:
                    transcript = self.tg.transcript(self.chat_id)
                    raise AssertionError(f"user {self.chat_id} got no answer\n{transcript}")
                await asyncio.sleep(0.05)
                continue
            message_id, text = prompt
            self._answered.add(message_id)
            if text == self._last_text and not self._refused_before(message_id):
                # The question just answered, shown again after a redelivery: a person who
                # answered it already waits for the next one.
                continue
            reply = self._reply_for(text)
            assert reply is not None
            self._last_text = text
            self.tg.push_text(self.chat_id, reply)
            idle_since = loop.time()
