"""A local double of the Telegram Bot API, spoken over real HTTP.

The real bot (aiogram with ``AiohttpSession(api=TelegramAPIServer.from_base(tg.base_url))``)
talks to this server exactly as it would to api.telegram.org: requests go to
``{base}/bot{token}/{method}``, downloads to ``{base}/file/bot{token}/{file_path}``.
Tests play the user with the ``push_*`` methods and observe what the bot did with
``messages()``, ``requests``, ``callback_answers`` and the ``wait_*`` helpers.

Only private chats are modelled, so a user's id is also their chat id. Everything runs on the
event loop of the test that started the double.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import io
import itertools
import json
import mimetypes
import random
import re
import secrets
import time
from collections.abc import Awaitable, Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, TypeVar, overload

from aiohttp import (
    BodyPartReader,
    ClientError,
    ClientSession,
    ClientTimeout,
    MultipartReader,
    web,
)

if TYPE_CHECKING:
    from aiogram import Bot

T = TypeVar("T")
JsonDict = dict[str, Any]
FaultKind = Literal["429", "500", "502", "timeout", "403", "garbage"]
FAULT_KINDS: tuple[str, ...] = ("429", "500", "502", "timeout", "403", "garbage")
# What a "garbage" fault answers (with 200) after carrying the call out: a reply that cannot be
# decoded, as from a broken proxy, though Telegram did what was asked.
GARBAGE_BODY = "<html><body>200 OK</body></html>"


class _Garbled(dict[str, Any]):
    """The result of a call whose answer is to be replaced by GARBAGE_BODY."""


DEFAULT_BOT_USER: JsonDict = {
    "id": 7000000001,
    "is_bot": True,
    "first_name": "HocTap Test",
    "username": "hoctap_test_bot",
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
BLOCKED = "Forbidden: bot was blocked by the user"
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
CHAT_ACTIONS = frozenset(
    {
        "typing",
        "upload_photo",
        "record_video",
        "upload_video",
        "record_voice",
        "upload_voice",
        "upload_document",
        "choose_sticker",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)
# Update types Telegram sends when allowed_updates is empty/unset.
_DEFAULT_EXCLUDED_UPDATES = frozenset({"chat_member", "message_reaction", "message_reaction_count"})

# Form fields arrive as strings; Telegram decodes them by parameter type, and so do we so that
# handlers and tests see real values (e.g. ``requests[-1].params["chat_id"] == 42``).
_JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "allowed_updates",
        "commands",
        "scope",
        "menu_button",
        "link_preview_options",
        "reply_parameters",
        "media",
        "results",
    }
)
_INT_FIELDS = frozenset(
    {
        "chat_id",
        "message_id",
        "offset",
        "limit",
        "timeout",
        "max_connections",
        "reply_to_message_id",
        "message_thread_id",
        "cache_time",
        "from_chat_id",
        "user_id",
    }
)
_BOOL_FIELDS = frozenset(
    {
        "drop_pending_updates",
        "show_alert",
        "disable_notification",
        "protect_content",
        "disable_web_page_preview",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
    }
)
_INLINE_ACTIONS = (
    "url",
    "callback_data",
    "web_app",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "copy_text",
    "callback_game",
    "pay",
)


# --------------------------------------------------------------------------- errors


class ApiError(Exception):
    """A Bot API error reply; raised inside handlers and rendered as Telegram's envelope."""

    def __init__(self, status: int, description: str, *, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after

    def envelope(self) -> JsonDict:
        body: JsonDict = {"ok": False, "error_code": self.status, "description": self.description}
        if self.retry_after is not None:
            body["parameters"] = {"retry_after": self.retry_after}
        return body


def _bad(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


class DoubleTimeout(AssertionError):
    """A ``wait_*`` helper gave up. An AssertionError so pytest reports a plain test failure."""


# --------------------------------------------------------------------------- records


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request."""

    filename: str | None
    data: bytes
    content_type: str | None


@dataclass
class StoredFile:
    """A file the double can serve through getFile and the download route."""

    file_id: str
    file_unique_id: str
    kind: str  # "photo" | "document" | "sticker"
    data: bytes
    file_path: str
    filename: str | None = None
    mime_type: str | None = None
    source_url: str | None = None  # set when the bot sent an HTTP URL instead of bytes

    @property
    def size(self) -> int:
        return len(self.data)


@dataclass
class ApiRequest:
    """One Bot API call as the double received it."""

    method: str  # canonical spelling, e.g. "sendMessage" (as called when unknown)
    params: JsonDict  # decoded: ints are ints, reply_markup is a dict, ...
    files: dict[str, UploadedFile]
    token: str
    at: float
    status: int = 200
    fault: str | None = None  # injected fault kind, if any


@dataclass(frozen=True)
class MessageVersion:
    """A former state of an edited bot message."""

    text: str | None
    caption: str | None
    entities: tuple[JsonDict, ...]
    reply_markup: JsonDict | None
    date: int


@dataclass
class SentMessage:
    """A message the bot sent, in its current state (edits applied, ``history`` keeps the past)."""

    chat_id: int
    message_id: int
    kind: Literal["text", "photo", "document"]
    date: int
    text: str | None = None  # as the user sees it: markup parsed away, like Message.text
    caption: str | None = None
    raw_text: str | None = None  # text/caption exactly as the bot sent it (with markup)
    parse_mode: str | None = None
    entities: list[JsonDict] = field(default_factory=list)
    reply_markup: JsonDict | None = None  # as sent: inline, reply keyboard, remove, force_reply
    file: StoredFile | None = None
    media: JsonDict = field(default_factory=dict)  # the "photo"/"document" fields of the API object
    edit_date: int | None = None
    deleted: bool = False
    history: list[MessageVersion] = field(default_factory=list)
    params: JsonDict = field(default_factory=dict)  # the request that created it

    @property
    def content(self) -> str:
        """Text, or caption for media, or ""."""
        if self.text is not None:
            return self.text
        return self.caption or ""

    @property
    def edited(self) -> bool:
        return bool(self.history)

    @property
    def texts(self) -> list[str]:
        """Every text/caption this message has shown, oldest first."""
        past = [v.text if v.text is not None else (v.caption or "") for v in self.history]
        return [*past, self.content]

    @property
    def inline_keyboard(self) -> list[list[JsonDict]]:
        rows = (self.reply_markup or {}).get("inline_keyboard") or []
        return [list(row) for row in rows]

    @property
    def buttons(self) -> list[JsonDict]:
        """Inline buttons, row by row."""
        return [button for row in self.inline_keyboard for button in row]

    @property
    def button_labels(self) -> list[str]:
        return [str(button.get("text", "")) for button in self.buttons]

    @property
    def reply_buttons(self) -> list[JsonDict]:
        """Reply-keyboard buttons as dicts (plain string buttons become {"text": ...})."""
        rows = (self.reply_markup or {}).get("keyboard") or []
        return [b if isinstance(b, dict) else {"text": str(b)} for row in rows for b in row]

    @property
    def removes_keyboard(self) -> bool:
        return bool((self.reply_markup or {}).get("remove_keyboard"))

    @property
    def data(self) -> bytes:
        """Bytes of the photo/document."""
        if self.file is None:
            raise AttributeError(f"message #{self.message_id} has no file")
        return self.file.data

    @property
    def filename(self) -> str | None:
        return self.file.filename if self.file else None

    def button_data(self, label: str) -> str:
        return button_data(self, label)


@dataclass(frozen=True)
class CallbackAnswer:
    callback_query_id: str
    text: str | None
    show_alert: bool
    url: str | None
    cache_time: int | None
    chat_id: int
    message_id: int | None
    data: str | None  # the callback_data that was pressed


@dataclass(frozen=True)
class FaultRecord:
    method: str
    kind: str
    at: float


@dataclass(frozen=True)
class WebhookDelivery:
    update_id: int
    url: str
    status: int | None  # None: the bot was unreachable
    error: str | None
    at: float


@dataclass
class WebhookState:
    url: str
    secret_token: str | None
    max_connections: int = 40
    last_error_date: int | None = None
    last_error_message: str | None = None


@dataclass
class _FaultRule:
    method: str | None  # lower-cased; None matches every method
    kind: str
    remaining: int
    retry_after: int


@dataclass(frozen=True)
class _Described:
    """A result that Telegram returns together with a "description" (setWebhook & co.)."""

    result: Any
    description: str


@dataclass(frozen=True)
class _Call:
    method: str
    params: JsonDict
    files: dict[str, UploadedFile]


@dataclass
class _Chat:
    id: int
    user: JsonDict
    next_message_id: int = 1
    bot_messages: list[SentMessage] = field(default_factory=list)
    by_id: dict[int, SentMessage] = field(default_factory=dict)
    user_messages: dict[int, JsonDict] = field(default_factory=dict)
    deleted_user_messages: set[int] = field(default_factory=set)
    log: list[str] = field(default_factory=list)
    blocked: bool = False
    reply_keyboard: JsonDict | None = None
    actions: list[str] = field(default_factory=list)

    def take_message_id(self) -> int:
        # User and bot messages share one id sequence per chat, as in Telegram private chats.
        mid = self.next_message_id
        self.next_message_id += 1
        return mid

    def as_chat(self) -> JsonDict:
        chat: JsonDict = {"id": self.id, "type": "private", "first_name": self.user["first_name"]}
        for key in ("last_name", "username"):
            if self.user.get(key):
                chat[key] = self.user[key]
        return chat


# --------------------------------------------------------------------------- helpers


def button_data(message: SentMessage | Mapping[str, Any], label: str) -> str:
    """callback_data of the inline button whose label is ``label`` or contains it (casefolded).

    Raises AssertionError listing the labels when there is no match or the match is ambiguous.
    """
    markup = (
        message.reply_markup if isinstance(message, SentMessage) else message.get("reply_markup")
    )
    buttons = [b for row in (markup or {}).get("inline_keyboard") or [] for b in row]
    found = [b for b in buttons if b.get("text") == label]
    if not found:
        needle = label.casefold()
        found = [b for b in buttons if needle in str(b.get("text", "")).casefold()]
    labels = [b.get("text") for b in buttons]
    datas = {b.get("callback_data") for b in found}
    if not found:
        raise AssertionError(f"no inline button matching {label!r}; buttons: {labels}")
    if len(datas) > 1:
        raise AssertionError(f"{label!r} matches several buttons: {[b['text'] for b in found]}")
    data = found[0].get("callback_data")
    if not isinstance(data, str):
        raise AssertionError(f"button {found[0].get('text')!r} has no callback_data")
    return data


def _u16(text: str) -> int:
    """Length in UTF-16 code units: the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def _byte_offset(src: str, index: int) -> int:
    return len(src[:index].encode("utf-8"))


def _entities_error(detail: str) -> ApiError:
    return _bad(f"can't parse entities: {detail}")


class _TextBuilder:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0  # UTF-16 offset of the end of the text so far

    def add(self, chunk: str) -> None:
        self.parts.append(chunk)
        self.pos += _u16(chunk)

    def text(self) -> str:
        return "".join(self.parts)


def _entity(kind: str, start: int, end: int, **extra: Any) -> JsonDict | None:
    if end <= start:
        return None  # Telegram drops empty entities
    return {"type": kind, "offset": start, "length": end - start, **extra}


_HTML_TAGS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": "text_link",
    "code": "code",
    "pre": "pre",
    "blockquote": "blockquote",
    "tg-emoji": "custom_emoji",
}
_HTML_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ATTR_RE = re.compile(r"""([a-zA-Z_-]+)\s*(?:=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+)))?""")
_TAG_RE = re.compile(r"([a-zA-Z][a-zA-Z0-9-]*)(.*)", re.S)
_HTML_ENTITY_RE = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);")


