"""forget what households deleted before issue 11 left behind; keep no chat-app names

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 10:00:00.000000

Data only, no schema change. Until issue 11, /xoa left a household's evidence photo ids, the
photo ids in its questionnaire's saved session, the comments written about it and the pushes
to its account; and every identity kept the name its chat app shows, which nothing reads and
which is no longer written. Notices to collaborators that named a household deleted before
this cannot be found any more (the name they would be found by is gone).
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects.postgresql import JSONB

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

JSONType = sa.JSON().with_variant(JSONB(), "postgresql")
DELETED = "SELECT id FROM households WHERE deleted_at IS NOT NULL"
THEIR_ASSESSMENTS = f"SELECT id FROM assessments WHERE household_id IN ({DELETED})"
THEIR_PEOPLE = (
    "SELECT person_id FROM households WHERE deleted_at IS NOT NULL AND person_id IS NOT NULL"
)


def upgrade() -> None:
    op.execute("UPDATE channel_identities SET display_name = NULL WHERE display_name IS NOT NULL")
    op.execute(f"DELETE FROM evidence WHERE assessment_id IN ({THEIR_ASSESSMENTS})")
    op.execute(f"UPDATE assessments SET comment = NULL WHERE household_id IN ({DELETED})")
    op.execute(
        "UPDATE assessment_log SET note = NULL WHERE action = 'status' AND note IS NOT NULL"
        f" AND assessment_id IN ({THEIR_ASSESSMENTS})"
    )
    bind = op.get_bind()
    assessments = sa.table(
        "assessments", sa.column("id", sa.Integer), sa.column("session", JSONType)
    )
    rows = bind.execute(
        sa.select(assessments.c.id, assessments.c.session).where(
            assessments.c.id.in_(sa.text(THEIR_ASSESSMENTS))
        )
    ).all()
    for assessment_id, session in rows:
        if session and session.get("evidence"):
            kept = {k: v for k, v in session.items() if k != "evidence"}
            bind.execute(
                assessments.update().where(assessments.c.id == assessment_id).values(session=kept)
            )
    outbox = sa.table(
        "outbox",
        sa.column("id", sa.Integer),
        sa.column("person_id", sa.Integer),
        sa.column("status", sa.String),
        sa.column("payload", JSONType),
        sa.column("chat_id", sa.String),
        sa.column("last_error", sa.Text),
    )
    pushes = bind.execute(
        sa.select(outbox.c.id, outbox.c.status, outbox.c.payload).where(
            outbox.c.person_id.in_(sa.text(THEIR_PEOPLE))
        )
    ).all()
    for push_id, status, payload in pushes:
        values: dict[str, Any] = {"chat_id": None, "last_error": None}
        values["payload"] = {"channel": payload["channel"]} if "channel" in (payload or {}) else {}
        if status != "sent":
            values["status"] = "cancelled"
        bind.execute(outbox.update().where(outbox.c.id == push_id).values(**values))


def downgrade() -> None:
    pass  # what was deleted is not restored
