"""The chat flows on the in-memory unit of work (storage/memory): `ChatService.handle` driven
with the messages people type, no database. A household joins from its village's QR code and
answers the questionnaire to its result; the village's collaborator verifies it."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path

import pytest

from bot.i18n import Translator
from bot.inbound import Inbound
from bot.notices import queue_pushes
from bot.packs import PackLibrary
from bot.rendering import Reply
from bot.service import ChatService
from storage.memory import MemoryDatabase
from tests.support.answers import FULL_ANSWERS

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 22, 2, 0, tzinfo=UTC)


@cache
def _packs() -> PackLibrary:
    return PackLibrary.from_directory(ROOT / "packs")


@cache
def _translator() -> Translator:
    return Translator(ROOT / "locales", "vi")


class Commune:
    """A commune with two villages, a collaborator and the first village's QR code."""

    def __init__(self, store: MemoryDatabase, service: ChatService) -> None:
        self.store = store
        self.service = service
        self.code = ""
        self.collaborator_id = 0
        self.id = 0

    async def seed(self) -> None:
        async with self.store.unit_of_work(NOW) as uow:
            province = await uow.places.ensure_province("Tỉnh Hà Tĩnh")
            commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", False)
            village = await uow.places.ensure_village(commune.id, "Thôn Hoàng Trù")
            await uow.places.ensure_village(commune.id, "Thôn Sen 1")
            collaborator = await uow.people.add(
                "Nguyễn Thị Lan", "collaborator", commune_id=commune.id, village_id=village.id
            )
            identity = await uow.chats.identity("console", "col", "col")
            await uow.chats.bind(identity.id, collaborator.id)
            invite = await uow.invites.add(
                "household", commune.id, village_id=village.id, max_uses=None
            )
        self.code, self.collaborator_id, self.id = invite.code, collaborator.id, commune.id


class Chat:
    """One person typing into the service; `say` returns what they read."""

    def __init__(self, service: ChatService, user: str) -> None:
        self.service = service
        self.user = user
        self.seen = ""

    async def say(self, text: str) -> str:
        inbound = Inbound("console", self.user, self.user, "text", text=text)
        replies: list[Reply] = await self.service.handle(inbound)
        self.seen = "\n\n".join(r.text for r in replies if not r.replaces_prompt)
        return self.seen

    async def choose(self, label: str) -> str:
        """Pick a numbered option by (part of) its label, as a person reading the list."""
        for line in self.seen.splitlines():
            number, dot, rest = line.partition(". ")
            if dot and number.isdigit() and label in rest:
                return await self.say(number)
        raise AssertionError(f"no option {label!r} in:\n{self.seen}")


@pytest.fixture
async def commune() -> Commune:
    store = MemoryDatabase()
    service = ChatService(
        store.unit_of_work,
        _packs(),
        _translator(),
        clock=lambda: NOW,
        push_sink=queue_pushes,
        push_channels=("console",),  # the people here all use the terminal
    )
    place = Commune(store, service)
    await place.seed()
    return place


async def _join_and_submit(commune: Commune, name: str = "Trần Thị Hoa") -> Chat:
    household = Chat(commune.service, "hh-1")
    assert "chưa được mời" in await household.say("xin chao")
    consent = await household.say(commune.code.lower())  # typed in lower case on a phone
    assert "đồng ý" in consent.lower() and "xóa" in consent
    assert "họ và tên chủ hộ" in await household.choose("Đồng ý")
    assert "Thôn Hoàng Trù" in await household.say(name)
    first = await household.choose("Đúng")
    assert f"đã đăng ký hộ {name}" in first and "Câu 1/" in first
    for answer in FULL_ANSWERS:
        shown = await household.say(answer)
    assert "xem lại" in shown
    result = await household.say("gui")
    assert "Tổng: 100/100 điểm" in result and "ĐẠT" in result
    return household


async def test_a_household_joins_from_its_qr_code_and_answers_to_a_result(
    commune: Commune,
) -> None:
    await _join_and_submit(commune)

    async with commune.store.unit_of_work(NOW) as uow:
        identity = await uow.chats.identity("console", "hh-1", "hh-1")
        assert identity.person_id is not None
        household = await uow.households.of_person(identity.person_id)
        assert household is not None and household.head_name == "Trần Thị Hoa"
        form = await uow.assessments.for_subject("household", household.id, "household", 2026)
        assert form is not None and form.status == "submitted"
        assert (form.total, form.passed, form.answers["head_name"]) == (100, True, "Trần Thị Hoa")
        # The village's collaborator is told, through the outbox, in the same transaction.
        [notice] = await uow.outbox.list(status="pending")
        assert notice.person_id == commune.collaborator_id and notice.kind == "notice"
        assert "Trần Thị Hoa" in notice.payload["text"] and "vừa gửi" in notice.payload["text"]
        assert notice.payload["household_id"] == household.id


async def test_the_collaborator_verifies_the_submitted_form(commune: Commune) -> None:
    await _join_and_submit(commune)

    collaborator = Chat(commune.service, "col")
    assert "Phiếu chờ xác nhận (1)" in await collaborator.say("/start")
    listing = await collaborator.choose("Phiếu chờ xác nhận")
    assert "Hộ Trần Thị Hoa — Thôn Hoàng Trù — 100 điểm" in listing
    await collaborator.choose("Trần Thị Hoa")
    assert "đã xác nhận" in await collaborator.choose("Xác nhận")

    async with commune.store.unit_of_work(NOW) as uow:
        [form] = await uow.assessments.with_status(commune.id, 2026, ["verified"])
        assert form.verified_by == commune.collaborator_id and form.verified_at == NOW
        steps = [(e.old, e.new) for e in await uow.assessments.history(form.id)]
        assert steps[-2:] == [("draft", "submitted"), ("submitted", "verified")]
        assert await uow.assessments.count_with_status(commune.id, 2026, ["submitted"]) == 0


async def test_a_message_whose_unit_fails_changes_nothing(commune: Commune) -> None:
    household = Chat(commune.service, "hh-1")
    await household.say(commune.code)
    await household.choose("Đồng ý")
    await household.say("Trần Thị Hoa")
    await household.choose("Đúng")
    for answer in FULL_ANSWERS:
        await household.say(answer)
    sink = commune.service.push_sink

    async def outbox_down(*_: object) -> None:
        raise RuntimeError("the outbox is down")

    # Submitting queues the collaborator's notice in the same unit of work: when that fails,
    # the submission is rolled back with it, and sending it again works.
    commune.service.push_sink = outbox_down
    with pytest.raises(RuntimeError):
        await household.say("gui")
    async with commune.store.unit_of_work(NOW) as uow:
        assert await uow.assessments.count_with_status(commune.id, 2026, ["submitted"]) == 0
        assert await uow.outbox.counts() == {}
    commune.service.push_sink = sink
    assert "Tổng: 100/100 điểm" in await household.say("gui")