def _parse_html(src: str) -> tuple[str, list[JsonDict]]:
    """Telegram's HTML parse mode: plain text + entities, or the errors Telegram gives."""
    out = _TextBuilder()
    stack: list[tuple[str, int, JsonDict]] = []  # tag, start offset, entity extras
    entities: list[JsonDict] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "<":
            end = src.find(">", i)
            if end == -1:
                raise _entities_error(f"Unclosed start tag at byte offset {_byte_offset(src, i)}")
            inner = src[i + 1 : end]
            if inner.startswith("/"):
                name = inner[1:].strip().lower()
                if not stack:
                    raise _entities_error(
                        f'Unexpected end tag at byte offset {_byte_offset(src, i)}: "</{name}>"'
                    )
                tag, start, closed = stack.pop()
                if name != tag:
                    raise _entities_error(
                        f"Unmatched end tag at byte offset {_byte_offset(src, i)}, "
                        f'expected "</{tag}>", found "</{name}>"'
                    )
                if tag == "code" and stack and stack[-1][0] == "pre" and closed.get("language"):
                    # <pre><code class="language-x"> is one pre entity with a language.
                    stack[-1][2]["language"] = closed["language"]
                elif tag != "a" or closed.get("url"):
                    kind = _HTML_TAGS[tag]
                    if tag == "blockquote" and closed.pop("expandable", False):
                        kind = "expandable_blockquote"
                    if tag == "code":
                        closed = {}
                    made = _entity(kind, start, out.pos, **closed)
                    if made:
                        entities.append(made)
            else:
                match = _TAG_RE.fullmatch(inner)
                name = match.group(1).lower() if match else inner.split(" ", 1)[0]
                if not match or name not in _HTML_TAGS:
                    raise _entities_error(
                        f'Unsupported start tag "{name}" at byte offset {_byte_offset(src, i)}'
                    )
                attrs = {
                    m.group(1).lower(): next((g for g in m.groups()[1:] if g is not None), "")
                    for m in _ATTR_RE.finditer(match.group(2))
                }
                extra: JsonDict = {}
                if name == "span" and attrs.get("class") != "tg-spoiler":
                    raise _entities_error(
                        f'Tag "span" must have class "tg-spoiler" at byte offset '
                        f"{_byte_offset(src, i)}"
                    )
                if name == "a" and attrs.get("href"):
                    extra["url"] = attrs["href"]
                if name == "code" and attrs.get("class", "").startswith("language-"):
                    extra["language"] = attrs["class"][len("language-") :]
                if name == "tg-emoji":
                    extra["custom_emoji_id"] = attrs.get("emoji-id", "")
                if name == "blockquote" and "expandable" in attrs:
                    extra["expandable"] = True
                stack.append((name, out.pos, extra))
            i = end + 1
        elif c == "&":
            match = _HTML_ENTITY_RE.match(src, i)
            if match and match.group(1).startswith("#"):
                ref = match.group(1)
                code = int(ref[2:], 16) if ref[1] in "xX" else int(ref[1:])
                out.add(chr(code))
                i = match.end()
            elif match and match.group(1) in _HTML_ENTITIES:
                out.add(_HTML_ENTITIES[match.group(1)])
                i = match.end()
            else:
                out.add("&")  # Telegram tolerates a bare ampersand
                i += 1
        else:
            out.add(c)
            i += 1
    if stack:
        raise _entities_error(f'Can\'t find end tag corresponding to start tag "{stack[-1][0]}"')
    return out.text(), entities


_MDV2_RESERVED = frozenset("_*[]()~`>#+-=|{}.!")
_MDV2_NAMES = {
    "*": "Bold",
    "_": "Italic",
    "__": "Underline",
    "~": "Strikethrough",
    "||": "Spoiler",
    "[": "TextUrl",
}
_MDV2_TYPES = {
    "*": "bold",
    "_": "italic",
    "__": "underline",
    "~": "strikethrough",
    "||": "spoiler",
}


def _link_entity(start: int, end: int, url: str) -> JsonDict | None:
    match = re.fullmatch(r"tg://user\?id=(\d+)", url)
    if match:
        user = {"id": int(match.group(1)), "is_bot": False, "first_name": ""}
        return _entity("text_mention", start, end, user=user)
    return _entity("text_link", start, end, url=url)


def _parse_markdown_v2(src: str) -> tuple[str, list[JsonDict]]:
    """Telegram's MarkdownV2, including its strict "reserved character" errors."""
    out = _TextBuilder()
    stack: list[tuple[str, int, int]] = []  # marker, start offset, byte offset of the marker
    entities: list[JsonDict] = []
    quote_start: int | None = None
    i, n = 0, len(src)

    def push(entity: JsonDict | None) -> None:
        if entity:
            entities.append(entity)

    while i < n:
        c = src[i]
        if c == "\\":
            if i + 1 < n and 0 < ord(src[i + 1]) < 127:
                out.add(src[i + 1])
                i += 2
                continue
            raise _entities_error(
                "Character '\\' is reserved and must be escaped with the preceding '\\'"
            )
        if c == ">" and (i == 0 or src[i - 1] == "\n"):
            if quote_start is None:
                quote_start = out.pos
            i += 1
            continue
        if c == "\n" and quote_start is not None and not src.startswith(">", i + 1):
            push(_entity("blockquote", quote_start, out.pos))
            quote_start = None
        if c == "`":
            fence = "```" if src.startswith("```", i) else "`"
            j = i + len(fence)
            start = out.pos
            language: str | None = None
            if fence == "```":
                newline = src.find("\n", j)
                first_line = src[j:newline] if newline != -1 else None
                if first_line is not None and re.fullmatch(r"[\w+#.-]*", first_line):
                    language = first_line or None
                    j = newline + 1
            closed = False
            while j < n:
                if src[j] == "\\" and j + 1 < n and src[j + 1] in "`\\":
                    out.add(src[j + 1])
                    j += 2
                    continue
                if src.startswith(fence, j):
                    closed = True
                    break
                out.add(src[j])
                j += 1
            if not closed:
                name = "Pre" if fence == "```" else "Code"
                raise _entities_error(
                    f"Can't find end of {name} entity at byte offset {_byte_offset(src, i)}"
                )
            if fence == "```":
                extra = {"language": language} if language else {}
                push(_entity("pre", start, out.pos, **extra))
            else:
                push(_entity("code", start, out.pos))
            i = j + len(fence)
            continue
        marker: str | None = None
        if src.startswith("__", i) or src.startswith("||", i):
            marker = src[i : i + 2]
        elif c in "*_~":
            marker = c
        if marker is not None:
            if stack and stack[-1][0] == marker:
                _, start, _ = stack.pop()
                push(_entity(_MDV2_TYPES[marker], start, out.pos))
            elif any(entry[0] == marker for entry in stack):
                top, _, offset = stack[-1]
                raise _entities_error(
                    f"Can't find end of {_MDV2_NAMES[top]} entity at byte offset {offset}"
                )
            else:
                stack.append((marker, out.pos, _byte_offset(src, i)))
            i += len(marker)
            continue
        if c == "[":
            stack.append(("[", out.pos, _byte_offset(src, i)))
            i += 1
            continue
        if c == "]" and stack and stack[-1][0] == "[":
            _, start, offset = stack.pop()
            if not src.startswith("(", i + 1):
                raise _entities_error(f"Can't find end of TextUrl entity at byte offset {offset}")
            j = i + 2
            url: list[str] = []
            while j < n and src[j] != ")":
                if src[j] == "\\" and j + 1 < n:
                    url.append(src[j + 1])
                    j += 2
                    continue
                url.append(src[j])
                j += 1
            if j >= n:
                raise _entities_error(
                    f"Can't find end of a URL at byte offset {_byte_offset(src, i + 1)}"
                )
            push(_link_entity(start, out.pos, "".join(url)))
            i = j + 1
            continue
        if c in _MDV2_RESERVED:
            raise _entities_error(
                f"Character '{c}' is reserved and must be escaped with the preceding '\\'"
            )
        out.add(c)
        i += 1
    if stack:
        top, _, offset = stack[-1]
        raise _entities_error(
            f"Can't find end of {_MDV2_NAMES[top]} entity at byte offset {offset}"
        )
    if quote_start is not None:
        push(_entity("blockquote", quote_start, out.pos))
    return out.text(), entities


_MD_LINK_RE = re.compile(r"\[([^\]]*)\]\(([^)]*)\)")
_MD_TYPES = {"*": "bold", "_": "italic", "`": "code", "```": "pre"}


def _parse_markdown(src: str) -> tuple[str, list[JsonDict]]:
    """Telegram's legacy Markdown: *bold*, _italic_, `code`, ```pre```, [text](url)."""
    out = _TextBuilder()
    entities: list[JsonDict] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "\\" and i + 1 < n and src[i + 1] in "_*`[":
            out.add(src[i + 1])
            i += 2
            continue
        if c in "*_`":
            fence = "```" if src.startswith("```", i) else c
            end = src.find(fence, i + len(fence))
            if end == -1:
                raise _entities_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(src, i)}"
                )
            start = out.pos
            out.add(src[i + len(fence) : end])
            made = _entity(_MD_TYPES[fence], start, out.pos)
            if made:
                entities.append(made)
            i = end + len(fence)
            continue
        if c == "[":
            match = _MD_LINK_RE.match(src, i)
            if not match:
                raise _entities_error(
                    f"Can't find end of the entity starting at byte offset {_byte_offset(src, i)}"
                )
            start = out.pos
            out.add(match.group(1))
            made = _link_entity(start, out.pos, match.group(2))
            if made:
                entities.append(made)
            i = match.end()
            continue
        out.add(c)
        i += 1
    return out.text(), entities


