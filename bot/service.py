"""Handling one inbound message: the same path for every channel.

One transaction per message: the update id is recorded, the chat's state is locked, the flow
runs, every answer is stored, notices to other people are queued, and only after the commit are
the replies handed back to be sent.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.rendering import Button, Renderer, Reply, button_int
from conversations.domain import ChannelIdentity, Person
from conversations.options import match_option
from conversations.packs import CriteriaPack, TitleKind, load_pack
from conversations.permissions import Action, Actor, Scope, allowed
from storage.db import Database
from storage.workflow import WorkflowRepository

log = logging.getLogger(__name__)

# Option buttons per page: Telegram refuses keyboards of about 100 buttons, and a phone screen
# shows about this many.
OPTIONS_PER_PAGE = 20

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


@dataclass(frozen=True)
class Push:
    """A message to someone other than the sender (a notice, a digest), sent via the outbox."""

    person_id: int
    channel: str
    chat_id: str
    reply: Reply
    # What makes this push unique, so queueing it twice sends it once.
    key: str
    # The household the message names, so deleting the household's data finds it.
    household_id: int | None = None


@dataclass(frozen=True)
class Notice:
    person_id: int
    message_id: str
    args: dict[str, Any] = field(default_factory=dict)
    # The household the notice is about (its name is in the text).
    household_id: int | None = None


class PackLibrary:
    """Every pack in the packs folder, parsed once at start-up."""

    def __init__(self, packs: Iterable[CriteriaPack]) -> None:
        self._by_key: dict[tuple[str, str], CriteriaPack] = {}
        self._current: dict[str, CriteriaPack] = {}
        for pack in packs:
            self._by_key[(pack.id, pack.version)] = pack
            # The last pack loaded for a title is the one new assessments use.
            self._current[pack.title] = pack

    @classmethod
    def from_directory(cls, directory: Path) -> PackLibrary:
        return cls(load_pack(p) for p in sorted(directory.glob("*.yaml")))

    def get(self, pack_id: str, version: str) -> CriteriaPack:
        return self._by_key[(pack_id, version)]

    def current(self, title: TitleKind) -> CriteriaPack:
        return self._current[title]

    def __iter__(self) -> Iterator[CriteriaPack]:
        return iter(self._by_key.values())


@dataclass
class Turn:
    """What one message needs while it is handled."""

    repo: WorkflowRepository
    inbound: Inbound
    identity: ChannelIdentity
    person: Person | None
    state: dict[str, Any]
    render: Renderer
    replies: list[Reply] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    household_id: int | None = None

    @property
    def lang(self) -> str:
        return self.render.lang

    def say(self, message_id: str, **args: object) -> str:
        return self.render.say(message_id, **args)

    def reply(self, message_id: str, **args: object) -> None:
        self.replies.append(Reply(self.say(message_id, **args)))

    @property
    def actor(self) -> Actor | None:
        if self.person is None:
            return None
        return Actor(
            person_id=self.person.id,
            role=self.person.role,
            commune_id=self.person.commune_id,
            village_id=self.person.village_id,
            household_id=self.household_id,
            disabled=self.person.disabled,
        )

    def may(self, action: Action, scope: Scope) -> bool:
        actor = self.actor
        return actor is not None and allowed(actor, action, scope)

    # --- option screens ------------------------------------------------------------------

    def options(
        self,
        screen: str,
        title: str,
        options: Sequence[tuple[str, str]],
        *,
        footer: str | None = None,
        **extra: Any,
    ) -> None:
        """Show a numbered list; typed numbers and buttons both choose. Buttons carry a
        counter so a tap on an older list is recognised."""
        counter = int(self.state.get("n", 0)) + 1
        self.state = {
            "screen": screen,
            "lang": self.lang,
            "n": counter,
            "options": [key for key, _ in options],
            "prompt": {"title": title, "labels": [label for _, label in options]},
            **extra,
        }
        self.replies.append(self.options_reply(footer))

    def options_reply(self, footer: str | None = None) -> Reply:
        """The list; with buttons, a page of OPTIONS_PER_PAGE at a time when it is longer
        (Telegram refuses keyboards of about 100 buttons). Numbers run on across pages, and
        typing any option's number or words works on every page. Without buttons (Zalo, the
        terminal) the whole list, as text."""
        prompt = self.state["prompt"]
        keys: list[str] = self.state["options"]
        numbered = list(enumerate(prompt["labels"], 1))
        page, pages = self._page(), self._pages()
        if pages > 1:
            numbered = numbered[page * OPTIONS_PER_PAGE : (page + 1) * OPTIONS_PER_PAGE]
        shown = numbered
        lines = [prompt["title"]]
        lines += [f"{i}. {label}" for i, label in shown]
        if pages > 1 and shown:
            lines.append(
                self.say(
                    "options-page",
                    page=page + 1,
                    pages=pages,
                    first=shown[0][0],
                    last=shown[-1][0],
                    total=len(keys),
                )
            )
        lines.append(footer or self.say("menu-reply"))
        buttons: tuple[tuple[Button, ...], ...] = ()
        if self.render.buttons:
            counter = self.state["n"]
            rows: list[tuple[Button, ...]] = [
                (Button(label[:60], f"o:{counter}:{keys[i - 1]}"),) for i, label in shown
            ]
            turn_page: list[Button] = []
            if page > 0:
                turn_page.append(
                    Button(self.say("button-page-previous"), f"p:{counter}:{page - 1}")
                )
            if page < pages - 1:
                turn_page.append(Button(self.say("button-page-next"), f"p:{counter}:{page + 1}"))
            if turn_page:
                rows.append(tuple(turn_page))
            buttons = tuple(rows)
        return Reply("\n".join(lines), buttons, is_prompt=True)

    def _pages(self) -> int:
        count = len(self.state.get("options", []))
        if not self.render.buttons or count <= OPTIONS_PER_PAGE:
            return 1
        return -(-count // OPTIONS_PER_PAGE)

    def _page(self) -> int:
        return min(max(int(self.state.get("page", 0)), 0), self._pages() - 1)

    def _page_tapped(self) -> int | None:
        """The page a ◀ ▶ button of the list on screen asks for; None for anything else (a
        page button of an older list is stale like its option buttons)."""
        if self.inbound.kind != "callback":
            return None
        tag, _, rest = self.inbound.data.partition(":")
        counter, _, page_text = rest.partition(":")
        page = button_int(page_text)
        if tag != "p" or counter != str(self.state.get("n")) or page is None:
            return None
        return page if page < self._pages() else None

    def repeat_options(self, message_id: str = "menu-unknown") -> None:
        """The list again after a reply that chose nothing; a tap on ◀ ▶ turns its page (the
        same message, edited on Telegram)."""
        page = self._page_tapped()
        if page is not None:
            self.state["page"] = page
            self.replies.append(replace(self.options_reply(), updates_prompt=True))
            return
        self.reply(message_id)
        self.replies.append(self.options_reply())

    def chosen_option(self) -> str | None:
        """The key chosen on the current option screen, or None (unclear or stale)."""
        keys: list[str] = self.state.get("options", [])
        inbound = self.inbound
        if inbound.kind == "callback":
            tag, _, rest = inbound.data.partition(":")
            counter, _, key = rest.partition(":")
            if tag == "o" and counter == str(self.state.get("n")) and key in keys:
                return key
            return None
        text = inbound.text.strip() if inbound.kind == "text" else ""
        if not text:
            return None
        # The option's own words win over a digit inside them ("sen 1" is Thôn Sen 1); a
        # reply that could mean two options is asked again.
        labels: list[str] = self.state.get("prompt", {}).get("labels", [])
        found = match_option(text, [[label] for label in labels[: len(keys)]])
        return keys[found[0]] if len(found) == 1 else None


Clock = Callable[[], datetime]
PushSink = Callable[[WorkflowRepository, Sequence[Push]], Awaitable[None]]
# `/baocao`: the commune chair's on-demand report (wired in by the reports module).
ReportHook = Callable[[Turn, str], Awaitable[list[Reply]]]
# Told (channel, chat id, role or None) after a message changed who is in a chat: a person
# joined, or deleted their data. Telegram sets the chat's command menu for the role.
RoleListener = Callable[[str, str, str | None], Awaitable[None]]


class ChatService:
    def __init__(
        self,
        db: Database,
        packs: PackLibrary,
        translator: Translator,
        *,
        clock: Clock,
        timezone: str = "Asia/Ho_Chi_Minh",
        channels_with_buttons: Sequence[str] = ("telegram",),
        push_sink: PushSink | None = None,
        report_hook: ReportHook | None = None,
        push_channels: Sequence[str] = ("telegram", "zalo"),
    ) -> None:
        self.db = db
        self.packs = packs
        self.t = translator
        self.clock = clock
        self.tz = ZoneInfo(timezone)
        self.channels_with_buttons = frozenset(channels_with_buttons)
        self.push_sink = push_sink
        self.push_channels = frozenset(push_channels)
        self.report_hook = report_hook
        self.role_listeners: list[RoleListener] = []

    def year(self) -> int:
        return self.clock().astimezone(self.tz).year

    def local_now(self) -> datetime:
        return self.clock().astimezone(self.tz)

    async def handle(self, inbound: Inbound) -> list[Reply]:
        from bot.flows import router

        async with self.db.session() as session:
            repo = WorkflowRepository(session, self.clock())
            # Delivered twice (a crash before the channel confirmed it, a webhook retry): the
            # first delivery was applied; the person may not have seen its reply, so show
            # where they are instead of applying it again.
            duplicate = bool(inbound.update_key) and not await repo.claim_update(
                inbound.channel, str(inbound.update_key)
            )
            state = await repo.chat_state(inbound.channel, inbound.chat_id)
            identity = await repo.identity(inbound.channel, inbound.user_id, inbound.chat_id)
            person = await repo.person(identity.person_id) if identity.person_id else None
            lang = state.get("lang") or identity.locale or self.t.default
            render = Renderer(self.t, lang, buttons=inbound.channel in self.channels_with_buttons)
            turn = Turn(repo, inbound, identity, person, state, render)
            if person is not None and person.role == "household":
                household = await repo.household_of(person.id)
                turn.household_id = household.id if household else None
            if duplicate:
                await router.reshow(self, turn)
            else:
                await router.dispatch(self, turn)
            await repo.save_chat_state(inbound.channel, inbound.chat_id, turn.state)
            if turn.notices:
                await self._queue_notices(repo, turn.notices)
        role = turn.person.role if turn.person is not None else None
        if role != (person.role if person is not None else None):
            await self._role_changed(inbound, role)
        return turn.replies

    async def _role_changed(self, inbound: Inbound, role: str | None) -> None:
        for listener in self.role_listeners:
            try:
                await listener(inbound.channel, inbound.chat_id, role)
            except Exception:  # a menu is a convenience: the committed turn still stands
                log.exception(
                    "role listener failed for %s chat %s", inbound.channel, inbound.chat_id
                )

    async def _queue_notices(self, repo: WorkflowRepository, notices: Sequence[Notice]) -> None:
        """Render each notice in its reader's language and hand it to the outbox."""
        pushes: list[Push] = []
        for index, notice in enumerate(notices):
            for identity in await repo.identities_of(notice.person_id):
                if identity.channel not in self.push_channels:
                    continue  # the terminal chat cannot be reached when nobody is at it
                text = self.t(identity.locale or self.t.default, notice.message_id, **notice.args)
                key = (
                    f"notice:{notice.message_id}:{notice.person_id}:{repo.now.isoformat()}:{index}"
                )
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
        if pushes and self.push_sink is not None:
            await self.push_sink(repo, pushes)
