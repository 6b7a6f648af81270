"""the other three learning models: people, villages and units as assessed subjects

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-30 23:30:00.000000

Units (offices, schools, health stations, the People's Committee, enterprises) are imported
per commune and assessed for "Đơn vị học tập"; citizens (a household's adult member or a
unit's staff member) for "Công dân học tập". Assessments and invites name them.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "units",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("staff_total", sa.Integer(), nullable=True),
        sa.Column("head_person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_units_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["head_person_id"], ["people.id"], name=op.f("fk_units_head_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_units")),
        sa.UniqueConstraint("commune_id", "name_key", name=op.f("uq_units_commune_id")),
    )
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_units_commune_id"), ["commune_id"], unique=False)

    op.create_table(
        "citizens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("commune_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("household_id", sa.Integer(), nullable=True),
        sa.Column("unit_id", sa.Integer(), nullable=True),
        sa.Column("village_id", sa.Integer(), nullable=True),
        sa.Column("person_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("deleted_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["commune_id"], ["communes.id"], name=op.f("fk_citizens_commune_id_communes")
        ),
        sa.ForeignKeyConstraint(
            ["household_id"], ["households.id"], name=op.f("fk_citizens_household_id_households")
        ),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"], name=op.f("fk_citizens_unit_id_units")),
        sa.ForeignKeyConstraint(
            ["village_id"], ["villages.id"], name=op.f("fk_citizens_village_id_villages")
        ),
        sa.ForeignKeyConstraint(
            ["person_id"], ["people.id"], name=op.f("fk_citizens_person_id_people")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_citizens")),
    )
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_citizens_commune_id"), ["commune_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_citizens_household_id"), ["household_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_citizens_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("citizen_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assessments_citizen_id_citizens"), "citizens", ["citizen_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_assessments_unit_id_units"), "units", ["unit_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_assessments_unit_id"), ["unit_id"], unique=False)

    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.add_column(sa.Column("unit_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("household_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("citizen_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_invites_unit_id_units"), "units", ["unit_id"], ["id"]
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_invites_household_id_households"),
            "households",
            ["household_id"],
            ["id"],
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_invites_citizen_id_citizens"), "citizens", ["citizen_id"], ["id"]
        )


def downgrade() -> None:
    with op.batch_alter_table("invites", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_invites_citizen_id_citizens"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_invites_household_id_households"), type_="foreignkey"
        )
        batch_op.drop_constraint(batch_op.f("fk_invites_unit_id_units"), type_="foreignkey")
        batch_op.drop_column("citizen_id")
        batch_op.drop_column("household_id")
        batch_op.drop_column("unit_id")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_assessments_unit_id"))
        batch_op.drop_constraint(batch_op.f("fk_assessments_unit_id_units"), type_="foreignkey")
        batch_op.drop_constraint(
            batch_op.f("fk_assessments_citizen_id_citizens"), type_="foreignkey"
        )
        batch_op.drop_column("unit_id")
        batch_op.drop_column("citizen_id")
    with op.batch_alter_table("citizens", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_citizens_unit_id"))
        batch_op.drop_index(batch_op.f("ix_citizens_household_id"))
        batch_op.drop_index(batch_op.f("ix_citizens_commune_id"))
    op.drop_table("citizens")
    with op.batch_alter_table("units", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_units_commune_id"))
    op.drop_table("units")
