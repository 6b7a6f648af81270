"""Who may open the web page, and how they get in (issue 16).

Three ways in, each ending in the same signed session cookie:
- a one-time link (`/web` in the chat, `hoctap web-link`, a document offered on Zalo), valid
  15 minutes, bound to one person, stored as a hash (storage/web.py);
- Telegram's Mini App: the page posts the `initData` Telegram gave it; its signature (made
  with the bot token) and its age are checked, and the Telegram account mapped to its person;
- the cookie itself: the person's id and when it was issued, signed with HMAC-SHA256, good for
  12 hours. It holds no role: every request reads the person again, so a chair disabled or
  moved elsewhere loses the page at the next click.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlsplit

from bot.flows.context import Turn, WebHook
from bot.i18n import Translator
from bot.rendering import Button, Reply
from bot.settings import Settings, mini_app_url
from conversations.domain import Person
from storage.db import Database
from storage.uow import UnitOfWork
from storage.web import LinkState

log = logging.getLogger(__name__)

Clock = Callable[[], datetime]
# (channel, chat id, file name, language) -> the note with a download link, or None.
DocumentLink = Callable[[str, str, str, str], Awaitable[str | None]]
COOKIE = "hoctap_web"
# The pages a link may open (no other site, no other path).
HOME = "/web/"
DOWNLOADS = "/web/downloads"
# Roles with a page: households see their own data in the chat (/dulieu).
WEB_ROLES = ("collaborator", "chair", "admin")


@dataclass(frozen=True)
class Viewer:
    """Someone signed in, as they are now: what they may see follows from it."""

    person: Person
    lang: str
    # The commune they belong to (None: an administrator of every province).
    commune_id: int | None
    # A collaborator's village; None: every village of the commune.
    village_id: int | None
    # An administrator's province (None: every one).
    province_id: int | None = None

    @property
    def role(self) -> str:
        return self.person.role

    def sees_commune(self, commune_id: int, province_id: int | None) -> bool:
        if self.role == "admin":
            # Tied to a commune: its province; not tied: every province.
            return self.province_id is None or self.province_id == province_id
        return self.commune_id == commune_id


@dataclass(frozen=True)
class LinkResult:
    state: LinkState
    viewer: Viewer | None = None
    target: str = HOME


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def safe_target(target: str) -> str:
    """Only a path of this page: a link never sends anyone to another site."""
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith(HOME) or "//" in target:
        return HOME
    return target


def session_secret(settings: Settings) -> bytes:
    """WEB_SECRET; else one derived from the bot tokens (secret, and the same in every
    process); else a random one for this process (the terminal chat has no page anyway)."""
    if settings.web_secret:
        return settings.web_secret.encode()
    tokens = "\n".join(t for t in (settings.telegram_bot_token, settings.zalo_bot_token) if t)
    if tokens:
        return hmac.new(b"hoctap-web-session", tokens.encode(), hashlib.sha256).digest()
    log.info("web: WEB_SECRET not set and no bot token: sessions last until this process ends")
    return secrets.token_bytes(32)


class Sessions:
    """The signed cookie: `<base64 of {"p": person, "i": issued}>.<HMAC>`."""

    def __init__(self, secret: bytes, hours: float, clock: Clock) -> None:
        self.secret = secret
        self.lifetime = timedelta(hours=hours)
        self.clock = clock

    def _sign(self, body: bytes) -> str:
        digest = hmac.new(self.secret, body, hashlib.sha256).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def issue(self, person_id: int) -> str:
        payload = {"p": person_id, "i": int(self.clock().timestamp())}
        body = base64.urlsafe_b64encode(json.dumps(payload).encode()).rstrip(b"=")
        return f"{body.decode()}.{self._sign(body)}"

    def person(self, cookie: str | None) -> int | None:
        """The person of a genuine, unexpired cookie; None otherwise."""
        if not cookie or cookie.count(".") != 1:
            return None
        body, signature = cookie.split(".")
        if not hmac.compare_digest(self._sign(body.encode()), signature):
            return None
        try:
            payload = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
            person_id, issued = int(payload["p"]), int(payload["i"])
        except (ValueError, KeyError, TypeError):
            return None
        now = self.clock().timestamp()
        if not issued - 60 <= now < issued + self.lifetime.total_seconds():
            return None
        return person_id

    @property
    def max_age(self) -> int:
        return int(self.lifetime.total_seconds())


class WebAccess:
    def __init__(self, db: Database, settings: Settings, clock: Clock) -> None:
        self.db = db
        self.settings = settings
        self.clock = clock
        self.sessions = Sessions(session_secret(settings), settings.web_session_hours, clock)

    @property
    def base_url(self) -> str:
        settings = self.settings
        if settings.web_base_url:
            return settings.web_base_url.rstrip("/")
        port = settings.web_port or settings.webhook_port
        return f"http://{settings.webhook_host}:{port}"

    # --- one-time links -----------------------------------------------------------------

    async def issue_link(
        self, person_id: int, target: str = HOME, uow: UnitOfWork | None = None
    ) -> str:
        """A link that signs `person_id` in once, within WEB_LINK_MINUTES."""
        token = secrets.token_urlsafe(24)
        minutes = self.settings.web_link_minutes
        if uow is None:
            async with self.db.unit_of_work(self.clock()) as own:
                await self._add(own, token, person_id, target, minutes)
        else:
            await self._add(uow, token, person_id, target, minutes)
        return f"{self.base_url}/web/login/{token}"

    async def _add(
        self, uow: UnitOfWork, token: str, person_id: int, target: str, minutes: int
    ) -> None:
        expires = uow.now + timedelta(minutes=minutes)
        await uow.web.add_link(token_hash(token), person_id, safe_target(target), expires)

    async def link_for_chat(
        self, channel: str, chat_id: str, target: str = DOWNLOADS
    ) -> str | None:
        """A one-time link for whoever speaks in this chat (a Zalo chat offered a document);
        None when nobody there may open the page."""
        async with self.db.unit_of_work(self.clock()) as uow:
            person_id = await uow.web.person_by_chat(channel, chat_id)
            if person_id is None or await self._viewer(uow, person_id) is None:
                return None
            token = secrets.token_urlsafe(24)
            await self._add(uow, token, person_id, target, self.settings.web_link_minutes)
        return f"{self.base_url}/web/login/{token}"

    async def redeem(self, token: str) -> LinkResult:
        async with self.db.unit_of_work(self.clock()) as uow:
            used = await uow.web.use_link(token_hash(token))
            if used.state != "ok" or used.person_id is None:
                return LinkResult(used.state)
            viewer = await self._viewer(uow, used.person_id)
        if viewer is None:
            return LinkResult("unknown")
        return LinkResult("ok", viewer, safe_target(used.target))

    # --- Telegram's Mini App ------------------------------------------------------------

    async def telegram_login(self, init_data: str) -> Viewer | None:
        """The person behind a Mini App's `initData`: signed with our bot token, recent,
        and their Telegram account bound to someone who may see the page."""
        token = self.settings.telegram_bot_token
        if not token or not init_data:
            return None
        from aiogram.utils.web_app import safe_parse_webapp_init_data

        try:
            data = safe_parse_webapp_init_data(token, init_data)
        except (ValueError, KeyError, TypeError):
            return None
        if data.user is None:
            return None
        age = (self.clock() - data.auth_date).total_seconds()
        if not -60 <= age <= self.settings.web_init_data_max_age_seconds:
            return None
        async with self.db.unit_of_work(self.clock()) as uow:
            person_id = await uow.web.person_by_account("telegram", str(data.user.id))
            return None if person_id is None else await self._viewer(uow, person_id)

    # --- every request ------------------------------------------------------------------

    async def viewer(self, cookie: str | None) -> Viewer | None:
        """The signed-in person as they are now (role and disabled read again), or None."""
        person_id = self.sessions.person(cookie)
        if person_id is None:
            return None
        async with self.db.unit_of_work(self.clock()) as uow:
            return await self._viewer(uow, person_id)

    async def viewer_of(self, uow: UnitOfWork, person_id: int) -> Viewer | None:
        """The person as a viewer of the page, or None when they may not open it."""
        return await self._viewer(uow, person_id)

    async def _viewer(self, uow: UnitOfWork, person_id: int) -> Viewer | None:
        person = await uow.people.get(person_id)
        if person is None or person.disabled or person.role not in WEB_ROLES:
            return None
        if person.role != "admin" and person.commune_id is None:
            return None
        accounts = await uow.chats.identities_of(person_id)
        lang = next((a.locale for a in accounts if a.locale), None) or person.locale or "vi"
        province = None
        if person.role == "admin" and person.commune_id is not None:
            province = await uow.web.province_of(person.commune_id)
        village = person.village_id if person.role == "collaborator" else None
        return Viewer(person, lang, person.commune_id, village, province)


def make_web_hook(access: WebAccess) -> WebHook:
    """`/web` in the chat (`ChatService(web_hook=...)`): a one-time link for the person, made
    in the message's own transaction; on Telegram also a button that opens the page as a Mini
    App (Telegram opens only https:// Mini Apps)."""

    async def hook(turn: Turn) -> list[Reply]:
        person = turn.person
        if person is None or person.disabled or person.role not in WEB_ROLES:
            return [Reply(turn.say("web-not-allowed"))]
        uow = turn.uow if isinstance(turn.uow, UnitOfWork) else None
        url = await access.issue_link(person.id, HOME, uow)
        minutes = access.settings.web_link_minutes
        text = turn.say("web-link-reply", url=url, minutes=minutes)
        buttons: tuple[tuple[Button, ...], ...] = ()
        app_url = mini_app_url(access.settings)
        if turn.render.buttons and app_url is not None:
            buttons = ((Button(turn.say("web-link-button"), "", url=app_url, web_app=True),),)
        return [Reply(text, buttons)]

    return hook


def make_document_link(access: WebAccess, translator: Translator) -> DocumentLink:
    """For a channel that cannot send files (Zalo): the note, in the chat's language, with a
    one-time link to the downloads page, or None when nobody there may open it."""

    async def link(channel: str, chat_id: str, filename: str, lang: str) -> str | None:
        url = await access.link_for_chat(channel, chat_id, DOWNLOADS)
        if url is None:
            return None
        minutes = access.settings.web_link_minutes
        return translator(lang, "web-document-link", filename=filename, url=url, minutes=minutes)

    return link
