"""Zalo updates → channel-neutral `Inbound` messages. Pure: no I/O."""

from __future__ import annotations

from typing import Final

from bot.inbound import Inbound, InboundKind
from bot.zalo.client import (
    EVENT_IMAGE,
    EVENT_STICKER,
    EVENT_TEXT,
    EVENT_UNSUPPORTED,
    ZaloMessage,
    ZaloUpdate,
)

CHANNEL: Final = "zalo"


def is_private(update: ZaloUpdate) -> bool:
    """Only one-to-one chats are answered (Zalo bots cannot join groups today; if that changes,
    every member's chatter would otherwise reach the service as if it were an answer)."""
    message = update.message
    if message is None or message.from_.is_bot:
        return False
    chat_type = (message.chat.chat_type or "PRIVATE").upper()
    return chat_type == "PRIVATE"


def is_unsupported(update: ZaloUpdate) -> bool:
    """Zalo hid the content: the person is in a protected group and must ask a collaborator."""
    return update.event_name == EVENT_UNSUPPORTED


def _inbound(
    message: ZaloMessage, kind: InboundKind, text: str = "", file_ref: str | None = None
) -> Inbound:
    return Inbound(
        channel=CHANNEL,
        chat_id=message.chat.id,
        user_id=message.from_.id,
        kind=kind,
        text=text,
        file_ref=file_ref,
        display_name=message.from_.name,
        # getUpdates has no offset, so the message id is what tells a redelivery apart.
        update_key=message.message_id,
    )


def inbound_from_update(update: ZaloUpdate) -> Inbound | None:
    """What the person sent, as the service understands it; None when there is nobody to
    answer (no message, a bot, a group)."""
    message = update.message
    if message is None or not is_private(update):
        return None
    event = update.event_name
    if event == EVENT_TEXT and message.text is not None:
        return _inbound(message, "text", message.text)
    if event == EVENT_IMAGE and message.photo_url:
        # An evidence photo: Zalo's CDN URL is the reference we keep.
        return _inbound(message, "photo", message.caption or "", message.photo_url)
    if event == EVENT_STICKER:
        return _inbound(message, "sticker")
    # Events Zalo adds later (files, locations, voice...) are "not text" to the service.
    return _inbound(message, "other", message.caption or "")
