"""A person joining for "Công dân học tập" gives their year of birth (on the in-memory store):
an adult is registered with it; someone under the pack's minimum age (18) is not, and their
invite stays usable for when they are of age; a year in doubt is asked again. Both ways in: a
household's adult named by whoever invited them, and a unit's staff member who types their
name first."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from bot.notices import queue_pushes
from bot.packs import PackLibrary
from bot.service import ChatService
from conversations.pack_files import load_pack
from tests.unit.test_five_subjects_in_memory import Place, invite_code_in
from tests.unit.test_flows_in_memory import NOW, ROOT, Chat, _packs, _translator

ASK = "Anh/chị sinh năm nào?"
UNIT = "Trạm Y tế xã Kim Liên"


def _service(place: Place, packs: PackLibrary, start: datetime) -> ChatService:
    ticks = itertools.count()
    return ChatService(
        place.store.unit_of_work,
        packs,
        _translator(),
        clock=lambda: start + timedelta(seconds=next(ticks)),
        push_sink=queue_pushes,
        push_channels=("console",),
    )


async def _place(packs: PackLibrary | None = None, start: datetime = NOW) -> Place:
    """Place (Xã Kim Liên, its collaborator, chair and school), on `packs` and a clock from
    `start`."""
    place = Place()
    place.service = _service(place, packs or _packs(), start)
    await place.seed()
    return place


@pytest.fixture
async def place() -> Place:
    return await _place()


async def _member_code(place: Place, name: str = "Lê Văn Nam") -> str:
    """A household registers, and its head invites one of its adults by name."""
    household = await place.registered_household()
    await household.say("lưu")
    await household.say("/start")
    await household.choose("Mời người lớn")
    return invite_code_in(await household.say(name))


async def _staff_code(place: Place) -> str:
    """One code for the whole staff of a health station (as its head hands out)."""
    async with place.store.unit_of_work(NOW) as uow:
        village = await uow.places.village(place.village_id)
        assert village is not None
        unit = await uow.subjects.add_unit(village.commune_id, UNIT, "health", 12)
        invite = await uow.invites.add(
            "citizen", village.commune_id, unit_id=unit.id, max_uses=None
        )
    return invite.code


def _citizens(place: Place, **where: Any) -> list[dict[str, Any]]:
    return [
        row
        for row in place.store.data.citizens.values()
        if all(row[key] == value for key, value in where.items())
    ]


def _uses(place: Place, code: str) -> int:
    [invite] = [i for i in place.store.data.invites.values() if i["code"] == code]
    return int(invite["uses"])


async def test_a_household_member_is_asked_their_year_and_registered_with_it(
    place: Place,
) -> None:
    code = await _member_code(place)
    member = Chat(place.service, "member")
    assert "năm sinh" in await member.say(code)  # the consent names what is collected
    assert ASK in await member.choose("Đồng ý")

    # Anything in doubt is asked again, saying why; nothing is registered meanwhile.
    assert "chưa rõ năm sinh" in await member.say("abc")
    assert "chưa rõ năm sinh" in await member.say("75")  # 1875 or 1975?
    assert "năm sinh 1890 có lẽ chưa đúng" in await member.say("1890")
    assert "năm 2030 chưa tới" in await member.say("2030")
    assert "ví dụ: 1975" in member.seen
    assert ASK in await member.say("/menu")  # a command: the question again
    [citizen] = _citizens(place, name="Lê Văn Nam")
    assert (citizen["person_id"], citizen["birth_year"]) == (None, None)
    assert _uses(place, code) == 0

    started = await member.say("Tôi sinh năm 1.979")
    assert "Dạ, đã ghi tên Lê Văn Nam" in started and "Câu 1/" in started
    [citizen] = _citizens(place, name="Lê Văn Nam")
    assert citizen["birth_year"] == 1979 and citizen["person_id"] is not None
    assert _uses(place, code) == 1
    # The person sees it among their data.
    assert "• Năm sinh: 1979" in await member.say("/dulieu")


async def test_a_17_year_old_is_not_registered_and_can_join_with_the_same_invite_later(
    place: Place,
) -> None:
    code = await _member_code(place, "Lê Thị Na")
    member = Chat(place.service, "member")
    await member.say(code)
    await member.choose("Đồng ý")
    people = len(place.store.data.people)

    refused = await member.say("2009")  # 17 in 2026
    assert "dành cho người từ đủ 18 tuổi trở lên" in refused
    assert "gia đình có thể mời lại" in refused
    assert "Câu 1/" not in refused
    # Nothing registered, nothing stored about the year, the invite not used up.
    assert len(place.store.data.people) == people
    [citizen] = _citizens(place, name="Lê Thị Na")
    assert (citizen["person_id"], citizen["birth_year"]) == (None, None)
    assert _uses(place, code) == 0
    # The conversation is over: the next message is someone the bot does not know yet.
    assert "chưa được mời" in await member.say("2008")

    # The same invite again: born in 2008, 18 this year, so of age.
    assert ASK in (await member.say(code), await member.choose("Đồng ý"))[1]
    assert "Dạ, đã ghi tên Lê Thị Na" in await member.say("2008")
    [citizen] = _citizens(place, name="Lê Thị Na")
    assert citizen["birth_year"] == 2008 and citizen["person_id"] is not None
    assert _uses(place, code) == 1


async def test_a_staff_member_gives_their_name_then_their_year(place: Place) -> None:
    code = await _staff_code(place)
    young = Chat(place.service, "young")
    assert "cán bộ, nhân viên" in await young.say(code)
    await young.choose("Đồng ý")
    assert ASK in await young.say("Đỗ Văn Tí")
    refused = await young.say("2010")
    assert "đủ 18 tuổi" in refused and "đơn vị có thể mời lại" in refused
    assert _citizens(place, unit_id=_unit_id(place)) == []  # no one added to the staff

    nurse = Chat(place.service, "nurse")
    await nurse.say(code)
    await nurse.choose("Đồng ý")
    await nurse.say("Đỗ Thị Hương")
    assert "năm sinh 1800 có lẽ chưa đúng" in await nurse.say("1800")
    assert "chưa rõ năm sinh" in await nurse.say("hai")
    started = await nurse.say("12/03/1985")  # a whole date: its year
    assert "Dạ, đã ghi tên Đỗ Thị Hương" in started  # the name typed before the year
    [citizen] = _citizens(place, unit_id=_unit_id(place))
    assert (citizen["name"], citizen["birth_year"]) == ("Đỗ Thị Hương", 1985)

    # Deleting their data (/xoa) removes the year with the name.
    await nurse.say("/xoa")
    assert "đã xóa dữ liệu" in await nurse.choose("Xóa dữ liệu")
    [citizen] = _citizens(place, unit_id=_unit_id(place))
    assert (citizen["name"], citizen["birth_year"]) == ("", None)


def _unit_id(place: Place) -> int:
    [unit_id] = [i for i, u in place.store.data.units.items() if u["name"] == UNIT]
    return unit_id


async def test_the_year_is_the_one_in_viet_nam() -> None:
    # 31/12/2026 18:00 UTC is already 01/01/2027 in Hà Nội: born in 2009 is 18 there.
    place = await _place(start=datetime(2026, 12, 31, 18, 0, tzinfo=UTC))
    member = Chat(place.service, "member")
    await member.say(await _member_code(place))
    await member.choose("Đồng ý")
    assert "Dạ, đã ghi tên Lê Văn Nam" in await member.say("2009")


def _packs_with(change: Callable[[int | None], int | None]) -> PackLibrary:
    packs = [load_pack(p) for p in sorted((ROOT / "packs").glob("*.yaml"))]
    return PackLibrary(
        p.model_copy(update={"min_age": change(p.min_age)}) if p.title == "citizen" else p
        for p in packs
    )


@pytest.mark.parametrize(("min_age", "joins"), [(16, True), (None, True), (18, False)])
async def test_the_minimum_age_is_the_packs(min_age: int | None, joins: bool) -> None:
    place = await _place(_packs_with(lambda _: min_age))
    member = Chat(place.service, "member")
    await member.say(await _member_code(place))
    await member.choose("Đồng ý")
    shown = await member.say("2009")  # 17
    assert ("Dạ, đã ghi tên Lê Văn Nam" in shown) is joins
    assert ("đủ 18 tuổi" in shown) is not joins
