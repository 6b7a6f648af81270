"""the commune's paper settings (issuing body, signers) for the recognition dossier

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-30 23:30:00.000000

`hoctap units papers --commune NAME …` sets them; NULL everywhere prints the defaults
(bot/papers/settings.py).
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

COLUMNS = (
    ("paper_parent_body", 200),
    ("paper_issuing_body", 200),
    ("paper_chair_name", 200),
    ("paper_signer_lines", 200),
    ("paper_decision_by", 20),
    ("paper_decision_body", 200),
    ("paper_decision_signer_name", 200),
    ("paper_decision_signer_lines", 200),
    ("paper_place", 100),
)


def upgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        for name, length in COLUMNS:
            batch.add_column(sa.Column(name, sa.String(length), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("communes") as batch:
        for name, _ in reversed(COLUMNS):
            batch.drop_column(name)
