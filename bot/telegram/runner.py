"""The Telegram channel as a whole: the Bot, the dispatcher, and polling or webhook mode."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import TypeVar

from aiogram import Bot, Dispatcher
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.exceptions import TelegramBadRequest, TelegramUnauthorizedError
from aiogram.fsm.strategy import FSMStrategy
from aiogram.types import (
    BotCommand,
    BotCommandScopeChat,
    BotCommandScopeDefault,
    MenuButtonDefault,
    MenuButtonWebApp,
    WebAppInfo,
)
from aiogram.utils.backoff import Backoff
from aiohttp import web

from bot.chats import ChatDirectory
from bot.i18n import Translator
from bot.settings import Settings, mini_app_url

from .convert import CHANNEL
from .handlers import ALLOWED_UPDATES, TelegramBridge, build_router
from .isolation import ChatIsolation
from .polling import BACKOFF, Poller
from .responses import PinResponseTypes
from .sender import TelegramChannel, TelegramLimits
from .webhook import WebhookReceiver, webhook_path, webhook_secret

log = logging.getLogger(__name__)
T = TypeVar("T")

# Commands shown in Telegram's menu: only ones the service answers. Everyone's:
COMMANDS = (
    ("start", "telegram-command-start"),
    ("menu", "telegram-command-menu"),
    ("help", "telegram-command-help"),
)
# A chair's chat also lists the report (when reports are wired into the service)...
REPORT_COMMAND = ("baocao", "telegram-command-report")
# ...and a household's its own data: see it, delete it.
HOUSEHOLD_COMMANDS = (
    ("dulieu", "telegram-command-mydata"),
    ("xoa", "telegram-command-delete"),
)
# Roles whose chat gets a command list of its own (BotCommandScopeChat); others see COMMANDS.
CHAT_MENU_ROLES = ("chair", "household", "citizen")
# Roles whose chat's menu button opens the web page (when it is served over https).
WEB_APP_ROLES = ("chair", "collaborator", "admin")
# Vietnamese for everyone (Telegram has no Vietnamese interface, so most phones report "en" or
# nothing); English only for phones that explicitly ask for English.
COMMAND_LANGUAGES = (("vi", None), ("en", "en"))
# How long a stop waits for updates in progress.
GRACE = 10.0


def make_bot(settings: Settings) -> Bot:
    """A Bot talking to `telegram_api_base`: api.telegram.org, a local Bot API server, or the
    test double."""
    assert settings.telegram_bot_token
    session = AiohttpSession(
        api=TelegramAPIServer.from_base(settings.telegram_api_base),
        timeout=settings.telegram_request_timeout,
    )
    # Parsing each answer must not rebuild its pydantic class (see responses.py).
    session.middleware(PinResponseTypes())
    return Bot(settings.telegram_bot_token, session=session)


def make_dispatcher(bridge: TelegramBridge) -> Dispatcher:
    # Keyed by chat: one chat's updates in order, different chats in parallel.
    dispatcher = Dispatcher(events_isolation=ChatIsolation(), fsm_strategy=FSMStrategy.CHAT)
    dispatcher["telegram"] = bridge
    dispatcher.include_router(build_router())
    return dispatcher


def make_limits(settings: Settings) -> TelegramLimits:
    return TelegramLimits(
        settings.telegram_rate_per_second,
        push_per_second=settings.telegram_push_rate_per_second,
        group_per_minute=settings.telegram_group_rate_per_minute,
        push_chat_interval=settings.telegram_push_chat_interval,
    )


def make_channel(
    bot: Bot, settings: Settings, translator: Translator, chats: ChatDirectory | None
) -> TelegramChannel:
    """The sending side alone: what the outbox needs to push digests and notices."""
    return TelegramChannel(bot, translator, chats=chats, limits=make_limits(settings))


class TelegramRunner:
    """Runs the Telegram channel until `stop` is set (see bot.channels)."""

    name = "telegram"

    def __init__(
        self,
        settings: Settings,
        bridge: TelegramBridge,
        translator: Translator,
        *,
        report_command: bool,
    ) -> None:
        """`bridge`: the handlers' dependencies, its channel's Bot included (closed at the
        end); `report_command`: chairs' menus list /baocao (the service answers it)."""
        self.settings = settings
        self.translator = translator
        self.commands: tuple[tuple[str, str], ...] = COMMANDS
        self.role_commands: dict[str, tuple[tuple[str, str], ...]] = {
            "household": (*COMMANDS, *HOUSEHOLD_COMMANDS),
            # A person assessed for "Công dân học tập" sees and deletes their data too.
            "citizen": (*COMMANDS, *HOUSEHOLD_COMMANDS),
        }
        if report_command:
            self.role_commands["chair"] = (*COMMANDS, REPORT_COMMAND)
        # The web page as a Mini App from the chat's menu button (issue 16), if https.
        self.web_app_url = mini_app_url(settings)
        # Menus being set in the background (a join, the start-up pass), awaited at the end.
        self._menu_tasks: set[asyncio.Task[None]] = set()
        self.channel = bridge.channel
        self.bot = self.channel.bot
        self.dispatcher = make_dispatcher(bridge)
        self.webhook_url = settings.telegram_webhook_url or None
        self.receiver: WebhookReceiver | None = None
        self._secret = ""
        if self.webhook_url:
            self._secret = webhook_secret(settings.telegram_webhook_secret)
            self.receiver = WebhookReceiver(self.bot, self.dispatcher, self._secret)

    @property
    def mode(self) -> str:
        return "webhook" if self.receiver else "polling"

    def register(self, web_app: web.Application) -> bool:
        """Add the webhook route to the shared web server; False in polling mode."""
        if self.receiver is None or self.webhook_url is None:
            return False
        web_app.router.add_post(webhook_path(self.webhook_url), self.receiver.handle)
        return True

    async def run(self, stop: asyncio.Event) -> None:
        try:
            me = await _until_done(stop, self.bot.get_me)
            if me is None:
                return
            log.info("telegram: bot @%s (%s mode)", me.username, self.mode)
            await self.set_commands(stop)
            self._in_background(self.set_chat_menus(stop), "telegram-chat-menus")
            if self.receiver is not None:
                await self._run_webhook(stop, self.receiver)
            else:
                await _until_done(stop, lambda: self.bot.delete_webhook(drop_pending_updates=False))
                poller = Poller(
                    self.bot,
                    self.dispatcher,
                    allowed_updates=ALLOWED_UPDATES,
                    timeout=self.settings.telegram_polling_timeout,
                    grace=GRACE,
                )
                log.info("telegram: ready")
                await poller.run(stop)
        finally:
            for task in list(self._menu_tasks):
                task.cancel()
            await asyncio.gather(*self._menu_tasks, return_exceptions=True)
            await self.dispatcher.fsm.close()
            await self.bot.session.close()
            log.info("telegram: stopped")

    async def _run_webhook(self, stop: asyncio.Event, receiver: WebhookReceiver) -> None:
        url = self.webhook_url
        assert url is not None
        done = await _until_done(
            stop,
            lambda: self.bot.set_webhook(
                url,
                secret_token=self._secret,
                allowed_updates=ALLOWED_UPDATES,
                drop_pending_updates=False,
            ),
        )
        if done is None:
            return
        log.info("telegram: ready")
        await stop.wait()
        # The webhook stays set: Telegram keeps the updates until the next process answers.
        await receiver.drain(GRACE)

    async def set_commands(self, stop: asyncio.Event) -> None:
        for lang, code in COMMAND_LANGUAGES:
            commands = [
                BotCommand(command=name, description=self.translator(lang, message_id))
                for name, message_id in self.commands
            ]

            async def call(commands: list[BotCommand] = commands, code: str | None = code) -> bool:
                return await self.bot.set_my_commands(
                    commands, scope=BotCommandScopeDefault(), language_code=code
                )

            try:
                await _until_done(stop, call, attempts=3)
            except Exception as error:  # the menu is a convenience: run without it
                log.warning("telegram: setMyCommands (%s) failed: %s", lang, error)

    # --- per-chat command menus ----------------------------------------------------------

    async def on_role_changed(self, channel: str, chat_id: str, role: str | None) -> None:
        """The service's RoleListener: a chair or household joined, or a household deleted its
        data; their chat's menu follows, without holding up the reply."""
        if channel == CHANNEL and chat_id.lstrip("-").isdigit():
            self._in_background(self.set_chat_menu(int(chat_id), role), "telegram-chat-menu")

    async def set_chat_menus(self, stop: asyncio.Event) -> None:
        """At start-up: every chair's and household's chat gets its role's menu (a role may
        have changed, or the list of commands, while the bot was stopped)."""
        roles = CHAT_MENU_ROLES + (WEB_APP_ROLES if self.web_app_url else ())
        for chat_id, role in await self.channel.chats.with_role(tuple(dict.fromkeys(roles))):
            if stop.is_set():
                return
            if chat_id.lstrip("-").isdigit():
                # Paced like a push, so people chatting meanwhile keep their share.
                await self.channel.limits.acquire(chat_id, push=True)
                await self.set_chat_menu(int(chat_id), role)

    async def set_chat_menu(self, chat_id: int, role: str | None) -> None:
        """This chat's command list for `role`, in both languages; back to the default list
        for a role without one of its own. Failures are logged: the menu is a convenience."""
        commands = self.role_commands.get(role or "")
        scope = BotCommandScopeChat(chat_id=chat_id)
        for lang, code in COMMAND_LANGUAGES:
            try:
                if commands is None:
                    await self.bot.delete_my_commands(scope=scope, language_code=code)
                else:
                    await self.bot.set_my_commands(
                        self._bot_commands(lang, commands), scope=scope, language_code=code
                    )
            except Exception as error:
                log.warning("telegram: commands for chat %s (%s) failed: %s", chat_id, lang, error)
        if self.web_app_url is not None:
            await self._set_menu_button(chat_id, role, self.web_app_url)

    async def _set_menu_button(self, chat_id: int, role: str | None, url: str) -> None:
        """Chairs and collaborators open the web page from the menu button; anyone else
        keeps Telegram's default button."""
        button: MenuButtonWebApp | MenuButtonDefault = MenuButtonDefault()
        if role in WEB_APP_ROLES:
            lang = await self.channel.chats.language(str(chat_id))
            text = self.translator(lang, "web-link-button")
            button = MenuButtonWebApp(text=text, web_app=WebAppInfo(url=url))
        try:
            await self.bot.set_chat_menu_button(chat_id=chat_id, menu_button=button)
        except Exception as error:
            log.warning("telegram: menu button for chat %s failed: %s", chat_id, error)

    def _bot_commands(self, lang: str, commands: tuple[tuple[str, str], ...]) -> list[BotCommand]:
        return [
            BotCommand(command=name, description=self.translator(lang, message_id))
            for name, message_id in commands
        ]

    def _in_background(self, work: Awaitable[None], name: str) -> None:
        task = asyncio.ensure_future(work)
        task.set_name(name)
        self._menu_tasks.add(task)
        task.add_done_callback(self._menu_tasks.discard)


async def _until_done(
    stop: asyncio.Event, operation: Callable[[], Awaitable[T]], *, attempts: int | None = None
) -> T | None:
    """Retry a start-up call with backoff until it works, `stop` is set (None) or the
    attempts run out (the last error is raised). A rejected token is never retried."""
    backoff = Backoff(BACKOFF)
    tries = 0
    while not stop.is_set():
        try:
            return await operation()
        except TelegramUnauthorizedError:
            log.critical("telegram rejected the bot token (TELEGRAM_BOT_TOKEN)")
            raise
        except TelegramBadRequest:
            raise  # asking again will not change the answer
        except Exception as error:
            tries += 1
            if attempts is not None and tries >= attempts:
                raise
            delay = next(backoff)
            log.warning("telegram: %s; trying again in %.1f s", error, delay)
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(delay):
                    await stop.wait()
    return None
