"""Notices from the chat service (an assessment verified, returned…) into the outbox.

`queue_pushes` is the `ChatService(push_sink=...)`: it queues each push in the service's own
transaction, so a notice exists exactly when the change it announces was committed, and the
outbox worker delivers it once like any digest.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot.rendering import Button, Reply
from storage.ports import ChatUnitOfWork

if TYPE_CHECKING:
    from bot.service import Push

KIND = "notice"
MAX_KEY = 200


def push_payload(push: Push) -> dict[str, Any]:
    reply = push.reply
    payload: dict[str, Any] = {
        "channel": push.channel,
        "chat_id": push.chat_id,
        "text": reply.text,
        "buttons": [[[b.label, b.data] for b in row] for row in reply.buttons],
    }
    if push.household_id is not None:
        # The text names the household: deleting its data (/xoa) finds the row by this.
        payload["household_id"] = push.household_id
    return payload


def reply_from_payload(payload: dict[str, Any]) -> Reply:
    rows = tuple(
        tuple(Button(str(label), str(data)) for label, data in row)
        for row in payload.get("buttons") or ()
    )
    return Reply(str(payload.get("text", "")), rows)


async def queue_pushes(uow: ChatUnitOfWork, pushes: Sequence[Push]) -> None:
    """One outbox row per push and chat; the same push queued again is ignored."""
    for push in pushes:
        # The service's key names the notice; one person can have it on several chats.
        key = f"{push.key}:{push.channel}:{push.chat_id}"[:MAX_KEY]
        await uow.outbox.enqueue(
            key=key,
            kind=KIND,
            person_id=push.person_id,
            commune_id=None,
            payload=push_payload(push),
        )
