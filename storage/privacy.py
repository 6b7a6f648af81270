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
from typing import Any

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from storage.repository import Repository
from storage.tables import (
    AssessmentLogRow,
    AssessmentRow,
    ChannelIdentityRow,
    ChatStateRow,
    CommuneRow,
    EvidenceRow,
    HouseholdRow,
    OutboxRow,
    PersonRow,
    VillageRow,
)

# A shorter string identifies nobody and would match unrelated words in other people's data.
MIN_SECRET = 3
# What a screen keeps when it is cleared: the language, and the counter that makes older
# buttons stale (starting it again would let an old button match a new list).
KEPT_STATE = ("lang", "n")
# An outbox row that was delivered stays counted as sent; any other will not be sent now.
DELIVERED = "sent"


async def forget_household(
    repo: Repository, household_id: int, text_questions: Sequence[str]
) -> None:
    """Remove what identifies the household and its people; keep its anonymous counts.

    A household merged with this one (a duplicate registration the collaborator confirmed to
    be the same family) is the same household: its copy goes too."""
    s = repo.s
    group = await _merge_group(s, household_id)
    households = list(await s.scalars(select(HouseholdRow).where(HouseholdRow.id.in_(group))))
    person_ids = {h.person_id for h in households if h.person_id is not None}
    people = list(await s.scalars(select(PersonRow).where(PersonRow.id.in_(person_ids))))
    identities = list(
        await s.scalars(
            select(ChannelIdentityRow).where(ChannelIdentityRow.person_id.in_(person_ids))
        )
    )
    # Names and phone numbers: looked for in notices written before notices named their
    # household, and in other people's screens.
    names: set[str] = {h.head_name for h in households} | {p.name for p in people}
    names |= {h.phone or "" for h in households} | {p.phone or "" for p in people}
    names |= {i.display_name or "" for i in identities}
    secrets = names | await _forget_assessments(repo, group, set(text_questions))

    await _forget_outbox(s, group, person_ids, _usable(names))
    commune_id = await s.scalar(
        select(VillageRow.commune_id).where(VillageRow.id == households[0].village_id)
    )
    # A free-text answer may be a place's name (the village, filled in by the bot): every
    # collaborator's screen shows those, and they name nobody.
    places = set(
        await s.scalars(select(VillageRow.name).where(VillageRow.commune_id == commune_id))
    )
    places |= set(await s.scalars(select(CommuneRow.name).where(CommuneRow.id == commune_id)))
    own_chats = {(i.channel, i.chat_id) for i in identities}
    await _forget_screens(s, own_chats, commune_id, _usable(secrets - places))

    for household in households:
        household.head_name = ""
        household.head_name_key = ""
        household.phone = None
        household.deleted_at = household.deleted_at or repo.now
    if person_ids:
        await s.execute(
            update(PersonRow)
            .where(PersonRow.id.in_(person_ids))
            .values(name="", phone=None, disabled=True)
        )
        await s.execute(
            update(ChannelIdentityRow)
            .where(ChannelIdentityRow.person_id.in_(person_ids))
            .values(person_id=None, display_name=None)
        )


async def _merge_group(s: AsyncSession, household_id: int) -> set[int]:
    """The household and every row merged with it, however the merges were chained."""
    root = household_id
    ancestors = {root}
    while True:
        parent = await s.scalar(select(HouseholdRow.merged_into).where(HouseholdRow.id == root))
        if parent is None or parent in ancestors:
            break
        root = parent
        ancestors.add(parent)
    group, frontier = ancestors | {root}, {root}
    while frontier:
        children = set(
            await s.scalars(select(HouseholdRow.id).where(HouseholdRow.merged_into.in_(frontier)))
        )
        frontier = children - group
        group |= children
    return group


