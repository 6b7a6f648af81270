"""People: collaborators, chairs and the accounts of households, with their role and place."""

from __future__ import annotations

from sqlalchemy import bindparam, select, update

from conversations.domain import Person, Role
from conversations.text import clean
from storage import tables as t
from storage.fastsql import Statement
from storage.sql import Repository, columns_of, select_model, to_model

_PERSON = columns_of(Person)
# The statement every message from a known person runs (compiled: storage.fastsql).
PERSON = Statement(lambda d: select_model(t.people, Person).where(t.people.c.id == bindparam("id")))


class PeopleRepository(Repository):
    async def add(
        self,
        name: str,
        role: Role,
        *,
        commune_id: int | None = None,
        village_id: int | None = None,
        phone: str | None = None,
    ) -> Person:
        row = await self.sql.first(
            t.people.insert()
            .values(
                name=clean(name),
                role=role,
                commune_id=commune_id,
                village_id=village_id,
                phone=phone,
                created_at=self.now,
            )
            .returning(*(t.people.c[name] for name in _PERSON))
        )
        person = to_model(Person, row)
        assert person is not None
        return person

    async def get(self, person_id: int) -> Person | None:
        return to_model(Person, await self.sql.one(PERSON, {"id": person_id}))

    async def find(self, commune_id: int, name: str, role: Role) -> Person | None:
        """The person of this commune with exactly this name and role (the oldest)."""
        p = t.people.c
        return to_model(
            Person,
            await self.sql.first(
                select_model(t.people, Person)
                .where(p.commune_id == commune_id, p.name == name, p.role == role)
                .order_by(p.id)
                .limit(1)
            ),
        )

    async def set_disabled(self, person_id: int, disabled: bool) -> Person | None:
        """Switch a person off (or on again); None when there is no such person."""
        row = await self.sql.first(
            update(t.people)
            .where(t.people.c.id == person_id)
            .values(disabled=disabled)
            .returning(*(t.people.c[name] for name in _PERSON))
        )
        return to_model(Person, row)

    async def set_phone(self, person_id: int, phone: str) -> None:
        await self.sql.execute(
            update(t.people).where(t.people.c.id == person_id).values(phone=phone)
        )

    async def to_tell(
        self, commune_id: int, role: Role, village_id: int | None = None
    ) -> list[int]:
        """Active people of a role in a commune; for a village, its collaborators and the
        commune-wide ones."""
        p = t.people.c
        stmt = select(p.id).where(p.commune_id == commune_id, p.role == role, p.disabled.is_(False))
        if village_id is not None:
            stmt = stmt.where((p.village_id == village_id) | p.village_id.is_(None))
        return [int(i) for i in await self.sql.scalars(stmt.order_by(p.id))]

    async def in_commune(self, commune_id: int) -> list[Person]:
        """Everyone of a commune, by role and id (the `users list` command)."""
        rows = await self.sql.all(
            select_model(t.people, Person)
            .where(t.people.c.commune_id == commune_id)
            .order_by(t.people.c.role, t.people.c.id)
        )
        return [Person.model_validate(dict(zip(_PERSON, r, strict=True))) for r in rows]

    async def chairs_by_commune(self) -> dict[int, list[int]]:
        """commune id -> its active chairs, for every commune that has one."""
        p = t.people.c
        rows = await self.sql.all(
            select(p.commune_id, p.id)
            .where(p.role == "chair", p.disabled.is_(False), p.commune_id.is_not(None))
            .order_by(p.commune_id, p.id)
        )
        out: dict[int, list[int]] = {}
        for commune_id, person_id in rows:
            out.setdefault(int(commune_id), []).append(int(person_id))
        return out
