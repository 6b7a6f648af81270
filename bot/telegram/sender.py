"""Sending channel-neutral replies to a Telegram chat.

Every Bot API call goes through the same three steps: wait for a slot (rate limits), call,
translate Telegram's errors into the shared outcomes (`RetryLater`, `Unreachable`) so that
`with_retries` knows what to retry. On top of that, Telegram's message model: long texts are
split at 4096 characters, the echo of a choice edits the question it answers, and a question's
buttons are taken away once a newer question is on screen.
"""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from functools import partial
from typing import TypeVar

from aiogram import Bot
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import (
    BufferedInputFile,
    InlineKeyboardMarkup,
    InputMediaPhoto,
    Message,
    ReplyKeyboardMarkup,
    ReplyKeyboardRemove,
)

from bot.chats import ChannelChats, ChatDirectory
from bot.i18n import Translator
from bot.outbox.delivery import (
    ChannelLimits,
    DeliveryUnknown,
    RetryLater,
    Unreachable,
    with_retries,
)
from bot.rendering import AlbumPhoto, Reply
from bot.textsplit import split_text, utf16_len

from .convert import CHANNEL
from .keyboards import contact_keyboard, inline_keyboard, remove_keyboard

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_TEXT = 4096
MAX_CAPTION = 1024
# An album (sendMediaGroup) holds 2 to 10 photos.
MAX_ALBUM = 10
# Reads the bot's stored copy of a photo by its name (given by the bootstrap): for a photo
# that came from another channel, whose id Telegram does not know.
LoadPhoto = Callable[[str], bytes | None]
# Remembered per chat: the live question's message id. Bounded, like the per-chat limiters.
MAX_CHATS = 10_000
# How many answered questions per chat are remembered to recognise a late tap on one.
RETIRED_PER_CHAT = 32

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove


class TelegramLimits(ChannelLimits):
    """Telegram's limits: ~30 messages/s overall, 25/s of them pushes, 1/s per chat on
    average with a burst of 3."""

    def __init__(
        self,
        per_second: float = 30.0,
        per_chat_per_second: float = 1.0,
        *,
        push_per_second: float = 25.0,
        chat_burst: int = 3,
    ) -> None:
        super().__init__(
            per_second, per_chat_per_second, push_per_second=push_per_second, chat_burst=chat_burst
        )


def translate_errors(error: Exception) -> Exception:
    """Telegram's error → the shared outcome the retry policy understands (or itself)."""
    if isinstance(error, TelegramRetryAfter):
        return RetryLater(str(error), retry_after=float(error.retry_after))
    if isinstance(error, TelegramServerError | TelegramNetworkError | ClientDecodeError):
        # 5xx, timeouts, refused connections, a proxy's HTML error page: all worth a retry
        # (an unreadable answer only for calls safe to repeat: see TelegramChannel._call).
        return RetryLater(str(error))
    if isinstance(error, TelegramForbiddenError):
        return Unreachable(str(error))
    if isinstance(error, TelegramBadRequest) and "chat not found" in error.message.lower():
        return Unreachable(str(error))
    return error


def _is_not_modified(error: TelegramBadRequest) -> bool:
    return "message is not modified" in error.message


@dataclass
class _Turn:
    """One batch of replies to one chat."""

    chat_id: int
    push: bool
    # The message whose button was tapped: the echo of the choice edits it.
    tapped: int | None
    echo_used: bool = False
    new_prompt: bool = False
    cleared: bool = False


