"""Chats in memory: storage/chats.py's `ChatRepository`, for what the chat path uses."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from conversations.domain import ChannelIdentity
from storage.memory.data import MemoryRepository, Row, insert, json_copy, model, models


class MemoryChats(MemoryRepository):
    async def claim_update(self, channel: str, key: str) -> bool:
        if (channel, key) in self.data.processed_updates:
            return False
        self.data.processed_updates.add((channel, key))
        return True

    def _state_row(self, channel: str, chat_id: str) -> Row | None:
        return next(
            (
                row
                for row in self.data.chat_states.values()
                if row["channel"] == channel and row["chat_id"] == chat_id
            ),
            None,
        )

    async def state(self, channel: str, chat_id: str) -> dict[str, Any]:
        row = self._state_row(channel, chat_id)
        if row is None:
            row = insert(
                self.data.chat_states,
                {"channel": channel, "chat_id": chat_id, "state": {}, "updated_at": self.now},
            )
        return dict(json_copy(row["state"]) or {})

    async def save_state(self, channel: str, chat_id: str, state: dict[str, Any]) -> None:
        row = self._state_row(channel, chat_id)
        if row is not None:  # an UPDATE of no row changes nothing
            row.update(state=json_copy(state), updated_at=self.now)

    async def identity(self, channel: str, external_id: str, chat_id: str) -> ChannelIdentity:
        for row in self.data.identities.values():
            if row["channel"] == channel and row["external_id"] == external_id:
                row["unreachable"] = False  # writing to us again: reachable again
                found = model(ChannelIdentity, row)
                assert found is not None
                return found
        made = insert(
            self.data.identities,
            {
                "channel": channel,
                "external_id": external_id,
                "chat_id": chat_id,
                "person_id": None,
                "display_name": None,
                "locale": "vi",
                "unreachable": False,
                "created_at": self.now,
            },
        )
        identity = model(ChannelIdentity, made)
        assert identity is not None
        return identity

    def _by_id(self) -> list[Row]:
        return [self.data.identities[i] for i in sorted(self.data.identities)]

    async def identities_of(self, person_id: int) -> list[ChannelIdentity]:
        rows = [r for r in self._by_id() if r["person_id"] == person_id and not r["unreachable"]]
        return models(ChannelIdentity, rows)

    async def set_locale(self, identity_id: int, locale: str) -> None:
        if identity_id in self.data.identities:
            self.data.identities[identity_id]["locale"] = locale

    async def bind(self, identity_id: int, person_id: int) -> None:
        if identity_id in self.data.identities:
            self.data.identities[identity_id]["person_id"] = person_id

    async def locale(self, channel: str, chat_id: str) -> str | None:
        for row in self._by_id():
            if row["channel"] == channel and row["chat_id"] == chat_id:
                return str(row["locale"]) if row["locale"] else None
        return None

    async def set_unreachable(self, channel: str, chat_id: str, unreachable: bool = True) -> int:
        changed = 0
        for row in self._by_id():
            if (
                row["channel"] == channel
                and row["chat_id"] == chat_id
                and row["unreachable"] != unreachable
            ):
                row["unreachable"] = unreachable
                changed += 1
        return changed

    async def chats_with_role(self, channel: str, roles: Sequence[str]) -> list[tuple[str, str]]:
        found: list[tuple[str, str]] = []
        for row in self._by_id():
            person = self.data.people.get(row["person_id"] or 0)
            if (
                person is not None
                and row["channel"] == channel
                and not row["unreachable"]
                and person["role"] in roles
                and not person["disabled"]
            ):
                found.append((str(row["chat_id"]), str(person["role"])))
        return found
