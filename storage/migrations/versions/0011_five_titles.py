"""the other three learning models: people, villages and units as assessed subjects

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 23:30:00.000000
"""

from __future__ import annotations

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    pass


def downgrade() -> None:
    pass
