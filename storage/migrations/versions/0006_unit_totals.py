"""the real totals of each place: households and clans per village, villages per commune

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-24 10:00:00.000000

Shares are recognised ÷ every household (clan, village) of the commune, not ÷ those
registered in the bot. `hoctap units import` fills these; NULL means not known yet.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("villages") as batch:
        batch.add_column(sa.Column("households_total", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("clans_total", sa.Integer(), nullable=True))
    with op.batch_alter_table("communes") as batch:
        batch.add_column(sa.Column("villages_total", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        batch.drop_column("villages_total")
    with op.batch_alter_table("villages") as batch:
        batch.drop_column("clans_total")
        batch.drop_column("households_total")
