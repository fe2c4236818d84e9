"""The schedule engine: a group's series (start date, every N days, skip dates, pause),
posts claimed under a lease (sending, failed, missed), and files sent with a message.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.add_column(sa.Column("start_date", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("every_days", sa.SmallInteger(), server_default="7", nullable=False)
        )
        batch_op.add_column(
            sa.Column("skip_dates", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("paused_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index("ix_groups_status", ["status"], unique=False)

    with op.batch_alter_table("scheduled_posts", schema=None) as batch_op:
        batch_op.add_column(sa.Column("lease_until", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("fired_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index("ix_scheduled_posts_due_at")
        batch_op.create_index("ix_scheduled_posts_status_due", ["status", "due_at"], unique=False)
        batch_op.create_index(
            "ix_scheduled_posts_session_status", ["session_id", "status"], unique=False
        )

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attachment_name", sa.String(length=120), nullable=True))
        batch_op.add_column(sa.Column("attachment_type", sa.String(length=60), nullable=True))
        batch_op.add_column(sa.Column("attachment", sa.LargeBinary(), nullable=True))

    with op.batch_alter_table("group_sessions", schema=None) as batch_op:
        batch_op.create_index("ix_group_sessions_status_ends", ["status", "ends_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("attachment")
        batch_op.drop_column("attachment_type")
        batch_op.drop_column("attachment_name")

    with op.batch_alter_table("group_sessions", schema=None) as batch_op:
        batch_op.drop_index("ix_group_sessions_status_ends")

    with op.batch_alter_table("scheduled_posts", schema=None) as batch_op:
        batch_op.drop_index("ix_scheduled_posts_session_status")
        batch_op.drop_index("ix_scheduled_posts_status_due")
        batch_op.create_index("ix_scheduled_posts_due_at", ["due_at"], unique=False)
        batch_op.drop_column("fired_at")
        batch_op.drop_column("lease_until")

    with op.batch_alter_table("groups", schema=None) as batch_op:
        batch_op.drop_index("ix_groups_status")
        batch_op.drop_column("paused_at")
        batch_op.drop_column("skip_dates")
        batch_op.drop_column("every_days")
        batch_op.drop_column("start_date")
