"""After a run: was every answer the users were answered for actually stored, once?"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import func, select

from bench.users import ANSWERS
from storage.db import Database
from storage.tables import AssessmentLogRow, AssessmentRow, ChannelIdentityRow, HouseholdRow


async def stored(db: Database, users: Sequence[int]) -> tuple[int, int]:
    """(submitted assessments, answer log rows) of these users' households."""
    households = (
        select(HouseholdRow.id)
        .join(ChannelIdentityRow, ChannelIdentityRow.person_id == HouseholdRow.person_id)
        .where(
            ChannelIdentityRow.channel == "telegram",
            ChannelIdentityRow.external_id.in_([str(u) for u in users]),
        )
    )
    async with db.session() as session:
        submitted = await session.scalar(
            select(func.count())
            .select_from(AssessmentRow)
            .where(AssessmentRow.household_id.in_(households), AssessmentRow.status == "submitted")
        )
        answers = await session.scalar(
            select(func.count())
            .select_from(AssessmentLogRow)
            .join(AssessmentRow, AssessmentRow.id == AssessmentLogRow.assessment_id)
            .where(
                AssessmentRow.household_id.in_(households),
                AssessmentLogRow.action == "answer",
                # What the bot knew before asking is logged too, marked as prefilled.
                AssessmentLogRow.note.is_(None),
            )
        )
    return int(submitted or 0), int(answers or 0)


async def expect_complete(db: Database, users: Sequence[int]) -> None:
    """Every user's assessment submitted, each answer logged exactly once."""
    for start in range(0, len(users), 500):
        chunk = users[start : start + 500]
        submitted, answers = await stored(db, chunk)
        if submitted != len(chunk) or answers != len(chunk) * len(ANSWERS):
            raise AssertionError(
                f"expected {len(chunk)} submitted assessments with {len(ANSWERS)} answers each,"
                f" found {submitted} and {answers} answers"
            )
