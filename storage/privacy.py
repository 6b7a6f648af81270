"""Deleting a household's personal data (/xoa; Nghị định 13/2023/NĐ-CP).

Every copy of what identifies its people goes: the names and phone numbers, free-text answers,
photo references, comments written about it, notices naming it (queued or already sent), its
chats' screens and any other chat's screen showing its name. What stays is anonymous: the
household row (blank, for the village's counts), its assessments' status, choices, numbers and
scores, the log of who changed what (without the values), clan memberships.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update

from storage import tables as t
from storage.assessments import LOG
from storage.media import PhotoFiles
from storage.sql import Sql

# A shorter string identifies nobody and would match unrelated words in other people's data.
MIN_SECRET = 3
# What a screen keeps when it is cleared: the counter that makes older buttons stale (starting
# it again would let an old button match a new list). The language is the account's.
KEPT_STATE = ("n",)
# An outbox row that was delivered stays counted as sent; any other will not be sent now.
DELIVERED = "sent"

_h, _p, _i, _c = t.households.c, t.people.c, t.identities.c, t.citizens.c


async def forget_household(
    sql: Sql,
    now: datetime,
    household_id: int,
    text_questions: Sequence[str],
    files: PhotoFiles | None = None,
) -> None:
    """Remove what identifies the household and its people; keep its anonymous counts.

    A household merged with this one (a duplicate registration the collaborator confirmed to
    be the same family) is the same household: its copy goes too. Its photos' copies in the
    photo store (`files`) are deleted at once, before the transaction commits: should it
    fail, the household asks again, and no copy is ever left behind by a crash after it.
    Its adult members assessed for "Công dân học tập" are its people: they go too."""
    group = await _merge_group(sql, household_id)
    members = set(await sql.scalars(select(_c.id).where(_c.household_id.in_(group))))
    await _forget(sql, now, group, members, text_questions, files)


async def forget_citizen(
    sql: Sql,
    now: datetime,
    citizen_id: int,
    text_questions: Sequence[str],
    files: PhotoFiles | None = None,
) -> None:
    """A person assessed for "Công dân học tập" removes what identifies them (/xoa), as a
    household does; the household they belong to keeps its own data."""
    await _forget(sql, now, set(), {citizen_id}, text_questions, files)


async def _forget(
    sql: Sql,
    now: datetime,
    group: set[int],
    citizen_ids: set[int],
    text_questions: Sequence[str],
    files: PhotoFiles | None,
) -> None:
    households = await sql.all(
        select(_h.id, _h.head_name, _h.phone, _h.person_id, _h.village_id)
        .where(_h.id.in_(group))
        .order_by(_h.id)
    )
    citizens = await sql.all(
        select(_c.name, _c.person_id, _c.commune_id).where(_c.id.in_(citizen_ids))
    )
    person_ids = {int(h[3]) for h in households if h[3] is not None}
    person_ids |= {int(c[1]) for c in citizens if c[1] is not None}
    people = await sql.all(select(_p.name, _p.phone).where(_p.id.in_(person_ids)))
    identities = await sql.all(
        select(_i.channel, _i.chat_id, _i.display_name).where(_i.person_id.in_(person_ids))
    )
    # Names and phone numbers: looked for in notices written before notices named their
    # household, and in other people's screens.
    names: set[str] = {h[1] for h in households} | {p[0] for p in people}
    names |= {h[2] or "" for h in households} | {p[1] or "" for p in people}
    names |= {i[2] or "" for i in identities} | {c[0] for c in citizens}
    secrets = names | await _forget_assessments(
        sql, now, group, set(text_questions), files, citizen_ids
    )

    await _forget_outbox(sql, group, person_ids, _usable(names))
    if households:
        commune_id = await sql.scalar(
            select(t.villages.c.commune_id).where(t.villages.c.id == households[0][4])
        )
    else:
        commune_id = citizens[0][2] if citizens else None
    # A free-text answer may be a place's name (the village, filled in by the bot): every
    # collaborator's screen shows those, and they name nobody.
    places = set(
        await sql.scalars(select(t.villages.c.name).where(t.villages.c.commune_id == commune_id))
    )
    places |= set(await sql.scalars(select(t.communes.c.name).where(t.communes.c.id == commune_id)))
    own_chats = {(str(i[0]), str(i[1])) for i in identities}
    await _forget_screens(sql, own_chats, commune_id, _usable(secrets - places))

    await sql.execute(
        update(t.households)
        .where(_h.id.in_(group))
        .values(
            head_name="",
            head_name_key="",
            phone=None,
            deleted_at=func.coalesce(_h.deleted_at, now),
        )
    )
    if citizen_ids:
        await sql.execute(
            update(t.citizens)
            .where(_c.id.in_(citizen_ids))
            .values(
                name="",
                name_key="",
                birth_year=None,
                deleted_at=func.coalesce(_c.deleted_at, now),
            )
        )
    if person_ids:
        await sql.execute(
            update(t.people).where(_p.id.in_(person_ids)).values(name="", phone=None, disabled=True)
        )
        await sql.execute(
            update(t.identities)
            .where(_i.person_id.in_(person_ids))
            .values(person_id=None, display_name=None)
        )
        # One-time links into the web page (storage/web.py), should any name these people.
        await sql.execute(delete(t.web_links).where(t.web_links.c.person_id.in_(person_ids)))


async def _merge_group(sql: Sql, household_id: int) -> set[int]:
    """The household and every row merged with it, however the merges were chained."""
    root = household_id
    ancestors = {root}
    while True:
        parent = await sql.scalar(select(_h.merged_into).where(_h.id == root))
        if parent is None or parent in ancestors:
            break
        root = int(parent)
        ancestors.add(root)
    group, frontier = ancestors | {root}, {root}
    while frontier:
        children = {
            int(i) for i in await sql.scalars(select(_h.id).where(_h.merged_into.in_(frontier)))
        }
        frontier = children - group
        group |= children
    return group


async def _forget_assessments(
    sql: Sql,
    now: datetime,
    group: set[int],
    text_questions: set[str],
    files: PhotoFiles | None = None,
    citizen_ids: set[int] | None = None,
) -> set[str]:
    """Free-text answers, photos and comments of the household's (and its members')
    assessments go; choices, numbers, scores and the status history stay. Returns the strings
    removed."""
    a, log = t.assessments.c, t.assessment_log.c
    removed: set[str] = set()
    assessments = await sql.all(
        select(a.id, a.answers, a.session, a.comment)
        .where(or_(a.household_id.in_(group), a.citizen_id.in_(citizen_ids or set())))
        .order_by(a.id)
    )
    for assessment_id, stored_answers, stored_session, comment in assessments:
        answers = dict(stored_answers or {})
        session = dict(stored_session or {})
        session_answers = dict(session.get("answers") or {})
        for question in text_questions:
            removed |= set(_strings(answers.pop(question, None)))
            removed |= set(_strings(session_answers.pop(question, None)))
        session["answers"] = session_answers
        # The engine keeps the photo references too, to count them at the review.
        removed |= set(_strings(list((session.pop("evidence", None) or {}).values())))
        removed |= set(_strings(comment))
        await sql.execute(
            update(t.assessments)
            .where(a.id == assessment_id)
            .values(answers=answers, session=session, comment=None)
        )

        # The log keeps who changed what and when; the values typed and the comments of
        # status changes (a reason for returning the form may name people) go.
        typed = (log.assessment_id == assessment_id, log.field.in_(text_questions))
        commented = (
            log.assessment_id == assessment_id,
            log.action == "status",
            log.note.is_not(None),
        )
        for old, new in await sql.all(select(log.old, log.new).where(*typed)):
            removed |= set(_strings(old)) | set(_strings(new))
        removed |= set(await sql.scalars(select(log.note).where(*commented)))
        await sql.execute(update(t.assessment_log).where(*typed).values(old=None, new=None))
        await sql.execute(update(t.assessment_log).where(*commented).values(note=None))
        e = t.evidence.c
        removed |= set(
            await sql.scalars(select(e.file_ref).where(e.assessment_id == assessment_id))
        )
        photos = select(e.id).where(e.assessment_id == assessment_id).scalar_subquery()
        stored = t.stored_photos.c
        names = await sql.scalars(
            select(stored.name).where(stored.evidence_id.in_(photos), stored.name.is_not(None))
        )
        await sql.execute(delete(t.stored_photos).where(stored.evidence_id.in_(photos)))
        if files is not None:
            files.delete(names)
        await sql.execute(delete(t.evidence).where(e.assessment_id == assessment_id))
        await sql.run(
            LOG,
            {
                "assessment_id": assessment_id,
                "at": now,
                "actor_id": None,
                "channel": None,
                "action": "privacy",
                "field": None,
                "old": None,
                "new": None,
                "note": "deleted",
            },
        )
    return removed


async def _forget_outbox(sql: Sql, group: set[int], person_ids: set[int], names: list[str]) -> None:
    """Notices naming the household, and every push to its people: those not yet delivered
    are cancelled; the text and the chat of all of them go."""
    o = t.outbox.c
    columns = (o.id, o.payload, o.status, o.person_id)
    about = o.payload["household_id"].as_integer()
    conditions = [about.in_(group)]
    if person_ids:
        conditions.append(o.person_id.in_(person_ids))
    rows = list(await sql.all(select(*columns).where(or_(*conditions))))
    if names:
        # Notices queued before they named their household: found by the name as a word.
        text = o.payload["text"].as_string()
        older = await sql.all(
            select(*columns).where(
                o.kind == "notice",
                about.is_(None),
                or_(*(text.contains(name, autoescape=True) for name in names)),
            )
        )
        words = _words(names)
        rows += [r for r in older if words.search(str((r[1] or {}).get("text", "")))]
    for outbox_id, stored, status, person_id in {r[0]: r for r in rows}.values():
        payload = dict(stored or {})
        values: dict[str, Any] = {
            "payload": {"channel": payload["channel"]} if "channel" in payload else {},
            "last_error": None,
        }
        if status != DELIVERED:
            values["status"] = "cancelled"
        if person_id in person_ids:
            values["chat_id"] = None
        await sql.execute(update(t.outbox).where(o.id == outbox_id).values(**values))


async def _forget_screens(
    sql: Sql,
    own_chats: set[tuple[str, str]],
    commune_id: int | None,
    secrets: list[str],
) -> None:
    """The household's own chats start again at the menu; so does any chat in the commune
    whose screen shows one of its names, answers or photos (a collaborator's list)."""
    c = t.chat_states.c
    own = [and_(c.channel == channel, c.chat_id == chat_id) for channel, chat_id in own_chats]
    states = list(await sql.all(select(c.id, c.state).where(or_(*own)))) if own else []
    if commune_id is not None and secrets:
        in_commune = await sql.all(
            select(c.id, c.state)
            .join(t.identities, and_(_i.channel == c.channel, _i.chat_id == c.chat_id))
            .join(t.people, _p.id == _i.person_id)
            .where(_p.commune_id == commune_id)
        )
        states += [
            state
            for state in in_commune
            if any(secret in text for text in _strings(state[1]) for secret in secrets)
        ]
    for state_id, stored in {s[0]: s for s in states}.values():
        kept = stored or {}
        await sql.execute(
            update(t.chat_states)
            .where(c.id == state_id)
            .values(state={key: kept[key] for key in KEPT_STATE if key in kept})
        )


def _strings(value: Any) -> Iterator[str]:
    """Every string inside a JSON value (keys too: a screen may key a dict by a name)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for key, item in value.items():
            yield str(key)
            yield from _strings(item)
    elif isinstance(value, list | tuple | set):
        for item in value:
            yield from _strings(item)


def _usable(strings: Iterable[str]) -> list[str]:
    return sorted({t.strip() for t in strings if len(t.strip()) >= MIN_SECRET}, key=len)


def _words(names: Sequence[str]) -> re.Pattern[str]:
    """Any of the names as whole words ("An" is not found in "Anh")."""
    alternatives = "|".join(re.escape(name) for name in sorted(names, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{alternatives})(?!\w)")
