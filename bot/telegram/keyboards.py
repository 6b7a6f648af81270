"""Reply buttons → Telegram keyboards. Pure: no I/O."""

from __future__ import annotations

import logging

from aiogram.types import (
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    KeyboardButton,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
    WebAppInfo,
)

from bot.rendering import Button

log = logging.getLogger(__name__)

# Telegram refuses callback data over 64 bytes; the renderer keeps under it, this is the guard.
MAX_CALLBACK_BYTES = 64


def inline_keyboard(rows: tuple[tuple[Button, ...], ...]) -> InlineKeyboardMarkup | None:
    """The reply's buttons as an inline keyboard; None when there are none."""
    keyboard = [[_inline(b) for b in row if b.url or _fits(b)] for row in rows]
    keyboard = [row for row in keyboard if row]
    return InlineKeyboardMarkup(inline_keyboard=keyboard) if keyboard else None


def _inline(button: Button) -> InlineKeyboardButton:
    if button.url and button.web_app:
        return InlineKeyboardButton(text=button.label, web_app=WebAppInfo(url=button.url))
    if button.url:
        return InlineKeyboardButton(text=button.label, url=button.url)
    return InlineKeyboardButton(text=button.label, callback_data=button.data)


def _fits(button: Button) -> bool:
    size = len(button.data.encode("utf-8"))
    if not 1 <= size <= MAX_CALLBACK_BYTES:
        # Sending it would make Telegram reject the whole message; dropping one button is better.
        log.error("button %r dropped: %d bytes of data", button.label, size)
        return False
    return True


def contact_keyboard(label: str) -> ReplyKeyboardMarkup:
    """One big "share my phone number" button under the text field; it goes away once used."""
    return ReplyKeyboardMarkup(
        keyboard=[[KeyboardButton(text=label, request_contact=True)]],
        resize_keyboard=True,
        one_time_keyboard=True,
    )


def remove_keyboard() -> ReplyKeyboardRemove:
    return ReplyKeyboardRemove(remove_keyboard=True)
