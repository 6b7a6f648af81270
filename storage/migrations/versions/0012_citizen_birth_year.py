"""a citizen's year of birth, asked when they join

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 09:00:00.000000

"Công dân học tập" is for adults (the pack's `min_age`): a person joining for it gives their
year of birth, kept on the citizen (NULL for those who joined before, and for the demo's
example without one). Personal data: /xoa clears it with the name.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.add_column(sa.Column("birth_year", sa.Integer(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.drop_column("birth_year")
