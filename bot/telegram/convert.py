"""Telegram updates → channel-neutral `Inbound` messages. Pure: no I/O."""

from __future__ import annotations

from aiogram.types import CallbackQuery, Message, User

from bot.inbound import Inbound, InboundKind

CHANNEL = "telegram"


def _person(user: User | None) -> tuple[str | None, str | None]:
    if user is None:
        return None, None
    return user.full_name or None, user.language_code


def _strip_bot_mention(text: str) -> str:
    """ "/start@hoctap_bot CODE" → "/start CODE": the service knows commands by their bare name."""
    if not text.startswith("/"):
        return text
    head, sep, rest = text.partition(" ")
    return head.split("@", 1)[0] + sep + rest


def _from_message(
    message: Message,
    update_id: int | None,
    kind: InboundKind,
    text: str = "",
    file_ref: str | None = None,
) -> Inbound:
    user = message.from_user
    name, language = _person(user)
    return Inbound(
        channel=CHANNEL,
        chat_id=str(message.chat.id),
        user_id=str(user.id if user else message.chat.id),
        kind=kind,
        text=text,
        file_ref=file_ref,
        display_name=name,
        language_code=language,
        update_key=str(update_id) if update_id is not None else None,
    )


def inbound_from_message(message: Message, update_id: int | None) -> Inbound:
    """What the person sent, as the service understands it."""
    if message.text is not None:
        return _from_message(message, update_id, "text", _strip_bot_mention(message.text))
    caption = message.caption or ""
    if message.photo:
        # Telegram sends several sizes; the last is the largest. The file id is all we keep.
        return _from_message(message, update_id, "photo", caption, message.photo[-1].file_id)
    document = message.document
    if document is not None and (document.mime_type or "").startswith("image/"):
        # A photo sent "as a file" (to avoid compression) is still a photo of the evidence.
        return _from_message(message, update_id, "photo", caption, document.file_id)
    contact = message.contact
    if contact is not None:
        # Only a person's own number counts: the share-contact button always sends one's own
        # (user_id set); a forwarded card of somebody else must not become their phone.
        user = message.from_user
        if user is not None and contact.user_id == user.id:
            return _from_message(message, update_id, "contact", contact.phone_number)
        return _from_message(message, update_id, "other")
    if message.sticker is not None:
        return _from_message(message, update_id, "sticker")
    return _from_message(message, update_id, "other", caption)


def inbound_from_callback(query: CallbackQuery, update_id: int | None) -> Inbound | None:
    """A button tap; None when it cannot be tied to a chat (e.g. from an inline message)."""
    if query.message is None or query.data is None:
        return None
    name, language = _person(query.from_user)
    return Inbound(
        channel=CHANNEL,
        chat_id=str(query.message.chat.id),
        user_id=str(query.from_user.id),
        kind="callback",
        data=query.data,
        display_name=name,
        language_code=language,
        update_key=str(update_id) if update_id is not None else None,
    )
