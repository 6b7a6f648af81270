"""Handling one inbound message: the same path for every channel.

One transaction per message: the update id is recorded, the chat's state is locked, the flow
runs, every answer is stored, notices to other people are queued, and only after the commit are
the replies handed back to be sent.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo

from bot.i18n import Translator
from bot.rendering import Button, Renderer, Reply
from conversations.domain import ChannelIdentity, Person
from conversations.packs import CriteriaPack, TitleKind, load_pack
from conversations.permissions import Action, Actor, Scope, allowed
from conversations.text import clean, fold, parse_integer
from storage.db import Database
from storage.workflow import WorkflowRepository

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


@dataclass(frozen=True)
class Notice:
    person_id: int
    message_id: str
    args: dict[str, Any] = field(default_factory=dict)


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
        prompt = self.state["prompt"]
        lines = [prompt["title"]]
        lines += [f"{i}. {label}" for i, label in enumerate(prompt["labels"], 1)]
        lines.append(footer or self.say("menu-reply"))
        buttons: tuple[tuple[Button, ...], ...] = ()
        if self.render.buttons:
            buttons = tuple(
                (Button(label[:60], f"o:{self.state['n']}:{key}"),)
                for key, label in zip(self.state["options"], prompt["labels"], strict=True)
            )
        return Reply("\n".join(lines), buttons, is_prompt=True)

    def repeat_options(self, message_id: str = "menu-unknown") -> None:
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
        number = parse_integer(text)
        if number is not None and 1 <= number <= len(keys):
            return keys[number - 1]
        # The option's words, typed with or without diacritics.
        folded = fold(text)
        labels = [fold(label) for label in self.state.get("prompt", {}).get("labels", [])]
        matches = [k for k, label in zip(keys, labels, strict=False) if folded and folded == label]
        return matches[0] if len(matches) == 1 else None


Clock = Callable[[], datetime]
PushSink = Callable[[WorkflowRepository, Sequence[Push]], Awaitable[None]]
# `/baocao`: the commune chair's on-demand report (wired in by the reports module).
ReportHook = Callable[[Turn, str], Awaitable[list[Reply]]]


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
            display_name = clean(inbound.display_name)[:200] if inbound.display_name else None
            identity = await repo.identity(
                inbound.channel, inbound.user_id, inbound.chat_id, display_name
            )
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
        return turn.replies

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
                    Push(notice.person_id, identity.channel, identity.chat_id, Reply(text), key)
                )
        if pushes and self.push_sink is not None:
            await self.push_sink(repo, pushes)
