"""The Bot API calls of every answer, written directly.

Answering a question costs two calls: the answered question is edited (editMessageText, or
editMessageReplyMarkup to take its buttons away) and the next question is sent (sendMessage).
Through aiogram each call is a pydantic method object dumped field by field into a form, and
its answer is parsed into a whole `Message`: about 0.3 ms of Python per call, more than the
rest of sending. Here the JSON body is written at once (each keyboard's JSON made once and
kept), posted on aiogram's own HTTP session, and only `message_id` is read from the answer.

Only a plain success takes this short way. Anything else (an error, a 429, an answer that
cannot be read) goes to aiogram's own `check_response` with the equivalent method object, so
the caller sees exactly the exceptions aiogram raises. A session that is neither aiogram's
`AiohttpSession` nor one that offers `post_json` (the benchmark's in-memory one) gets the
calls through aiogram as before.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, fields
from typing import Any, Protocol

from aiogram import Bot
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.exceptions import TelegramNetworkError
from aiogram.methods import (
    EditMessageReplyMarkup,
    EditMessageText,
    SendMessage,
    TelegramMethod,
)
from aiogram.types import InlineKeyboardMarkup, Message
from aiohttp import ClientError

from bot.rendering import Button

from .keyboards import inline_keyboard

Rows = tuple[tuple[Button, ...], ...]
# Keyboards kept: a question's buttons carry its step, so the same few hundred recur.
MAX_KEYBOARDS = 2048
_HEADERS = {"Content-Type": "application/json"}


class JsonPoster(Protocol):
    """A session that takes a JSON body itself (the benchmark's in-memory session): the
    HTTP status and the answer's text."""

    async def post_json(self, bot: Bot, method: str, body: bytes) -> tuple[int, str]: ...


@dataclass(frozen=True)
class Keyboard:
    """An inline keyboard: its JSON, as aiogram would send it, and the buttons it came from."""

    rows: Rows
    json: str

    def markup(self) -> InlineKeyboardMarkup | None:
        return inline_keyboard(self.rows)


Post = Callable[[str, bytes, Callable[[], TelegramMethod[Any]]], Awaitable[tuple[int, str]]]


class DirectCalls:
    """sendMessage, editMessageText and editMessageReplyMarkup with an inline keyboard or none,
    as JSON. Each returns what the answer says (`message_id` for a send), or raises what
    aiogram would."""

    def __init__(self, bot: Bot) -> None:
        self.bot = bot
        self._keyboards: OrderedDict[Rows, Keyboard | None] = OrderedDict()
        self._post = _poster(bot)

    def keyboard(self, rows: Rows) -> Keyboard | None:
        """The keyboard of these buttons (None when there are none), its JSON made once."""
        if not rows:
            return None
        if rows in self._keyboards:
            return self._keyboards[rows]
        markup = inline_keyboard(rows)
        made = None
        if markup is not None:
            made = Keyboard(rows, self.bot.session.prepare_value(markup, bot=self.bot, files={}))
        self._keyboards[rows] = made
        if len(self._keyboards) > MAX_KEYBOARDS:
            self._keyboards.popitem(last=False)
        return made

    async def send_message(self, chat_id: int, text: str, keyboard: Keyboard | None) -> int:
        """The new message's id."""

        def method() -> SendMessage:
            markup = keyboard.markup() if keyboard is not None else None
            return SendMessage(chat_id=chat_id, text=text, reply_markup=markup)

        if self._post is None:
            return (await self.bot(method())).message_id
        body = _body(f'{{"chat_id":{chat_id},"text":{_text(text)}', keyboard)
        result = await self._result("sendMessage", body, method)
        if isinstance(result, dict) and isinstance(result.get("message_id"), int):
            return int(result["message_id"])
        message: Message = await self._parsed(method, result)
        return message.message_id

    async def edit_text(
        self, chat_id: int, message_id: int, text: str, keyboard: Keyboard | None
    ) -> None:
        def method() -> EditMessageText:
            markup = keyboard.markup() if keyboard is not None else None
            return EditMessageText(
                chat_id=chat_id, message_id=message_id, text=text, reply_markup=markup
            )

        if self._post is None:
            await self.bot(method())
            return
        body = f'{{"chat_id":{chat_id},"message_id":{message_id},"text":{_text(text)}'
        await self._result("editMessageText", _body(body, keyboard), method)

    async def clear_keyboard(self, chat_id: int, message_id: int) -> None:
        """Take a message's inline keyboard away."""

        def method() -> EditMessageReplyMarkup:
            return EditMessageReplyMarkup(chat_id=chat_id, message_id=message_id)

        if self._post is None:
            await self.bot(method())
            return
        body = f'{{"chat_id":{chat_id},"message_id":{message_id}'
        await self._result("editMessageReplyMarkup", _body(body, None), method)

    async def _result(
        self, name: str, body: bytes, method: Callable[[], TelegramMethod[Any]]
    ) -> Any:
        assert self._post is not None
        status, content = await self._post(name, body, method)
        if 200 <= status < 300:
            try:
                answer = json.loads(content)
            except ValueError:
                answer = None
            if isinstance(answer, dict) and answer.get("ok") is True and "result" in answer:
                return answer["result"]
        # Refused, failed or unreadable: aiogram says which, with its own exception.
        response = self.bot.session.check_response(
            bot=self.bot, method=method(), status_code=status, content=content
        )
        return response.result

    async def _parsed(self, method: Callable[[], SendMessage], result: Any) -> Any:
        """A success whose result is not the message expected: aiogram's reading of it."""
        content = json.dumps({"ok": True, "result": result})
        return self.bot.session.check_response(
            bot=self.bot, method=method(), status_code=200, content=content
        ).result


def _text(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _body(start: str, keyboard: Keyboard | None) -> bytes:
    if keyboard is not None:
        return f'{start},"reply_markup":{keyboard.json}}}'.encode()
    return f"{start}}}".encode()


def _poster(bot: Bot) -> Post | None:
    """How to post a JSON body on this bot's session; None: through aiogram instead (a test's
    own session, or a bot with default properties such as a parse mode, which aiogram adds)."""
    if any(getattr(bot.default, f.name) is not None for f in fields(bot.default)):
        return None
    session = bot.session
    poster = getattr(session, "post_json", None)
    if poster is not None:

        async def in_memory(
            name: str, body: bytes, method: Callable[[], TelegramMethod[Any]]
        ) -> tuple[int, str]:
            status, content = await poster(bot, name, body)
            return int(status), str(content)

        return in_memory
    if not isinstance(session, AiohttpSession):
        return None

    async def over_http(
        name: str, body: bytes, method: Callable[[], TelegramMethod[Any]]
    ) -> tuple[int, str]:
        # As AiohttpSession.make_request, with a JSON body instead of a form.
        http = await session.create_session()
        url = session.api.api_url(token=bot.token, method=name)
        try:
            # aiogram passes its timeout in seconds the same way.
            timeout: Any = session.timeout
            async with http.post(url, data=body, headers=_HEADERS, timeout=timeout) as response:
                return response.status, await response.text()
        except TimeoutError as error:
            raise TelegramNetworkError(method=method(), message="Request timeout error") from error
        except ClientError as error:
            raise TelegramNetworkError(
                method=method(), message=f"{type(error).__name__}: {error}"
            ) from error

    return over_http
