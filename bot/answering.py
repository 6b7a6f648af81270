"""The one errors wrapper between a channel and the service: every channel answers a person
through `Answering`, so a failure is logged once and the person gets an apology in their
language instead of silence, and a reply that cannot be delivered never breaks the channel.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Protocol

from bot.chats import ChannelChats
from bot.inbound import Inbound
from bot.outbox.delivery import RetryLater, Unreachable
from bot.rendering import Reply

log = logging.getLogger(__name__)


class InboundHandler(Protocol):
    """The one thing a channel needs from the service (`ChatService` is one)."""

    async def handle(self, inbound: Inbound) -> list[Reply]: ...


class Answering:
    """Runs the service for a channel's inbound messages and delivers the answers.

    `apology`: the message id said when the service failed (each channel words its own)."""

    def __init__(self, service: InboundHandler, chats: ChannelChats, *, apology: str) -> None:
        self.service = service
        self.chats = chats
        self.apology = apology

    async def answer(self, inbound: Inbound) -> list[Reply]:
        """The service's replies; a short apology instead if it failed."""
        try:
            return await self.service.handle(inbound)
        except Exception:
            # The transaction was rolled back (the update is not marked as applied), so a
            # redelivery or the person trying again can still succeed.
            log.exception(
                "%s message %s in chat %s failed",
                inbound.channel,
                inbound.update_key,
                inbound.chat_id,
            )
            try:
                return [Reply(await self.chats.say(inbound.chat_id, self.apology))]
            except Exception:
                log.exception("could not even prepare the apology")
                return []

    async def deliver(self, chat_id: str, send: Callable[[], Awaitable[None]]) -> None:
        """Send the answer to a person; failures are logged, never raised (nobody is waiting
        for the outcome but the person, and the channel has already retried)."""
        try:
            await send()
        except Unreachable:
            pass  # flagged and logged by the channel; nobody is there to tell
        except RetryLater as error:
            log.error("gave up answering %s chat %s: %s", self.chats.channel, chat_id, error)
        except Exception:
            log.exception("answering %s chat %s failed", self.chats.channel, chat_id)
