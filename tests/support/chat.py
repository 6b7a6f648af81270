"""A person typing into the real service (no channel), reading what it answers."""

from __future__ import annotations

from bot.bootstrap import App
from bot.inbound import Inbound, InboundKind
from bot.rendering import Reply


class Chat:
    def __init__(self, app: App, user: str, channel: str = "console") -> None:
        self.app = app
        self.user = user
        self.channel = channel
        self.seen: list[str] = []
        self.last_replies: list[Reply] = []

    async def send(self, kind: InboundKind, text: str = "", **extra: str) -> str:
        inbound = Inbound(
            self.channel, self.user, self.user, kind, text=text, display_name=self.user, **extra
        )
        self.last_replies = await self.app.service.handle(inbound)
        shown = "\n\n".join(r.text for r in self.last_replies if not r.replaces_prompt)
        self.seen.append(shown)
        return shown

    async def say(self, text: str) -> str:
        return await self.send("text", text)

    async def choose(self, label: str) -> str:
        """Pick a numbered option by (part of) its label, as a person reading the list would."""
        last = self.seen[-1]
        for line in last.splitlines():
            number, dot, rest = line.partition(". ")
            if dot and number.isdigit() and label in rest:
                return await self.say(number)
        raise AssertionError(f"no option {label!r} in:\n{last}")
