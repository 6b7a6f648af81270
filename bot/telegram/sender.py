"""Sending channel-neutral replies to a Telegram chat.

Every Bot API call that shows something goes through the same steps: wait for its turn within
Telegram's limits (in a private chat, none unless the bot as a whole is at 30 a second or
paused by a 429), call, and only when it failed translate Telegram's error into the shared
outcomes (`RetryLater`, `Unreachable`) so that `retry` knows what to try again. On top of
that, Telegram's message model: long texts are split at 4096 characters, the echo of a choice
edits the question it answers, and a question's buttons are taken away once a newer question
is on screen.
"""

from __future__ import annotations

import asyncio
import logging
import time
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
    Clock,
    DeliveryUnknown,
    RetryLater,
    Sleep,
    Unreachable,
    call_within_limits,
)
from bot.rendering import AlbumPhoto, Reply
from bot.textsplit import split_text, utf16_len

from .convert import CHANNEL
from .direct import DirectCalls, Keyboard
from .keyboards import contact_keyboard, remove_keyboard

log = logging.getLogger(__name__)

T = TypeVar("T")
MAX_TEXT = 4096
MAX_CAPTION = 1024
# An album (sendMediaGroup) holds 2 to 10 photos.
MAX_ALBUM = 10
# Reads the bot's stored copy of a photo by its name (given by the bootstrap): for a photo
# that came from another channel, whose id Telegram does not know.
LoadPhoto = Callable[[str], bytes | None]
# Remembered per chat: the live question's message id. Bounded.
MAX_CHATS = 10_000
# How many answered questions per chat are remembered to recognise a late tap on one.
RETIRED_PER_CHAT = 32

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup | ReplyKeyboardRemove
# An inline keyboard as the direct calls take it (bot/telegram/direct.py), or another markup.
Shown = Keyboard | ReplyKeyboardMarkup | ReplyKeyboardRemove


