"""The answer each student chose and the item's key, where the export gave them (for misconceptions).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-02
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # batch_alter_table: SQLite cannot alter a table in place beyond ADD COLUMN; batch mode works on both.
    with op.batch_alter_table("assessment_results") as batch:
        batch.add_column(sa.Column("answer", sa.Text(), nullable=True))
        batch.add_column(sa.Column("correct_answer", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("assessment_results") as batch:
        batch.drop_column("correct_answer")
        batch.drop_column("answer")
