"""Notices from the chat service to other people (an assessment verified, returned…): written
in each reader's language and queued in the outbox.

A flow records a `Notice` on its turn; after the flow, the service turns each into a `Push` per
chat of the person (`pushes_for`) and hands them to its push sink, `queue_pushes` in the
running bot, in the service's own transaction: a notice exists exactly when the change it
announces was committed, and the outbox worker delivers it once like any digest. The outbox
row carries the written text (`push_payload`); `reply_from_payload` reads it back at send time.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Any

from bot.flows.context import Notice
from bot.i18n import Translator
from bot.rendering import Button, Reply
from storage.ports import ChatUnitOfWork

KIND = "notice"
MAX_KEY = 200


@dataclass(frozen=True)
class Push:
    """A message already written for one chat of someone other than the sender, sent via the
    outbox."""

    person_id: int
    channel: str
    chat_id: str
    reply: Reply
    # What makes this push unique, so queueing it twice sends it once.
    key: str
    # The household the message names, so deleting the household's data finds it.
    household_id: int | None = None


# Where the service hands its pushes, inside its transaction.
PushSink = Callable[[ChatUnitOfWork, Sequence[Push]], Awaitable[None]]


async def pushes_for(
    uow: ChatUnitOfWork,
    notices: Sequence[Notice],
    t: Translator,
    channels: Collection[str],
) -> list[Push]:
    """Each notice written in its reader's language, once per chat of theirs on `channels`."""
    pushes: list[Push] = []
    for index, notice in enumerate(notices):
        for identity in await uow.chats.identities_of(notice.person_id):
            if identity.channel not in channels:
                continue  # the terminal chat cannot be reached when nobody is at it
            text = t(identity.locale or t.default, notice.message_id, **notice.args)
            key = f"notice:{notice.message_id}:{notice.person_id}:{uow.now.isoformat()}:{index}"
            pushes.append(
                Push(
                    notice.person_id,
                    identity.channel,
                    identity.chat_id,
                    Reply(text),
                    key,
                    notice.household_id,
                )
            )
    return pushes


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
    """The push sink of the running bot: one outbox row per push and chat; the same push
    queued again is ignored."""
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