async def _forget_assessments(
    repo: Repository, group: set[int], text_questions: set[str]
) -> set[str]:
    """Free-text answers, photos and comments of the household's assessments go; choices,
    numbers, scores and the status history stay. Returns the strings removed."""
    s = repo.s
    removed: set[str] = set()
    assessments = list(
        await s.scalars(select(AssessmentRow).where(AssessmentRow.household_id.in_(group)))
    )
    for assessment in assessments:
        answers = dict(assessment.answers or {})
        session = dict(assessment.session or {})
        session_answers = dict(session.get("answers") or {})
        for question in text_questions:
            removed |= set(_strings(answers.pop(question, None)))
            removed |= set(_strings(session_answers.pop(question, None)))
        session["answers"] = session_answers
        # The engine keeps the photo references too, to count them at the review.
        removed |= set(_strings(list((session.pop("evidence", None) or {}).values())))
        assessment.answers = answers
        assessment.session = session
        removed |= set(_strings(assessment.comment))
        assessment.comment = None

        # The log keeps who changed what and when; the values typed and the comments of
        # status changes (a reason for returning the form may name people) go.
        typed = (
            AssessmentLogRow.assessment_id == assessment.id,
            AssessmentLogRow.field.in_(text_questions),
        )
        commented = (
            AssessmentLogRow.assessment_id == assessment.id,
            AssessmentLogRow.action == "status",
            AssessmentLogRow.note.is_not(None),
        )
        for old, new in await s.execute(
            select(AssessmentLogRow.old, AssessmentLogRow.new).where(*typed)
        ):
            removed |= set(_strings(old)) | set(_strings(new))
        removed |= set(await s.scalars(select(AssessmentLogRow.note).where(*commented)))
        await s.execute(update(AssessmentLogRow).where(*typed).values(old=None, new=None))
        await s.execute(update(AssessmentLogRow).where(*commented).values(note=None))
        photos = await s.scalars(
            select(EvidenceRow.file_ref).where(EvidenceRow.assessment_id == assessment.id)
        )
        removed |= set(photos)
        await s.execute(delete(EvidenceRow).where(EvidenceRow.assessment_id == assessment.id))
        await repo.log(assessment.id, None, None, "privacy", None, None, None, "deleted")
    # Written back by SQLAlchemy at the next flush, with the updates above.
    return removed


async def _forget_outbox(
    s: AsyncSession, group: set[int], person_ids: set[int], names: list[str]
) -> None:
    """Notices naming the household, and every push to its people: those not yet delivered
    are cancelled; the text and the chat of all of them go."""
    about = OutboxRow.payload["household_id"].as_integer()
    conditions = [about.in_(group)]
    if person_ids:
        conditions.append(OutboxRow.person_id.in_(person_ids))
    rows = list(await s.scalars(select(OutboxRow).where(or_(*conditions))))
    if names:
        # Notices queued before they named their household: found by the name as a word.
        text = OutboxRow.payload["text"].as_string()
        older = await s.scalars(
            select(OutboxRow).where(
                OutboxRow.kind == "notice",
                about.is_(None),
                or_(*(text.contains(name, autoescape=True) for name in names)),
            )
        )
        words = _words(names)
        rows += [r for r in older if words.search(str((r.payload or {}).get("text", "")))]
    for row in {r.id: r for r in rows}.values():
        payload = dict(row.payload or {})
        row.payload = {"channel": payload["channel"]} if "channel" in payload else {}
        if row.status != DELIVERED:
            row.status = "cancelled"
        row.last_error = None
        if row.person_id in person_ids:
            row.chat_id = None


async def _forget_screens(
    s: AsyncSession,
    own_chats: set[tuple[str, str]],
    commune_id: int | None,
    secrets: list[str],
) -> None:
    """The household's own chats start again at the menu; so does any chat in the commune
    whose screen shows one of its names, answers or photos (a collaborator's list)."""
    own = [
        and_(ChatStateRow.channel == channel, ChatStateRow.chat_id == chat_id)
        for channel, chat_id in own_chats
    ]
    states = list(await s.scalars(select(ChatStateRow).where(or_(*own)))) if own else []
    if commune_id is not None and secrets:
        in_commune = await s.scalars(
            select(ChatStateRow)
            .join(
                ChannelIdentityRow,
                and_(
                    ChannelIdentityRow.channel == ChatStateRow.channel,
                    ChannelIdentityRow.chat_id == ChatStateRow.chat_id,
                ),
            )
            .join(PersonRow, PersonRow.id == ChannelIdentityRow.person_id)
            .where(PersonRow.commune_id == commune_id)
        )
        states += [
            state
            for state in in_commune
            if any(secret in text for text in _strings(state.state) for secret in secrets)
        ]
    for state in states:
        kept = state.state or {}
        state.state = {key: kept[key] for key in KEPT_STATE if key in kept}


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
