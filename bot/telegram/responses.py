"""Keep aiogram's parsed-response classes alive.

aiogram reads every Bot API answer as `Response[T]` (T: what the method returns). pydantic
keeps such parametrised classes in a *weak* cache, so once a garbage collection frees one, the
next call builds it again: about 8 ms of schema building on a busy bot, many times a minute
(measured with `python -m bench`: the largest single cost of sending). Holding a reference to
each one used keeps it built once per process.
"""

from __future__ import annotations

from typing import Any

from aiogram import Bot
from aiogram.client.session.middlewares.base import BaseRequestMiddleware, NextRequestMiddlewareType
from aiogram.methods import Response, TelegramMethod
from aiogram.methods.base import TelegramType

_PINNED: dict[type[Any], Any] = {}


class PinResponseTypes(BaseRequestMiddleware):
    async def __call__(
        self,
        make_request: NextRequestMiddlewareType[TelegramType],
        bot: Bot,
        method: TelegramMethod[TelegramType],
    ) -> Any:
        kind = type(method)
        if kind not in _PINNED:
            _PINNED[kind] = Response[method.__returning__]  # type: ignore[name-defined]
        return await make_request(bot, method)
