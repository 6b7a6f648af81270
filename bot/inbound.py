"""What a person sent, as every channel reports it to the service."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

InboundKind = Literal["text", "callback", "photo", "contact", "sticker", "other"]


@dataclass(frozen=True)
class Inbound:
    """A message or tap from a person, as every channel reports it."""

    channel: str
    chat_id: str
    user_id: str
    kind: InboundKind
    text: str = ""
    # Telegram's callback data; channels without buttons never set it.
    data: str = ""
    file_ref: str | None = None
    # The name the channel shows; never stored (personal data nothing needs).
    display_name: str | None = None
    language_code: str | None = None
    # The channel's id for this delivery, so a redelivered update is applied once.
    update_key: str | None = None
