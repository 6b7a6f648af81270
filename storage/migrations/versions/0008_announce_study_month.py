"""communes that announce the study-promotion month to their registered households

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-30 22:30:00.000000

`hoctap units announce --commune NAME on|off` sets it; the scheduler queues the announcement
on 10/8 (local time) once a year to the households of the communes that opted in.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.add_column(
            sa.Column(
                "announce_study_month", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )


def downgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.drop_column("announce_study_month")