def _format_text(text: str, parse_mode: Any, given_entities: Any) -> tuple[str, list[JsonDict]]:
    """Apply parse_mode like Telegram; then trim surrounding whitespace, shifting entities."""
    mode = str(parse_mode or "").lower()
    if isinstance(given_entities, list):
        plain, entities = text, [dict(e) for e in given_entities if isinstance(e, dict)]
    elif mode == "":
        plain, entities = text, []
    elif mode == "html":
        plain, entities = _parse_html(text)
    elif mode == "markdownv2":
        plain, entities = _parse_markdown_v2(text)
    elif mode == "markdown":
        plain, entities = _parse_markdown(text)
    else:
        raise _bad(f"unsupported parse_mode {parse_mode!r}")
    body = plain.strip()
    lead = _u16(plain[: len(plain) - len(plain.lstrip())])
    size = _u16(body)
    shifted: list[JsonDict] = []
    for entity in entities:
        start = max(int(entity.get("offset", 0)) - lead, 0)
        end = min(int(entity.get("offset", 0)) + int(entity.get("length", 0)) - lead, size)
        if end > start:
            shifted.append({**entity, "offset": start, "length": end - start})
    shifted.sort(key=lambda e: (e["offset"], -e["length"]))
    return body, shifted


_COMMAND_RE = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,32}(?:@[A-Za-z0-9_]{3,32})?")


def _command_entities(text: str) -> list[JsonDict]:
    return [
        {"type": "bot_command", "offset": _u16(text[: m.start()]), "length": _u16(m.group())}
        for m in _COMMAND_RE.finditer(text)
    ]


def _fake_jpeg(width: int, height: int, seed: int) -> bytes:
    """A small but real JPEG, different for every seed, so image code in the bot can open it."""
    from PIL import Image, ImageDraw  # project dependency (qrcode[pil]); lazy to keep import light

    rng = random.Random(seed)
    image = Image.new("RGB", (width, height), tuple(rng.randrange(256) for _ in range(3)))
    stripe = rng.randrange(max(height - 4, 1))
    ImageDraw.Draw(image).rectangle((0, stripe, width, stripe + 4), fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=70)
    return buffer.getvalue()


def _image_size(data: bytes) -> tuple[int, int]:
    try:
        from PIL import Image

        with Image.open(io.BytesIO(data)) as image:
            return int(image.width), int(image.height)
    except Exception:  # not an image Pillow knows: plausible dimensions are enough
        return 640, 480


