"""evidence photos copied into the bot's photo store

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 12:00:00.000000

A row per evidence photo: the photo fetcher downloads it once from its channel (Telegram's
getFile) into EVIDENCE_DIR under an opaque name, so exports and the recognition dossier can
include it and it outlives the chat. Photos already received get their row here and are
fetched by the next running bot.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "stored_photos",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("evidence_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=True),
        sa.Column("size", sa.Integer(), nullable=True),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("stored_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.String(length=300), nullable=True),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_stored_photos_evidence_id_evidence")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_stored_photos")),
        sa.UniqueConstraint("evidence_id", name=op.f("uq_stored_photos_evidence_id")),
        sa.UniqueConstraint("name", name=op.f("uq_stored_photos_name")),
    )
    with op.batch_alter_table("stored_photos", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_stored_photos_next_at"), ["next_at"], unique=False)
    # Every photo received so far waits for the fetcher, due at once.
    op.execute(
        "INSERT INTO stored_photos (evidence_id, attempts, next_at) "
        "SELECT id, 0, created_at FROM evidence"
    )


def downgrade() -> None:
    with op.batch_alter_table("stored_photos", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_stored_photos_next_at"))
    op.drop_table("stored_photos")
