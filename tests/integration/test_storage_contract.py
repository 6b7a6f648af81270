"""The repositories' contract: what each repository of a unit of work promises, through its
public methods only, with domain models coming back.

What the chat path needs (storage/ports.py) runs against every store the `units` fixture
offers: the in-memory twin (storage/memory), SQLite always, PostgreSQL when
TEST_DATABASE_URL is set; every method of the ports is used here at least once. The SQL
repositories' other methods (reports, the outbox worker, the administrators' commands) run
against the databases only (`db`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from conversations.domain import Assessment, AssessmentStatus, ChannelIdentity, Household, Person
from storage.assessments import EvidencePhoto, LogEntry
from storage.db import Database
from storage.places import PlaceError
from storage.ports import ChatUnitOfWork, UnitsOfWork
from storage.schedules import Schedule

NOW = datetime(2026, 3, 2, 8, 0, tzinfo=UTC)


async def _place(uow: ChatUnitOfWork) -> tuple[int, int]:
    province = await uow.places.ensure_province("Tỉnh Nghệ An")
    commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", difficult_area=False)
    village = await uow.places.ensure_village(commune.id, "Thôn Sen 1")
    return commune.id, village.id


async def _assessment(
    uow: ChatUnitOfWork, household: Household, commune_id: int, **kwargs: object
) -> Assessment:
    values: dict[str, object] = {
        "title": "household",
        "subject_kind": "household",
        "subject_id": household.id,
        "commune_id": commune_id,
        "village_id": household.village_id,
        "year": 2026,
        "pack_id": "gdht",
        "pack_version": "1",
        "session": {"answers": {}},
        "created_by": None,
        **kwargs,
    }
    return await uow.assessments.add(**values)  # type: ignore[arg-type]


# --- the chat path's ports: memory, SQLite, PostgreSQL ---------------------------------------


async def test_updates_are_claimed_once_and_chat_state_round_trips(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        assert await uow.chats.claim_update("telegram", "1")
        assert not await uow.chats.claim_update("telegram", "1")
        assert await uow.chats.claim_update("zalo", "1")
        await uow.chats.save_state("telegram", "7", {"screen": "menu"})  # never read: no row
        assert await uow.chats.state("telegram", "7") == {}
        assert await uow.chats.state("telegram", "42") == {}
        state = {"screen": "menu", "n": 3, "options": ("a", "b")}
        await uow.chats.save_state("telegram", "42", state)
        state["n"] = 4  # what was saved is a copy, stored as JSON
    async with units(NOW) as uow:
        stored = await uow.chats.state("telegram", "42")
        assert stored == {"screen": "menu", "n": 3, "options": ["a", "b"]}
        stored["n"] = 5
        assert (await uow.chats.state("telegram", "42"))["n"] == 3


async def test_a_unit_of_work_that_raises_leaves_nothing(units: UnitsOfWork) -> None:
    with pytest.raises(RuntimeError):
        async with units(NOW) as uow:
            await uow.chats.claim_update("telegram", "9")
            person = await uow.people.add("Lan", "collaborator")
            await uow.chats.save_state("telegram", "42", {"screen": "menu"})
            assert await uow.people.get(person.id) == person  # seen within the unit
            raise RuntimeError("the handler failed")
    async with units(NOW) as uow:
        assert await uow.chats.claim_update("telegram", "9")
        assert await uow.people.get(person.id) is None
        assert await uow.chats.state("telegram", "42") == {}


async def test_identities_are_made_once_and_become_reachable_again(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        first = await uow.chats.identity("telegram", "u1", "c1")
        assert isinstance(first, ChannelIdentity) and first.person_id is None
        assert first.locale == "vi" and not first.unreachable
        assert (await uow.chats.identity("telegram", "u1", "c1")).id == first.id
        other = await uow.chats.identity("zalo", "u1", "z1")
        assert other.id != first.id
        person = await uow.people.add("Nguyễn Thị Lan", "collaborator")
        await uow.chats.bind(first.id, person.id)
        await uow.chats.set_locale(first.id, "en")
        assert await uow.chats.set_unreachable("telegram", "c1") == 1
        assert await uow.chats.set_unreachable("telegram", "c1") == 0
        assert await uow.chats.identities_of(person.id) == []
        assert await uow.chats.chats_with_role("telegram", ["collaborator"]) == []
        again = await uow.chats.identity("telegram", "u1", "c1")
        assert not again.unreachable and again.person_id == person.id and again.locale == "en"
        assert [i.id for i in await uow.chats.identities_of(person.id)] == [first.id]
        assert await uow.chats.locale("telegram", "c1") == "en"
        assert await uow.chats.locale("telegram", "nobody") is None
        assert await uow.chats.chats_with_role("telegram", ["collaborator"]) == [
            ("c1", "collaborator")
        ]
        assert await uow.chats.chats_with_role("telegram", ["chair"]) == []
        assert await uow.chats.chats_with_role("zalo", ["collaborator"]) == []


async def test_people_and_places(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        commune_id, village_id = await _place(uow)
        # Idempotent, and found by the name as it is typed.
        assert (await _place(uow)) == (commune_id, village_id)
        commune, province = await uow.places.find_commune("kim lien")
        assert (commune.id, province) == (commune_id, "Tỉnh Nghệ An")
        assert await uow.places.commune(commune_id) == commune
        assert (await uow.places.find_village(commune, "sen 1")).id == village_id
        with pytest.raises(PlaceError):
            await uow.places.find_commune("Lũng Cú")
        with pytest.raises(PlaceError):
            await uow.places.find_village(commune, "Sen 9")
        sen_2 = await uow.places.ensure_village(commune_id, "Thôn Sen 2")
        assert [v.id for v in await uow.places.villages(commune_id)] == [village_id, sen_2.id]
        village = await uow.places.village(village_id)
        assert village is not None and village.name == "Thôn Sen 1"
        assert await uow.places.village(10_000) is None

        collaborator = await uow.people.add(
            "  Trần   Văn Bình ", "collaborator", commune_id=commune_id, phone="0912"
        )
        assert isinstance(collaborator, Person) and collaborator.name == "Trần Văn Bình"
        assert await uow.people.get(collaborator.id) == collaborator
        village_one = await uow.people.add(
            "Lê An", "collaborator", commune_id=commune_id, village_id=village_id
        )
        await uow.people.add("Lê Bình", "collaborator", commune_id=commune_id, village_id=sen_2.id)
        await uow.people.add("Hồ Chủ", "chair", commune_id=commune_id)
        assert await uow.people.to_tell(commune_id, "collaborator", village_id) == [
            collaborator.id,
            village_one.id,
        ]
        assert len(await uow.people.to_tell(commune_id, "collaborator")) == 3


async def test_households_duplicates_merge_and_clans(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        commune_id, village_id = await _place(uow)
        person = await uow.people.add("Lê Văn An", "household", commune_id=commune_id)
        first = await uow.households.add(village_id, "Lê Văn An")
        second = await uow.households.register(village_id, "le van an", person.id)
        assert isinstance(second, Household)
        assert await uow.households.of_person(person.id) == second
        assert [h.id for h in await uow.households.likely_duplicates(second)] == [first.id]
        assert await uow.households.duplicate_groups(commune_id) == [
            ("Lê Văn An", "Thôn Sen 1", [first.id, second.id])
        ]
        clan = await uow.households.add_clan(commune_id, "Họ Lê", village_ids=[village_id])
        await uow.households.link_clan_household(clan.id, second.id)
        await uow.households.link_clan_household(clan.id, second.id)
        await uow.households.merge(first.id, second.id)
        kept = await uow.households.get(first.id)
        assert kept is not None and kept.person_id == person.id
        assert await uow.households.clan_member_stats(clan.id, 2026) == (1, 0)
        assert await uow.households.clan(clan.id) == clan
        found = await uow.households.find(commune_id, "van an")
        assert [(h.id, v) for h, v in found] == [(first.id, "Thôn Sen 1")]
        # Merged away: no longer a duplicate of anything.
        assert await uow.households.duplicate_groups(commune_id) == []
        assert await uow.households.likely_duplicates(kept) == []


async def test_households_are_renamed_found_and_counted_in_their_clan(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        commune_id, village_id = await _place(uow)
        sen_2 = await uow.places.ensure_village(commune_id, "Thôn Sen 2")
        hoa = await uow.households.add(village_id, "Phạm Thị Hoa")
        binh = await uow.households.add(sen_2.id, "Đỗ Văn Bình", phone="0913")
        await uow.households.add(village_id, "Phạm Văn Hòa")
        await uow.households.rename(hoa.id, "  Phạm Thị Hoà ")
        renamed = await uow.households.get(hoa.id)
        assert renamed is not None and renamed.head_name == "Phạm Thị Hoà"
        assert await uow.households.get(10_000) is None
        assert await uow.households.of_person(10_000) is None
        found = await uow.households.find(commune_id, "PHAM")
        assert [h.head_name for h, _ in found] == ["Phạm Thị Hoà", "Phạm Văn Hòa"]
        assert len(await uow.households.find(commune_id, "pham", limit=1)) == 1
        assert await uow.households.find(commune_id, "50%") == []
        # A collaborator's search: their village only, filtered before the limit.
        await uow.households.add(sen_2.id, "Phạm Văn An")
        assert len(await uow.households.find(commune_id, "pham", limit=1)) == 1
        in_sen_2 = await uow.households.find(commune_id, "pham", limit=1, village_id=sen_2.id)
        assert [(h.head_name, v) for h, v in in_sen_2] == [("Phạm Văn An", "Thôn Sen 2")]
        assert await uow.households.duplicate_groups(commune_id, sen_2.id) == []

        clan = await uow.households.add_clan(
            commune_id, "Họ Phạm", head_name="Phạm Văn A", member_count=12
        )
        assert clan.village_ids == () and await uow.households.clan_village_ids(clan.id) == set()
        await uow.households.add_clan_village(clan.id, sen_2.id)
        await uow.households.add_clan_village(clan.id, village_id)
        await uow.households.add_clan_village(clan.id, village_id)
        assert await uow.households.clan_village_ids(clan.id) == {village_id, sen_2.id}
        await uow.households.update_clan(clan.id, name="Họ Phạm Văn", member_count=15)
        updated = await uow.households.clan(clan.id)
        assert updated is not None
        assert (updated.name, updated.member_count) == ("Họ Phạm Văn", 15)
        assert updated.village_ids == tuple(sorted((village_id, sen_2.id)))
        assert await uow.households.clan(10_000) is None

        for household in (hoa, binh):
            await uow.households.link_clan_household(clan.id, household.id)
        # A title recognised last year still counts; a draft does not.
        last_year = await _assessment(uow, hoa, commune_id, year=2025)
        await uow.assessments.set_status(last_year.id, "recognised", actor_id=None)
        await _assessment(uow, binh, commune_id, year=2026)
        assert await uow.households.clan_member_stats(clan.id, 2026) == (2, 1)
        assert await uow.households.clan_member_stats(clan.id, 2028) == (2, 0)


async def test_assessments_log_and_lists(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        commune_id, village_id = await _place(uow)
        household = await uow.households.add(village_id, "Phạm Thị Hoa")
        assessment = await uow.assessments.add(
            title="household",
            subject_kind="household",
            subject_id=household.id,
            commune_id=commune_id,
            village_id=village_id,
            year=2026,
            pack_id="gdht",
            pack_version="1",
            session={"answers": {"village": "Thôn Sen 1"}},
            created_by=None,
        )
        assert isinstance(assessment, Assessment) and assessment.status == "draft"
        assert await uow.assessments.for_subject("household", household.id, "household", 2026)
        uow.now = NOW + timedelta(minutes=1)
        await uow.assessments.save_session(
            assessment.id,
            {"answers": {"village": "Thôn Sen 1", "members": 4}},
            changed={"members": (None, 4)},
            actor_id=None,
            channel="telegram",
        )
        await uow.assessments.set_status(
            assessment.id, "submitted", actor_id=None, submitted_at=uow.now
        )
        saved = await uow.assessments.get(assessment.id)
        assert saved is not None and saved.answers["members"] == 4
        assert saved.status == "submitted" and saved.updated_at == NOW + timedelta(minutes=1)
        history = await uow.assessments.history(assessment.id)
        assert all(isinstance(entry, LogEntry) for entry in history)
        assert [(e.action, e.field, e.old, e.new) for e in history] == [
            ("status", "status", None, "draft"),
            ("answer", "village", None, "Thôn Sen 1"),
            ("answer", "members", None, 4),
            ("status", "status", "draft", "submitted"),
        ]
        await uow.assessments.add_evidence(assessment.id, "photo", "telegram", "file-1")
        assert await uow.assessments.evidence_count(assessment.id) == 1
        listed = await uow.assessments.with_status(commune_id, 2026, ["submitted"])
        assert [a.id for a in listed] == [assessment.id]
        assert await uow.assessments.count_with_status(commune_id, 2026, ["submitted"]) == 1

        # Forgetting the household keeps the counts, not what names it.
        await uow.households.forget(household.id, ["village"])
        gone = await uow.households.get(household.id)
        assert gone is not None and gone.head_name == ""
        assert await uow.assessments.count_with_status(commune_id, 2026, ["submitted"]) == 0


async def test_drafts_updates_and_the_verification_lists(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        commune_id, village_id = await _place(uow)
        sen_2 = await uow.places.ensure_village(commune_id, "Thôn Sen 2")
        collaborator = await uow.people.add("Lan", "collaborator", commune_id=commune_id)
        here = await uow.households.add(village_id, "Hộ Một")
        there = await uow.households.add(sen_2.id, "Hộ Hai")
        older = await _assessment(uow, there, commune_id, created_by=collaborator.id)
        uow.now = NOW + timedelta(minutes=5)
        newer = await _assessment(uow, here, commune_id, created_by=collaborator.id)
        assert await uow.assessments.for_subject("household", here.id, "household", 2025) is None
        assert [a.id for a in await uow.assessments.drafts_by(collaborator.id)] == [
            newer.id,
            older.id,
        ]
        assert len(await uow.assessments.drafts_by(collaborator.id, limit=1)) == 1
        assert await uow.assessments.get(10_000) is None

        uow.now = NOW + timedelta(minutes=9)
        session = {"answers": {"members": 3}, "position": 2}
        await uow.assessments.update(older.id, session=session, total=80.0)
        session["position"] = 3  # stored as JSON: a copy
        updated = await uow.assessments.get(older.id)
        assert updated is not None and updated.session == {"answers": {"members": 3}, "position": 2}
        assert (updated.total, updated.updated_at, updated.answers) == (80.0, uow.now, {})

        verifier = collaborator.id
        for item in (older, newer):
            await uow.assessments.set_status(item.id, "submitted", actor_id=verifier)
        await uow.assessments.set_status(
            older.id,
            "returned",
            actor_id=verifier,
            channel="zalo",
            note="thiếu ảnh",
            comment="thiếu ảnh",
        )
        returned = await uow.assessments.get(older.id)
        assert returned is not None and returned.comment == "thiếu ảnh"
        last = (await uow.assessments.history(older.id))[-1]
        assert (last.actor_id, last.channel, last.old, last.new, last.note) == (
            verifier,
            "zalo",
            "submitted",
            "returned",
            "thiếu ảnh",
        )
        assert await uow.assessments.drafts_by(collaborator.id) == []

        both: list[AssessmentStatus] = ["submitted", "returned"]
        # By village, then id.
        assert [a.id for a in await uow.assessments.with_status(commune_id, 2026, both)] == [
            newer.id,
            older.id,
        ]
        assert [
            a.id for a in await uow.assessments.with_status(commune_id, 2026, both, limit=1)
        ] == [newer.id]
        by_village = await uow.assessments.with_status(commune_id, 2026, both, village_id=sen_2.id)
        assert [a.id for a in by_village] == [older.id]
        assert await uow.assessments.with_status(commune_id, 2025, both) == []
        assert await uow.assessments.count_with_status(commune_id, 2026, both) == 2
        assert (
            await uow.assessments.count_with_status(commune_id, 2026, both, village_id=village_id)
            == 1
        )

        # A clan's form is listed in each of the clan's villages.
        clan = await uow.households.add_clan(commune_id, "Họ Lê", village_ids=[sen_2.id])
        clan_form = await uow.assessments.add(
            title="clan",
            subject_kind="clan",
            subject_id=clan.id,
            commune_id=commune_id,
            village_id=sen_2.id,
            year=2026,
            pack_id="dhht",
            pack_version="1",
            session={},
            created_by=collaborator.id,
        )
        assert clan_form.clan_id == clan.id and clan_form.household_id is None
        drafts = await uow.assessments.with_status(commune_id, 2026, ["draft"], village_id=sen_2.id)
        assert [a.id for a in drafts] == [clan_form.id]


async def test_forgetting_a_household_removes_every_copy_of_what_names_it(
    units: UnitsOfWork,
) -> None:
    async with units(NOW) as uow:
        commune_id, village_id = await _place(uow)
        person = await uow.people.add(
            "Lê Thị Mai", "household", commune_id=commune_id, phone="0912345678"
        )
        own = await uow.chats.identity("telegram", "hu", "h1")
        await uow.chats.bind(own.id, person.id)
        household = await uow.households.register(village_id, "Lê Thị Mai", person.id, "0912345678")
        copy = await uow.households.add(village_id, "Le Thi Mai")
        await uow.households.merge(household.id, copy.id)
        collaborator = await uow.people.add("Trần Lan", "collaborator", commune_id=commune_id)
        for chat in ("c1", "c2"):
            identity = await uow.chats.identity("telegram", f"u{chat}", chat)
            await uow.chats.bind(identity.id, collaborator.id)
        for chat in ("h1", "c1", "c2"):
            await uow.chats.state("telegram", chat)  # a chat's state is saved once it is read
        await uow.chats.save_state("telegram", "h1", {"screen": "assessment", "n": 7})
        await uow.chats.save_state(
            "telegram", "c1", {"screen": "review", "n": 4, "labels": ["Lê Thị Mai"]}
        )
        await uow.chats.save_state("telegram", "c2", {"screen": "menu", "n": 2})

        form = await _assessment(
            uow,
            household,
            commune_id,
            session={"answers": {"village": "Thôn Sen 1", "note": "cạnh nhà bà Hạnh"}},
        )
        await uow.assessments.set_status(
            form.id, "returned", actor_id=collaborator.id, note="hỏi bà Hạnh", comment="hỏi lại"
        )
        await uow.assessments.add_evidence(form.id, "photo", "telegram", "file-xyz")
        notice = {"kind": "notice", "person_id": collaborator.id, "commune_id": None}
        about = await uow.outbox.enqueue(
            key="n1",
            payload={"channel": "telegram", "text": "Hộ Lê Thị Mai", "household_id": household.id},
            **notice,  # type: ignore[arg-type]
        )
        older = await uow.outbox.enqueue(
            key="n2",
            payload={"channel": "telegram", "text": "Lê Thị Mai đã gửi"},
            **notice,  # type: ignore[arg-type]
        )
        unrelated = await uow.outbox.enqueue(
            key="n3",
            payload={"channel": "telegram", "text": "Lê Thị Maia đã gửi"},
            **notice,  # type: ignore[arg-type]
        )
        await uow.households.forget(household.id, ["note"])

        for gone_id in (household.id, copy.id):
            gone = await uow.households.get(gone_id)
            assert gone is not None and (gone.head_name, gone.phone) == ("", None)
        assert await uow.households.of_person(person.id) is None
        blank = await uow.people.get(person.id)
        assert blank is not None and (blank.name, blank.phone, blank.disabled) == ("", None, True)
        assert await uow.chats.identities_of(person.id) == []
        assert (await uow.chats.identity("telegram", "hu", "h1")).person_id is None
        # Its own chat and the screen naming it start again; others are left alone.
        assert await uow.chats.state("telegram", "h1") == {"n": 7}
        assert await uow.chats.state("telegram", "c1") == {"n": 4}
        assert await uow.chats.state("telegram", "c2") == {"screen": "menu", "n": 2}

        kept = await uow.assessments.get(form.id)
        assert kept is not None and kept.status == "returned" and kept.comment is None
        assert kept.answers == {"village": "Thôn Sen 1"}
        assert kept.session["answers"] == {"village": "Thôn Sen 1"}
        assert await uow.assessments.evidence_count(form.id) == 0
        history = await uow.assessments.history(form.id)
        assert [e.note for e in history if e.action == "status"] == [None, None]
        assert [(e.field, e.new) for e in history if e.action == "answer"] == [
            ("village", "Thôn Sen 1"),
            ("note", None),
        ]
        assert (history[-1].action, history[-1].note) == ("privacy", "deleted")

        pushes = {item.id: item for item in await uow.outbox.list()}
        assert [pushes[i].status for i in (about, older, unrelated)] == [  # type: ignore[index]
            "cancelled",
            "cancelled",
            "pending",
        ]
        assert pushes[about].payload == {"channel": "telegram"}  # type: ignore[index]
        assert pushes[unrelated].payload["text"] == "Lê Thị Maia đã gửi"  # type: ignore[index]
        assert await uow.outbox.counts() == {"cancelled": 2, "pending": 1}


async def test_evidence_photos_are_listed_in_order_and_forgotten(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        commune_id, village_id = await _place(uow)
        household = await uow.households.add(village_id, "Phạm Văn Hòa")
        form = await _assessment(uow, household, commune_id)
        other = await _assessment(uow, household, commune_id, year=2025)
        await uow.assessments.add_evidence(form.id, "books", "telegram", "file-b")
        await uow.assessments.add_evidence(form.id, "school", "zalo", "https://zalo/a.jpg")
        await uow.assessments.add_evidence(other.id, "books", "telegram", "file-old")
    async with units(NOW) as uow:
        # Not copied into the photo store yet: no stored name.
        assert await uow.assessments.evidence(form.id) == [
            EvidencePhoto("books", "telegram", "file-b", None),
            EvidencePhoto("school", "zalo", "https://zalo/a.jpg", None),
        ]
        assert [p.file_ref for p in await uow.assessments.evidence(other.id)] == ["file-old"]
        await uow.households.forget(household.id, [])
    async with units(NOW) as uow:
        assert await uow.assessments.evidence(form.id) == []
        assert await uow.assessments.evidence(other.id) == []


async def test_invites_are_used_up_and_guesses_counted(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        commune_id, village_id = await _place(uow)
        invite = await uow.invites.add("collaborator", commune_id)
        assert await uow.invites.get(invite.code.lower()) == invite
        assert await uow.invites.get("NOSUCHCODE") is None
        assert await uow.invites.use(invite.id)
        assert not await uow.invites.use(invite.id)
        assert await uow.invites.revoke(invite.code)
        assert not await uow.invites.revoke(invite.code)
        [stored] = await uow.invites.of_commune(commune_id)
        assert not stored.usable(NOW)
        await uow.invites.record_failure("zalo", "c9", NOW - timedelta(hours=1))
        assert await uow.invites.failures("zalo", "c9", NOW - timedelta(minutes=1)) == [NOW]

        # A village QR code: any number of uses until it expires.
        expires = NOW + timedelta(days=30)
        qr = await uow.invites.add(
            "household", commune_id, village_id=village_id, max_uses=None, expires_at=expires
        )
        assert all([await uow.invites.use(qr.id) for _ in range(3)])
        used = await uow.invites.get(qr.code)
        assert used is not None and used.uses == 3 and used.expires_at == expires
        assert used.usable(NOW) and not used.usable(expires)
        assert [i.id for i in await uow.invites.of_commune(commune_id)] == [invite.id, qr.id]
        assert await uow.invites.of_commune(10_000) == []


async def test_wrong_codes_are_counted_per_chat_and_forgotten(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        await uow.invites.record_failure("telegram", "c2", NOW - timedelta(hours=1))
        for minutes in (0, 10, 20):
            uow.now = NOW + timedelta(minutes=minutes)
            await uow.invites.record_failure("telegram", "c1", NOW - timedelta(hours=1))
        since = NOW + timedelta(minutes=5)
        assert await uow.invites.failures("telegram", "c1", since) == [
            NOW + timedelta(minutes=10),
            NOW + timedelta(minutes=20),
        ]
        assert await uow.invites.failures("zalo", "c1", NOW - timedelta(days=1)) == []
        # Recording one forgets every chat's attempts older than `forget_before`.
        uow.now = NOW + timedelta(hours=2)
        await uow.invites.record_failure("telegram", "c3", NOW + timedelta(minutes=15))
        early = NOW - timedelta(days=1)
        assert await uow.invites.failures("telegram", "c1", early) == [NOW + timedelta(minutes=20)]
        assert await uow.invites.failures("telegram", "c2", early) == []


async def test_the_outbox_queues_each_key_once(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        commune_id, _ = await _place(uow)
        chair = await uow.people.add("Trần Văn Bình", "chair", commune_id=commune_id)
        kwargs = {"kind": "digest", "person_id": chair.id, "commune_id": commune_id}
        first = await uow.outbox.enqueue(key="k1", payload={"a": (1, 2)}, **kwargs)  # type: ignore[arg-type]
        assert first is not None
        assert await uow.outbox.enqueue(key="k1", payload={}, **kwargs) is None  # type: ignore[arg-type]
        second = await uow.outbox.enqueue(
            key="k2", kind="notice", person_id=chair.id, commune_id=None, payload={}
        )
        assert await uow.outbox.existing_keys(["k1", "k2", "k3"]) == {"k1", "k2"}
        assert await uow.outbox.existing_keys([]) == set()
    async with units(NOW) as uow:
        newest_first = await uow.outbox.list()
        assert [i.id for i in newest_first] == [second, first]
        [item] = await uow.outbox.list(commune_id=commune_id)
        assert (item.key, item.kind, item.status, item.attempts) == ("k1", "digest", "pending", 0)
        assert dict(item.payload) == {"a": [1, 2]} and item.created_at == NOW
        assert item.next_attempt_at == NOW and item.channel is None and item.sent_at is None
        assert [i.id for i in await uow.outbox.list(status="pending", limit=1)] == [second]
        assert await uow.outbox.list(status="sent") == []
        assert await uow.outbox.counts() == {"pending": 2}


# --- the SQL repositories' other methods: SQLite, PostgreSQL --------------------------------


async def test_a_database_that_raised_stays_empty(db: Database) -> None:
    with pytest.raises(RuntimeError):
        async with db.unit_of_work(NOW) as uow:
            await uow.people.add("Lan", "collaborator")
            raise RuntimeError("the handler failed")
    async with db.unit_of_work(NOW) as uow:
        assert await uow.is_empty()


async def test_a_recipient_is_a_reachable_chat(db: Database) -> None:
    async with db.unit_of_work(NOW) as uow:
        identity = await uow.chats.identity("telegram", "u1", "c1")
        person = await uow.people.add("Nguyễn Thị Lan", "collaborator")
        await uow.chats.bind(identity.id, person.id)
        recipient = await uow.chats.recipient(person.id, ["telegram"], ["telegram"])
        assert recipient is not None and recipient.chat_id == "c1"


async def test_targets_renames_and_chairs(db: Database) -> None:
    async with db.unit_of_work(NOW) as uow:
        commune_id, village_id = await _place(uow)
        await uow.places.set_target(commune_id, 2030, "household", 80.0)
        await uow.places.set_target(commune_id, 2030, "household", 85.0)
        assert await uow.places.targets(commune_id) == {(2030, "household"): 85.0}
        await uow.places.rename("village", village_id, "Thôn Sen Một")
        assert [v.name for v in await uow.places.villages(commune_id)] == ["Thôn Sen Một"]

        chair = await uow.people.add("Trần Văn Bình", "chair", commune_id=commune_id)
        assert await uow.people.chairs_by_commune() == {commune_id: [chair.id]}
        disabled = await uow.people.set_disabled(chair.id, True)
        assert disabled is not None and disabled.disabled
        assert await uow.people.set_disabled(10_000, True) is None
        assert await uow.people.chairs_by_commune() == {}


async def test_outbox_claims_once_and_schedules_round_trip(db: Database) -> None:
    async with db.unit_of_work(NOW) as uow:
        commune_id, _ = await _place(uow)
        chair = await uow.people.add("Trần Văn Bình", "chair", commune_id=commune_id)
        kwargs = {"kind": "digest", "person_id": chair.id, "commune_id": commune_id}
        first = await uow.outbox.enqueue(key="k1", payload={"a": 1}, **kwargs)  # type: ignore[arg-type]
        assert first is not None
        await uow.schedules.set_digest(commune_id, Schedule(weekday=2, at_time="06:30"))
        assert await uow.schedules.digests() == {commune_id: Schedule(True, 2, "06:30", None, None)}
    async with db.unit_of_work(NOW) as uow:
        owner, items = await uow.outbox.claim(NOW, timedelta(minutes=5), 10, "w")
        assert [(i.id, i.status, dict(i.payload)) for i in items] == [(first, "sending", {"a": 1})]
        assert items[0].created_at == NOW
        assert not (await uow.outbox.claim(NOW, timedelta(minutes=5), 10, "w"))[1]
        assert await uow.outbox.start(first, owner, "telegram", "c1", NOW)
        assert not await uow.outbox.sent(first, "someone else", NOW)
        assert await uow.outbox.sent(first, owner, NOW)
        assert await uow.outbox.counts() == {"sent": 1}


async def test_photos_are_claimed_once_stored_or_tried_again(db: Database) -> None:
    async with db.unit_of_work(NOW) as uow:
        commune_id, village_id = await _place(uow)
        household = await uow.households.add(village_id, "Phạm Văn Hòa")
        form = await _assessment(uow, household, commune_id)
        await uow.assessments.add_evidence(form.id, "books", "telegram", "file-1")
        await uow.assessments.add_evidence(form.id, "books", "telegram", "file-2")
        await uow.assessments.add_evidence(form.id, "books", "zalo", "https://zalo/x.jpg")
    later = NOW + timedelta(minutes=10)
    async with db.unit_of_work(NOW) as uow:
        due = await uow.photos.due(["telegram"], max_attempts=3)
        assert [p.file_ref for p in due] == ["file-1", "file-2"]
        assert await uow.photos.claim(due[0], later)
        assert not await uow.photos.claim(due[0], later)  # taken: nobody else fetches it
        assert await uow.photos.claim(due[1], later)
    async with db.unit_of_work(NOW) as uow:
        assert await uow.photos.due(["telegram"], max_attempts=3) == []  # both under lease
        assert await uow.photos.stored(due[0].id, "stored-name-aaaaaaaaaaaaaa.jpg", 10)
        await uow.photos.failed(due[1].id, "TelegramServerError: 502", NOW + timedelta(minutes=1))
    async with db.unit_of_work(NOW + timedelta(minutes=2)) as uow:
        [again] = await uow.photos.due(["telegram"], max_attempts=3)
        assert (again.file_ref, again.attempts) == ("file-2", 1)
        assert await uow.photos.names() == {"stored-name-aaaaaaaaaaaaaa.jpg"}
        stored = {p.file_ref: p.stored for p in await uow.assessments.evidence(form.id)}
        assert stored == {
            "file-1": "stored-name-aaaaaaaaaaaaaa.jpg",
            "file-2": None,
            "https://zalo/x.jpg": None,
        }
        # Given up: never due again.
        await uow.photos.failed(again.id, "too big", None)
        assert await uow.photos.due(["telegram"], max_attempts=3) == []