class TelegramChannel:
    """The `Channel` for Telegram: `send` is the push path (outbox, digests); `reply` answers
    a person who just wrote or tapped. `chats` (from the bootstrap) tells each chat's language
    and records the chats that blocked the bot; without it, Vietnamese and no records."""

    name = CHANNEL
    has_buttons = True

    def __init__(
        self,
        bot: Bot,
        translator: Translator,
        *,
        chats: ChatDirectory | None = None,
        limits: TelegramLimits | None = None,
        attempts: int = 6,
        backoff: bool = True,
        load: LoadPhoto | None = None,
    ) -> None:
        self.bot = bot
        self.load = load
        self.chats = ChannelChats(CHANNEL, translator, chats)
        self.limits = limits or TelegramLimits()
        self.attempts = attempts
        self.backoff = backoff
        # The last question (or menu) in each chat whose buttons are still live.
        self._prompts: OrderedDict[int, int] = OrderedDict()
        # Recent messages whose buttons we took away: a tap on one is a stale tap.
        self._retired: OrderedDict[int, deque[int]] = OrderedDict()
        # Chats that currently show the "share my phone number" keyboard.
        self._contact_keyboard: set[int] = set()

    # --- the Channel protocol ------------------------------------------------------------

    async def send(self, chat_id: str, replies: Sequence[Reply]) -> None:
        """Push replies to a chat nobody is waiting in (digests, notices).

        Raises `Unreachable` (after flagging the person) when they blocked the bot, and
        `RetryLater` when Telegram kept failing, so the caller can record the outcome."""
        await self._deliver(_Turn(int(chat_id), push=True, tapped=None), replies)

    # --- answering a person --------------------------------------------------------------

    async def reply(
        self, chat_id: int, replies: Sequence[Reply], *, tapped: int | None = None
    ) -> None:
        await self._deliver(_Turn(chat_id, push=False, tapped=tapped), replies)

    async def download(self, file_id: str) -> bytes:
        """A photo (or file) a person sent, by its file id: getFile, then the download. One
        try: the photo fetcher tries again later when Telegram fails."""
        file = await self.bot.get_file(file_id)
        if not file.file_path:
            raise ValueError(f"telegram gave no path to download {file_id}")
        data = await self.bot.download_file(file.file_path)
        if data is None:
            raise ValueError(f"telegram gave nothing for {file_id}")
        return data.read()

    def live_prompt(self, chat_id: int) -> int | None:
        """Message id of the chat's current question, if this process sent it."""
        return self._prompts.get(chat_id)

    def is_retired(self, chat_id: int, message_id: int) -> bool:
        """Whether this process took that message's buttons away (answered or superseded):
        a tap on it was already on its way, or comes from an old screen."""
        return message_id in self._retired.get(chat_id, ())

    # --- internals -----------------------------------------------------------------------

    async def _deliver(self, turn: _Turn, replies: Sequence[Reply]) -> None:
        # Only an answer that puts a new question on screen retires the old one's buttons; a
        # push (a digest with buttons) leaves the conversation on screen as it is.
        turn.new_prompt = not turn.push and any(
            (r.buttons or r.is_prompt) and not r.replaces_prompt and not r.updates_prompt
            for r in replies
        )
        try:
            for reply in replies:
                await self._one(turn, reply)
        except Unreachable:
            log.warning("telegram chat %s is unreachable (blocked or deleted)", turn.chat_id)
            self._forget(turn.chat_id)
            await self.chats.mark_unreachable(str(turn.chat_id))
            raise

    async def _one(self, turn: _Turn, reply: Reply) -> None:
        chunks = split_text(reply.text, MAX_TEXT)
        if reply.replaces_prompt and await self._edit_prompt(turn, chunks[:1]):
            chunks = chunks[1:]
            if not chunks:
                return
        buttons = inline_keyboard(reply.buttons)
        if reply.updates_prompt:
            if len(chunks) == 1 and await self._update_prompt(turn, chunks[0], buttons):
                return
            turn.new_prompt = not turn.push  # sent anew: the old one's buttons must go
        if turn.new_prompt:
            # Before anything else is said (a result card, a rejection), so the person never
            # sees two questions with live buttons.
            await self._clear_stale_prompts(turn)
        markup: Markup | None = buttons
        if reply.request_contact:
            if buttons is not None:
                log.warning("a reply asks for a contact and has buttons: the buttons are dropped")
            markup = contact_keyboard(
                await self.chats.say(str(turn.chat_id), "telegram-share-contact")
            )
        elif markup is None and turn.chat_id in self._contact_keyboard:
            markup = remove_keyboard()  # the phone number was given (or not): tidy up
        last = await self._send_content(turn, reply, chunks, markup)
        if reply.album:
            await self._send_album(turn, reply.album)
        if isinstance(markup, ReplyKeyboardMarkup):
            self._contact_keyboard.add(turn.chat_id)
        elif isinstance(markup, ReplyKeyboardRemove):
            self._contact_keyboard.discard(turn.chat_id)
        if last is not None and buttons is not None and not turn.push:
            self._remember_prompt(turn.chat_id, last.message_id)

    async def _send_content(
        self, turn: _Turn, reply: Reply, chunks: list[str], markup: Markup | None
    ) -> Message | None:
        """Text in chunks, a document or a photo; the keyboard rides on the last message."""
        media = reply.document is not None or reply.photo is not None
        caption: str | None = None
        if media and len(chunks) == 1 and utf16_len(chunks[0]) <= MAX_CAPTION:
            caption, chunks = chunks[0], []
        last: Message | None = None
        for index, chunk in enumerate(chunks):
            final = index == len(chunks) - 1 and not media
            send = partial(
                self.bot.send_message, turn.chat_id, chunk, reply_markup=markup if final else None
            )
            last = await self._send(turn, send)
        if reply.document is not None:
            filename, data = reply.document
            last = await self._send(
                turn,
                lambda: self.bot.send_document(
                    turn.chat_id,
                    BufferedInputFile(data, filename),
                    caption=caption,
                    reply_markup=markup,
                ),
            )
        elif reply.photo is not None:
            photo = reply.photo
            last = await self._send(
                turn,
                lambda: self.bot.send_photo(
                    turn.chat_id,
                    BufferedInputFile(photo, "photo.png"),
                    caption=caption,
                    reply_markup=markup,
                ),
            )
        return last

    def _media(self, photo: AlbumPhoto) -> InputMediaPhoto | None:
        """A photo by the id Telegram knows it by, else the bot's stored copy, else its URL;
        None when there is no way to show it."""
        if photo.channel == CHANNEL:
            media: str | BufferedInputFile = photo.ref
        elif photo.stored is not None and (data := self._stored(photo.stored)) is not None:
            media = BufferedInputFile(data, photo.stored)
        elif photo.ref.startswith(("http://", "https://")):
            media = photo.ref
        else:
            return None
        return InputMediaPhoto(media=media, caption=photo.caption[: MAX_CAPTION - 24])

    def _stored(self, name: str) -> bytes | None:
        return self.load(name) if self.load is not None else None

    async def _send_album(self, turn: _Turn, photos: Sequence[AlbumPhoto]) -> None:
        """Evidence photos as albums of at most 10, each captioned; a lone photo as a photo
        message. An album Telegram refuses (a photo sent "as a file" is a document, which an
        album of photos cannot hold) goes out one by one instead."""
        media = [m for m in (self._media(p) for p in photos) if m is not None]
        for start in range(0, len(media), MAX_ALBUM):
            group = media[start : start + MAX_ALBUM]
            if len(group) > 1:
                try:
                    await self._send_many(turn, group)
                    continue
                except TelegramBadRequest as error:
                    log.info("telegram refused an album to %s: %s", turn.chat_id, error)
            for item in group:
                await self._send_one_photo(turn, item)

    async def _send_many(self, turn: _Turn, group: list[InputMediaPhoto]) -> None:
        send = partial(self.bot.send_media_group, turn.chat_id, list(group))
        try:
            await self._call(turn, send, quiet_bad_request=True, repeatable=False)
        except DeliveryUnknown as error:
            if turn.push:
                raise
            log.warning(
                "telegram chat %s: an album's answer was unreadable: %s", turn.chat_id, error
            )

    async def _send_one_photo(self, turn: _Turn, item: InputMediaPhoto) -> None:
        chat_id, caption = turn.chat_id, item.caption
        try:
            await self._call(
                turn,
                lambda: self.bot.send_photo(chat_id, item.media, caption=caption),
                quiet_bad_request=True,
                repeatable=False,
            )
        except TelegramBadRequest:
            if not isinstance(item.media, str):
                raise
            # A file id of a photo sent as a file: Telegram sends it back as a document.
            await self._send(
                turn, lambda: self.bot.send_document(chat_id, str(item.media), caption=caption)
            )
        except DeliveryUnknown:
            if turn.push:
                raise

    async def _edit_prompt(self, turn: _Turn, text: list[str]) -> bool:
        """Edit the question this reply answers to show the choice, without its buttons.
        False when there is nothing to edit, so the echo is sent as a message instead."""
        if turn.echo_used or not text:
            return False
        target = turn.tapped if turn.tapped is not None else self._prompts.get(turn.chat_id)
        if target is None:
            return False
        turn.echo_used = True
        try:
            await self._call(
                turn,
                lambda: self.bot.edit_message_text(
                    text=text[0], chat_id=turn.chat_id, message_id=target, reply_markup=None
                ),
                quiet_bad_request=True,
            )
        except TelegramBadRequest as error:
            if not _is_not_modified(error):
                # Too old to edit (48 h) or deleted: say it in a new message instead.
                log.info("could not edit message %s in %s: %s", target, turn.chat_id, error)
                return False
        if self._prompts.get(turn.chat_id) == target:
            del self._prompts[turn.chat_id]
        self._retire(turn.chat_id, target)
        return True

    async def _update_prompt(
        self, turn: _Turn, text: str, buttons: InlineKeyboardMarkup | None
    ) -> bool:
        """Edit the tapped question in place, buttons included, which stay live (an option
        ticked). False when it cannot be edited, so it is sent as a new message instead."""
        target = turn.tapped
        if target is None or turn.push or self.is_retired(turn.chat_id, target):
            return False
        try:
            await self._call(
                turn,
                lambda: self.bot.edit_message_text(
                    text=text, chat_id=turn.chat_id, message_id=target, reply_markup=buttons
                ),
                quiet_bad_request=True,
            )
        except TelegramBadRequest as error:
            if not _is_not_modified(error):
                log.info("could not update message %s in %s: %s", target, turn.chat_id, error)
                return False
        self._remember_prompt(turn.chat_id, target)
        return True

    async def _clear_stale_prompts(self, turn: _Turn) -> None:
        """A new question is about to appear: the previous one's buttons no longer apply.

        Stale taps are caught by the service anyway; this keeps them from being offered."""
        if turn.cleared:
            return
        turn.cleared = True
        stale = {self._prompts.pop(turn.chat_id, None)}
        if turn.tapped is not None and not turn.echo_used:
            stale.add(turn.tapped)
        for message_id in sorted(m for m in stale if m is not None):
            try:
                clear = partial(
                    self.bot.edit_message_reply_markup,
                    chat_id=turn.chat_id,
                    message_id=message_id,
                    reply_markup=None,
                )
                await self._call(turn, clear, quiet_bad_request=True)
            except TelegramBadRequest as error:
                if not _is_not_modified(error):
                    continue  # too old to edit, or deleted: nothing to take away
            self._retire(turn.chat_id, message_id)

    async def _send(
        self, turn: _Turn, operation: Callable[[], Awaitable[Message]]
    ) -> Message | None:
        """A new message (not safe to repeat); None when Telegram's answer could not be read.

        Telegram most likely showed it, so the person's other replies still follow; a push
        raises `DeliveryUnknown` for the outbox to record, never to resend on its own."""
        try:
            return await self._call(turn, operation, repeatable=False)
        except DeliveryUnknown as error:
            if turn.push:
                raise
            log.warning(
                "telegram chat %s: a message's answer was unreadable: %s", turn.chat_id, error
            )
            return None

    async def _call(
        self,
        turn: _Turn,
        operation: Callable[[], Awaitable[T]],
        *,
        quiet_bad_request: bool = False,
        repeatable: bool = True,
    ) -> T:
        """One Bot API call that shows something in the chat: rate-limited and retried.

        `repeatable`: doing it twice shows the same as once (an edit). Otherwise (a send) an
        answer that came back unreadable is not retried: Telegram received the call and most
        likely carried it out, so a retry would show the message twice."""

        async def attempt() -> T:
            slot = self.limits.push_slot if turn.push else self.limits.slot
            async with slot(str(turn.chat_id)):
                try:
                    return await operation()
                except TelegramBadRequest as error:
                    translated = translate_errors(error)
                    if translated is not error:
                        raise translated from error
                    if not quiet_bad_request:
                        log.error("telegram refused a message to %s: %s", turn.chat_id, error)
                    raise
                except (TelegramRetryAfter, TelegramServerError, TelegramNetworkError) as error:
                    log.info("telegram: %s; retrying", error)
                    raise translate_errors(error) from error
                except ClientDecodeError as error:
                    if not repeatable:
                        raise DeliveryUnknown(str(error)) from error
                    log.info("telegram: an unreadable answer; retrying")
                    raise translate_errors(error) from error
                except TelegramForbiddenError as error:
                    raise translate_errors(error) from error

        return await with_retries(attempt, attempts=self.attempts, wait=self.backoff)

    def _remember_prompt(self, chat_id: int, message_id: int) -> None:
        self._prompts.pop(chat_id, None)
        self._prompts[chat_id] = message_id
        while len(self._prompts) > MAX_CHATS:
            self._prompts.popitem(last=False)

    def _retire(self, chat_id: int, message_id: int) -> None:
        retired = self._retired.pop(chat_id, None) or deque(maxlen=RETIRED_PER_CHAT)
        retired.append(message_id)
        self._retired[chat_id] = retired
        while len(self._retired) > MAX_CHATS:
            self._retired.popitem(last=False)

    def _forget(self, chat_id: int) -> None:
        self._prompts.pop(chat_id, None)
        self._retired.pop(chat_id, None)
        self._contact_keyboard.discard(chat_id)


async def typing(bot: Bot, chat_id: int, *, after: float = 0.8, every: float = 4.5) -> None:
    """Show "typing…" while a slow answer is being prepared (run as a task, cancel when done).

    Nothing is sent for quick answers; errors are ignored: it is only a courtesy."""
    await asyncio.sleep(after)
    while True:
        try:
            await bot.send_chat_action(chat_id, "typing")
        except Exception as error:  # a courtesy must never break the answer
            log.debug("typing indicator failed: %s", error)
            return
        await asyncio.sleep(every)
