"""What a flow is given and what it gives back: the turn (one message being handled), the
service's few settings it reads, and the outcome that names what comes next.

The flows import this module and each other downwards; only the router imports every flow,
and nothing imports the router but the service.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.flows import options
from bot.flows.screens import ChatState, Listing, OptionScreen, Screen
from bot.inbound import Inbound
from bot.packs import PackLibrary
from bot.rendering import Renderer, Reply
from conversations.domain import ChannelIdentity, Person
from conversations.permissions import Action, Actor, Scope, allowed
from storage.ports import ChatUnitOfWork


@dataclass(frozen=True)
class Notice:
    """A message to someone other than the sender, queued when the turn commits."""

    person_id: int
    message_id: str
    args: dict[str, Any] = field(default_factory=dict)
    # The household the notice is about (its name is in the text); for a household's adult
    # member, their household (deleting it removes its members).
    household_id: int | None = None


@dataclass(frozen=True)
class ToMenu:
    """Next: the main menu (which only the router builds), after `notice` if given."""

    notice: str | None = None


@dataclass(frozen=True)
class Reshow:
    """Next: the screen now in the chat's state, asked again."""


# What a reaction returns: the menu or the current screen to show next, or None when it has
# shown the next screen itself (set it in the state and said what it asks).
Outcome = ToMenu | Reshow | None
MENU = ToMenu()
RESHOW = Reshow()


@dataclass
class Turn:
    """What one message needs while it is handled."""

    uow: ChatUnitOfWork
    inbound: Inbound
    identity: ChannelIdentity
    person: Person | None
    chat: ChatState
    # The person's language lives here for the turn (read from their account, where a change
    # is stored: `set_language`).
    render: Renderer
    replies: list[Reply] = field(default_factory=list)
    notices: list[Notice] = field(default_factory=list)
    household_id: int | None = None
    # A citizen account's own "Công dân học tập" subject; the unit a unit head leads.
    citizen_id: int | None = None
    unit_id: int | None = None

    @property
    def lang(self) -> str:
        return self.render.lang

    async def set_language(self, lang: str) -> None:
        self.render.lang = lang
        await self.uow.chats.set_locale(self.identity.id, lang)

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
            unit_id=self.unit_id,
            citizen_id=self.citizen_id,
        )

    def may(self, action: Action, scope: Scope) -> bool:
        actor = self.actor
        return actor is not None and allowed(actor, action, scope)

    # --- the screen ----------------------------------------------------------------------

    @property
    def screen(self) -> Screen | None:
        return self.chat.screen

    def show(self, screen: Screen | None) -> None:
        """Wait on `screen` (None: on nothing, the menu comes next); the caller says what it
        asks."""
        self.chat.screen = screen

    def offer(self, screen: OptionScreen) -> None:
        """Show an option list; typed numbers and buttons both choose. A new counter makes
        the buttons of every older list stale."""
        self.chat.n += 1
        self.chat.screen = screen
        self.replies.append(self.options_reply())

    def _listing(self) -> OptionScreen:
        screen = self.chat.screen
        assert isinstance(screen, Listing), "not on an option screen"
        return screen

    def options_reply(self) -> Reply:
        return options.reply(self._listing().choices, self.chat.n, self.render)

    def repeat_options(self, message_id: str = "menu-unknown") -> None:
        """The list again after a reply that chose nothing; a tap on ◀ ▶ turns its page (the
        same message, edited on Telegram)."""
        listing = self._listing()
        page = options.page_tapped(listing.choices, self.chat.n, self.render, self.inbound)
        if page is not None:
            choices = listing.choices.model_copy(update={"page": page})
            self.chat.screen = listing.model_copy(update={"choices": choices})
            self.replies.append(replace(self.options_reply(), updates_prompt=True))
            return
        self.reply(message_id)
        self.replies.append(self.options_reply())

    def chosen_option(self) -> str | None:
        """The key chosen on the current option screen, or None (unclear or stale)."""
        return options.chosen(self._listing().choices, self.chat.n, self.inbound)


# `/baocao`: the commune chair's on-demand report (wired in by the bootstrap).
ReportHook = Callable[[Turn, str], Awaitable[list[Reply]]]
# `/web`: a one-time link into the web page (wired in by the bootstrap; bot/webaccess.py).
WebHook = Callable[[Turn], Awaitable[list[Reply]]]


class Service(Protocol):
    """What the flows read of the chat service (`bot.service.ChatService` is one)."""

    @property
    def packs(self) -> PackLibrary: ...

    @property
    def tz(self) -> ZoneInfo: ...

    @property
    def report_hook(self) -> ReportHook | None: ...

    @property
    def telegram_link(self) -> str | None:
        """The bot's t.me address, for the invites handed out in the chat."""
        ...

    @property
    def web_hook(self) -> WebHook | None: ...

    def year(self) -> int: ...

    def local_now(self) -> datetime: ...
