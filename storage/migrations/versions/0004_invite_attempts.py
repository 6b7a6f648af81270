"""wrong invite codes per chat, to limit guessing

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 09:00:00.000000

Every datetime column is already `timestamp with time zone` on PostgreSQL (0001–0003 use
DateTime(timezone=True)), so no column is converted here; on SQLite, storage.tables.UtcDateTime
reads the stored UTC wall time back as aware.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "invite_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("chat_id", sa.String(length=100), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite_attempts")),
    )
    with op.batch_alter_table("invite_attempts", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_attempts_at"), ["at"], unique=False)
        batch_op.create_index("ix_invite_attempts_chat", ["channel", "chat_id", "at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("invite_attempts", schema=None) as batch_op:
        batch_op.drop_index("ix_invite_attempts_chat")
        batch_op.drop_index(batch_op.f("ix_invite_attempts_at"))
    op.drop_table("invite_attempts")
