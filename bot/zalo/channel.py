"""Sending channel-neutral replies to a Zalo chat.

Zalo's Bot API has text (1..2000 characters), photos by URL and the typing action: no buttons,
no editing, no files. So a reply's buttons are dropped (the service already wrote its options
as numbered text for a channel without buttons), Telegram's edit-in-place echo of a choice is
skipped, long text is split, a picture goes out by URL when the bot can serve it, and what
cannot be sent at all (a file, a picture with nowhere to serve it) is replaced by a short note.

Every call that shows something goes through the same steps as on Telegram: wait for its turn
(Zalo publishes no limits: 5 messages/s overall, none per chat for answers, pushes slower),
call, and only when it failed translate Zalo's error into the shared outcomes (`RetryLater`,
`Unreachable`) for `retry`.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable, Sequence
from functools import partial
from typing import Final, TypeVar

from bot.chats import ChannelChats, ChatDirectory
from bot.i18n import Translator
from bot.outbox.delivery import (
    ChannelLimits,
    Clock,
    DeliveryUnknown,
    RetryLater,
    Sleep,
    Unreachable,
    call_within_limits,
)
from bot.rendering import AlbumPhoto, Reply
from bot.textsplit import split_text
from bot.zalo.client import (
    TEXT_LIMIT,
    ZaloBotClient,
    ZaloError,
    ZaloForbidden,
    ZaloNetworkError,
    ZaloRetryAfter,
    ZaloServerError,
    ZaloUndecodable,
)

from .convert import CHANNEL
from .media import MediaStore

log = logging.getLogger(__name__)

T = TypeVar("T")

# Reads the bot's stored copy of an evidence photo by its name (given by the bootstrap).
LoadPhoto = Callable[[str], bytes | None]
# (channel, chat id, file name, language) -> a note with a one-time download link, or None.
DocumentLink = Callable[[str, str, str, str], Awaitable[str | None]]

# The Zalo Bot Platform publishes no rate limits: domain.md §7 sets these ceilings.
DEFAULT_RATE: Final = 5.0
# Pushes (digests, notices) get less than the whole overall rate, so that answers to people
# who are chatting still go out while a digest is being sent to every chair.
DEFAULT_PUSH_RATE: Final = 4.0


class ZaloLimits(ChannelLimits):
    """Zalo's ceilings (no published limit: domain.md §7): 5/s overall and no limit per chat
    for answers; pushes under a lower rate and one a second in a chat. No groups."""

    def __init__(
        self,
        per_second: float = DEFAULT_RATE,
        *,
        push_per_second: float = DEFAULT_PUSH_RATE,
        push_chat_interval: float = 1.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(
            per_second,
            push_per_second=push_per_second,
            push_chat_interval=push_chat_interval,
            clock=clock,
            sleep=sleep,
        )


def translate_error(error: ZaloError) -> Exception:
    """Zalo's error → the shared outcome the retry policy understands (or the error itself)."""
    if isinstance(error, ZaloRetryAfter):
        return RetryLater(str(error), retry_after=error.retry_after)
    if isinstance(error, ZaloServerError | ZaloNetworkError):
        # 5xx, a garbled answer, a timeout or a refused connection: all worth another try.
        return RetryLater(str(error))
    if isinstance(error, ZaloForbidden):
        return Unreachable(str(error))
    return error


