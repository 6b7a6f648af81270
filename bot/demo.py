"""A demo commune so a fresh checkout has something to talk to."""

from __future__ import annotations

from dataclasses import dataclass

from bot.admin.targets import DEFAULT_TARGETS
from bot.bootstrap import utc_now
from bot.demo_examples import ensure_examples
from bot.flows.context import Service
from bot.settings import Settings
from conversations.domain import LearningUnitKind, Role
from storage.db import Database
from storage.invites import Invite

DEMO_PROVINCE = "Tỉnh Nghệ An"
DEMO_COMMUNE = "Xã Kim Liên"
DEMO_VILLAGES = ("Thôn Hoàng Trù", "Thôn Sen 1", "Thôn Sen 2")
# Every household and clan of each demo village (a village of Kim Liên has a few hundred
# households): the totals every share in the digest and the exports is taken of.
DEMO_TOTALS = {
    "Thôn Hoàng Trù": (312, 9),
    "Thôn Sen 1": (268, 7),
    "Thôn Sen 2": (245, 6),
}
DEMO_COLLABORATOR = "Nguyễn Thị Lan"
DEMO_CHAIR = "Trần Văn Bình"
# The demo's "Đơn vị học tập" (issue 15): its head and staff join by the demo's invites.
DEMO_UNIT: tuple[str, LearningUnitKind, int] = ("Trường Tiểu học Kim Liên", "school", 32)
CONSOLE_USER = "local"
# An arbitrary key for PostgreSQL's advisory lock around creating the demo commune.
DEMO_LOCK = 0x686F63746170


@dataclass(frozen=True)
class DemoCommune:
    commune_id: int
    village_ids: tuple[int, ...]
    collaborator_id: int
    chair_id: int
    # Demo invites, reusable so the demo works for several people: role -> invite ("citizen":
    # the demo unit's staff; "unit_head", "village_head": of the demo unit, the first village).
    invites: dict[str, Invite]
    unit_id: int = 0
    # The example forms, (title, whose), when they were asked for (bot/demo_examples.py).
    examples: tuple[tuple[str, str], ...] = ()


def any_channel_token(settings: Settings) -> bool:
    return bool(settings.telegram_bot_token or settings.zalo_bot_token)


async def ensure_demo_for_terminal(
    db: Database, settings: Settings, examples: Service | None = None
) -> DemoCommune | None:
    """The demo commune for the terminal chat of a fresh checkout: only when no channel token
    is set and the database holds no commune and no person. A deployment never gets it: its
    multi-use chair invite would make anyone holding the code a chair. `examples`: also one
    example form of each title, with this service's packs and year."""
    if any_channel_token(settings):
        return None
    return await _ensure(db, only_if_empty=True, examples=examples)


async def ensure_demo(db: Database, examples: Service | None = None) -> DemoCommune:
    """Create (once) the demo province, commune, villages, targets and people, and bind the
    terminal chat to the demo collaborator (`hoctap demo`). `examples`: also one submitted
    example form of each of the five titles (scored with this service's packs, for its year),
    in the same transaction; without it (the tests' demo) nothing is waiting anywhere."""
    demo = await _ensure(db, only_if_empty=False, examples=examples)
    assert demo is not None
    return demo


async def _ensure(
    db: Database, *, only_if_empty: bool, examples: Service | None = None
) -> DemoCommune | None:
    async with db.unit_of_work(utc_now()) as uow:
        # Several processes starting at once may each run this: one at a time, or two of
        # them insert the same commune. The emptiness check is made under the same lock.
        await uow.lock(DEMO_LOCK)
        if only_if_empty and not await uow.is_empty():
            return None
        province = await uow.places.ensure_province(DEMO_PROVINCE)
        commune = await uow.places.ensure_commune(province.id, DEMO_COMMUNE, difficult_area=False)
        villages = [await uow.places.ensure_village(commune.id, name) for name in DEMO_VILLAGES]
        for village in villages:
            await uow.places.set_village_totals(village.id, *DEMO_TOTALS[village.name])
        await uow.places.set_villages_total(commune.id, len(DEMO_VILLAGES))
        existing = set((await uow.places.targets(commune.id)).keys())
        for (year, title), share in DEFAULT_TARGETS.items():
            if (year, title) not in existing:
                await uow.places.set_target(commune.id, year, title, share)

        async def person(name: str, role: Role) -> int:
            found = await uow.people.find(commune.id, name, role)
            if found is not None:
                return found.id
            return (await uow.people.add(name, role, commune_id=commune.id)).id

        collaborator = await person(DEMO_COLLABORATOR, "collaborator")
        chair = await person(DEMO_CHAIR, "chair")
        identity = await uow.chats.identity("console", CONSOLE_USER, CONSOLE_USER)
        if identity.person_id is None:
            await uow.chats.bind(identity.id, collaborator)
        invites: dict[str, Invite] = {}
        existing_invites = await uow.invites.of_commune(commune.id)
        # One example of each of the five subjects: households and clans by the collaborator,
        # the village by its head, the unit by its head, a person among the unit's staff.
        name, kind, staff = DEMO_UNIT
        unit = await uow.subjects.find_unit(commune.id, name) or await uow.subjects.add_unit(
            commune.id, name, kind, staff
        )
        wanted: tuple[tuple[Role, int | None, int | None], ...] = (
            ("collaborator", None, None),
            ("chair", None, None),
            ("household", villages[0].id, None),
            ("village_head", villages[0].id, None),
            ("unit_head", None, unit.id),
            ("citizen", None, unit.id),
        )
        for role, village_id, unit_id in wanted:
            usable = [
                i
                for i in existing_invites
                if i.role == role
                and i.village_id == village_id
                and i.unit_id == unit_id
                and i.usable(uow.now)
            ]
            invites[role] = (
                usable[0]
                if usable
                else await uow.invites.add(
                    role,
                    commune.id,
                    village_id=village_id,
                    unit_id=unit_id,
                    max_uses=None,
                )
            )
        made = (
            await ensure_examples(uow, examples, commune.id, villages[0].id, collaborator, unit.id)
            if examples is not None
            else []
        )
        return DemoCommune(
            commune.id,
            tuple(v.id for v in villages),
            collaborator,
            chair,
            invites,
            unit.id,
            tuple(made),
        )