def _coerce(name: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    if name in _JSON_FIELDS:
        if value == "":
            return None
        try:
            return json.loads(value)
        except ValueError:
            if name == "reply_markup":
                raise _bad("can't parse reply keyboard markup JSON object") from None
            raise _bad(f"can't parse {name} JSON object") from None
    if name in _INT_FIELDS:
        with contextlib.suppress(ValueError):
            return int(value)
        return value
    if name in _BOOL_FIELDS:
        return value.strip().lower() in ("true", "1")
    return value


def _normalize(raw: Mapping[str, Any]) -> JsonDict:
    return {key: _coerce(key, value) for key, value in raw.items()}


def _as_bool(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("true", "1")
    return bool(value)


def _update_type(update: Mapping[str, Any]) -> str:
    return next((key for key in update if key != "update_id"), "")


# --------------------------------------------------------------------------- the double

_Handler = Callable[[_Call], Awaitable[Any]]


class TelegramDouble:
    """An in-process fake Telegram Bot API server; see the module docstring."""

    def __init__(
        self,
        *,
        bot_user: Mapping[str, Any] | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        timeout_fault_delay: float = 30.0,
        webhook_retry_delay: float = 0.2,
        webhook_max_attempts: int = 50,
        webhook_timeout: float = 10.0,
        strict_chats: bool = False,
    ) -> None:
        self.bot_user: JsonDict = {**DEFAULT_BOT_USER, **(bot_user or {})}
        self.host = host
        self.timeout_fault_delay = timeout_fault_delay
        self.webhook_retry_delay = webhook_retry_delay
        self.webhook_max_attempts = webhook_max_attempts
        self.webhook_timeout = webhook_timeout
        # Real Telegram refuses to message users who never wrote to the bot; off by default so
        # tests can send to any chat id.
        self.strict_chats = strict_chats

        # Observations for tests.
        self.requests: list[ApiRequest] = []
        self.callback_answers: list[CallbackAnswer] = []
        self.faults: list[FaultRecord] = []
        self.blocked_attempts: list[tuple[str, int]] = []
        self.pushed_updates: list[JsonDict] = []
        self.webhook_deliveries: list[WebhookDelivery] = []
        self.dropped_updates: list[JsonDict] = []  # webhook gave up after max attempts
        self.downloads: list[str] = []
        self.errors: list[BaseException] = []  # bugs inside the double itself; should stay empty
        self.menu_buttons: dict[int | None, JsonDict] = {}
        self.bot_profile: dict[tuple[str, str], str] = {}  # (field, language_code) -> value

        self._port = port
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self._delivery_task: asyncio.Task[None] | None = None
        self._closing = False
        self._changed = asyncio.Event()
        self._last_activity = time.monotonic()

        self._chats: dict[int, _Chat] = {}
        self._pending: list[JsonDict] = []
        self._update_ids = itertools.count(700000001)
        self._last_update_id = 700000000
        self._allowed_updates: list[str] = []
        self._poll_generation = 0
        self._webhook: WebhookState | None = None
        self._files: dict[str, StoredFile] = {}
        self._files_by_path: dict[str, StoredFile] = {}
        self._file_seq = itertools.count(1)
        self._callback_seq = itertools.count(1)
        self._forged_seq = itertools.count(900001)  # far from real per-chat ids
        self._open_callbacks: dict[str, JsonDict] = {}
        self._commands: dict[tuple[str, str], list[JsonDict]] = {}

        self._fault_rules: list[_FaultRule] = []
        self._fault_rate = 0.0
        self._fault_kinds: tuple[str, ...] = ()
        self._fault_methods: frozenset[str] | None = None
        self._fault_retry_after = 1
        self._rng = random.Random(0)

        handlers: dict[str, _Handler] = {
            "getMe": self._get_me,
            "getUpdates": self._get_updates,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": self._get_webhook_info,
            "sendMessage": self._send_message,
            "sendPhoto": self._send_photo,
            "sendDocument": self._send_document,
            "sendMediaGroup": self._send_media_group,
            "editMessageText": self._edit_message_text,
            "editMessageCaption": self._edit_message_caption,
            "editMessageReplyMarkup": self._edit_message_reply_markup,
            "deleteMessage": self._delete_message,
            "answerCallbackQuery": self._answer_callback_query,
            "sendChatAction": self._send_chat_action,
            "getFile": self._get_file,
            "setMyCommands": self._set_my_commands,
            "getMyCommands": self._get_my_commands,
            "deleteMyCommands": self._delete_my_commands,
            "setChatMenuButton": self._set_chat_menu_button,
            "getChatMenuButton": self._get_chat_menu_button,
            "setMyDescription": self._profile_setter("description"),
            "getMyDescription": self._profile_getter("description"),
            "setMyShortDescription": self._profile_setter("short_description"),
            "getMyShortDescription": self._profile_getter("short_description"),
            "setMyName": self._profile_setter("name"),
            "getMyName": self._profile_getter("name"),
        }
        # Telegram method names are case-insensitive.
        self._methods = {name.lower(): (name, fn) for name, fn in handlers.items()}

    # ------------------------------------------------------------------ lifecycle

    async def __aenter__(self) -> TelegramDouble:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.stop()

    async def start(self) -> None:
        """Listen on host:port (a free port the first time; the same port after a restart)."""
        if self._runner is not None:
            return
        self._closing = False
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_api)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Short shutdown_timeout: held requests watch _closing, this is only a backstop.
        runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await runner.setup()
        try:
            await web.TCPSite(runner, self.host, self._port).start()
        except BaseException:
            await runner.cleanup()
            raise
        self._runner = runner
        self._port = int(runner.addresses[0][1])
        self._client = ClientSession()
        self._delivery_task = asyncio.create_task(self._deliver_webhooks())

    async def stop(self) -> None:
        """Stop serving; releases long polls and held "timeout" requests first so it never hangs.

        Recorded state stays available for assertions.
        """
        if self._runner is None:
            return
        self._closing = True
        self._notify()
        task, self._delivery_task = self._delivery_task, None
        if task is not None:
            task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await task
        client, self._client = self._client, None
        if client is not None:
            await client.close()
        runner, self._runner = self._runner, None
        await runner.cleanup()

    @property
    def base_url(self) -> str:
        if self._runner is None:
            raise RuntimeError("TelegramDouble is not started")
        return f"http://{self.host}:{self._port}"

    @property
    def port(self) -> int:
        return self._port

    def make_bot(self, token: str = "123456:TEST", **kwargs: Any) -> Bot:
        """An aiogram Bot pointed at this double (caller closes ``bot.session``)."""
        from aiogram import Bot
        from aiogram.client.session.aiohttp import AiohttpSession
        from aiogram.client.telegram import TelegramAPIServer

        class _LocalSession(AiohttpSession):
            async def close(self) -> None:
                # Plain HTTP to localhost: skip the 250 ms SSL-shutdown grace sleep of the base
                # class, which would otherwise dominate fast unit tests.
                if self._session is not None and not self._session.closed:
                    await self._session.close()

        session = _LocalSession(api=TelegramAPIServer.from_base(self.base_url))
        return Bot(token, session=session, **kwargs)

    # ------------------------------------------------------------------ change notification

    def _notify(self) -> None:
        # Wake everything waiting for "something happened" (long polls, wait_* helpers).
        self._changed.set()
        self._changed = asyncio.Event()

    def _touch(self) -> None:
        self._last_activity = time.monotonic()

    async def _wait_change(self, timeout: float) -> None:
        event = self._changed
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(event.wait(), max(timeout, 0))

    async def _sleep_unless_closing(self, delay: float) -> None:
        deadline = time.monotonic() + delay
        while not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return
            await self._wait_change(remaining)

    # ------------------------------------------------------------------ HTTP layer

    async def _read_params(self, request: web.Request) -> tuple[JsonDict, dict[str, UploadedFile]]:
        raw: JsonDict = dict(request.query)
        files: dict[str, UploadedFile] = {}
        if request.can_read_body:
            if request.content_type == "application/json":
                try:
                    body = await request.json()
                except ValueError:
                    raise _bad("can't parse JSON encoded request") from None
                if not isinstance(body, dict):
                    raise _bad("JSON object expected")
                raw.update(body)
            elif request.content_type in (
                "multipart/form-data",
                "application/x-www-form-urlencoded",
            ):
                form = await request.post()
                for key, value in form.items():
                    if isinstance(value, web.FileField):
                        files[key] = UploadedFile(
                            value.filename, value.file.read(), value.content_type
                        )
                    else:
                        raw[key] = value if isinstance(value, str) else bytes(value).decode()
        return _normalize(raw), files

    async def _handle_api(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        name = request.match_info["method"]
        try:
            params, files = await self._read_params(request)
        except ApiError as error:
            return web.json_response(error.envelope(), status=error.status)
        status, body = await self._execute(name, params, files, token, allow_faults=True)
        if isinstance(body, _Garbled):
            return web.Response(status=200, text=GARBAGE_BODY, content_type="text/html")
        return web.json_response(body, status=status)

    async def _execute(
        self,
        name: str,
        params: JsonDict,
        files: dict[str, UploadedFile],
        token: str,
        *,
        allow_faults: bool,
    ) -> tuple[int, JsonDict]:
        entry = self._methods.get(name.lower())
        record = ApiRequest(entry[0] if entry else name, params, files, token, time.time())
        self.requests.append(record)
        polling = record.method == "getUpdates"
        if not polling:
            self._touch()
        try:
            if entry is None:
                raise ApiError(404, "Not Found: method not found")
            fault = self._pick_fault(entry[0]) if allow_faults else None
            if fault is not None:
                record.fault = fault[0]
                await self._apply_fault(entry[0], *fault)
            result = await entry[1](_Call(entry[0], params, files))
        except ApiError as error:
            record.status = error.status
            return error.status, error.envelope()
        except Exception as exc:
            # A bug in the double must not look like a Telegram quirk: keep it for the test.
            self.errors.append(exc)
            record.status = 500
            description = f"Internal Server Error: telegram double failed: {exc!r}"
            return 500, {"ok": False, "error_code": 500, "description": description}
        finally:
            if not polling:
                self._touch()
            self._notify()
        if isinstance(result, _Described):
            return 200, {"ok": True, "result": result.result, "description": result.description}
        if record.fault == "garbage":
            return 200, _Garbled(ok=True, result=result)
        return 200, {"ok": True, "result": result}

    async def _handle_file(self, request: web.Request) -> web.Response:
        path = request.match_info["path"]
        self.downloads.append(path)
        self._notify()
        stored = self._files_by_path.get(path)
        if stored is None:
            body = {"ok": False, "error_code": 404, "description": "Not Found"}
            return web.json_response(body, status=404)
        return web.Response(
            body=stored.data, content_type=stored.mime_type or "application/octet-stream"
        )

    # ------------------------------------------------------------------ fault injection

    def inject(
        self,
        method: str | None,
        kind: FaultKind,
        times: int = 1,
        retry_after: int = 1,
    ) -> None:
        """Fail the next ``times`` calls of ``method`` (None: of any method, getUpdates included).

        Kinds: "429" (with retry_after), "500", "502" (JSON envelopes), "403" (blocked),
        "timeout" (hold the request for ``timeout_fault_delay`` s or until stop(), then serve it
        normally like a slow Telegram), "garbage" (carry the call out, then answer 200 with a
        body that is not JSON: the bot cannot tell the message went out).
        """
        if kind not in FAULT_KINDS:
            raise ValueError(f"unknown fault kind {kind!r}; expected one of {FAULT_KINDS}")
        self._fault_rules.append(
            _FaultRule(method.lower() if method else None, kind, times, retry_after)
        )

    def set_fault_rate(
        self,
        rate: float,
        kinds: Sequence[FaultKind] = ("429", "500", "502"),
        seed: int | None = 0,
        methods: Iterable[str] | None = None,
        retry_after: int = 1,
    ) -> None:
        """Fail a random ``rate`` fraction of calls (of ``methods``, or all); rate 0 turns off."""
        for kind in kinds:
            if kind not in FAULT_KINDS:
                raise ValueError(f"unknown fault kind {kind!r}")
        if rate > 0 and not kinds:
            raise ValueError("kinds must not be empty")
        self._fault_rate = rate
        self._fault_kinds = tuple(kinds)
        self._fault_methods = frozenset(m.lower() for m in methods) if methods is not None else None
        self._fault_retry_after = retry_after
        self._rng = random.Random(seed)

    def clear_faults(self) -> None:
        """Drop pending injected faults and the random rate (the ``faults`` record stays)."""
        self._fault_rules.clear()
        self._fault_rate = 0.0

    def fault_count(self, method: str | None = None, kind: str | None = None) -> int:
        return sum(
            1
            for f in self.faults
            if (method is None or f.method.lower() == method.lower())
            and (kind is None or f.kind == kind)
        )

    def _pick_fault(self, method: str) -> tuple[str, int] | None:
        key = method.lower()
        for rule in self._fault_rules:
            if rule.remaining > 0 and rule.method in (None, key):
                rule.remaining -= 1
                if rule.remaining == 0:
                    self._fault_rules.remove(rule)
                return rule.kind, rule.retry_after
        if (
            self._fault_rate > 0
            and (self._fault_methods is None or key in self._fault_methods)
            and self._rng.random() < self._fault_rate
        ):
            return self._rng.choice(self._fault_kinds), self._fault_retry_after
        return None

    async def _apply_fault(self, method: str, kind: str, retry_after: int) -> None:
        self.faults.append(FaultRecord(method, kind, time.time()))
        if kind == "429":
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", retry_after=retry_after
            )
        if kind == "500":
            raise ApiError(500, "Internal Server Error")
        if kind == "502":
            raise ApiError(502, "Bad Gateway")
        if kind == "403":
            raise ApiError(403, BLOCKED)
        if kind == "garbage":
            return  # the call is carried out; only its answer is spoiled (see _handle_api)
        await self._sleep_unless_closing(self.timeout_fault_delay)
        if self._closing:
            raise ApiError(502, "Bad Gateway")

    def block_chat(self, chat_id: int, *, notify: bool = False) -> None:
        """Sends to this chat get 403 "bot was blocked by the user".

        ``notify`` also queues the my_chat_member update Telegram sends on blocking.
        """
        chat = self._chat(chat_id)
        chat.blocked = True
        chat.log.append("user blocked the bot")
        if notify:
            self._push_member_status(chat, old="member", new="kicked")

    def unblock_chat(self, chat_id: int, *, notify: bool = False) -> None:
        chat = self._chat(chat_id)
        chat.blocked = False
        chat.log.append("user unblocked the bot")
        if notify:
            self._push_member_status(chat, old="kicked", new="member")

    def _push_member_status(self, chat: _Chat, *, old: str, new: str) -> None:
        bot = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        self._enqueue(
            {
                "my_chat_member": {
                    "chat": chat.as_chat(),
                    "from": dict(chat.user),
                    "date": int(time.time()),
                    # A "kicked" member always carries until_date (0: for ever), old or new.
                    "old_chat_member": {
                        "status": old,
                        "user": bot,
                        **({"until_date": 0} if old == "kicked" else {}),
                    },
                    "new_chat_member": {
                        "status": new,
                        "user": bot,
                        **({"until_date": 0} if new == "kicked" else {}),
                    },
                }
            }
        )

    # ------------------------------------------------------------------ playing the user

    def _chat(self, chat_id: int) -> _Chat:
        chat = self._chats.get(chat_id)
        if chat is None:
            user = {"id": chat_id, "is_bot": False, "first_name": "Lan", "language_code": "vi"}
            chat = self._chats[chat_id] = _Chat(chat_id, user)
        return chat

    def _chat_with_profile(
        self,
        chat_id: int,
        first_name: str | None,
        language_code: str | None,
        last_name: str | None = None,
        username: str | None = None,
    ) -> _Chat:
        chat = self._chat(chat_id)
        if first_name is not None:
            chat.user["first_name"] = first_name
        if language_code is not None:
            chat.user["language_code"] = language_code
        if last_name is not None:
            chat.user["last_name"] = last_name
        if username is not None:
            chat.user["username"] = username
        return chat

    def _user_message(self, chat: _Chat, **content: Any) -> JsonDict:
        message: JsonDict = {
            "message_id": chat.take_message_id(),
            "from": dict(chat.user),
            "chat": chat.as_chat(),
            "date": int(time.time()),
            **content,
        }
        chat.user_messages[message["message_id"]] = message
        return message

    def _enqueue(self, body: Mapping[str, Any]) -> int:
        update_id = next(self._update_ids)
        self._last_update_id = update_id
        update = {"update_id": update_id, **body}
        self._pending.append(update)
        self.pushed_updates.append(update)
        self._touch()
        self._notify()
        return update_id

    def push_text(
        self,
        chat_id: int,
        text: str,
        *,
        first_name: str = "Lan",
        language_code: str = "vi",
        last_name: str | None = None,
        username: str | None = None,
        reply_to_message_id: int | None = None,
    ) -> int:
        """The user sends ``text``; returns the update_id. /commands get bot_command entities."""
        chat = self._chat_with_profile(chat_id, first_name, language_code, last_name, username)
        content: JsonDict = {"text": text}
        entities = _command_entities(text)
        if entities:
            content["entities"] = entities
        if reply_to_message_id is not None:
            replied = chat.by_id.get(reply_to_message_id)
            if replied is not None:
                content["reply_to_message"] = self._message_object(chat, replied)
        message = self._user_message(chat, **content)
        chat.log.append(f"user#{message['message_id']}: {text}")
        return self._enqueue({"message": message})

    def push_command(
        self,
        chat_id: int,
        command: str,
        args: str | None = None,
        *,
        first_name: str = "Lan",
        language_code: str = "vi",
    ) -> int:
        """``push_command(c, "start", "ref42")`` == ``push_text(c, "/start ref42")``."""
        text = command if command.startswith("/") else f"/{command}"
        if args:
            text = f"{text} {args}"
        return self.push_text(chat_id, text, first_name=first_name, language_code=language_code)

    def push_callback(self, chat_id: int, message_id: int | SentMessage, data: str) -> str:
        """The user presses an inline button carrying ``data`` on a bot message.

        ``data`` is not checked against the keyboard, so tests can forge presses.
        Returns the callback_query id.
        """
        mid = message_id.message_id if isinstance(message_id, SentMessage) else message_id
        chat = self._chat(chat_id)
        sent = chat.by_id.get(mid)
        if sent is None or sent.deleted:
            raise ValueError(f"chat {chat_id} has no (undeleted) bot message #{mid}")
        query_id = str(4_000_000_000_000_000_000 + next(self._callback_seq))
        query: JsonDict = {
            "id": query_id,
            "from": dict(chat.user),
            "message": self._message_object(chat, sent),
            "chat_instance": str(-(abs(chat_id) * 7919 + 13)),
            "data": data,
        }
        self._open_callbacks[query_id] = query
        chat.log.append(f"user pressed [{data}] on bot#{mid}")
        self._enqueue({"callback_query": query})
        return query_id

    def press_button(self, chat_id: int, label: str, *, message_id: int | None = None) -> str:
        """Press the inline button labelled ``label`` (exact or substring) on ``message_id`` or
        else on the newest bot message that has such a button. Returns the callback_query id."""
        chat = self._chat(chat_id)
        if message_id is not None:
            return self.push_callback(
                chat_id, message_id, button_data(chat.by_id[message_id], label)
            )
        for sent in reversed(chat.bot_messages):
            if sent.deleted or not sent.buttons:
                continue
            with contextlib.suppress(AssertionError):
                return self.push_callback(chat_id, sent.message_id, button_data(sent, label))
        raise AssertionError(
            f"no bot message in chat {chat_id} has a button {label!r}\n{self.transcript(chat_id)}"
        )

    def push_photo(
        self,
        chat_id: int,
        caption: str | None = None,
        *,
        data: bytes | None = None,
    ) -> str:
        """The user sends a photo (a generated JPEG unless ``data`` is given).

        Returns the file_id of the largest size; it works with getFile and the download route.
        """
        chat = self._chat(chat_id)
        seed = next(self._file_seq)
        # Telegram sends several sizes of a photo; two are enough to be realistic.
        blobs = [_fake_jpeg(90, 68, seed), _fake_jpeg(320, 240, seed)] if data is None else [data]
        sizes: list[JsonDict] = []
        for blob in blobs:
            stored = self._store_file(blob, "photo", mime_type="image/jpeg")
            width, height = _image_size(blob)
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "width": width,
                    "height": height,
                    "file_size": stored.size,
                }
            )
        content: JsonDict = {"photo": sizes}
        if caption is not None:
            content["caption"] = caption
        message = self._user_message(chat, **content)
        chat.log.append(f"user#{message['message_id']}: [photo] {caption or ''}".rstrip())
        self._enqueue({"message": message})
        return str(sizes[-1]["file_id"])

    def push_document(
        self,
        chat_id: int,
        data: bytes,
        filename: str,
        *,
        mime_type: str | None = None,
        caption: str | None = None,
    ) -> str:
        """The user sends a file; returns its file_id."""
        chat = self._chat(chat_id)
        mime = mime_type or mimetypes.guess_type(filename)[0] or "application/octet-stream"
        stored = self._store_file(data, "document", filename=filename, mime_type=mime)
        content: JsonDict = {"document": self._document_object(stored)}
        if caption is not None:
            content["caption"] = caption
        message = self._user_message(chat, **content)
        chat.log.append(f"user#{message['message_id']}: [document {filename}] {caption or ''}")
        self._enqueue({"message": message})
        return stored.file_id

    def push_contact(
        self,
        chat_id: int,
        phone_number: str,
        *,
        user_id: int | Literal["own"] | None = "own",
        first_name: str | None = None,
        last_name: str | None = None,
    ) -> int:
        """The user shares a contact: their own by default (as a request_contact button does);
        pass another ``user_id`` or None to share someone else's. Returns the update_id."""
        chat = self._chat(chat_id)
        contact: JsonDict = {
            "phone_number": phone_number,
            "first_name": first_name or chat.user["first_name"],
        }
        if last_name:
            contact["last_name"] = last_name
        owner = chat_id if user_id == "own" else user_id
        if owner is not None:
            contact["user_id"] = owner
        message = self._user_message(chat, contact=contact)
        chat.log.append(f"user#{message['message_id']}: [contact {phone_number}]")
        return self._enqueue({"message": message})

    def push_sticker(self, chat_id: int, *, emoji: str = "👍") -> int:
        chat = self._chat(chat_id)
        stored = self._store_file(b"RIFF\x00\x00\x00\x00WEBP", "sticker", mime_type="image/webp")
        sticker = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": emoji,
            "set_name": "HocTapTestStickers",
            "file_size": stored.size,
        }
        message = self._user_message(chat, sticker=sticker)
        chat.log.append(f"user#{message['message_id']}: [sticker {emoji}]")
        return self._enqueue({"message": message})

    def push_raw_update(self, update: Mapping[str, Any]) -> int:
        """Queue any update dict as is; update_id is assigned unless present."""
        body = dict(update)
        if "update_id" not in body:
            return self._enqueue(body)
        update_id = int(body["update_id"])
        # Keep later ids increasing past a caller-chosen one.
        if update_id > self._last_update_id:
            self._update_ids = itertools.count(update_id + 1)
            self._last_update_id = update_id
        self._pending.append(body)
        self.pushed_updates.append(body)
        self._touch()
        self._notify()
        return update_id

    # ------------------------------------------------------------------ observing

    def messages(self, chat_id: int) -> list[SentMessage]:
        """Bot messages in the chat in send order, current state; deleted ones stay, flagged."""
        chat = self._chats.get(chat_id)
        return list(chat.bot_messages) if chat else []

    def message(self, chat_id: int, message_id: int) -> SentMessage:
        return self._chat(chat_id).by_id[message_id]

    def last_message(self, chat_id: int) -> SentMessage:
        """The newest bot message; LookupError (with the transcript) when there is none."""
        found = self.messages(chat_id)
        if not found:
            raise LookupError(f"bot sent nothing to chat {chat_id}\n{self.transcript(chat_id)}")
        return found[-1]

    def user_messages(self, chat_id: int) -> list[JsonDict]:
        chat = self._chats.get(chat_id)
        return list(chat.user_messages.values()) if chat else []

    def documents(self, chat_id: int) -> list[SentMessage]:
        """Documents the bot sent to the chat (``.data``, ``.filename``, ``.caption``)."""
        return [m for m in self.messages(chat_id) if m.kind == "document"]

    def photos(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.messages(chat_id) if m.kind == "photo"]

    def chat_actions(self, chat_id: int) -> list[str]:
        chat = self._chats.get(chat_id)
        return list(chat.actions) if chat else []

    def reply_keyboard(self, chat_id: int) -> JsonDict | None:
        """The reply keyboard the user currently sees (None once removed or never sent)."""
        chat = self._chats.get(chat_id)
        return chat.reply_keyboard if chat else None

    def is_blocked(self, chat_id: int) -> bool:
        chat = self._chats.get(chat_id)
        return bool(chat and chat.blocked)

    def file_bytes(self, file_id: str) -> bytes:
        return self._files[file_id].data

    def file(self, file_id: str) -> StoredFile:
        return self._files[file_id]

    def commands(
        self, language_code: str = "", scope: Mapping[str, Any] | None = None
    ) -> list[JsonDict] | None:
        """Commands stored by setMyCommands for (scope, language); None if never set."""
        found = self._commands.get((self._scope_key(scope), language_code))
        return [dict(c) for c in found] if found is not None else None

    @property
    def command_sets(self) -> dict[tuple[str, str], list[JsonDict]]:
        """All stored command lists keyed by (canonical scope JSON, language_code)."""
        return {key: list(value) for key, value in self._commands.items()}

    def calls(self, method: str) -> list[ApiRequest]:
        """Requests of one method (case-insensitive), faulted ones included (see ``.fault``)."""
        key = method.lower()
        return [r for r in self.requests if r.method.lower() == key]

    def button_data(self, message: SentMessage | Mapping[str, Any], text_substring: str) -> str:
        return button_data(message, text_substring)

    @property
    def pending_updates(self) -> list[JsonDict]:
        """Updates not yet confirmed by the bot (getUpdates offset or webhook 2xx)."""
        return list(self._pending)

    @property
    def webhook(self) -> WebhookState | None:
        return self._webhook

    def transcript(self, chat_id: int) -> str:
        """Human-readable log of the conversation, for failure messages."""
        chat = self._chats.get(chat_id)
        lines = chat.log if chat else []
        return f"--- chat {chat_id} ---\n" + ("\n".join(lines) if lines else "(empty)")

    # Two signatures so that mypy infers T for async predicates too (with one union-typed
    # parameter it matched a coroutine function against the sync branch and rejected it).
    @overload
    async def wait_for(
        self,
        predicate: Callable[[], Awaitable[T | None]],
        timeout: float = 10,
        *,
        message: str | Callable[[], str] = "",
    ) -> T: ...

    @overload
    async def wait_for(
        self,
        predicate: Callable[[], T | None],
        timeout: float = 10,
        *,
        message: str | Callable[[], str] = "",
    ) -> T: ...

    async def wait_for(
        self,
        predicate: Callable[[], Any],
        timeout: float = 10,
        *,
        message: str | Callable[[], str] = "",
    ) -> Any:
        """Return the first truthy result of ``predicate`` (sync or async), re-checked on every
        change in the double and at least every 50 ms; DoubleTimeout after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            value = await result if inspect.isawaitable(result) else result
            if value:
                return value
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                text = message() if callable(message) else message
                raise DoubleTimeout(text or f"condition not met within {timeout}s")
            await self._wait_change(min(remaining, 0.05))

    async def wait_for_messages(
        self, chat_id: int, count: int, timeout: float = 10
    ) -> list[SentMessage]:
        """Wait until the chat holds at least ``count`` bot messages in total; return them all."""

        def enough() -> list[SentMessage] | None:
            found = self.messages(chat_id)
            return found if len(found) >= count else None

        return await self.wait_for(
            enough,
            timeout,
            message=lambda: (
                f"expected {count} bot messages in chat {chat_id} within {timeout}s, "
                f"got {len(self.messages(chat_id))}\n{self.transcript(chat_id)}"
            ),
        )

    async def ask(
        self,
        chat_id: int,
        text: str,
        *,
        count: int = 1,
        timeout: float = 10,
        first_name: str = "Lan",
        language_code: str = "vi",
    ) -> list[SentMessage]:
        """push_text, then wait for ``count`` new bot messages and return just those."""
        before = len(self.messages(chat_id))
        self.push_text(chat_id, text, first_name=first_name, language_code=language_code)
        found = await self.wait_for_messages(chat_id, before + count, timeout)
        return found[before:]

    async def wait_for_call(
        self, method: str, count: int = 1, timeout: float = 10
    ) -> list[ApiRequest]:
        """Wait until ``method`` was called ``count`` times; e.g. "getUpdates" = bot is polling."""

        def enough() -> list[ApiRequest] | None:
            found = self.calls(method)
            return found if len(found) >= count else None

        return await self.wait_for(
            enough, timeout, message=f"{method} not called {count} time(s) within {timeout}s"
        )

    async def wait_for_callback_answer(
        self, callback_query_id: str, timeout: float = 10
    ) -> CallbackAnswer:
        def answered() -> CallbackAnswer | None:
            return next(
                (a for a in self.callback_answers if a.callback_query_id == callback_query_id),
                None,
            )

        return await self.wait_for(
            answered, timeout, message=f"callback {callback_query_id} not answered in {timeout}s"
        )

    async def wait_idle(self, quiet: float = 0.3, timeout: float = 10) -> None:
        """Wait until every update was taken and no API call (other than getUpdates) happened
        for ``quiet`` seconds: "the bot has finished reacting"."""
        deadline = time.monotonic() + timeout
        while True:
            idle_for = time.monotonic() - self._last_activity
            if not self._pending and idle_for >= quiet:
                return
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise DoubleTimeout(
                    f"bot not idle within {timeout}s ({len(self._pending)} pending updates)"
                )
            await asyncio.sleep(min(max(quiet - idle_for, 0.02), remaining))

    # ------------------------------------------------------------------ webhook delivery

    async def post_forged_update(
        self,
        update_or_text: Mapping[str, Any] | str,
        secret: str | None = None,
        *,
        chat_id: int = 424242,
        url: str | None = None,
    ) -> int:
        """POST an update to the bot's webhook bypassing the queue, as an attacker would.

        ``secret``: None sends no secret header, "wrong" a wrong one, anything else verbatim.
        Returns the HTTP status the bot answered.
        """
        target = url or (self._webhook.url if self._webhook else None)
        if not target:
            raise RuntimeError("no webhook is set; pass url=")
        if isinstance(update_or_text, str):
            update: JsonDict = {
                "update_id": next(self._update_ids),
                "message": {
                    "message_id": next(self._forged_seq),
                    "from": {"id": chat_id, "is_bot": False, "first_name": "Mallory"},
                    "chat": {"id": chat_id, "type": "private", "first_name": "Mallory"},
                    "date": int(time.time()),
                    "text": update_or_text,
                },
            }
        else:
            update = dict(update_or_text)
            update.setdefault("update_id", next(self._update_ids))
        headers = {"Content-Type": "application/json"}
        if secret is not None:
            real = self._webhook.secret_token if self._webhook else None
            headers[SECRET_HEADER] = f"{real or 'x'}-wrong" if secret == "wrong" else secret
        client = self._client or ClientSession()
        try:
            async with client.post(
                target,
                data=json.dumps(update),
                headers=headers,
                timeout=ClientTimeout(total=self.webhook_timeout),
            ) as response:
                await response.read()
                return response.status
        finally:
            if client is not self._client:
                await client.close()

    async def _deliver_webhooks(self) -> None:
        """Push queued updates to the webhook one at a time, in order, retrying failures."""
        attempts: dict[int, int] = {}
        while not self._closing:
            hook = self._webhook
            batch = self._select(1) if hook else []
            if hook is None or not batch:
                await self._wait_change(1.0)
                continue
            update = batch[0]
            update_id = int(update["update_id"])
            try:
                status, error = await self._post_update(hook, update)
            except Exception as exc:  # keep delivering; the failure is visible in self.errors
                self.errors.append(exc)
                status, error = None, f"telegram double failed: {exc!r}"
            self.webhook_deliveries.append(
                WebhookDelivery(update_id, hook.url, status, error, time.time())
            )
            if error is None:
                self._drop_update(update_id)
                attempts.pop(update_id, None)
                self._notify()
                continue
            hook.last_error_date = int(time.time())
            hook.last_error_message = error
            attempts[update_id] = attempts.get(update_id, 0) + 1
            if attempts[update_id] >= self.webhook_max_attempts:
                # Telegram also gives up eventually; keep the rest of the queue moving.
                self._drop_update(update_id)
                self.dropped_updates.append(update)
                attempts.pop(update_id, None)
            self._notify()
            await self._sleep_unless_closing(self.webhook_retry_delay)

    async def _post_update(
        self, hook: WebhookState, update: JsonDict
    ) -> tuple[int | None, str | None]:
        assert self._client is not None
        headers = {"Content-Type": "application/json"}
        if hook.secret_token:
            headers[SECRET_HEADER] = hook.secret_token
        try:
            async with self._client.post(
                hook.url,
                data=json.dumps(update),
                headers=headers,
                timeout=ClientTimeout(total=self.webhook_timeout),
            ) as response:
                if not 200 <= response.status < 300:
                    await response.read()
                    reason = response.reason or ""
                    return response.status, (
                        f"Wrong response from the webhook: {response.status} {reason}".rstrip()
                    )
                await self._run_webhook_reply(response)
                return response.status, None
        except (ClientError, TimeoutError, OSError) as exc:
            return None, f"Connection failed: {type(exc).__name__}: {exc}"

    async def _run_webhook_reply(self, response: Any) -> None:
        """Execute a method the bot put in its webhook response body, as Telegram does."""
        params: JsonDict = {}
        files: dict[str, UploadedFile] = {}
        if response.content_type == "multipart/form-data":
            reader = MultipartReader.from_response(response)
            async for part in reader:
                if not isinstance(part, BodyPartReader):
                    continue  # nested multipart: aiogram never sends one
                payload = await part.read()
                if part.filename:
                    files[part.name or ""] = UploadedFile(
                        part.filename, bytes(payload), part.headers.get("Content-Type")
                    )
                elif part.name:
                    params[part.name] = bytes(payload).decode()
        elif response.content_type == "application/json":
            with contextlib.suppress(ValueError):
                body = await response.json()
                if isinstance(body, dict):
                    params = body
        method = params.pop("method", None)
        if isinstance(method, str) and method:
            with contextlib.suppress(ApiError):
                params = _normalize(params)
                await self._execute(method, params, files, "(webhook reply)", allow_faults=False)

    # ------------------------------------------------------------------ update queue

    def _is_allowed(self, update: Mapping[str, Any]) -> bool:
        kind = _update_type(update)
        if self._allowed_updates:
            return kind in self._allowed_updates
        return kind not in _DEFAULT_EXCLUDED_UPDATES

    def _select(self, limit: int) -> list[JsonDict]:
        # Telegram never delivers updates of types the bot did not ask for; drop them.
        self._pending = [u for u in self._pending if self._is_allowed(u)]
        return self._pending[:limit]

    def _confirm(self, offset: int) -> None:
        if offset > 0:
            self._pending = [u for u in self._pending if int(u["update_id"]) >= offset]
        elif offset < 0:
            self._pending = self._pending[offset:]

    def _drop_update(self, update_id: int) -> None:
        # Only the copy just delivered: a second copy of the same update (push_raw_update used
        # to simulate a redelivery) must still be delivered after it.
        for index, update in enumerate(self._pending):
            if int(update["update_id"]) == update_id:
                del self._pending[index]
                return

    # ------------------------------------------------------------------ API: getMe & updates

    async def _get_me(self, call: _Call) -> Any:
        return dict(self.bot_user)

    async def _get_updates(self, call: _Call) -> Any:
        p = call.params
        if self._webhook is not None:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = self._int_param(p, "offset", 0)
        limit = min(max(self._int_param(p, "limit", 100), 1), 100)
        timeout = max(self._int_param(p, "timeout", 0), 0)
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        # A newer getUpdates ends an older one, like Telegram (matters when a bot restarts and
        # its dead long poll is still open here).
        self._poll_generation += 1
        generation = self._poll_generation
        self._notify()
        self._confirm(offset)
        deadline = time.monotonic() + timeout
        while True:
            batch = self._select(limit)
            if batch:
                return batch
            remaining = deadline - time.monotonic()
            if remaining <= 0 or self._closing:
                return []
            await self._wait_change(remaining)
            if self._webhook is not None:
                raise ApiError(
                    409,
                    "Conflict: can't use getUpdates method while webhook is active; "
                    "use deleteWebhook to delete the webhook first",
                )
            if generation != self._poll_generation:
                raise ApiError(
                    409,
                    "Conflict: terminated by other getUpdates request; "
                    "make sure that only one bot instance is running",
                )

    async def _set_webhook(self, call: _Call) -> Any:
        p = call.params
        url = str(p.get("url") or "")
        drop = _as_bool(p.get("drop_pending_updates"))
        if not url:
            return self._remove_webhook(drop)
        if not re.match(r"https?://[^/\s]+", url):
            raise _bad("bad webhook: An HTTPS URL must be provided for webhook")
        secret = p.get("secret_token") or None
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise _bad("secret token contains unallowed characters")
        if drop:
            self._pending.clear()
        allowed = p.get("allowed_updates")
        if isinstance(allowed, list):
            self._allowed_updates = [str(kind) for kind in allowed]
        self._webhook = WebhookState(
            url, str(secret) if secret else None, self._int_param(p, "max_connections", 40)
        )
        self._poll_generation += 1  # release a waiting long poll
        return _Described(True, "Webhook was set")

    async def _delete_webhook(self, call: _Call) -> Any:
        return self._remove_webhook(_as_bool(call.params.get("drop_pending_updates")))

    def _remove_webhook(self, drop: bool) -> _Described:
        if drop:
            self._pending.clear()
        if self._webhook is None:
            return _Described(True, "Webhook is already deleted")
        self._webhook = None
        return _Described(True, "Webhook was deleted")

    async def _get_webhook_info(self, call: _Call) -> Any:
        hook = self._webhook
        info: JsonDict = {
            "url": hook.url if hook else "",
            "has_custom_certificate": False,
            "pending_update_count": len(self._select(100000)),
        }
        if hook is not None:
            info["max_connections"] = hook.max_connections
            info["ip_address"] = "127.0.0.1"
            if self._allowed_updates:
                info["allowed_updates"] = list(self._allowed_updates)
            if hook.last_error_date is not None:
                info["last_error_date"] = hook.last_error_date
                info["last_error_message"] = hook.last_error_message
        return info

    # ------------------------------------------------------------------ API: messages

    @staticmethod
    def _int_param(p: Mapping[str, Any], name: str, default: int) -> int:
        value = p.get(name)
        if value is None or value == "":
            return default
        if isinstance(value, bool) or not isinstance(value, int):
            raise _bad(f"invalid {name} specified")
        return value

    def _target_chat(self, call: _Call) -> _Chat:
        raw = call.params.get("chat_id")
        if raw is None or raw == "":
            raise _bad("chat_id is empty")
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise _bad("chat not found")  # @usernames and groups are not modelled
        chat = self._chats.get(raw)
        if chat is None:
            if raw <= 0:
                raise _bad("chat not found")
            if self.strict_chats:
                raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
            chat = self._chat(raw)
        if chat.blocked:
            self.blocked_attempts.append((call.method, raw))
            raise ApiError(403, BLOCKED)
        return chat

    @staticmethod
    def _check_markup(markup: Any, *, inline_only: bool = False) -> JsonDict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise _bad("can't parse reply keyboard markup JSON object")
        if "inline_keyboard" in markup:
            rows = markup["inline_keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "inline_keyboard" of the InlineKeyboardMarkup must be an Array')
            for button in (b for row in rows for b in row):
                if not isinstance(button, dict) or not isinstance(button.get("text"), str):
                    raise _bad("can't parse inline keyboard button: Text must be a String")
                if not any(action in button for action in _INLINE_ACTIONS):
                    raise _bad("text buttons are unallowed in the inline keyboard")
                if "callback_data" in button:
                    data = button["callback_data"]
                    size = len(str(data).encode("utf-8"))
                    if not isinstance(data, str) or not 1 <= size <= MAX_CALLBACK_DATA:
                        raise _bad("BUTTON_DATA_INVALID")
                if "url" in button and not re.match(r"(https?|tg)://\S+$", str(button["url"])):
                    raise _bad("BUTTON_URL_INVALID")
            return markup
        if inline_only:
            raise _bad("inline keyboard expected")
        if "keyboard" in markup:
            rows = markup["keyboard"]
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise _bad('field "keyboard" of the ReplyKeyboardMarkup must be an Array')
            for button in (b for row in rows for b in row):
                text = button.get("text") if isinstance(button, dict) else button
                if not isinstance(text, str):
                    raise _bad("can't parse keyboard button: Text must be a String")
            return markup
        if markup.get("remove_keyboard") is True or "force_reply" in markup:
            return markup
        raise _bad("can't parse reply keyboard markup JSON object")

    def _message_object(self, chat: _Chat, sent: SentMessage) -> JsonDict:
        bot = {k: self.bot_user[k] for k in ("id", "is_bot", "first_name", "username")}
        obj: JsonDict = {
            "message_id": sent.message_id,
            "from": bot,
            "chat": chat.as_chat(),
            "date": sent.date,
        }
        if sent.edit_date is not None:
            obj["edit_date"] = sent.edit_date
        if sent.kind == "text":
            obj["text"] = sent.text
            if sent.entities:
                obj["entities"] = sent.entities
        else:
            obj.update(sent.media)
            if sent.caption:
                obj["caption"] = sent.caption
                if sent.entities:
                    obj["caption_entities"] = sent.entities
        # Only inline keyboards belong to a message; reply keyboards belong to the chat.
        if sent.reply_markup and "inline_keyboard" in sent.reply_markup:
            obj["reply_markup"] = sent.reply_markup
        return obj

    def _record_sent(self, chat: _Chat, sent: SentMessage) -> JsonDict:
        chat.bot_messages.append(sent)
        chat.by_id[sent.message_id] = sent
        markup = sent.reply_markup or {}
        if "keyboard" in markup:
            chat.reply_keyboard = markup
        elif markup.get("remove_keyboard"):
            chat.reply_keyboard = None
        chat.log.append(self._describe(sent))
        return self._message_object(chat, sent)

    @staticmethod
    def _describe(sent: SentMessage, verb: str = "") -> str:
        label = {"text": "", "photo": "[photo] ", "document": f"[document {sent.filename}] "}
        line = f"bot#{sent.message_id}{verb}: {label[sent.kind]}{sent.content}"
        if sent.button_labels:
            line += f"  [buttons: {' | '.join(sent.button_labels)}]"
        if sent.reply_buttons:
            line += f"  [keyboard: {' | '.join(b['text'] for b in sent.reply_buttons)}]"
        if sent.removes_keyboard:
            line += "  [keyboard removed]"
        return line

    def _check_reply_to(self, chat: _Chat, p: Mapping[str, Any]) -> None:
        reply = p.get("reply_parameters")
        target = (
            reply.get("message_id") if isinstance(reply, dict) else p.get("reply_to_message_id")
        )
        if target is None:
            return
        allow = _as_bool(p.get("allow_sending_without_reply")) or (
            isinstance(reply, dict) and _as_bool(reply.get("allow_sending_without_reply"))
        )
        exists = target in chat.by_id or target in chat.user_messages
        if not exists and not allow:
            raise _bad("message to be replied not found")

    def _text_content(self, p: Mapping[str, Any]) -> tuple[str, list[JsonDict]]:
        text = p.get("text")
        if not isinstance(text, str) or not text:
            raise _bad("message text is empty")
        plain, entities = _format_text(text, p.get("parse_mode"), p.get("entities"))
        if not plain:
            raise _bad("message text is empty")
        if len(plain) > MAX_TEXT:
            raise _bad("message is too long")
        return plain, entities

    def _caption_content(self, p: Mapping[str, Any]) -> tuple[str | None, list[JsonDict]]:
        caption = p.get("caption")
        if not isinstance(caption, str) or not caption:
            return None, []
        plain, entities = _format_text(caption, p.get("parse_mode"), p.get("caption_entities"))
        if len(plain) > MAX_CAPTION:
            raise _bad("message caption is too long")
        return plain or None, entities

    async def _send_message(self, call: _Call) -> Any:
        p = call.params
        chat = self._target_chat(call)
        plain, entities = self._text_content(p)
        markup = self._check_markup(p.get("reply_markup"))
        self._check_reply_to(chat, p)
        sent = SentMessage(
            chat_id=chat.id,
            message_id=chat.take_message_id(),
            kind="text",
            date=int(time.time()),
            text=plain,
            raw_text=p["text"],
            parse_mode=p.get("parse_mode") or None,
            entities=entities,
            reply_markup=markup,
            params=dict(p),
        )
        return self._record_sent(chat, sent)

    def _input_file(self, call: _Call, name: str, kind: str) -> StoredFile:
        value = call.params.get(name)
        upload = call.files.get(name)
        if upload is None and isinstance(value, str) and value.startswith("attach://"):
            upload = call.files.get(value.removeprefix("attach://"))
            if upload is None:
                raise _bad(f"wrong HTTP URL or file identifier specified for {name}")
        if upload is not None:
            if not upload.data:
                raise _bad("file must be non-empty")
            filename = upload.filename if kind == "document" else None
            mime = None
            if filename:
                mime = mimetypes.guess_type(filename)[0]
            if mime is None and upload.content_type not in (None, "application/octet-stream"):
                mime = upload.content_type
            if kind == "photo":
                mime = "image/jpeg"  # Telegram re-encodes photos as JPEG
            return self._store_file(
                upload.data, kind, filename=filename, mime_type=mime or "application/octet-stream"
            )
        if value is None or value == "":
            raise _bad(f"there is no {name} in the request")
        if not isinstance(value, str):
            raise _bad("wrong file identifier/HTTP URL specified")
        if re.match(r"https?://", value):
            # We cannot fetch it; remember the URL so tests can assert on it.
            stored = self._store_file(b"", kind, mime_type="application/octet-stream")
            stored.source_url = value
            return stored
        stored_file = self._files.get(value)
        if stored_file is None:
            raise _bad("wrong file identifier/HTTP URL specified")
        if stored_file.kind != kind:
            raise _bad(f"can't use file of type {stored_file.kind.title()} as {kind.title()}")
        return stored_file

    def _store_file(
        self,
        data: bytes,
        kind: str,
        *,
        filename: str | None = None,
        mime_type: str | None = None,
    ) -> StoredFile:
        seq = next(self._file_seq)
        prefix = {"photo": "AgACAgIAAxkBAAI", "document": "BQACAgIAAxkBAAI"}.get(
            kind, "CAACAgIAAxkBAAI"
        )
        ext = "jpg" if kind == "photo" else "webp" if kind == "sticker" else None
        if ext is None:
            suffix = filename.rsplit(".", 1)[-1] if filename and "." in filename else "bin"
            ext = re.sub(r"[^A-Za-z0-9]", "", suffix) or "bin"
        folder = {"photo": "photos", "sticker": "stickers"}.get(kind, "documents")
        stored = StoredFile(
            file_id=f"{prefix}{seq}{secrets.token_urlsafe(24)}",
            file_unique_id=f"AQAD{secrets.token_urlsafe(8)}",
            kind=kind,
            data=data,
            file_path=f"{folder}/file_{seq}.{ext}",
            filename=filename,
            mime_type=mime_type,
        )
        self._files[stored.file_id] = stored
        self._files_by_path[stored.file_path] = stored
        return stored

    @staticmethod
    def _document_object(stored: StoredFile) -> JsonDict:
        doc: JsonDict = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
        }
        if stored.filename:
            doc["file_name"] = stored.filename
        if stored.mime_type:
            doc["mime_type"] = stored.mime_type
        return doc

    async def _send_media(self, call: _Call, kind: Literal["photo", "document"]) -> Any:
        p = call.params
        chat = self._target_chat(call)
        stored = self._input_file(call, kind, kind)
        caption, entities = self._caption_content(p)
        markup = self._check_markup(p.get("reply_markup"))
        self._check_reply_to(chat, p)
        if kind == "photo":
            width, height = _image_size(stored.data) if stored.data else (640, 480)
            size = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": stored.size,
            }
            media: JsonDict = {"photo": [size]}
        else:
            media = {"document": self._document_object(stored)}
        sent = SentMessage(
            chat_id=chat.id,
            message_id=chat.take_message_id(),
            kind=kind,
            date=int(time.time()),
            caption=caption,
            raw_text=p.get("caption") or None,
            parse_mode=p.get("parse_mode") or None,
            entities=entities,
            reply_markup=markup,
            file=stored,
            media=media,
            params=dict(p),
        )
        return self._record_sent(chat, sent)

    async def _send_photo(self, call: _Call) -> Any:
        return await self._send_media(call, "photo")

    async def _send_media_group(self, call: _Call) -> Any:
        """An album: 2-10 photos (by file id, HTTP URL or attach://), each with its caption;
        recorded as one photo message each, sharing a media_group_id, as Telegram shows it."""
        p = call.params
        chat = self._target_chat(call)
        items = p.get("media")
        if not isinstance(items, list) or not 2 <= len(items) <= 10:
            raise _bad("media must include 2-10 items")
        if p.get("reply_markup") is not None:
            raise _bad("sendMediaGroup takes no reply_markup")
        group_id = str(next(self._file_seq) + 10**12)
        stored_items: list[tuple[StoredFile, JsonDict]] = []
        for item in items:
            if not isinstance(item, dict) or item.get("type") != "photo":
                raise _bad("wrong type of the media: only photos are modelled in albums")
            one = _Call(call.method, {"photo": item.get("media")}, call.files)
            stored_items.append((self._input_file(one, "photo", "photo"), item))
        results: list[JsonDict] = []
        for stored, item in stored_items:
            caption, entities = self._caption_content(item)
            width, height = _image_size(stored.data) if stored.data else (640, 480)
            size = {
                "file_id": stored.file_id,
                "file_unique_id": stored.file_unique_id,
                "width": width,
                "height": height,
                "file_size": stored.size,
            }
            sent = SentMessage(
                chat_id=chat.id,
                message_id=chat.take_message_id(),
                kind="photo",
                date=int(time.time()),
                caption=caption,
                raw_text=item.get("caption") or None,
                parse_mode=item.get("parse_mode") or None,
                entities=entities,
                file=stored,
                media={"photo": [size], "media_group_id": group_id},
                params={**dict(p), "media": [item]},
            )
            results.append(self._record_sent(chat, sent))
        return results

    async def _send_document(self, call: _Call) -> Any:
        return await self._send_media(call, "document")

    def _editable(self, chat: _Chat, p: Mapping[str, Any]) -> SentMessage:
        if p.get("inline_message_id"):
            raise _bad("MESSAGE_ID_INVALID")  # inline messages are not modelled
        mid = p.get("message_id")
        if mid is None or mid == "":
            raise _bad("message identifier is not specified")
        if not isinstance(mid, int):
            raise _bad("message to edit not found")
        sent = chat.by_id.get(mid)
        if sent is None:
            if mid in chat.user_messages and mid not in chat.deleted_user_messages:
                raise _bad("message can't be edited")
            raise _bad("message to edit not found")
        if sent.deleted:
            raise _bad("message to edit not found")
        return sent

    def _apply_edit(
        self,
        chat: _Chat,
        sent: SentMessage,
        *,
        text: str | None,
        caption: str | None,
        raw: str | None,
        parse_mode: str | None,
        entities: list[JsonDict],
        markup: JsonDict | None,
    ) -> JsonDict:
        sent.history.append(
            MessageVersion(
                sent.text,
                sent.caption,
                tuple(sent.entities),
                sent.reply_markup,
                sent.edit_date or sent.date,
            )
        )
        sent.text, sent.caption, sent.raw_text = text, caption, raw
        sent.parse_mode, sent.entities, sent.reply_markup = parse_mode, entities, markup
        sent.edit_date = int(time.time())
        chat.log.append(self._describe(sent, " edited"))
        return self._message_object(chat, sent)

    @staticmethod
    def _inline_of(sent: SentMessage) -> JsonDict | None:
        markup = sent.reply_markup
        return markup if markup and "inline_keyboard" in markup else None

    async def _edit_message_text(self, call: _Call) -> Any:
        p = call.params
        chat = self._target_chat(call)
        sent = self._editable(chat, p)
        plain, entities = self._text_content(p)
        if sent.kind != "text":
            raise _bad("there is no text in the message to edit")
        # Like Telegram: omitting reply_markup in an edit removes the inline keyboard.
        markup = self._check_markup(p.get("reply_markup"), inline_only=True)
        if plain == sent.text and entities == sent.entities and markup == self._inline_of(sent):
            raise _bad(NOT_MODIFIED)
        return self._apply_edit(
            chat,
            sent,
            text=plain,
            caption=None,
            raw=p["text"],
            parse_mode=p.get("parse_mode") or None,
            entities=entities,
            markup=markup,
        )

    async def _edit_message_caption(self, call: _Call) -> Any:
        p = call.params
        chat = self._target_chat(call)
        sent = self._editable(chat, p)
        if sent.kind == "text":
            raise _bad("there is no caption in the message to edit")
        caption, entities = self._caption_content(p)
        markup = self._check_markup(p.get("reply_markup"), inline_only=True)
        if (
            caption == sent.caption
            and entities == sent.entities
            and markup == self._inline_of(sent)
        ):
            raise _bad(NOT_MODIFIED)
        return self._apply_edit(
            chat,
            sent,
            text=None,
            caption=caption,
            raw=p.get("caption") or None,
            parse_mode=p.get("parse_mode") or None,
            entities=entities,
            markup=markup,
        )

    async def _edit_message_reply_markup(self, call: _Call) -> Any:
        p = call.params
        chat = self._target_chat(call)
        sent = self._editable(chat, p)
        markup = self._check_markup(p.get("reply_markup"), inline_only=True)
        if markup == self._inline_of(sent):
            raise _bad(NOT_MODIFIED)
        return self._apply_edit(
            chat,
            sent,
            text=sent.text,
            caption=sent.caption,
            raw=sent.raw_text,
            parse_mode=sent.parse_mode,
            entities=sent.entities,
            markup=markup,
        )

    async def _delete_message(self, call: _Call) -> Any:
        chat = self._target_chat(call)
        mid = call.params.get("message_id")
        if mid is None or mid == "":
            raise _bad("message identifier is not specified")
        sent = chat.by_id.get(mid) if isinstance(mid, int) else None
        if sent is not None and not sent.deleted:
            sent.deleted = True
        elif (
            isinstance(mid, int)
            and mid in chat.user_messages
            and mid not in chat.deleted_user_messages
        ):
            chat.deleted_user_messages.add(mid)
        else:
            raise _bad("message to delete not found")
        chat.log.append(f"bot deleted #{mid}")
        return True

    async def _answer_callback_query(self, call: _Call) -> Any:
        p = call.params
        query_id = str(p.get("callback_query_id") or "")
        query = self._open_callbacks.pop(query_id, None)
        if query is None:
            raise _bad("query is too old and response timeout expired or query ID is invalid")
        text = p.get("text")
        if isinstance(text, str) and len(text) > 200:
            raise _bad("MESSAGE_TOO_LONG")
        message = query.get("message") or {}
        answer = CallbackAnswer(
            callback_query_id=query_id,
            text=text if isinstance(text, str) else None,
            show_alert=_as_bool(p.get("show_alert")),
            url=p.get("url") or None,
            cache_time=p.get("cache_time") if isinstance(p.get("cache_time"), int) else None,
            chat_id=int(query["from"]["id"]),
            message_id=message.get("message_id"),
            data=query.get("data"),
        )
        self.callback_answers.append(answer)
        chat = self._chat(answer.chat_id)
        alert = " (alert)" if answer.show_alert else ""
        chat.log.append(f"bot answered [{answer.data}]{alert}: {answer.text or ''}".rstrip())
        return True

    async def _send_chat_action(self, call: _Call) -> Any:
        chat = self._target_chat(call)
        action = call.params.get("action")
        if action not in CHAT_ACTIONS:
            raise _bad("wrong parameter action in request")
        chat.actions.append(str(action))
        return True

    async def _get_file(self, call: _Call) -> Any:
        file_id = call.params.get("file_id")
        if not isinstance(file_id, str) or not file_id:
            raise _bad("file_id is empty")
        stored = self._files.get(file_id)
        if stored is None:
            raise _bad("invalid file_id")
        if stored.size > 20 * 1024 * 1024:
            raise _bad("file is too big")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": stored.size,
            "file_path": stored.file_path,
        }

    # ------------------------------------------------------------------ API: bot settings

    @staticmethod
    def _scope_key(scope: Any) -> str:
        return json.dumps(scope if isinstance(scope, dict) else {"type": "default"}, sort_keys=True)

    @staticmethod
    def _language(p: Mapping[str, Any]) -> str:
        language = str(p.get("language_code") or "")
        if language and not re.fullmatch(r"[a-z]{2}", language):
            raise _bad("invalid language code specified")
        return language

    async def _set_my_commands(self, call: _Call) -> Any:
        p = call.params
        commands = p.get("commands")
        if not isinstance(commands, list):
            raise _bad('parameter "commands" is required')
        if len(commands) > 100:
            raise _bad("too many commands specified")
        clean: list[JsonDict] = []
        for command in commands:
            if not isinstance(command, dict):
                raise _bad("can't parse BotCommand")
            name = str(command.get("command", ""))
            description = str(command.get("description", ""))
            if not re.fullmatch(r"[a-z0-9_]{1,32}", name.removeprefix("/")):
                raise _bad("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise _bad("BOT_COMMAND_DESCRIPTION_INVALID")
            clean.append({"command": name.removeprefix("/"), "description": description})
        self._commands[(self._scope_key(p.get("scope")), self._language(p))] = clean
        return True

    async def _get_my_commands(self, call: _Call) -> Any:
        key = (self._scope_key(call.params.get("scope")), self._language(call.params))
        return list(self._commands.get(key, []))

    async def _delete_my_commands(self, call: _Call) -> Any:
        key = (self._scope_key(call.params.get("scope")), self._language(call.params))
        self._commands.pop(key, None)
        return True

    async def _set_chat_menu_button(self, call: _Call) -> Any:
        chat_id = call.params.get("chat_id")
        button = call.params.get("menu_button")
        self.menu_buttons[chat_id if isinstance(chat_id, int) else None] = (
            button if isinstance(button, dict) else {"type": "default"}
        )
        return True

    async def _get_chat_menu_button(self, call: _Call) -> Any:
        chat_id = call.params.get("chat_id")
        key = chat_id if isinstance(chat_id, int) else None
        return self.menu_buttons.get(key) or self.menu_buttons.get(None) or {"type": "commands"}

    def _profile_setter(self, name: str) -> _Handler:
        async def handler(call: _Call) -> Any:
            self.bot_profile[(name, self._language(call.params))] = str(call.params.get(name) or "")
            return True

        return handler

    def _profile_getter(self, name: str) -> _Handler:
        async def handler(call: _Call) -> Any:
            language = self._language(call.params)
            value = self.bot_profile.get((name, language)) or self.bot_profile.get((name, ""), "")
            if name == "name" and not value:
                value = str(self.bot_user.get("first_name", ""))
            return {name: value}

        return handler
