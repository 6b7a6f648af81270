"""The contract of the subjects issue 15 added (storage/subjects.py and its in-memory twin):
units, citizens, who holds "Công dân học tập", what a village's form is filled with, each
person's verification list, and /xoa of a person and of a household with its adults — on the
in-memory twin, SQLite, and PostgreSQL when TEST_DATABASE_URL is set."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime

from conversations.domain import AssessmentStatus, SubjectKind
from conversations.packs import TitleKind
from storage.assessments import Desk
from storage.ports import ChatUnitOfWork, UnitsOfWork
from storage.subjects import VillageFacts

NOW = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)


async def _form(
    uow: ChatUnitOfWork,
    title: TitleKind,
    subject_id: int,
    commune_id: int,
    village_id: int | None,
    status: AssessmentStatus,
    *,
    year: int = 2026,
    unit_id: int | None = None,
    answers: Mapping[str, object] | None = None,
) -> int:
    subject: SubjectKind = title
    made = await uow.assessments.add(
        title=title,
        subject_kind=subject,
        subject_id=subject_id,
        commune_id=commune_id,
        village_id=village_id,
        year=year,
        pack_id=title,
        pack_version="1",
        session={"answers": dict(answers or {})},
        created_by=None,
        unit_id=unit_id,
    )
    if status != "draft":
        await uow.assessments.set_status(made.id, status, actor_id=None, comment="Gặp Lê Văn Nam")
    return made.id


async def test_units_citizens_holders_and_what_a_village_knows(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        province = await uow.places.ensure_province("Tỉnh Nghệ An")
        commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", False)
        village = await uow.places.ensure_village(commune.id, "Thôn Sen 1")
        other = await uow.places.ensure_village(commune.id, "Thôn Sen 2")
        school = await uow.subjects.add_unit(commune.id, "Trường Tiểu học Kim Liên", "school", 30)
        assert await uow.subjects.find_unit(commune.id, "truong tieu hoc kim lien") == school
        assert (school.kind, school.staff_total, school.head_person_id) == ("school", 30, None)
        head = await uow.people.add("Lê Thị Mai", "unit_head", commune_id=commune.id)
        await uow.subjects.set_unit_head(school.id, head.id)
        await uow.subjects.update_unit(school.id, staff_total=32)
        assert await uow.subjects.unit_of_head(head.id) == school.model_copy(
            update={"staff_total": 32, "head_person_id": head.id}
        )
        assert [u.name for u in await uow.subjects.units(commune.id)] == [school.name]

        household = await uow.households.add(village.id, "Trần Thị Hoa")
        nam = await uow.subjects.add_citizen(
            commune.id, "Lê Văn Nam", household_id=household.id, village_id=village.id
        )
        hoa = await uow.subjects.add_citizen(
            commune.id, "Trần Thị Hoa", household_id=household.id, village_id=village.id
        )
        teacher = await uow.subjects.add_citizen(commune.id, "Phạm Thị Thu", unit_id=school.id)
        person = await uow.people.add("Lê Văn Nam", "citizen", commune_id=commune.id)
        await uow.subjects.bind_citizen(nam.id, person.id)
        assert (await uow.subjects.citizen_of_person(person.id)) == nam.model_copy(
            update={"person_id": person.id}
        )
        assert [c.name for c in await uow.subjects.members(household.id)] == [
            "Lê Văn Nam",
            "Trần Thị Hoa",
        ]

        # Nam holds the title (recognised last year counts), Hoa does not yet; the household
        # holds "Gia đình học tập"; the teacher holds hers.
        await _form(uow, "citizen", nam.id, commune.id, village.id, "recognised", year=2025)
        await _form(uow, "citizen", hoa.id, commune.id, village.id, "verified")
        household_form = await _form(
            uow, "household", household.id, commune.id, village.id, "recognised"
        )
        await _form(uow, "citizen", teacher.id, commune.id, None, "recognised", unit_id=school.id)
        assert [c.name for c in await uow.subjects.holders(household.id, 2026)] == ["Lê Văn Nam"]
        assert await uow.subjects.unit_staff_holders(school.id, 2026) == 1
        assert await uow.subjects.unit_staff_holders(school.id, 2028) == 0

        clan = await uow.households.add_clan(commune.id, "Dòng họ Lê", village_ids=[village.id])
        await _form(uow, "clan", clan.id, commune.id, None, "recognised")
        facts = await uow.subjects.village_facts(village.id, 2026)
        # Without imported totals: no households base; the clans the bot knows are the base.
        # The household's form has not counted its adults: the village's adults are unknown,
        # not the two invited.
        assert facts == VillageFacts(None, 1, 1, 1, None, 1)
        await uow.assessments.save_session(
            household_form,
            {"answers": {"adults": 3}},
            changed={"adults": (None, 3)},
            actor_id=None,
            channel=None,
        )
        assert (await uow.subjects.village_facts(village.id, 2026)).adults_total == 3
        # A second registered family that has not counted its adults yet: unknown again.
        await uow.households.add(village.id, "Đỗ Văn Tư")
        assert (await uow.subjects.village_facts(village.id, 2026)).adults_total is None
        # A village with no registered family: nothing counted, so nothing known.
        assert await uow.subjects.village_facts(other.id, 2026) == VillageFacts(
            None, 0, None, 0, None, 0
        )


async def test_each_person_checks_only_their_own_desk(units: UnitsOfWork) -> None:
    async with units(NOW) as uow:
        province = await uow.places.ensure_province("Tỉnh Nghệ An")
        commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", False)
        village = await uow.places.ensure_village(commune.id, "Thôn Sen 1")
        school = await uow.subjects.add_unit(commune.id, "Trường Tiểu học Kim Liên", "school")
        clinic = await uow.subjects.add_unit(commune.id, "Trạm Y tế xã Kim Liên", "health")
        household = await uow.households.add(village.id, "Trần Thị Hoa")
        nam = await uow.subjects.add_citizen(
            commune.id, "Lê Văn Nam", household_id=household.id, village_id=village.id
        )
        teacher = await uow.subjects.add_citizen(commune.id, "Phạm Thị Thu", unit_id=school.id)
        nurse = await uow.subjects.add_citizen(commune.id, "Đỗ Văn Hùng", unit_id=clinic.id)
        ids = {
            "household": await _form(
                uow, "household", household.id, commune.id, village.id, "submitted"
            ),
            "member": await _form(uow, "citizen", nam.id, commune.id, village.id, "submitted"),
            "teacher": await _form(
                uow, "citizen", teacher.id, commune.id, None, "submitted", unit_id=school.id
            ),
            "nurse": await _form(
                uow, "citizen", nurse.id, commune.id, None, "submitted", unit_id=clinic.id
            ),
            "village": await _form(uow, "village", village.id, commune.id, village.id, "submitted"),
            "unit": await _form(uow, "unit", school.id, commune.id, None, "submitted"),
        }

        async def desk(desk: Desk, village_id: int | None = None) -> set[str]:
            forms = await uow.assessments.with_status(
                commune.id, 2026, ["submitted"], village_id=village_id, desk=desk
            )
            count = await uow.assessments.count_with_status(
                commune.id, 2026, ["submitted"], village_id=village_id, desk=desk
            )
            names = {name for name, i in ids.items() if i in {f.id for f in forms}}
            assert count == len(names)
            return names

        collaborator = Desk(("household", "clan", "citizen"), no_units=True)
        assert await desk(collaborator, village.id) == {"household", "member"}
        assert await desk(collaborator) == {"household", "member"}
        assert await desk(Desk(("citizen",), unit_id=school.id)) == {"teacher"}
        assert await desk(Desk(("village", "unit"))) == {"village", "unit"}
        unit_form = await uow.assessments.get(ids["unit"])
        assert unit_form is not None and (unit_form.unit_id, unit_form.subject_id) == (
            school.id,
            school.id,
        )
        teacher_form = await uow.assessments.get(ids["teacher"])
        assert teacher_form is not None
        assert (teacher_form.citizen_id, teacher_form.unit_id) == (teacher.id, school.id)


async def test_forgetting_a_household_forgets_its_adults_and_a_person_themselves(
    units: UnitsOfWork,
) -> None:
    async with units(NOW) as uow:
        province = await uow.places.ensure_province("Tỉnh Nghệ An")
        commune = await uow.places.ensure_commune(province.id, "Xã Kim Liên", False)
        village = await uow.places.ensure_village(commune.id, "Thôn Sen 1")
        school = await uow.subjects.add_unit(commune.id, "Trường Tiểu học Kim Liên", "school")
        household = await uow.households.add(village.id, "Trần Thị Hoa")
        nam = await uow.subjects.add_citizen(
            commune.id, "Lê Văn Nam", household_id=household.id, village_id=village.id
        )
        person = await uow.people.add("Lê Văn Nam", "citizen", commune_id=commune.id)
        await uow.subjects.bind_citizen(nam.id, person.id, birth_year=1968)
        teacher = await uow.subjects.add_citizen(
            commune.id, "Phạm Thị Thu", unit_id=school.id, birth_year=1986
        )
        # The year each gave; binding without one keeps it.
        thu = await uow.people.add("Phạm Thị Thu", "citizen", commune_id=commune.id)
        await uow.subjects.bind_citizen(teacher.id, thu.id)
        stored = [await uow.subjects.citizen(c.id) for c in (nam, teacher)]
        assert [c.birth_year for c in stored if c is not None] == [1968, 1986]
        answers = {"full_name": "Lê Văn Nam", "learning_plan": "always"}
        nam_form = await _form(
            uow, "citizen", nam.id, commune.id, village.id, "returned", answers=answers
        )
        teacher_form = await _form(
            uow,
            "citizen",
            teacher.id,
            commune.id,
            None,
            "submitted",
            unit_id=school.id,
            answers={"full_name": "Phạm Thị Thu"},
        )
        await uow.households.forget(household.id, ["full_name"])
        await uow.subjects.forget_citizen(teacher.id, ["full_name"])

    async with units(NOW) as uow:
        for citizen_id, form_id in ((nam.id, nam_form), (teacher.id, teacher_form)):
            citizen = await uow.subjects.citizen(citizen_id)
            assert citizen is not None and (citizen.name, citizen.birth_year) == ("", None)
            form = await uow.assessments.get(form_id)
            assert form is not None
            assert "full_name" not in form.answers and form.comment is None
        forgotten = await uow.people.get(person.id)
        assert forgotten is not None and forgotten.name == "" and forgotten.disabled
        assert await uow.subjects.members(household.id) == []
        assert await uow.subjects.citizen_of_person(person.id) is None
        # Gone from every list: nobody can verify a form of a person who deleted their data.
        listed = await uow.assessments.with_status(commune.id, 2026, ["submitted", "returned"])
        assert listed == []
