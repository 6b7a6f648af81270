"""The read-only web page for chairs and collaborators, also opened as a Telegram Mini App
(issue 16). A channel like the others: it imports no storage and no other channel, and gets
what it shows from the service (`bot.webview`, `bot.webaccess`), wired in bot/bootstrap.py."""

from bot.web.site import WebSite

__all__ = ["WebSite"]