class TelegramLimits(ChannelLimits):
    """Telegram's limits as python-telegram-bot's `AIORateLimiter` keeps them: 30 calls/s
    overall, 20 a minute in a group (negative chat ids), none per private chat. Pushes at
    most 25/s, so that answers keep a share, and one a second in a chat (Telegram's advice
    for a chat that is sent to steadily)."""

    def __init__(
        self,
        per_second: float = 30.0,
        *,
        push_per_second: float = 25.0,
        group_per_minute: float = 20.0,
        push_chat_interval: float = 1.0,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        super().__init__(
            per_second,
            push_per_second=push_per_second,
            push_chat_interval=push_chat_interval,
            group_per_minute=group_per_minute,
            clock=clock,
            sleep=sleep,
        )

    def is_group(self, chat_id: int | str) -> bool:
        # Groups and supergroups have negative ids; a channel is also named by "@username".
        if isinstance(chat_id, int):
            return chat_id < 0
        return chat_id.startswith(("-", "@"))


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


def _judge(chat_id: int, quiet_bad_request: bool, repeatable: bool, error: Exception) -> Exception:
    """What a failed call's error means for `retry`: `RetryLater` to try again (429, 5xx,
    network), else raised as it is or as `Unreachable` / `DeliveryUnknown`."""
    if isinstance(error, TelegramBadRequest):
        translated = translate_errors(error)
        if translated is error and not quiet_bad_request:
            log.error("telegram refused a message to %s: %s", chat_id, error)
        return translated
    if isinstance(error, ClientDecodeError) and not repeatable:
        return DeliveryUnknown(str(error))
    translated = translate_errors(error)
    if isinstance(translated, RetryLater):
        log.info("telegram: %s; retrying", error)
    return translated


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
        # The hot calls (send a question, edit the answered one) written directly.
        self._api = DirectCalls(bot)
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
        buttons = self._api.keyboard(reply.buttons)
        if reply.updates_prompt:
            if len(chunks) == 1 and await self._update_prompt(turn, chunks[0], buttons):
                return
            turn.new_prompt = not turn.push  # sent anew: the old one's buttons must go
        if turn.new_prompt:
            # Before anything else is said (a result card, a rejection), so the person never
            # sees two questions with live buttons.
            await self._clear_stale_prompts(turn)
        markup: Shown | None = buttons
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
            self._remember_prompt(turn.chat_id, last)

    async def _send_content(
        self, turn: _Turn, reply: Reply, chunks: list[str], shown: Shown | None
    ) -> int | None:
        """Text in chunks, a document or a photo; the keyboard rides on the last message.
        The last message's id (None when Telegram's answer could not be read)."""
        media = reply.document is not None or reply.photo is not None
        caption: str | None = None
        if media and len(chunks) == 1 and utf16_len(chunks[0]) <= MAX_CAPTION:
            caption, chunks = chunks[0], []
        last: int | None = None
        for index, chunk in enumerate(chunks):
            final = index == len(chunks) - 1 and not media
            if shown is None or not final or isinstance(shown, Keyboard):
                keyboard = shown if final and isinstance(shown, Keyboard) else None
                last = await self._send(
                    turn, partial(self._api.send_message, turn.chat_id, chunk, keyboard)
                )
            else:  # a reply keyboard (share the phone number) or its removal
                send = partial(self.bot.send_message, turn.chat_id, chunk, reply_markup=shown)
                last = await self._send(turn, _message_id(send))
        if not media:
            return last
        markup = shown.markup() if isinstance(shown, Keyboard) else shown
        if reply.document is not None:
            filename, data = reply.document
            send = partial(
                self.bot.send_document,
                turn.chat_id,
                BufferedInputFile(data, filename),
                caption=caption,
                reply_markup=markup,
            )
            last = await self._send(turn, _message_id(send))
        elif reply.photo is not None:
            send = partial(
                self.bot.send_photo,
                turn.chat_id,
                BufferedInputFile(reply.photo, "photo.png"),
                caption=caption,
                reply_markup=markup,
            )
            last = await self._send(turn, _message_id(send))
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
            send = partial(self.bot.send_document, chat_id, str(item.media), caption=caption)
            await self._send(turn, _message_id(send))
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
                partial(self._api.edit_text, turn.chat_id, target, text[0], None),
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

    async def _update_prompt(self, turn: _Turn, text: str, buttons: Keyboard | None) -> bool:
        """Edit the tapped question in place, buttons included, which stay live (an option
        ticked). False when it cannot be edited, so it is sent as a new message instead."""
        target = turn.tapped
        if target is None or turn.push or self.is_retired(turn.chat_id, target):
            return False
        try:
            await self._call(
                turn,
                partial(self._api.edit_text, turn.chat_id, target, text, buttons),
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
                clear = partial(self._api.clear_keyboard, turn.chat_id, message_id)
                await self._call(turn, clear, quiet_bad_request=True)
            except TelegramBadRequest as error:
                if not _is_not_modified(error):
                    continue  # too old to edit, or deleted: nothing to take away
            self._retire(turn.chat_id, message_id)

    async def _send(self, turn: _Turn, operation: Callable[[], Awaitable[int]]) -> int | None:
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
        """One Bot API call that shows something in the chat: its turn within the limits,
        the call, and the retry machinery only if it failed.

        `repeatable`: doing it twice shows the same as once (an edit). Otherwise (a send) an
        answer that came back unreadable is not retried: Telegram received the call and most
        likely carried it out, so a retry would show the message twice."""
        return await call_within_limits(
            self.limits,
            turn.chat_id,
            operation,
            partial(_judge, turn.chat_id, quiet_bad_request, repeatable),
            push=turn.push,
            attempts=self.attempts,
            backoff=self.backoff,
        )

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


def _message_id(send: Callable[[], Awaitable[Message]]) -> Callable[[], Awaitable[int]]:
    """A call through aiogram that answers a `Message`, as the id of that message."""

    async def call() -> int:
        return (await send()).message_id

    return call


async def typing(bot: Bot, chat_id: int, *, every: float = 4.5) -> None:
    """Show "typing…" at once and every `every` seconds while a slow answer is being prepared
    (run as a task once the answer is slow, cancel when done). Errors are ignored: it is only
    a courtesy."""
    while True:
        try:
            await bot.send_chat_action(chat_id, "typing")
        except Exception as error:  # a courtesy must never break the answer
            log.debug("typing indicator failed: %s", error)
            return
        await asyncio.sleep(every)