class ZaloChannel:
    """The `Channel` for Zalo: `send` is the push path (outbox, digests); `reply` answers a
    person who just wrote. Both raise `Unreachable` (after flagging the person) when they
    blocked the bot, and `RetryLater` when Zalo kept failing. `chats` (from the bootstrap) tells
    each chat's language and records the chats that blocked the bot."""

    name = CHANNEL
    has_buttons = False

    def __init__(
        self,
        client: ZaloBotClient,
        translator: Translator,
        *,
        chats: ChatDirectory | None = None,
        limits: ZaloLimits | None = None,
        media: MediaStore | None = None,
        attempts: int = 6,
        backoff: bool = True,
        load: LoadPhoto | None = None,
    ) -> None:
        self.client = client
        self.load = load
        # (channel, chat id, file name, language) -> a note with a download link (issue 16).
        self.document_link: DocumentLink | None = None
        self.chats = ChannelChats(CHANNEL, translator, chats)
        self.limits = limits or ZaloLimits()
        self.media = media
        self.attempts = attempts
        self.backoff = backoff

    # --- the Channel protocol ------------------------------------------------------------

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Push replies to a chat nobody is waiting in (digests, notices)."""
        await self._deliver(chat_id, replies, push=True)

    # --- answering a person --------------------------------------------------------------

    async def reply(self, chat_id: str, replies: Sequence[Reply]) -> None:
        await self._deliver(chat_id, replies, push=False)

    async def typing(self, chat_id: str) -> None:
        """Show "typing…"; only a courtesy, so never retried, paced or allowed to fail."""
        try:
            await self.client.send_chat_action(chat_id, "typing")
        except Exception as error:
            log.debug("zalo: typing indicator in %s failed: %s", chat_id, error)

    # --- internals -----------------------------------------------------------------------

    async def _deliver(self, chat_id: str, replies: Sequence[Reply], *, push: bool) -> None:
        try:
            for reply in replies:
                await self._one(chat_id, reply, push)
        except Unreachable:
            log.warning("zalo chat %s is unreachable (the person blocked the bot)", chat_id)
            await self.chats.mark_unreachable(chat_id)
            raise

    async def _one(self, chat_id: str, reply: Reply, push: bool) -> None:
        if reply.replaces_prompt:
            # Telegram edits the question to show the choice made; Zalo cannot edit, and the
            # next question follows at once, so echoing the choice would only add noise.
            return
        text = reply.text
        photo_url: str | None = None
        if reply.photo is not None:
            photo_url = self.media.publish(reply.photo) if self.media is not None else None
            if photo_url is None:
                text = _append(text, await self.chats.say(chat_id, "zalo-photo-unavailable"))
        if reply.document is not None:
            filename = reply.document[0]
            note = await self._document_note(chat_id, filename)
            text = _append(
                text,
                note
                or await self.chats.say(chat_id, "zalo-document-unavailable", filename=filename),
            )
        album = [(photo, self._album_url(photo)) for photo in reply.album]
        missing = sum(url is None for _, url in album)
        if missing:
            note = await self.chats.say(chat_id, "zalo-evidence-unavailable", count=missing)
            text = _append(text, note)
        for chunk in split_text(text, TEXT_LIMIT):
            await self._send(chat_id, push, partial(self.client.send_message, chat_id, chunk))
        if photo_url is not None:
            await self._send(chat_id, push, partial(self.client.send_photo, chat_id, photo_url))
        for photo, url in album:
            if url is not None:
                send = partial(self.client.send_photo, chat_id, url, photo.caption)
                await self._send(chat_id, push, send)

    async def _document_note(self, chat_id: str, filename: str) -> str | None:
        """Zalo cannot send files here: a one-time link to download it from the bot's web
        page instead (set by the bootstrap), or None."""
        if self.document_link is None:
            return None
        try:
            lang = await self.chats.language(chat_id)
            return await self.document_link(CHANNEL, chat_id, filename, lang)
        except Exception:
            log.exception("zalo: no download link for chat %s", chat_id)
            return None

    def _album_url(self, photo: AlbumPhoto) -> str | None:
        """An evidence photo's URL: Zalo's own for a photo sent on Zalo, else the bot's
        stored copy published on its web server (ZALO_MEDIA_URL); None when neither is had."""
        if photo.channel == CHANNEL and photo.ref.startswith(("http://", "https://")):
            return photo.ref
        if photo.stored is None or self.load is None or self.media is None:
            return None
        data = self.load(photo.stored)
        return self.media.publish(data) if data is not None else None

    async def _send(
        self, chat_id: str, push: bool, operation: Callable[[], Awaitable[object]]
    ) -> None:
        """A new message. An answer Zalo garbled means it most likely went out: the person's
        other messages still follow; a push raises `DeliveryUnknown` for the outbox."""
        try:
            await self._call(chat_id, push, operation)
        except DeliveryUnknown as error:
            if push:
                raise
            log.warning("zalo chat %s: a message's answer was unreadable: %s", chat_id, error)

    async def _call(self, chat_id: str, push: bool, operation: Callable[[], Awaitable[T]]) -> T:
        """One Bot API call that shows something in the chat: its turn within the limits, the
        call, and the retry machinery only if it failed."""
        return await call_within_limits(
            self.limits,
            chat_id,
            operation,
            partial(_judge, chat_id),
            push=push,
            attempts=self.attempts,
            backoff=self.backoff,
        )


def _judge(chat_id: str, error: Exception) -> Exception:
    """What a failed call's error means for `retry`: `RetryLater` to try again (429, 5xx,
    network), else raised as it is or as `Unreachable` / `DeliveryUnknown`."""
    if isinstance(error, ZaloUndecodable):
        # Zalo received the send and answered with something unreadable: sending again could
        # show the message twice.
        return DeliveryUnknown(str(error))
    if not isinstance(error, ZaloError):
        return error
    translated = translate_error(error)
    if translated is error:
        # A 400 and the like: the message itself is wrong, trying again cannot help.
        log.error("zalo refused a message to %s: %s", chat_id, error)
    elif isinstance(translated, RetryLater):
        log.info("zalo: %s; retrying", error)
    return translated


def _append(text: str, note: str) -> str:
    return f"{text.rstrip()}\n\n{note}" if text.strip() else note


async def keep_typing(channel: ZaloChannel, chat_id: str, *, every: float = 4.5) -> None:
    """Repeat the typing action while an answer is prepared and sent (run as a task, cancel
    when done): Zalo shows it for a few seconds only, and a long answer (the service's work,
    or several parts at the overall rate) can take longer than that."""
    while True:
        await channel.typing(chat_id)
        await asyncio.sleep(every)
