"""An aiogram session that keeps the Bot API in memory.

Every call is prepared exactly as `AiohttpSession` prepares its form (the same `prepare_value`
on every field, so keyboards are serialised to JSON), recorded, and answered with a JSON
envelope that goes through aiogram's own `check_response`, so parsing the `Message` that comes
back costs what it costs against Telegram. The calls the bot writes as JSON itself
(bot/telegram/direct.py) come through `post_json` and get the same answer as text, which the
bot reads as it would read Telegram's. Only the network is missing: what is measured is the
bot, not the wire or a fake server competing for the same CPU.
"""

from __future__ import annotations

import itertools
import time
from collections import defaultdict
from collections.abc import AsyncGenerator
from typing import Any, cast

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.methods import TelegramMethod
from aiogram.methods.base import TelegramType

BOT_USER = {"id": 7000000001, "is_bot": True, "first_name": "HocTap Bench", "username": "bench_bot"}


class MemorySession(BaseSession):
    """Counts requests and answers each as Telegram would."""

    def __init__(self) -> None:
        super().__init__()
        # Only counts are kept: memory per conversation is measured, and this is not the bot's.
        self.calls = 0
        self.by_method: dict[str, int] = defaultdict(int)
        self._message_ids = itertools.count(1)

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        files: dict[str, Any] = {}
        params: dict[str, Any] = {}
        for key, value in method.model_dump(warnings=False).items():
            prepared = self.prepare_value(value, bot=bot, files=files)
            if prepared:
                params[key] = prepared
        name = method.__api_method__
        self.calls += 1
        self.by_method[name] += 1
        content = self.json_dumps({"ok": True, "result": self._result(name, params)})
        response = self.check_response(bot=bot, method=method, status_code=200, content=content)
        return cast(TelegramType, response.result)

    async def post_json(self, bot: Bot, name: str, body: bytes) -> tuple[int, str]:
        """A call the bot wrote as JSON itself (bot/telegram/direct.py), as `AiohttpSession`
        would post it: answered with the same Telegram-shaped JSON text, which the bot reads."""
        params = self.json_loads(body)
        markup = params.pop("reply_markup", None)
        self.calls += 1
        self.by_method[name] += 1
        result = self._result(name, params)
        if isinstance(result, dict) and isinstance(markup, dict) and "inline_keyboard" in markup:
            result["reply_markup"] = markup
        return 200, self.json_dumps({"ok": True, "result": result})

    def _result(self, name: str, params: dict[str, Any]) -> Any:
        if name == "getMe":
            return BOT_USER
        if name in ("sendMessage", "editMessageText"):
            chat_id = int(params["chat_id"])
            if name == "editMessageText":
                message_id = int(params["message_id"])
            else:
                message_id = next(self._message_ids)
            message: dict[str, Any] = {
                "message_id": message_id,
                "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private"},
                "from": BOT_USER,
                "text": params.get("text", ""),
            }
            if "reply_markup" in params and "inline_keyboard" in params["reply_markup"]:
                message["reply_markup"] = self.json_loads(params["reply_markup"])
            return message
        # answerCallbackQuery, editMessageReplyMarkup on an inline keyboard, sendChatAction,
        # setMyCommands...: Telegram answers True.
        return True
